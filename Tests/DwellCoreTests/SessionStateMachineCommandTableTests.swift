import Testing

@testable import DwellCore

/// Every phase a session can be in, reached the way a runner would reach it, with what each
/// command should do there.
enum PhaseCase: String, CaseIterable, Sendable, CustomStringConvertible {
    case prepare, runningSite, rest, paused, pausedTooLong, overrun, overrunEscalated, observation, unaccounted,
        reconcile, interrupted, sweep, completed, aborted

    var description: String { rawValue }

    /// The phase the machine reports.
    var phase: SessionPhase {
        switch self {
        case .prepare: return .prepare
        case .runningSite: return .running
        case .rest: return .rest
        case .paused, .pausedTooLong: return .paused
        case .overrun, .overrunEscalated: return .overrun
        case .observation: return .observation
        case .unaccounted: return .unaccounted
        case .reconcile: return .reconcile
        case .interrupted: return .interrupted
        case .sweep: return .sweep
        case .completed: return .completed
        case .aborted: return .aborted
        }
    }

    /// The time the machine was brought to this phase at; commands come 1 s later.
    var time: Duration {
        switch self {
        case .prepare: return .zero
        case .runningSite, .paused, .reconcile, .interrupted, .aborted: return s(100)
        case .rest: return s(250)
        case .pausedTooLong: return s(300)
        case .overrun: return s(730)
        case .overrunEscalated: return s(790)
        case .observation, .unaccounted: return s(800)
        case .completed, .sweep: return s(1_200)
        }
    }

    /// A machine in this phase (default protocol, 5 minutes of observation; `sweep` with the
    /// clinic's sweep on).
    func machine() throws -> SessionStateMachine {
        var machine = SessionStateMachine(
            treatment: makeProtocol(observation: m(5)), limits: ClinicLimits(sweep: self == .sweep))
        switch self {
        case .prepare:
            break
        case .runningSite, .rest, .overrun, .overrunEscalated:
            try machine.command(.start, at: .zero)
            _ = machine.advance(to: time)
        case .paused:
            try machine.command(.start, at: .zero)
            try machine.command(.pause, at: time)
        case .pausedTooLong:
            try machine.command(.start, at: .zero)
            try machine.command(.pause, at: s(100))
            _ = machine.advance(to: time)  // past the pause limit (3m) with 2 needles in
        case .observation:
            try machine.command(.start, at: .zero)
            try machine.countOutAndAcknowledge(at: s(790))
            _ = machine.advance(to: time)
        case .unaccounted:
            try machine.command(.start, at: .zero)
            try machine.command(.acknowledge, at: s(790))  // 6 needles still counted in
            _ = machine.advance(to: time)
        case .reconcile:
            try machine.command(.start, at: .zero)
            try machine.command(.rapidRemoval, at: time)  // site a's 2 needles removed at once
        case .interrupted:
            try machine.command(.start, at: .zero)
            _ = machine.advance(to: time)
            _ = try machine.handle(.interrupt, at: time)
        case .completed, .sweep:
            try machine.command(.start, at: .zero)
            try machine.countOutAndAcknowledge(at: s(790))
            _ = machine.advance(to: time)  // observation ended at 1090 (then the sweep, when on)
        case .aborted:
            try machine.command(.start, at: .zero)
            try machine.command(.removeNeedles(count: nil, step: nil), at: time)
            try machine.command(.abort, at: time)
        }
        return machine
    }

    /// The phase each accepted command leads to; commands not listed are rejected.
    var accepted: [String: SessionPhase] {
        switch self {
        case .prepare:
            return ["start": .running, "abort": .aborted]
        // With needles in, abort and acknowledge lead to "needles unaccounted", not the end.
        case .runningSite:
            return [
                "pause": .paused, "extend": .running, "skip": .rest, "abort": .unaccounted, "place needles": .running,
                "remove needles": .running, "rapid removal": .reconcile, "interrupt": .interrupted,
                "checked": .running,
            ]
        case .rest:
            return [
                "pause": .paused, "extend": .rest, "skip": .running, "abort": .unaccounted,
                "remove needles": .rest, "rapid removal": .reconcile, "interrupt": .interrupted, "checked": .rest,
            ]
        case .paused, .pausedTooLong:
            return [
                "resume": .running, "extend": .paused, "skip": .rest, "abort": .unaccounted, "place needles": .paused,
                "remove needles": .paused, "rapid removal": .reconcile, "interrupt": .interrupted,
                "checked": .paused,
            ]
        case .overrun, .overrunEscalated:
            return [
                "extend": .running, "abort": .unaccounted, "acknowledge": .unaccounted, "remove needles": .overrun,
                "rapid removal": .reconcile, "silence": .overrun, "interrupt": .interrupted, "checked": .overrun,
            ]
        case .observation:
            return [
                "extend": .observation, "skip": .completed, "abort": .aborted, "interrupt": .interrupted,
                "checked": .observation,
            ]
        case .unaccounted:
            return [
                "abort": .unaccounted, "remove needles": .observation,
                "close with a mismatch": .observation, "silence": .unaccounted, "interrupt": .interrupted,
                "checked": .unaccounted,
            ]
        case .reconcile:
            return [
                "reconcile": .aborted, "silence": .reconcile, "interrupt": .interrupted, "checked": .reconcile,
            ]
        case .interrupted:
            return [
                "resume": .running, "finish": .unaccounted, "remove needles": .interrupted, "rapid removal": .reconcile,
                "silence": .interrupted, "interrupt": .interrupted, "checked": .interrupted,
            ]
        // Every needle is out: only the sweep ends it (a restart keeps it waiting).
        case .sweep:
            return ["swept": .completed, "interrupt": .sweep]
        case .completed, .aborted:
            return [:]
        }
    }
}

let allCommands: [SessionCommand] = [
    .start, .pause, .resume, .extend(m(1)), .skip, .abort, .acknowledge, .placeNeedles(count: 3, step: nil),
    .removeNeedles(count: nil, step: nil), .rapidRemoval, .reconcile(recovered: 2),
    .closeWithMismatch(reason: "needle found on the floor"),
    .silence,
    .interrupt, .finish, .checked, .swept,
]

@Suite("Session state machine: every command in every phase")
struct SessionStateMachineCommandTableTests {
    @Test("each phase is reached as described")
    func phases() throws {
        for phaseCase in PhaseCase.allCases {
            let machine = try phaseCase.machine()
            #expect(machine.phase == phaseCase.phase, "\(phaseCase)")
        }
        #expect(try PhaseCase.overrun.machine().state == .overrun(since: s(720), escalated: false))
        #expect(try PhaseCase.overrunEscalated.machine().state == .overrun(since: s(720), escalated: true))
        #expect(try PhaseCase.rest.machine().currentStepIndex == 1)
        #expect(try PhaseCase.pausedTooLong.machine().currentSignal == .pauseOverdue(escalated: false))
        #expect(try PhaseCase.sweep.machine().state == .sweep(since: s(1_090), then: .completed))
        #expect(try PhaseCase.sweep.machine().currentSignal == .sweep)
    }

    @Test(
        "a command is accepted or rejected by phase, and a rejection changes nothing",
        arguments: PhaseCase.allCases, allCommands)
    func table(phaseCase: PhaseCase, command: SessionCommand) throws {
        var machine = try phaseCase.machine()
        let before = machine
        let expected = phaseCase.accepted[command.name]
        let at = phaseCase.time + s(1)
        do throws(CommandRejection) {
            let actions = try machine.handle(command, at: at)
            #expect(expected != nil, "\(command) should be rejected while \(phaseCase)")
            #expect(!actions.events.isEmpty, "an accepted command records what it did")
            #expect(actions.events.allSatisfy { $0.at == at })
            if let expected { #expect(machine.phase == expected) }
            #expect(machine.now == at)
            #expect(actions.wakes.last.map { $0 == machine.nextDeadline } ?? true)
        } catch {
            #expect(expected == nil, "\(command) should be accepted while \(phaseCase): \(error)")
            #expect(error.command == command)
            #expect(error.phase == phaseCase.phase)
            #expect(error.phase == before.phase)
            #expect(!error.reason.isEmpty)
            #expect(error.description.contains(phaseCase.phase.rawValue))
            #expect(error.description.contains(command.name))
            // Unchanged.
            #expect(machine.state == before.state)
            #expect(machine.currentSignal == before.currentSignal)
            #expect(machine.nextDeadline == before.nextDeadline)
            #expect(machine.now == before.now)
        }
    }

    @Test(
        "rejections explain themselves",
        arguments: [
            (PhaseCase.completed, SessionCommand.start, "ended"),
            (.aborted, .resume, "ended"),
            (.runningSite, .start, "already started"),
            (.prepare, .pause, "not started"),
            (.prepare, .extend(m(1)), "not started"),
            (.runningSite, .resume, "not paused"),
            (.paused, .pause, "already paused"),
            (.pausedTooLong, .silence, "ends when the session resumes"),
            (.runningSite, .acknowledge, "nothing to acknowledge"),
            (.overrun, .pause, "acknowledge"),
            (.overrunEscalated, .skip, "acknowledge"),
            (.observation, .pause, "cannot be paused"),
            (.observation, .rapidRemoval, "already out"),
            (.observation, .removeNeedles(count: nil, step: nil), "nothing to remove"),
            (.overrun, .placeNeedles(count: 1, step: nil), "name the site step"),
            (.unaccounted, .acknowledge, "needle counts differ"),
            (.unaccounted, .rapidRemoval, "does not settle the needle counts"),
            (.unaccounted, .reconcile(recovered: 6), "close with a reason"),
            (.reconcile, .abort, "enter how many were recovered"),
            (.reconcile, .removeNeedles(count: nil, step: nil), "enter how many were recovered"),
            (.runningSite, .reconcile(recovered: 2), "only after a rapid removal"),
            (.unaccounted, .closeWithMismatch(reason: "  "), "3 to 500 characters"),
            (.interrupted, .pause, "resume or finish"),
            (.runningSite, .silence, "no alarm"),
            (.runningSite, .finish, "interrupted session"),
            (.runningSite, .placeNeedles(count: 100, step: nil), "0 to 99"),
            (.runningSite, .removeNeedles(count: 3, step: 0), "only 2 needles"),
            (.runningSite, .placeNeedles(count: 1, step: 2), "not a site whose needles have gone in"),
            (.sweep, .acknowledge, "couch and floor"),
            (.sweep, .abort, "couch and floor"),
            (.sweep, .checked, "swept"),
            (.runningSite, .swept, "once every needle is out"),
            (.completed, .swept, "ended"),
            (.prepare, .checked, "not started"),
        ])
    func reasons(phaseCase: PhaseCase, command: SessionCommand, phrase: String) throws {
        var machine = try phaseCase.machine()
        let rejection = #expect(throws: CommandRejection.self) {
            try machine.handle(command, at: phaseCase.time + s(1))
        }
        #expect(rejection?.reason.contains(phrase) == true, "\(String(describing: rejection))")
    }

    @Test("rejected commands never crash, even repeated or out of order")
    func repeatedRejections() throws {
        var machine = try PhaseCase.completed.machine()
        for command in allCommands + allCommands {
            #expect(throws: CommandRejection.self) { try machine.handle(command, at: s(2_000)) }
        }
        #expect(machine.state == .completed(at: s(1_090)))
        #expect(machine.advance(to: s(5_000)).isEmpty)
    }

    @Test("command descriptions name the command and amount")
    func commandDescriptions() {
        #expect(
            allCommands.map(\.description) == [
                "start", "pause", "resume", "extend +1m", "skip", "abort", "acknowledge", "place needles (3 in)",
                "remove needles (every one still in)", "rapid removal", "reconcile (2 recovered)",
                "close with a mismatch", "silence", "interrupt",
                "finish", "checked", "swept",
            ])
        let rejection = CommandRejection(command: .skip, phase: .overrun, reason: "because")
        #expect(rejection.description == "cannot skip while overrun: because")
    }
}
