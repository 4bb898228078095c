import Testing

@testable import DwellCore

/// A pause with needles in is an alarm in waiting (standard limits: pause limit 3m, escalation
/// after 60 s). The default protocol's first site `a` (2 needles) runs 0–240 s; the session is
/// paused at 100 s, so the pause limit passes at 280 s and the alarm escalates at 340 s.
@Suite("Session state machine: the pause limit")
struct SessionStateMachinePauseLimitTests {
    /// A session paused at 100 s with site `a`'s 2 needles in.
    func paused() throws -> SessionStateMachine {
        var machine = try SessionStateMachine.started()
        try machine.command(.pause, at: s(100))
        return machine
    }

    @Test("paused breathes amber (3 s on, 1 s off), unlike any alarm; the pause limit is the next wake-up")
    func pausedSignal() throws {
        var machine = try SessionStateMachine.started()
        let actions = try machine.command(.pause, at: s(100))
        #expect(actions.shows.map(\.signal) == [.paused])
        #expect(actions.shows.map(\.since) == [s(100)])
        #expect(actions.wakes == [s(280)], "the pause limit, 3m after the pause")
        let lamps = IndicatorSignal.paused.patterns()
        #expect(lamps[.amber] == IndicatorSignal.pausedBreath)
        #expect(lamps[.green] == .off && lamps[.red] == .off && lamps[.buzzer] == .off)
        let amber = PatternWalk(IndicatorSignal.pausedBreath, window: s(12))
        #expect(amber.onsets == [s(0), s(4), s(8)])
        #expect(amber.offsets == [s(3), s(7), s(11)])
        let frequency = try #require(amber.frequency)
        #expect(frequency <= 3 && !(0.4...0.8).contains(frequency), "\(frequency) Hz: slower than any alarm")
        for alarm in [IndicatorSignal.attention, .attentionEscalated, .silenced] {
            #expect(alarm.patterns() != lamps, "\(alarm)")
        }
    }

    @Test("past the pause limit with needles in: medium priority, recorded; escalated (high) after escalate_after")
    func escalation() throws {
        var machine = try paused()
        #expect(machine.advance(to: s(279)).isEmpty, "nothing before the limit")
        let due = machine.advance(to: s(280))
        #expect(
            due.events == [
                SessionEvent(
                    .pauseOverdue, at: s(280), step: 0, stepKind: .site, site: "a", needles: 2,
                    note: "paused past the clinic's pause limit of 3m with 2 needles in")
            ])
        #expect(due.shows.map(\.signal) == [.pauseOverdue(escalated: false)])
        #expect(due.shows.map(\.since) == [s(280)])
        #expect(due.wakes == [s(340)])
        #expect(machine.phase == .paused, "still paused")
        #expect(machine.pauseAlarm == .init(since: s(280), escalated: false))
        #expect(
            IndicatorSignal.pauseOverdue(escalated: false).patterns() == IndicatorSignal.attention.patterns(),
            "the same medium-priority signal as an unanswered overrun")

        let escalated = machine.advance(to: s(400))
        #expect(
            escalated.events == [
                SessionEvent(
                    .sessionEscalated, at: s(340), step: 0, stepKind: .site, site: "a", needles: 2,
                    note: "paused too long with 2 needles in")
            ])
        #expect(escalated.shows.map(\.signal) == [.pauseOverdue(escalated: true)])
        #expect(escalated.shows.map(\.since) == [s(340)], "the pattern starts at the escalation's deadline")
        #expect(escalated.wakes == [nil])
        #expect(
            IndicatorSignal.pauseOverdue(escalated: true).patterns() == IndicatorSignal.attentionEscalated.patterns())
        #expect(machine.advance(to: s(2_000)).isEmpty, "nothing more comes due while paused")
    }

    @Test("resume ends the pause alarm: running again, the step's end moved by the pause")
    func resumeEndsIt() throws {
        var machine = try paused()
        _ = machine.advance(to: s(400))
        let actions = try machine.handle(.resume, at: s(400))
        #expect(actions.kinds == [.sessionResumed])
        #expect(actions.shows.map(\.signal) == [.running(cadence: nil)])
        #expect(machine.pauseAlarm == nil)
        #expect(machine.progress?.end == s(540))
    }

    @Test("counting every needle out ends the pause alarm; the session stays paused, quietly")
    func countingOutEndsIt() throws {
        var machine = try paused()
        _ = machine.advance(to: s(300))
        let actions = try machine.handle(.removeNeedles(count: nil, step: nil), at: s(300))
        #expect(actions.kinds == [.needlesRemoved])
        #expect(actions.shows.map(\.signal) == [.paused])
        #expect(actions.wakes == [nil], "no needles in: the pause never becomes an alarm")
        #expect(machine.pauseAlarm == nil && machine.phase == .paused)
        #expect(machine.advance(to: s(2_000)).isEmpty)
    }

    @Test("counting one of two needles out keeps the alarm")
    func countingSomeOutKeepsIt() throws {
        var machine = try paused()
        _ = machine.advance(to: s(300))
        let actions = try machine.handle(.removeNeedles(count: 1, step: nil), at: s(300))
        #expect(actions.shows.isEmpty)
        #expect(machine.pauseAlarm == .init(since: s(280), escalated: false))
    }

    @Test("needles counted back in during a pause that had alarmed get the full limit again, not a backdated alarm")
    func countedBackInRestartsTheLimit() throws {
        var machine = try paused()
        _ = machine.advance(to: s(300))
        try machine.command(.removeNeedles(count: nil, step: nil), at: s(300))
        #expect(machine.pauseAlarm == nil && machine.needlesInSince == nil)
        let back = try machine.handle(.placeNeedles(count: 3, step: 0), at: s(500))
        #expect(back.kinds == [.needlesPlaced], "no alarm raised at once")
        #expect(back.shows.isEmpty, "still the quiet paused signal")
        #expect(back.wakes == [s(680)], "the limit counts from the needles going back in")
        #expect(machine.advance(to: s(679)).isEmpty)
        let due = machine.advance(to: s(680))
        #expect(due.kinds == [.pauseOverdue])
        #expect(due.events.map(\.at) == [s(680)])
        #expect(due.wakes == [s(740)], "escalation escalate_after later, not at once")
    }

    @Test("abort ends the pause alarm: the needles still in hold the session in needles unaccounted")
    func abortEndsIt() throws {
        var machine = try paused()
        _ = machine.advance(to: s(350))
        let actions = try machine.handle(.abort, at: s(350))
        #expect(actions.kinds == [.sessionStopped, .needlesUnaccounted])
        #expect(actions.shows.map(\.signal) == [.unaccounted(escalated: false)])
        #expect(machine.pauseAlarm == nil)
    }

    @Test("a pause with no needles in (a rest) never becomes an alarm")
    func noNeedlesNoAlarm() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.removeNeedles(count: nil, step: nil), at: s(240))
        try machine.command(.pause, at: s(250))  // during the rest, no needles counted in
        #expect(machine.nextDeadline == nil)
        #expect(machine.advance(to: s(3_000)).isEmpty)
        #expect(machine.currentSignal == .paused)
    }

    @Test("the alarm cannot be silenced: resuming, counting out or aborting answers it")
    func cannotBeSilenced() throws {
        var machine = try paused()
        _ = machine.advance(to: s(300))
        #expect {
            try machine.handle(.silence, at: s(300))
        } throws: { error in
            (error as? CommandRejection)?.reason.contains("ends when the session resumes") == true
        }
        #expect(machine.currentSignal == .pauseOverdue(escalated: false))
    }

    @Test("acknowledge during the pause alarm is refused with what ends it, not as if nothing were due")
    func acknowledgeNamesWhatEndsIt() throws {
        var machine = try paused()
        _ = machine.advance(to: s(300))
        let before = machine
        #expect {
            try machine.handle(.acknowledge, at: s(300))
        } throws: { error in
            guard let reason = (error as? CommandRejection)?.reason else { return false }
            return reason.contains("pause has gone on too long") && reason.contains("resumes")
                && reason.contains("aborted") && reason.contains("every needle is counted out")
                && !reason.contains("until the last step has ended")
        }
        #expect(machine.state == before.state && machine.currentSignal == .pauseOverdue(escalated: false))
    }

    @Test("the clinic's pause limit applies")
    func clinicPauseLimit() throws {
        var machine = try SessionStateMachine.started(limits: ClinicLimits(pauseLimit: s(30)))
        try machine.command(.pause, at: s(100))
        #expect(machine.nextDeadline == s(130))
        #expect(machine.advance(to: s(130)).kinds == [.pauseOverdue])
    }

    @Test("an interruption while paused too long keeps the alarm: a resume goes on from it, not raising it again")
    func interruptedAndResumed() throws {
        var machine = try paused()
        _ = machine.advance(to: s(300))
        _ = try machine.handle(.interrupt, at: s(310))
        #expect(machine.pauseAlarm == .init(since: s(280), escalated: false))
        #expect(machine.currentSignal == .interrupted(escalated: false), "the interruption's alarm shows meanwhile")
        let actions = try machine.handle(.resume, at: s(500))
        #expect(actions.kinds == [.interruptionResumed, .sessionEscalated], "the escalation that came due, once")
        #expect(actions.events.map(\.at) == [s(500), s(340)])
        #expect(machine.currentSignal == .pauseOverdue(escalated: true))
    }

    @Test("a pause interrupted before its limit raises the alarm on resume, caught up, once")
    func interruptedBeforeTheLimit() throws {
        var machine = try paused()
        _ = try machine.handle(.interrupt, at: s(150))
        #expect(machine.pauseAlarm == nil)
        let actions = try machine.handle(.resume, at: s(500))
        #expect(actions.kinds == [.interruptionResumed, .pauseOverdue, .sessionEscalated])
        #expect(actions.events.map(\.at) == [s(500), s(280), s(340)])
    }

    @Test("a replayed history gives back the pause alarm, escalated, with the same events")
    func replay() throws {
        var machine = try paused()
        let made = machine.advance(to: s(400)).events
        let replayed = try SessionStateMachine.replaying(
            makeProtocol(), limits: .standard,
            history: [.init(at: .zero, command: .start), .init(at: s(100), command: .pause)], until: s(400),
            recorded: [(.sessionStarted, nil), (.stepStarted, 0), (.sessionPaused, 0)] + made.map { ($0.kind, $0.step) }
        )
        #expect(replayed.pauseAlarm == .init(since: s(280), escalated: true))
        #expect(replayed.state == machine.state)
        var adopted = replayed
        #expect(adopted.adopt().shows.map(\.signal) == [.pauseOverdue(escalated: true)])
    }
}
