import DwellRecord
import Logging
import PostgresNIO

/// The clinic record as the hub holds it: every device's rows, read back for verify and export.
public enum HubRecord {
    /// Rows in device then sequence order, optionally of one device and at or after a wall time.
    public static func rows(
        device: String? = nil, since: String? = nil, client: PostgresClient, logger: Logger
    ) async throws -> [HubRow] {
        let sequence: PostgresRowSequence
        switch (device, since) {
        case (let device?, let since?):
            sequence = try await client.query(
                """
                SELECT device, seq, format, body, prev_hash, hash, wall_time FROM dwell.events
                WHERE device = \(device) AND wall_time >= \(since) ORDER BY device, seq
                """, logger: logger)
        case (let device?, nil):
            sequence = try await client.query(
                """
                SELECT device, seq, format, body, prev_hash, hash, wall_time FROM dwell.events
                WHERE device = \(device) ORDER BY device, seq
                """, logger: logger)
        case (nil, let since?):
            sequence = try await client.query(
                """
                SELECT device, seq, format, body, prev_hash, hash, wall_time FROM dwell.events
                WHERE wall_time >= \(since) ORDER BY device, seq
                """, logger: logger)
        case (nil, nil):
            sequence = try await client.query(
                """
                SELECT device, seq, format, body, prev_hash, hash, wall_time FROM dwell.events ORDER BY device, seq
                """, logger: logger)
        }
        return try await HubRow.decode(sequence)
    }

    /// The entries the rows hold, each with its device; a row whose bytes do not decode is an error
    /// naming it (run `dwell record verify --postgres` to see the whole picture).
    public static func entries(_ rows: [HubRow]) throws -> [(device: String, entry: RecordEntry)] {
        try rows.map { row in
            do {
                return (row.device, try row.entry())
            } catch {
                throw HubError.server("\(row.device) row \(row.seq) cannot be read: \(error)")
            }
        }
    }
}
