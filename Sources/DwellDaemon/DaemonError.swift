import DwellBed
import DwellRecord
import DwellYAML

/// Why the daemon cannot start (or reload), in words an integrator can act on.
public enum DaemonError: Error, CustomStringConvertible, Sendable {
    case config([FileDiagnostic])
    case protocols([FileDiagnostic])
    case record(RecordError)
    case board(String)
    case token(String)
    /// The clinic hub's settings (its password file) cannot be used.
    case hub(String)

    /// The bed layer's opening failures, placed as the daemon reports them.
    public init(_ error: BedsOpeningError) {
        switch error {
        case .protocols(let diagnostics): self = .protocols(diagnostics)
        case .record(let error): self = .record(error)
        case .noOutputs(let bed): self = .board("no indicator outputs for bed \(bed)")
        }
    }

    public var description: String {
        switch self {
        case .config(let diagnostics), .protocols(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        case .record(let error): return "\(error)"
        case .board(let message): return "board: \(message)"
        case .token(let message): return "API token: \(message)"
        case .hub(let message): return "clinic hub: \(message)"
        }
    }
}
