import DwellRecord
import NIOCore
import PostgresNIO

/// One record row as the hub keeps it: the exact canonical bytes its hash covers, with both
/// hashes, so the stored copy can be compared byte for byte and hashed again centrally.
public struct HubRow: Equatable, Sendable {
    public var device: String
    public var seq: Int64
    public var format: Int
    public var body: [UInt8]
    public var prevHash: String
    public var hash: String
    public var wallTime: String

    public init(
        device: String, seq: Int64, format: Int, body: [UInt8], prevHash: String, hash: String, wallTime: String
    ) {
        self.device = device
        self.seq = seq
        self.format = format
        self.body = body
        self.prevHash = prevHash
        self.hash = hash
        self.wallTime = wallTime
    }

    /// A board's row, as sent: its canonical bytes in its own format.
    public init(device: String, entry: RecordEntry) throws(RecordChain.FormatError) {
        self.init(
            device: device, seq: entry.seq, format: entry.format, body: try RecordChain.canonicalBytes(entry),
            prevHash: entry.prevHash, hash: entry.hash, wallTime: entry.wallTime)
    }

    /// The entry the bytes hold (for export and the board cross-check).
    public func entry() throws(RecordChain.DecodeError) -> RecordEntry {
        try RecordChain.entry(canonical: body, prevHash: prevHash, hash: hash)
    }

    /// Why the stored row is not this one, or nil when they are byte-identical.
    func difference(from stored: HubRow) -> String? {
        if stored.body != body { return "bytes" }
        if stored.prevHash != prevHash { return "prev_hash" }
        if stored.hash != hash { return "hash" }
        if stored.format != format { return "format" }
        return nil
    }

    static let columns = "device, seq, format, body, prev_hash, hash, wall_time"

    static func decode(_ rows: PostgresRowSequence) async throws -> [HubRow] {
        var decoded: [HubRow] = []
        for try await (device, seq, format, body, prevHash, hash, wallTime) in rows.decode(
            (String, Int64, Int, ByteBuffer, String, String, String).self)
        {
            decoded.append(
                HubRow(
                    device: device, seq: seq, format: format, body: Array(body.readableBytesView), prevHash: prevHash,
                    hash: hash, wallTime: wallTime))
        }
        return decoded
    }
}
