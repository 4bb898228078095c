import DwellCore
import DwellRecord
import DwellWire

/// Why the bed layer refused a request; nothing changed. The HTTP server turns each case into a
/// problem with its status, the CLI and the board log its description.
public enum BedError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownBed(String, known: [String])
    case unknownProtocol(String)
    /// The bed has a session that has not ended, or a start is being made on it now.
    case busy(String)
    /// A command for a bed that has never had a session.
    case noSession(String)
    /// The checklist did not pass: nothing was started.
    case screening(ScreeningRefusal)
    /// A field of the request is there but wrong.
    case invalid(WireError)
    /// The session machine refused the command in this phase (its reason).
    case notPossible(CommandRejection)
    /// The session machine refused to start.
    case cannotStart(CommandRejection)
    /// The clinic record could not take what had to be recorded first.
    case recordUnavailable(String)
    /// No record fault to acknowledge.
    case noRecordFault

    public var title: String {
        switch self {
        case .unknownBed: return "Unknown bed"
        case .unknownProtocol: return "Unknown protocol"
        case .busy: return "Bed busy"
        case .noSession: return "No session"
        case .screening(let refusal): return refusal.title
        case .invalid(let error): return error.title
        case .notPossible(let rejection): return rejection.needsReason ? "Reason required" : "Not possible now"
        case .cannotStart: return "Cannot start"
        case .recordUnavailable: return "Clinic record unavailable"
        case .noRecordFault: return "No record fault"
        }
    }

    public var detail: String {
        switch self {
        case .unknownBed(let bed, let known): return "there is no bed `\(bed)`; beds: \(known.joined(separator: ", "))"
        case .unknownProtocol(let id): return "there is no protocol `\(id)`; GET /api/v1/protocols lists them"
        case .busy(let detail), .recordUnavailable(let detail): return detail
        case .noSession(let bed): return "bed \(bed) has no session; start one first"
        case .screening(let refusal): return refusal.description
        case .invalid(let error): return error.detail
        case .notPossible(let rejection), .cannotStart(let rejection): return rejection.description
        case .noRecordFault: return "the clinic record has no fault to acknowledge"
        }
    }

    public var description: String { "\(title): \(detail)" }
}
