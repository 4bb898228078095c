/// A bed's patient call, as a pure machine beside the session's (a bed has a call whether or not
/// it has a session): `call` raises it, `answer` ends it with the response time. Times are
/// offsets on the bed's own monotonic timeline, passed in by the caller.
///
/// While it stands the bed shows ``IndicatorSignal/calling`` (high priority) over its session's
/// signal (``IndicatorSignal/withCall(_:)``). A second call while one stands changes nothing (the
/// patient pressed again); answering is done at the bed: the `ack` command or the bed's
/// acknowledge button answers the call before anything else it would do.
public struct PatientCall: Equatable, Sendable {
    /// Where a call came from, for the record.
    public enum Source: String, Equatable, Sendable {
        /// The bed's call button (a pendant or bedside button on the board).
        case button
        /// `POST /api/v1/beds/{bed}/call` (a nurse-call system, another device).
        case api
    }

    /// The call standing now: since when, and from where.
    public private(set) var since: Duration?
    public private(set) var source: Source?

    public init() {}

    public var isCalling: Bool { since != nil }

    /// Raises the call; returns false when one already stands (nothing changes, nothing to record).
    public mutating func call(at time: Duration, from source: Source) -> Bool {
        guard since == nil else { return false }
        since = time
        self.source = source
        return true
    }

    /// Answers the call; returns how long the patient waited, or nil when no call stands.
    public mutating func answer(at time: Duration) -> Duration? {
        guard let since else { return nil }
        self.since = nil
        source = nil
        return max(.zero, time - since)
    }

    /// How long the patient has been waiting at `time`.
    public func waiting(at time: Duration) -> Duration? {
        since.map { max(.zero, time - $0) }
    }

    /// The record's words for a call and its answer.
    public static func callNote(_ source: Source) -> String {
        switch source {
        case .button: return "patient call from the bed's call button"
        case .api: return "patient call through the API"
        }
    }

    public static func answerNote(after waited: Duration) -> String {
        "patient call answered at the bed after \(waited.notation)"
    }
}
