/// Rebuilding a session from its history, as dwelld does at start-up for a session the record
/// shows never ended. The machine is deterministic, so replaying the recorded commands at their
/// recorded offsets gives back the same state; the events it makes again must match the ones
/// recorded, or the history does not belong to this protocol.
extension SessionStateMachine {
    /// One recorded command and the offset it arrived at.
    public struct HistoryEntry: Equatable, Sendable {
        public var at: Duration
        public var command: SessionCommand

        public init(at: Duration, command: SessionCommand) {
            self.at = at
            self.command = command
        }
    }

    /// Why a history cannot be replayed.
    public struct ReplayMismatch: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    /// Replays `history` (each command at its offset, after every deadline before it) up to
    /// `until`, and checks that the events it makes start with `recorded` (kind and step, in
    /// order). `interrupt` is applied without catching up first, as dwelld applies it.
    public static func replaying(
        _ treatment: TreatmentProtocol, limits: ClinicLimits, history: [HistoryEntry], until: Duration,
        recorded: [(kind: SessionEvent.Kind, step: Int?)]
    ) throws(ReplayMismatch) -> SessionStateMachine {
        var machine = SessionStateMachine(treatment: treatment, limits: limits)
        var made: [SessionEvent] = []
        for entry in history {
            if entry.command != .interrupt { made += machine.advance(to: entry.at).recordedEvents }
            do throws(CommandRejection) {
                made += try machine.handle(entry.command, at: entry.at).recordedEvents
            } catch {
                throw ReplayMismatch(
                    description: "the recorded command at \(entry.at.notation) does not replay: \(error)")
            }
        }
        if case .interrupted = machine.state {} else { made += machine.advance(to: until).recordedEvents }
        for (index, expected) in recorded.enumerated() {
            guard index < made.count else {
                throw ReplayMismatch(
                    description: "the record has \(recorded.count) events, the replay only \(made.count)")
            }
            let event = made[index]
            guard event.kind == expected.kind, event.step == expected.step else {
                let want = expected.kind.rawValue + (expected.step.map { " (step \($0))" } ?? "")
                let got = event.kind.rawValue + (event.step.map { " (step \($0))" } ?? "")
                throw ReplayMismatch(
                    description: "event \(index + 1) is \(want) in the record but \(got) in the replay")
            }
        }
        return machine
    }

    /// A session whose history cannot be replayed (its protocol file changed or is gone): it
    /// can only be finished, with the needles counted from the record; it finishes as completed
    /// when every step had run (`stepsDone`), else as aborted.
    public init(
        interruptedAt time: Duration, treatment: TreatmentProtocol, limits: ClinicLimits, needles: NeedleLedger,
        stepsDone: Bool
    ) {
        self.init(treatment: treatment, limits: limits)
        self.needles = needles
        now = time
        let previous: State = stepsDone ? .overrun(since: time, escalated: true) : .prepare
        state = .interrupted(since: time, escalated: false, resumable: false, previous: previous)
    }

    /// Everything a runner adopting this machine must show and schedule: the current signal
    /// and wake-up, as if nothing had been shown yet.
    public mutating func adopt() -> [SessionAction] {
        (signal, signalStep, requestedWake) = (.idle, nil, nil)
        var actions: [SessionAction] = []
        finish(&actions, signalSince: now)
        return actions
    }
}

extension [SessionAction] {
    var recordedEvents: [SessionEvent] {
        compactMap { action in
            if case .record(let event) = action { return event }
            return nil
        }
    }
}
