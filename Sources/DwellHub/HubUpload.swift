import Logging
import NIOCore
import PostgresNIO

/// What a board sends and asks: a batch of rows in one transaction, idempotent on
/// `(device, seq)`, then checked byte for byte against what the hub stores.
public enum HubUpload {
    /// The device's last stored row, or nil when the hub holds none of its rows.
    public static func head(
        of device: String, on connection: PostgresConnection, logger: Logger
    ) async throws -> (seq: Int64, hash: String)? {
        for try await (seq, hash) in try await connection.query(
            "SELECT seq, hash FROM dwell.events WHERE device = \(device) ORDER BY seq DESC LIMIT 1", logger: logger
        ).decode((Int64, String).self) {
            return (seq, hash)
        }
        return nil
    }

    /// Inserts `rows` (consecutive, of one device) in one transaction; rows the hub has already
    /// are left as they are (`ON CONFLICT DO NOTHING`) and must be byte-identical to these.
    /// The hub's trigger refuses a first row whose `prev_hash` is not its stored head.
    public static func send(_ rows: [HubRow], client: PostgresClient, logger: Logger) async throws {
        guard let first = rows.first, let last = rows.last else { return }
        let device = first.device
        let seqs = rows.map(\.seq)
        let formats = rows.map { Int64($0.format) }
        let bodies = rows.map { ByteBuffer(bytes: $0.body) }
        let previous = rows.map(\.prevHash)
        let hashes = rows.map(\.hash)
        let times = rows.map(\.wallTime)
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query(
                """
                INSERT INTO dwell.events (device, seq, format, body, prev_hash, hash, wall_time)
                SELECT \(device), s, f, b, p, h, w
                FROM unnest(\(seqs)::bigint[], \(formats)::bigint[], \(bodies)::bytea[], \(previous)::text[],
                    \(hashes)::text[], \(times)::text[]) WITH ORDINALITY AS t(s, f, b, p, h, w, n)
                ORDER BY n
                ON CONFLICT (device, seq) DO NOTHING
                """, logger: logger)
            let stored = try await HubRow.decode(
                connection.query(
                    """
                    SELECT device, seq, format, body, prev_hash, hash, wall_time FROM dwell.events
                    WHERE device = \(device) AND seq BETWEEN \(first.seq) AND \(last.seq) ORDER BY seq
                    """, logger: logger))
            let byNumber = Dictionary(stored.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
            for row in rows {
                guard let copy = byNumber[row.seq] else {
                    throw HubError.server("row \(row.seq) of \(device) is not stored after the insert")
                }
                if let what = row.difference(from: copy) {
                    throw HubError.notIdentical(device: device, seq: row.seq, what)
                }
            }
        }
    }
}
