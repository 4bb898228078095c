/// A pause with needles in is an alarm in waiting: past the clinic's pause limit it gives the
/// overrun's medium-priority signal, and escalates to high after `escalate_after`. Resuming,
/// aborting or counting every needle out ends it (the alarm lapses when it no longer stands).
extension SessionStateMachine {
    /// A paused session with needles in: when the pause becomes an alarm (the limit counts from the
    /// pause, or from when needles went back in during it), then when it escalates.
    func pauseDeadline(since: Duration) -> Duration? {
        guard needles.difference > 0 else { return nil }
        guard let pauseAlarm else { return max(since, needlesInSince ?? since) + limits.pauseLimit }
        return pauseAlarm.escalated ? nil : pauseAlarm.since + limits.escalateAfter
    }

    /// The pause alarm stands: paused, with needles still in. An interruption of the pause keeps
    /// it (the interrupted alarm shows meanwhile), so a resume goes on from it instead of raising
    /// it, and recording it, again.
    var pauseAlarmStands: Bool {
        switch state {
        case .paused, .interrupted(_, _, _, previous: .paused): return needles.difference > 0
        default: return false
        }
    }

    /// Paused too long with needles in: medium priority at the pause limit, high after
    /// `escalate_after` more, each recorded.
    mutating func firePauseAlarm(
        _ progress: StepProgress, at deadline: Duration, into actions: inout [SessionAction]
    ) {
        var overdue = event(.pauseOverdue, at: deadline, step: progress.index)
        overdue.needles = needles.difference
        if pauseAlarm == nil {
            pauseAlarm = PauseAlarm(since: deadline, escalated: false)
            overdue.note =
                "paused past the clinic's pause limit of \(limits.pauseLimit.notation) with \(needlesIn) in"
            actions.append(.record(overdue))
        } else {
            pauseAlarm?.escalated = true
            overdue.kind = .sessionEscalated
            overdue.note = "paused too long with \(needlesIn) in"
            actions.append(.record(overdue))
        }
    }

    /// Keeps ``needlesInSince``: set when the counts go from agreeing to needles in, cleared when
    /// none are in.
    mutating func noteNeedles(at time: Duration) {
        if needles.difference <= 0 {
            needlesInSince = nil
        } else if needlesInSince == nil {
            needlesInSince = time
        }
    }

    private var needlesIn: String {
        "\(needles.difference) needle\(needles.difference == 1 ? "" : "s")"
    }
}
