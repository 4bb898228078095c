import DwellCore

/// A runner on a ``PrecisionClock`` hands its lamp and buzzer edges to the timer thread's
/// ``LampDriver``: the patterns shown now, and the change the next cue brings (worked out ahead
/// on a copy of the state machine), so lamps and buzzer switch on time even when the runner's
/// actor is woken late. The actor still records and reports the cue when it runs.
extension SessionRunner {
    /// Tells the driver the session's origin and where an output failure goes.
    func beginEdges() {
        guard let edges, let origin = origin as? PrecisionClock.Instant else { return }
        edges.begin(origin: origin.nanoseconds) { [weak self] message, offset in
            Task { await self?.outputFailed(message, at: offset) }
        }
    }

    func outputFailed(_ message: String, at offset: Duration) {
        guard !halted else { return }
        raiseFault(message, at: offset, fromOutput: true)
        rearm()
    }

    /// The patterns the lamps will show after the machine's next wake-up, if they change then.
    func upcomingChange() -> LampDriver.Upcoming? {
        guard let wake = machineWake else { return nil }
        var ahead = machine
        var shown = displayed
        var change: LampDriver.Upcoming?
        for case .show(let signal, let since) in ahead.advance(to: wake) {
            let next = signal.withCall(callSince != nil)
            if next != .calling || shown != .calling {
                change = LampDriver.Upcoming(at: wake, patterns: next.patterns(fault: fault), since: since)
                shown = next
            }
        }
        return change
    }
}
