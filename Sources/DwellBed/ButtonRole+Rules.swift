import DwellCore
import DwellGPIO
import DwellWire

/// The one set of button rules, for dwelld and `dwell simulate --board` alike.
///
/// A button never starts a session: a start needs the protocol, the patient's consent and the
/// checklist, which are given on the page, the API or the command line. With no session open
/// (idle, not yet started, or ended) a press does nothing. Start/pause resumes a paused session
/// and pauses any other (the session machine refuses what makes no sense, e.g. a pause during
/// the overrun, with a reason). Acknowledge silences an alarm it may not end: needles
/// unaccounted, the count after a rapid removal (reconcile) and an interrupted session are
/// settled on the page, where the needles are counted. Extend adds the default extension.
///
/// The patient's call button calls in any phase, with or without a session. The acknowledge
/// button, in this order: answers a standing call; in `sweep` confirms the couch and floor were
/// checked (`swept`); with the check-in due and no alarm to acknowledge, records the check
/// (`checked`); otherwise acknowledges (or silences) as above. Every press that reaches the
/// session counts as a touch for the check-in timer.
extension ButtonRole {
    /// What a press does on a bed in `state`, or nil when there is nothing for it to act on.
    public func action(in state: ButtonState) -> BedAction? {
        switch self {
        case .call: return .call
        case .acknowledge where state.calling: return .answerCall
        case .acknowledge where state.phase == .session(.sweep): return .session(.swept)
        default:
            guard let command = command(in: state.phase) else { return nil }
            if command == .acknowledge, state.checkDue, !state.phase.endsOnAcknowledge { return .session(.checked) }
            return .session(command)
        }
    }

    /// The command a press gives in `phase`, or nil when there is nothing for it to act on.
    public func command(in phase: BedPhase) -> SessionCommand? {
        guard phase.isTiming, case .session(let session) = phase else { return nil }
        switch self {
        case .call: return nil
        case .startPause: return session == .paused ? .resume : .pause
        case .acknowledge:
            return [.unaccounted, .reconcile, .interrupted].contains(session) ? .silence : .acknowledge
        case .extend: return .extend(SessionCommand.defaultExtension)
        }
    }
}

/// What a button press needs to know of its bed.
public struct ButtonState: Equatable, Sendable {
    public var phase: BedPhase
    /// A patient call stands.
    public var calling: Bool
    /// The check-in is due (overdue).
    public var checkDue: Bool

    public init(phase: BedPhase, calling: Bool = false, checkDue: Bool = false) {
        self.phase = phase
        self.calling = calling
        self.checkDue = checkDue
    }
}

/// What a press asks of its bed: a session command, or the bed's own call.
public enum BedAction: Equatable, Sendable, CustomStringConvertible {
    case session(SessionCommand)
    case call
    case answerCall

    public var description: String {
        switch self {
        case .session(let command): return command.description
        case .call: return "patient call"
        case .answerCall: return "answer the patient call"
        }
    }
}

extension BedPhase {
    /// The phase an acknowledgement ends (the overrun).
    var endsOnAcknowledge: Bool { self == .session(.overrun) }
}
