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
extension ButtonRole {
    /// The command a press gives in `phase`, or nil when there is nothing for it to act on.
    public func command(in phase: BedPhase) -> SessionCommand? {
        guard phase.isTiming, case .session(let session) = phase else { return nil }
        switch self {
        case .startPause: return session == .paused ? .resume : .pause
        case .acknowledge:
            return [.unaccounted, .reconcile, .interrupted].contains(session) ? .silence : .acknowledge
        case .extend: return .extend(SessionCommand.defaultExtension)
        }
    }
}
