import Testing

@testable import DwellCore

/// Timeline of the default protocol: `a` 0–240 (warning 210), rest 240–300, `b` 300–540
/// (warning 510), `c` 540–720 (warning 690); overrun 720, escalation 780.
@Suite("Session state machine: acknowledge, abort and time")
struct SessionStateMachineAcknowledgeAbortTests {
    // MARK: Acknowledge and abort

    @Test("acknowledge starts the observation, which completes after its length", arguments: [false, true])
    func acknowledgeObservation(escalated: Bool) throws {
        var machine = try SessionStateMachine.started(makeProtocol(observation: m(5)))
        let at = escalated ? s(790) : s(730)
        let actions = try machine.countOutAndAcknowledge(at: at)
        #expect(
            actions.events.suffix(2) == [
                SessionEvent(.sessionAcknowledged, at: at),
                SessionEvent(.observationStarted, at: at, stepKind: .observation),
            ])
        #expect(actions.shows.last?.signal == .observation)
        #expect(actions.shows.last?.since == at)
        #expect(actions.wakes.last == at + m(5))
        #expect(machine.phase == .observation)
        #expect(machine.advance(to: at + m(5)).kinds == [.observationEnded, .sessionCompleted])
        #expect(machine.state == .completed(at: at + m(5)))
    }

    @Test("acknowledge without observation completes at once", arguments: [false, true])
    func acknowledgeCompletes(escalated: Bool) throws {
        var machine = try SessionStateMachine.started()
        let at = escalated ? s(790) : s(730)
        _ = machine.advance(to: at)
        _ = try machine.handle(.removeNeedles(count: nil, step: nil), at: at)
        let actions = try machine.handle(.acknowledge, at: at)
        #expect(
            Array(actions.prefix(3)) == [
                .record(SessionEvent(.sessionAcknowledged, at: at)),
                .record(SessionEvent(.sessionCompleted, at: at)),
                .show(.idle, since: at),
            ])
        // An escalated overrun had no wake-up pending, so there is nothing to cancel.
        #expect(actions.wakes == (escalated ? [] : [nil]))
        #expect(machine.nextDeadline == nil)
        #expect(machine.isFinished)
    }

    @Test(
        "abort, once the needles are counted out, records the step it interrupted",
        arguments: [
            (Duration.seconds(100), 0 as Int?), (.seconds(250), 1), (.seconds(600), 3), (.seconds(730), nil),
        ])
    func abort(at: Duration, step: Int?) throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: at)
        _ = try machine.handle(.removeNeedles(count: nil, step: nil), at: at)
        let actions = try machine.handle(.abort, at: at)
        #expect(actions.events == [SessionEvent(.sessionAborted, at: at, step: step)])
        #expect(actions.shows.map(\.signal) == [.idle])
        #expect(actions.wakes == [nil])
        #expect(machine.state == .aborted(at: at))
    }

    @Test("abort while paused records the held step; abort before start records none")
    func abortPausedAndPrepared() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.pause, at: s(320))
        #expect(try machine.command(.abort, at: s(330)).events.first?.step == 2)
        var prepared = SessionStateMachine(treatment: makeProtocol())
        let actions = try prepared.handle(.abort, at: s(3))
        #expect(actions.events == [SessionEvent(.sessionAborted, at: s(3))])
        #expect(actions.shows.isEmpty, "already idle")
    }

    // MARK: Time

    @Test("a command dated earlier than now is applied at now")
    func commandsNeverGoBack() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(100))
        let paused = try machine.handle(.pause, at: s(40))
        #expect(paused.events.map(\.at) == [s(100)])
        #expect(machine.state == .paused(try #require(machine.progress), since: s(100)))
        let skipped = try machine.handle(.skip, at: s(10))
        #expect(skipped.events.map(\.at) == [s(100), s(100), s(100), s(100)])
        #expect(machine.nextDeadline == s(160))
        #expect(machine.now == s(100))
    }

    @Test("commands move now forward")
    func commandsMoveNow() throws {
        var machine = try SessionStateMachine.started()
        _ = try machine.handle(.pause, at: s(42))
        #expect(machine.now == s(42))
    }
}
