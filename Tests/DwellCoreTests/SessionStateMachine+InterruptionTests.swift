import Testing

@testable import DwellCore

/// Silenced alarms, interruptions (dwelld restarted mid-session) and rebuilding a session from
/// its recorded commands. Default protocol timeline: `a` 0–240, rest 240–300, `b` 300–540,
/// `c` 540–720; overrun 720, escalation 780.
@Suite("Session state machine: silence, interruption and replay")
struct SessionStateMachineInterruptionTests {
    @Test("silence quiets the alarm for silence_for, looks different, and defers the escalation")
    func silence() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(730))
        let actions = try machine.command(.silence, at: s(730))
        #expect(actions.events == [SessionEvent(.alarmSilenced, at: s(730), note: "buzzer silenced for 2m")])
        #expect(actions.shows.map(\.signal) == [.silenced])
        #expect(machine.nextDeadline == s(850), "the escalation (due 780) waits for the silence to end")
        #expect(machine.advance(to: s(849)).isEmpty)
        let lapsed = machine.advance(to: s(850))
        #expect(lapsed.kinds == [.sessionEscalated])
        #expect(lapsed.events.first?.at == s(850))
        #expect(machine.currentSignal == .attentionEscalated)
    }

    @Test("a silence lapses when the phase changes")
    func silenceLapses() throws {
        var machine = try SessionStateMachine.started(makeProtocol(observation: m(5)))
        _ = machine.advance(to: s(730))
        try machine.command(.silence, at: s(730))
        try machine.command(.acknowledge, at: s(740))
        #expect(machine.currentSignal == .unaccounted(escalated: false))
        #expect(machine.activeSilence == nil)
        #expect(machine.nextDeadline == s(800))
    }

    @Test("interrupted, the session is frozen: nothing fires until a therapist resumes it")
    func interruptAndResume() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(100))
        // dwelld comes back at 500 s: it interrupts without catching up first.
        let interrupted = try machine.handle(.interrupt, at: s(500))
        #expect(interrupted.events == [SessionEvent(.sessionInterrupted, at: s(500))])
        #expect(interrupted.shows.map(\.signal) == [.interrupted(escalated: false)])
        #expect(machine.nextDeadline == s(560))
        #expect(machine.advance(to: s(560)).kinds == [.sessionEscalated])
        #expect(machine.currentSignal == .interrupted(escalated: true))
        // Resumed at 600 s: the needles stayed in, so everything due meanwhile happens now.
        let resumed = try machine.command(.resume, at: s(600))
        #expect(
            resumed.kinds == [
                .interruptionResumed, .stepWarning, .stepEnded, .stepStarted, .stepEnded, .stepStarted,
                .stepWarning, .stepEnded, .stepStarted,
            ])
        #expect(
            resumed.events.dropFirst().map(\.at) == [s(210), s(240), s(240), s(300), s(300), s(510), s(540), s(540)])
        #expect(machine.currentStepIndex == 3)
        #expect(machine.remaining(at: s(600)) == s(120))
    }

    @Test("finish after an interruption ends the session once the needles are counted out")
    func finish() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(100))
        _ = try machine.handle(.interrupt, at: s(400))
        #expect(try machine.command(.finish, at: s(410)).kinds == [.interruptionFinished, .needlesUnaccounted])
        #expect(machine.state == .unaccounted(since: s(410), then: .aborted(step: 0), escalated: false))
        #expect(
            try machine.command(.removeNeedles(count: nil, step: nil), at: s(420)).kinds == [
                .needlesRemoved, .sessionAborted,
            ])
    }

    @Test("finishing an interrupted overrun completes; an unresumable session can only finish")
    func finishOverrunAndUnresumable() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(730))
        _ = try machine.handle(.removeNeedles(count: nil, step: nil), at: s(730))
        _ = try machine.handle(.interrupt, at: s(900))
        #expect(try machine.command(.finish, at: s(910)).kinds == [.interruptionFinished, .sessionCompleted])

        var ledger = NeedleLedger()
        try ledger.place(3, at: 0)
        var stranded = SessionStateMachine(
            interruptedAt: s(50), treatment: makeProtocol(), limits: .standard, needles: ledger, stepsDone: false)
        #expect(stranded.adopt().shows.map(\.signal) == [.interrupted(escalated: false)])
        let refused = #expect(throws: CommandRejection.self) { try stranded.handle(.resume, at: s(60)) }
        #expect(refused?.reason.contains("finish it instead") == true)
        #expect(try stranded.handle(.finish, at: s(60)).kinds == [.interruptionFinished, .needlesUnaccounted])
        #expect(stranded.state == .unaccounted(since: s(60), then: .aborted(step: nil), escalated: false))
    }

    /// A session driven by commands; returns the machine, its commands and its recorded events.
    func drive() throws -> (SessionStateMachine, [SessionStateMachine.HistoryEntry], [SessionEvent]) {
        var machine = SessionStateMachine(treatment: makeProtocol(observation: m(5)))
        var history: [SessionStateMachine.HistoryEntry] = []
        var events: [SessionEvent] = []
        for (at, command) in [
            (s(0), SessionCommand.start), (s(20), .placeNeedles(count: 3, step: nil)), (s(100), .pause),
            (s(130), .resume), (s(200), .extend(m(2))), (s(400), .skip),
            (s(800), .removeNeedles(count: 4, step: nil)), (s(830), .acknowledge), (s(840), .silence),
            (s(850), .interrupt),
        ] {
            if command != .interrupt { events += machine.advance(to: at).events }
            events += try machine.handle(command, at: at).events
            history.append(.init(at: at, command: command))
        }
        return (machine, history, events)
    }

    @Test("replaying the recorded commands rebuilds the same session")
    func replay() throws {
        let (original, history, events) = try drive()
        let replayed = try SessionStateMachine.replaying(
            makeProtocol(observation: m(5)), limits: .standard, history: history, until: s(850),
            recorded: events.map { ($0.kind, $0.step) })
        #expect(replayed.state == original.state)
        #expect(replayed.needles == original.needles)
        #expect(replayed.currentSignal == original.currentSignal)
        #expect(replayed.nextDeadline == original.nextDeadline)
    }

    @Test("a history that does not fit the protocol is refused with the first difference")
    func replayMismatch() throws {
        let (_, history, events) = try drive()
        var recorded = events.map { ($0.kind, $0.step) }
        recorded[3] = (.stepWarning, 7)
        let refused = #expect(throws: SessionStateMachine.ReplayMismatch.self) {
            try SessionStateMachine.replaying(
                makeProtocol(observation: m(5)), limits: .standard, history: history,
                until: s(850), recorded: recorded)
        }
        #expect(refused?.description.contains("event 4 is step.warning (step 7) in the record") == true)
        // Another protocol (a shorter first site) does not replay the same commands.
        let other = makeProtocol(
            observation: m(5), steps: [site("a", s(60)), rest(s(60)), site("b", s(240)), site("c", s(240))])
        #expect(throws: SessionStateMachine.ReplayMismatch.self) {
            try SessionStateMachine.replaying(
                other, limits: .standard, history: history, until: s(850),
                recorded: events.map { ($0.kind, $0.step) })
        }
    }
}
