/// Rapid removal (needle shock, fainting) means "out now, count later": timing stops at once and
/// the session waits in `reconcile` until the therapist says how many needles were recovered. A
/// match ends it as rapid removal ends it; a mismatch goes through "needles unaccounted" (count
/// the rest out, or close with a reason). Nothing is counted out until then.
extension SessionStateMachine {
    mutating func removeAtOnce(at time: Duration, into actions: inout [SessionAction]) {
        let step = currentStepIndex
        let still = needles.difference
        actions.append(
            .record(
                SessionEvent(
                    .rapidRemoval, at: time, step: step, needles: max(still, 0), note: Self.rapidRemovalNote(still))
            ))
        if still > 0 {
            state = .reconcile(since: time, then: .aborted(step: step))
        } else {
            close(.aborted(step: step), at: time, into: &actions)
        }
    }

    mutating func reconcile(
        recovered: Int, then: Closing, at time: Duration, into actions: inout [SessionAction]
    ) throws(CommandRejection) {
        guard (0...SessionCommand.maximumRecovered).contains(recovered) else {
            throw reject(
                .reconcile(recovered: recovered),
                because: "a recovered count must be 0 to \(SessionCommand.maximumRecovered), not \(recovered)")
        }
        let expected = needles.difference
        needles.recover(recovered)
        actions.append(
            .record(
                SessionEvent(
                    .needlesReconciled, at: time, needles: recovered,
                    note: Self.reconciledNote(recovered: recovered, expected: expected))))
        close(then, at: time, into: &actions)
    }

    /// What a `needles.rapid-removal` row says: how many were still counted in, not that every
    /// needle is accounted for (they are counted after).
    static func rapidRemovalNote(_ still: Int) -> String {
        guard still > 0 else { return "needle shock or fainting: no needle was counted in; the session ends" }
        let needles = still == 1 ? "the 1 needle" : "the \(still) needles"
        return "needle shock or fainting: \(needles) still counted in \(still == 1 ? "was" : "were") removed at once, "
            + "to be counted"
    }

    /// What a `needles.reconciled` row says: how many of how many, and the difference if any.
    static func reconciledNote(recovered: Int, expected: Int) -> String {
        let base =
            "\(recovered) of the \(expected) needle\(expected == 1 ? "" : "s") removed at once recovered and counted out"
        if recovered < expected { return base + ": \(expected - recovered) not found" }
        if recovered > expected { return base + ": \(recovered - expected) more than were counted in" }
        return base
    }
}
