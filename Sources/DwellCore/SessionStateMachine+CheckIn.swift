/// The check-in reminder (`clinic.check_every`) and the sweep gate (`clinic.sweep`).
///
/// Check-in: while a session has needles in or is timing (a step, a pause, the overrun,
/// observation, needles unaccounted, the count after a rapid removal), a bed nobody has touched
/// for `check_every` gives a low-priority cue (`check-due`, recorded as `check.due`) on top of
/// any information signal; a louder alarm keeps its own signal. `checked` (recorded as
/// `check.done`) or any other command on the bed starts the timer over. An interrupted session
/// has its own high-priority alarm and no check-in timer; a resume starts it over.
///
/// Sweep: a session that had needles in ends through `sweep` (low priority, `sweep`) until
/// `swept` confirms the couch and floor were checked for stray needles; it then reads completed
/// (or aborted, as it was going to). The reminder does not escalate: the counts agreed (or a
/// mismatch was closed for a recorded reason), so no needle is known to be in the patient; it
/// repeats its two pulses every 30 s until answered.
extension SessionStateMachine {
    /// The phases whose bed the check-in timer watches.
    var checksIn: Bool {
        switch state {
        case .step, .paused, .overrun, .observation, .unaccounted, .reconcile: return true
        case .prepare, .interrupted, .sweep, .completed, .aborted: return false
        }
    }

    /// When the check-in comes due, if the clinic has one and it has not yet.
    public var checkInDeadline: Duration? {
        guard let every = limits.checkEvery, checksIn, !checkOverdue else { return nil }
        return lastTouch + every
    }

    /// How long until the check-in is due (negative once overdue); nil without a check-in timer
    /// or outside the phases it watches.
    public func checkIn(at time: Duration) -> Duration? {
        guard let every = limits.checkEvery, checksIn else { return nil }
        return lastTouch + every - time
    }

    mutating func fireCheckIn(at deadline: Duration, into actions: inout [SessionAction]) {
        checkOverdue = true
        let untouched = limits.checkEvery.map { " for \($0.notation)" } ?? ""
        actions.append(
            .record(
                SessionEvent(
                    .checkDue, at: deadline, step: currentStepIndex, needles: needles.difference,
                    note: "nobody has looked in on the patient\(untouched)")))
    }

    /// A therapist's command: the check-in timer starts over.
    mutating func touch(at time: Duration) {
        lastTouch = time
        checkOverdue = false
    }

    /// Whether a session ending now waits for the sweep: the clinic asks for it and needles went in.
    var sweeps: Bool { limits.sweep && needles.totalPlaced > 0 }

    /// `checked`: recorded in every phase the timer watches (also without `check_every`, since a
    /// check is worth recording); refused where nothing is in progress.
    mutating func check(at time: Duration, into actions: inout [SessionAction]) throws(CommandRejection) {
        guard checksIn || isInterrupted else {
            throw reject(.checked, because: checkRefusal)
        }
        let overdue = checkOverdue ? " (the check-in was overdue)" : ""
        actions.append(
            .record(
                SessionEvent(
                    .checkDone, at: time, step: currentStepIndex, note: "a therapist looked in on the patient\(overdue)"
                )))
    }

    /// `swept`: the couch and floor were checked; the session ends as it was going to.
    mutating func sweep(at time: Duration, into actions: inout [SessionAction]) throws(CommandRejection) {
        guard case .sweep(_, let then) = state else {
            throw reject(
                .swept,
                because: isFinished
                    ? "the session has ended; start a new one"
                    : "the couch and floor are checked once every needle is out and the session ends")
        }
        actions.append(.record(SessionEvent(.sweepDone, at: time, note: "couch and floor checked for stray needles")))
        end(then, at: time, into: &actions)
    }

    private var isInterrupted: Bool {
        if case .interrupted = state { return true }
        return false
    }

    private var checkRefusal: String {
        switch state {
        case .prepare: return "the session has not started yet"
        case .sweep: return "every needle is out: confirm the couch and floor are checked (swept)"
        default: return "the session has ended; start a new one"
        }
    }
}
