import DwellRecord
import Foundation
import Synchronization

/// What the forwarder last saw of the hub, for `GET /api/v1/health`; how far the hub holds the
/// record is read from the record itself (its acknowledgement), so it survives restarts.
public final class HubForwardingState: Sendable {
    public struct Attempt: Equatable, Sendable {
        /// The last failure in words, nil after a batch went through.
        public var lastError: String?
        /// When the last batch (or empty check) went through.
        public var lastContact: Date?
    }

    public let device: String
    private let attempt = Mutex(Attempt())

    public init(device: String) { self.device = device }

    public var current: Attempt { attempt.withLock { $0 } }

    func succeeded(at time: Date) {
        attempt.withLock {
            $0.lastError = nil
            $0.lastContact = time
        }
    }

    func failed(_ error: String) { attempt.withLock { $0.lastError = error } }
}

/// How far behind the clinic hub is: the health endpoint's `hub` object.
public struct HubLag: Equatable, Sendable {
    public var device: String
    public var recordSeq: Int64
    public var acknowledgedSeq: Int64
    public var acknowledgedAt: String?
    public var unsentRows: Int64
    /// Seconds since the oldest row the hub has not acknowledged was written; 0 when all are sent.
    public var unsentForSeconds: Int
    public var lastError: String?

    /// Read from the record (its head and the hub's acknowledgement) and the forwarder's state.
    public static func read(
        _ store: RecordStore, state: HubForwardingState, now: Date = Date()
    ) throws(RecordError)
        -> HubLag
    {
        let head = try store.headRow()
        let acknowledgement = try store.hubAcknowledged()
        let acknowledged = acknowledgement.map { $0.device == state.device ? $0.seq : 0 } ?? 0
        var waited = 0
        if acknowledged < head.seq, let oldest = try store.wallTime(after: acknowledged),
            let written = RecordTime.date(from: oldest)
        {
            waited = max(0, Int(now.timeIntervalSince(written)))
        }
        return HubLag(
            device: state.device, recordSeq: head.seq, acknowledgedSeq: acknowledged,
            acknowledgedAt: acknowledgement?.acknowledgedAt, unsentRows: max(0, head.seq - acknowledged),
            unsentForSeconds: waited, lastError: state.current.lastError)
    }
}
