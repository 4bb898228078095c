import DwellCore
import DwellRunner

/// What a button press asks of a bed's runner.
public enum ButtonAction: Equatable, Sendable {
    /// Start the session (it has not started yet).
    case start
    case send(SessionCommand)
}

extension ButtonRole {
    /// The action a press gives in a phase: start/pause starts a session that has not started,
    /// resumes a paused one and pauses any other (the engine refuses what makes no sense, e.g.
    /// a pause during the overrun, with a reason). Acknowledge silences an alarm it cannot end.
    public func action(in phase: SessionPhase) -> ButtonAction {
        switch self {
        case .startPause:
            switch phase {
            case .prepare: return .start
            case .paused: return .send(.resume)
            default: return .send(.pause)
            }
        case .acknowledge:
            // Needles unaccounted, or an interrupted session, cannot be acknowledged away by a
            // button: it silences the buzzer for a while; the counts are settled on the page.
            return phase == .unaccounted || phase == .interrupted ? .send(.silence) : .send(.acknowledge)
        case .extend: return .send(.extend(SessionCommand.defaultExtension))
        }
    }
}

extension SessionRunner {
    /// Carries out a button press. A refused command is already reported on ``reports``.
    public func press(_ role: ButtonRole) {
        let action = role.action(in: snapshot().phase)
        do throws(CommandRejection) {
            switch action {
            case .start: try start()
            case .send(let command): try send(command)
            }
        } catch {
            // The runner has reported the rejection with its reason; nothing changed.
        }
    }
}
