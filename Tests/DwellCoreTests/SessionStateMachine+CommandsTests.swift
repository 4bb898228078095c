import Testing

@testable import DwellCore

/// Timeline of the default protocol: `a` 0–240 (warning 210), rest 240–300, `b` 300–540
/// (warning 510), `c` 540–720 (warning 690); overrun 720, escalation 780.
@Suite("Session state machine: commands")
struct SessionStateMachineCommandsTests {
    /// The `at` of every event of `kind` in `actions`.
    private func times(_ kind: SessionEvent.Kind, _ actions: [SessionAction]) -> [Duration] {
        actions.events.filter { $0.kind == kind }.map(\.at)
    }

    // MARK: Pause and resume

    @Test("pause then resume shifts every remaining deadline by exactly the pause length")
    func pauseResume() throws {
        var machine = try SessionStateMachine.started()
        let paused = try machine.command(.pause, at: s(100))
        #expect(paused.events == [SessionEvent(.sessionPaused, at: s(100), step: 0, stepKind: .site, site: "a")])
        #expect(paused.shows.map(\.signal) == [.paused])
        #expect(paused.wakes == [s(280)], "only the pause limit (needles are in)")
        #expect(machine.nextDeadline == s(280))
        #expect(machine.remaining(at: s(150)) == s(140), "the countdown holds while paused")
        #expect(
            machine.advance(to: s(500)).kinds == [.pauseOverdue, .sessionEscalated],
            "time moves no step while paused; with needles in the pause became an alarm")

        let resumed = try machine.handle(.resume, at: s(563))  // paused for 463 s
        #expect(resumed.kinds == [.sessionResumed])
        #expect(resumed.shows.map(\.signal) == [.running(cadence: nil)])
        #expect(resumed.shows.map(\.since) == [s(563)])
        #expect(resumed.wakes == [s(673)])
        let rest = machine.runDeadlines()
        #expect(times(.stepWarning, rest) == [s(210), s(510), s(690)].map { $0 + s(463) })
        #expect(times(.stepEnded, rest) == [s(240), s(300), s(540), s(720)].map { $0 + s(463) })
        #expect(times(.sessionOverrun, rest) == [s(1_183)])
        #expect(times(.sessionEscalated, rest) == [s(1_243)])
    }

    @Test("pausing after the warning keeps the warning given; resume shows it again")
    func pauseAfterWarning() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.pause, at: s(220))
        let resumed = try machine.command(.resume, at: s(250))
        #expect(resumed.shows.map(\.signal) == [.warning])
        #expect(machine.nextDeadline == s(270))
        #expect(machine.advance(to: s(270)).kinds == [.stepEnded, .stepStarted])
    }

    @Test("a rest can be paused and resumed")
    func pauseRest() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.pause, at: s(250))
        try machine.command(.resume, at: s(260))
        #expect(machine.nextDeadline == s(310))
        #expect(machine.currentSignal == .rest)
    }

    // MARK: Extend

    @Test("extend shifts the current step's end and every later step by the amount")
    func extendShifts() throws {
        var machine = try SessionStateMachine.started()
        let extended = try machine.command(.extend(m(2)), at: s(100))
        #expect(
            extended.events == [
                SessionEvent(.stepExtended, at: s(100), step: 0, stepKind: .site, site: "a", added: m(2))
            ])
        #expect(extended.wakes == [s(330)])
        #expect(extended.shows.isEmpty, "still running")
        let rest = machine.runDeadlines()
        #expect(times(.stepWarning, rest) == [s(330), s(630), s(810)])
        #expect(times(.stepEnded, rest) == [s(360), s(420), s(660), s(840)])
        #expect(times(.sessionOverrun, rest) == [s(840)])
    }

    @Test("extending after the warning re-arms it when the new remainder exceeds warn_before")
    func extendRearmsWarning() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(220))
        #expect(machine.currentSignal == .warning)
        let extended = try machine.handle(.extend(m(1)), at: s(220))  // 80 s left > 30 s
        #expect(extended.shows.map(\.signal) == [.running(cadence: nil)])
        #expect(extended.shows.map(\.since) == [s(220)])
        #expect(machine.progress?.warning == .pending)
        #expect(machine.nextDeadline == s(270))
        #expect(machine.advance(to: s(300)).kinds == [.stepWarning, .stepEnded, .stepStarted])
    }

    @Test("extending after the warning by too little to warn again keeps the warning")
    func extendKeepsWarning() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(220))
        let extended = try machine.handle(.extend(s(5)), at: s(220))  // 25 s left ≤ 30 s
        #expect(extended.shows.isEmpty)
        #expect(machine.currentSignal == .warning)
        #expect(machine.progress?.warning == .given)
        #expect(machine.nextDeadline == s(245))
    }

    @Test("extending a short site past warn_before gives it a warning")
    func extendShortSite() throws {
        var machine = try SessionStateMachine.started(makeProtocol(steps: [site("a", s(20)), site("b", m(11))]))
        try machine.command(.extend(m(1)), at: s(10))
        #expect(machine.progress?.warning == .pending)
        #expect(machine.nextDeadline == s(50))
    }

    @Test("extending a rest moves its end and never warns")
    func extendRest() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(250))
        let actions = try machine.handle(.extend(m(1)), at: s(250))
        #expect(actions.events == [SessionEvent(.stepExtended, at: s(250), step: 1, stepKind: .rest, added: m(1))])
        #expect(machine.progress?.warning == SessionStateMachine.Warning.none)
        #expect(machine.nextDeadline == s(360))
    }

    @Test("extend while paused adds to the held step; resume then shifts as usual")
    func extendWhilePaused() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.pause, at: s(220))  // warning given, 20 s left
        let extended = try machine.command(.extend(m(1)), at: s(230))
        #expect(extended.kinds == [.stepExtended])
        #expect(machine.phase == .paused)
        #expect(machine.nextDeadline == s(400), "the pause limit, from the pause")
        #expect(machine.remaining(at: s(230)) == s(80))
        #expect(machine.progress?.warning == .pending)
        let resumed = try machine.command(.resume, at: s(240))
        #expect(resumed.shows.map(\.signal) == [.running(cadence: nil)])
        #expect(machine.nextDeadline == s(290))  // end 300 + 20 paused = 320, warning 290
        #expect(machine.advance(to: s(320)).kinds == [.stepWarning, .stepEnded, .stepStarted])
    }

    @Test("extend from overrun returns to the last site for the added time", arguments: [false, true])
    func extendFromOverrun(escalated: Bool) throws {
        var machine = try SessionStateMachine.started()
        let at = escalated ? s(800) : s(750)
        _ = machine.advance(to: at)
        let actions = try machine.handle(.extend(m(2)), at: at)
        #expect(
            actions.events == [SessionEvent(.stepExtended, at: at, step: 3, stepKind: .site, site: "c", added: m(2))])
        #expect(actions.shows.map(\.signal) == [.running(cadence: nil)])
        #expect(machine.phase == .running)
        #expect(machine.currentStepIndex == 3)
        #expect(machine.nextDeadline == at + s(90), "120 s left > 30 s, so the warning comes again")
        let rest = machine.runDeadlines()
        #expect(rest.kinds == [.stepWarning, .stepEnded, .sessionOverrun, .sessionEscalated])
        #expect(rest.events.map(\.at) == [at + s(90), at + s(120), at + s(120), at + s(180)])
    }

    @Test("a short extension from overrun has no warning")
    func shortExtendFromOverrun() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(730))
        try machine.command(.extend(s(20)), at: s(730))
        #expect(machine.nextDeadline == s(750))
        #expect(machine.advance(to: s(750)).kinds == [.stepEnded, .sessionOverrun])
    }

    @Test("extend in observation moves its end")
    func extendObservation() throws {
        var machine = try SessionStateMachine.started(makeProtocol(observation: m(5)))
        try machine.countOutAndAcknowledge(at: s(730))
        let actions = try machine.command(.extend(m(2)), at: s(800))
        #expect(actions.events == [SessionEvent(.stepExtended, at: s(800), stepKind: .observation, added: m(2))])
        #expect(actions.wakes == [s(1_150)])
        #expect(machine.state == .observation(startedAt: s(730), end: s(1_150)))
        #expect(machine.remaining(at: s(1_000)) == s(150))
    }

    @Test(
        "extensions must be more than zero and at most 30 minutes",
        arguments: [Duration.zero, .seconds(-60), m(30) + .milliseconds(1), m(45)])
    func extendAmountRejected(amount: Duration) throws {
        var machine = try SessionStateMachine.started()
        let before = machine.state
        let rejection = #expect(throws: CommandRejection.self) {
            try machine.handle(.extend(amount), at: s(10))
        }
        #expect(rejection?.command == .extend(amount))
        #expect(rejection?.phase == .running)
        #expect(rejection?.reason.contains("30m") == true)
        #expect(machine.state == before)
    }

    @Test("an extension of exactly 30 minutes is accepted (under a hard limit that leaves room for it)")
    func extendMaximum() throws {
        var machine = try SessionStateMachine.started(limits: ClinicLimits(hardLimit: .seconds(3_600)))
        try machine.command(.extend(m(30), reason: "the largest single extension"), at: .zero)
        #expect(machine.remaining(at: .zero) == m(34))
    }

    // MARK: Skip

    @Test("skip ends the step at the command time and the next steps follow from there")
    func skip() throws {
        var machine = try SessionStateMachine.started()
        let actions = try machine.command(.skip, at: s(100))
        #expect(
            actions.events == [
                SessionEvent(.stepSkipped, at: s(100), step: 0, stepKind: .site, site: "a"),
                SessionEvent(.stepEnded, at: s(100), step: 0, stepKind: .site, site: "a", needles: 2),
                SessionEvent(.stepStarted, at: s(100), step: 1, stepKind: .rest),
            ])
        #expect(actions.shows.map(\.signal) == [.rest])
        #expect(actions.shows.map(\.since) == [s(100)])
        #expect(actions.wakes == [s(160)])
        let rest = machine.runDeadlines()
        #expect(times(.stepStarted, rest) == [s(160), s(400)])
        #expect(times(.stepEnded, rest) == [s(160), s(400), s(580)])
        #expect(times(.sessionOverrun, rest) == [s(580)])
    }

    @Test("skip while paused moves on to the next step, running")
    func skipWhilePaused() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.pause, at: s(100))
        let actions = try machine.command(.skip, at: s(150))
        #expect(actions.kinds == [.sessionResumed, .stepSkipped, .stepEnded, .stepStarted])
        #expect(actions.events.map(\.at) == [s(150), s(150), s(150), s(150)])
        #expect(machine.phase == .rest)
        #expect(machine.currentSignal == .rest)
        #expect(machine.nextDeadline == s(210))
    }

    @Test("skipping the last step starts the overrun at the command time")
    func skipLast() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(600))
        let actions = try machine.handle(.skip, at: s(600))
        #expect(actions.kinds == [.stepSkipped, .stepEnded, .sessionOverrun])
        #expect(machine.state == .overrun(since: s(600), escalated: false))
        #expect(machine.nextDeadline == s(660))
    }

    @Test("skip in observation completes the session")
    func skipObservation() throws {
        var machine = try SessionStateMachine.started(makeProtocol(observation: m(5)))
        try machine.countOutAndAcknowledge(at: s(730))
        let actions = try machine.command(.skip, at: s(800))
        #expect(
            actions == [
                .record(SessionEvent(.stepSkipped, at: s(800), stepKind: .observation)),
                .record(SessionEvent(.observationEnded, at: s(800), stepKind: .observation)),
                .record(SessionEvent(.sessionCompleted, at: s(800))),
                .show(.idle, since: s(800)),
                .wake(at: nil),
            ])
        #expect(machine.state == .completed(at: s(800)))
    }
}
