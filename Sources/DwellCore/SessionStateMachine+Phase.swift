/// The one word a session's state is shown as, now and before an interruption.
extension SessionStateMachine {
    public var phase: SessionPhase { phase(of: state) }

    /// The phase an interrupted session was in when dwelld stopped (nil when not interrupted).
    public var interruptedDuring: SessionPhase? {
        guard case .interrupted(_, _, _, let previous) = state else { return nil }
        return phase(of: previous)
    }

    func phase(of state: State) -> SessionPhase {
        switch state {
        case .prepare: return .prepare
        case .step(let progress): return treatment.steps[progress.index].kind == .rest ? .rest : .running
        case .paused: return .paused
        case .overrun: return .overrun
        case .observation: return .observation
        case .unaccounted: return .unaccounted
        case .reconcile: return .reconcile
        case .interrupted: return .interrupted
        case .sweep: return .sweep
        case .completed: return .completed
        case .aborted: return .aborted
        }
    }

    public var isFinished: Bool {
        switch state {
        case .completed, .aborted: return true
        default: return false
        }
    }
}
