import Testing
@testable import DwellCore

/// Every phase a session can be in, reached the way a runner would reach it, with what each
/// command should do there.
enum PhaseCase: String, CaseIterable, Sendable, CustomStringConvertible {
    case prepare, runningSite, rest, paused, overrun, overrunEscalated, observation, completed, aborted

    var description: String { rawValue }

    /// The phase the machine reports.
    var phase: SessionPhase {
        switch self {
        case .prepare: return .prepare
        case .runningSite: return .running
        case .rest: return .rest
        case .paused: return .paused
        case .overrun, .overrunEscalated: return .overrun
        case .observation: return .observation
        case .completed: return .completed
        case .aborted: return .aborted
        }
    }

    /// The time the machine was brought to this phase at; commands come 1 s later.
    var time: Duration {
        switch self {
        case .prepare: return .zero
        case .runningSite, .paused, .aborted: return s(100)
        case .rest: return s(250)
        case .overrun: return s(730)
        case .overrunEscalated: return s(790)
        case .observation: return s(800)
        case .completed: return s(1_200)
        }
    }

    /// A machine in this phase (default protocol, 5 minutes of observation).
    func machine() throws -> SessionStateMachine {
        var machine = SessionStateMachine(treatment: makeProtocol(observation: m(5)))
        switch self {
        case .prepare:
            break
        case .runningSite, .rest, .overrun, .overrunEscalated:
            try machine.command(.start, at: .zero)
            _ = machine.advance(to: time)
        case .paused:
            try machine.command(.start, at: .zero)
            try machine.command(.pause, at: time)
        case .observation:
            try machine.command(.start, at: .zero)
            try machine.command(.acknowledge, at: s(790))
            _ = machine.advance(to: time)
        case .completed:
            try machine.command(.start, at: .zero)
            try machine.command(.acknowledge, at: s(790))
            _ = machine.advance(to: time)   // observation ended at 1090
        case .aborted:
            try machine.command(.start, at: .zero)
            try machine.command(.abort, at: time)
        }
        return machine
    }

    /// The phase each accepted command leads to; commands not listed are rejected.
    var accepted: [String: SessionPhase] {
        switch self {
        case .prepare:
            return ["start": .running, "abort": .aborted]
        case .runningSite:
            return ["pause": .paused, "extend": .running, "skip": .rest, "abort": .aborted]
        case .rest:
            return ["pause": .paused, "extend": .rest, "skip": .running, "abort": .aborted]
        case .paused:
            return ["resume": .running, "extend": .paused, "skip": .rest, "abort": .aborted]
        case .overrun, .overrunEscalated:
            return ["extend": .running, "abort": .aborted, "acknowledge": .observation]
        case .observation:
            return ["extend": .observation, "skip": .completed, "abort": .aborted]
        case .completed, .aborted:
            return [:]
        }
    }
}

let allCommands: [SessionCommand] = [.start, .pause, .resume, .extend(m(1)), .skip, .abort, .acknowledge]

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
    }

    @Test("a command is accepted or rejected by phase, and a rejection changes nothing",
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

    @Test("rejections explain themselves", arguments: [
        (PhaseCase.completed, SessionCommand.start, "ended"),
        (.aborted, .resume, "ended"),
        (.runningSite, .start, "already started"),
        (.prepare, .pause, "not started"),
        (.prepare, .extend(m(1)), "not started"),
        (.runningSite, .resume, "not paused"),
        (.paused, .pause, "already paused"),
        (.runningSite, .acknowledge, "nothing to acknowledge"),
        (.overrun, .pause, "acknowledge"),
        (.overrunEscalated, .skip, "acknowledge"),
        (.observation, .pause, "cannot be paused"),
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
        #expect(allCommands.map(\.description) == [
            "start", "pause", "resume", "extend +1m", "skip", "abort", "acknowledge",
        ])
        let rejection = CommandRejection(command: .skip, phase: .overrun, reason: "because")
        #expect(rejection.description == "cannot skip while overrun: because")
    }
}
