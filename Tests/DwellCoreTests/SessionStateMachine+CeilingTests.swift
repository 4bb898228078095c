import Testing

@testable import DwellCore

/// The clinic's ceiling on needle time (the default protocol's steps are 12m; the standard
/// limits: longest session 15m, hard limit 30m): an extension past the longest session needs a
/// stated reason, one past the hard limit is refused; observation, with the needles out, has none.
@Suite("Session state machine: the extension ceiling")
struct SessionStateMachineCeilingTests {
    @Test("up to the longest session an extension needs no reason")
    func withinTheLongestSession() throws {
        var machine = try SessionStateMachine.started()
        let actions = try machine.command(.extend(m(3)), at: s(100))
        #expect(
            actions.events == [
                SessionEvent(.stepExtended, at: s(100), step: 0, stepKind: .site, site: "a", added: m(3))
            ])
        #expect(machine.extended == m(3))
    }

    @Test("past the longest session an extension without a reason is refused, asking for one; with one it is recorded")
    func pastTheLongestSessionNeedsAReason() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.extend(m(3)), at: s(100))
        let before = machine
        #expect {
            try machine.command(.extend(m(1)), at: s(110))
        } throws: { error in
            let rejection = try #require(error as? CommandRejection)
            return rejection.needsReason && rejection.reason.contains("16m of needle time")
                && rejection.reason.contains("longest session of 15m")
        }
        #expect(machine.extended == before.extended && machine.state == before.state, "nothing changed")
        #expect(throws: CommandRejection.self, "a reason under 3 characters is no reason") {
            try machine.handle(.extend(m(1), reason: " ok "), at: s(110))
        }

        let actions = try machine.handle(.extend(m(1), reason: " patient asked to keep the needles in "), at: s(110))
        let event = try #require(actions.events.first)
        #expect(event.kind == .stepExtended && event.added == m(1))
        #expect(event.reason == "patient asked to keep the needles in", "the stated reason, trimmed")
        #expect(
            event.note
                == "extended by 1m past the clinic's longest session of 15m: patient asked to keep the needles in")
        #expect(machine.extended == m(4))
    }

    @Test("past the hard limit nothing is taken, reason or not")
    func pastTheHardLimitIsRefused() throws {
        var machine = try SessionStateMachine.started()
        // 12m of steps + 18m: exactly the hard limit.
        _ = try machine.handle(.extend(m(18), reason: "long dwell agreed with the patient"), at: s(100))
        #expect(machine.extended == m(18))
        #expect {
            try machine.handle(.extend(s(1), reason: "one more second"), at: s(200))
        } throws: { error in
            let rejection = try #require(error as? CommandRejection)
            return !rejection.needsReason && rejection.reason.contains("hard limit of 30m")
        }
        #expect(machine.extended == m(18))
    }

    @Test("extending from the overrun counts toward the ceiling; paused extensions too")
    func overrunAndPausedCount() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.pause, at: s(100))
        _ = try machine.handle(.extend(m(2)), at: s(120))
        #expect(machine.extended == m(2))
        _ = try machine.handle(.resume, at: s(130))
        _ = machine.advance(to: s(900))  // past the (shifted) end: overrun
        #expect(machine.phase == .overrun)
        _ = try machine.handle(.extend(m(1)), at: s(900))  // 15m: still within
        #expect(throws: CommandRejection.self) { try machine.handle(.extend(m(1)), at: s(901)) }
    }

    @Test("observation (needles out) has no ceiling; a reason given there is kept")
    func observationHasNoCeiling() throws {
        var machine = try SessionStateMachine.started(makeProtocol(observation: m(5)))
        _ = try machine.handle(.extend(m(3)), at: s(100))  // needle time at the longest session
        try machine.countOutAndAcknowledge(at: s(1_000))
        let actions = try machine.command(.extend(m(20), reason: "patient still dizzy"), at: s(1_010))
        #expect(actions.events.map(\.kind) == [.stepExtended])
        #expect(actions.events.first?.reason == "patient still dizzy")
        #expect(machine.extended == m(3), "observation time is not needle time")
    }

    @Test("a replayed history with a stated reason gives back the same session")
    func replayKeepsTheReason() throws {
        var original = try SessionStateMachine.started()
        let history: [SessionStateMachine.HistoryEntry] = [
            .init(at: .zero, command: .start),
            .init(at: s(100), command: .extend(m(3))),
            .init(at: s(110), command: .extend(m(2), reason: "patient asked")),
        ]
        try original.command(.extend(m(3)), at: s(100))
        try original.command(.extend(m(2), reason: "patient asked"), at: s(110))
        let replayed = try SessionStateMachine.replaying(
            makeProtocol(), limits: .standard, history: history, until: s(120), recorded: [])
        #expect(replayed.extended == original.extended && replayed.state == original.state)
    }
}
