import DwellHub
import Foundation
import Logging
import PostgresNIO

/// Every room's beds as the hub last heard them, as one JSON document for the clinic page:
/// `{"offline_after_s": 10, "rooms": [{"device", "silent_s", "offline", "beds": [BedStatus…]}]}`.
/// A room whose last status arrived more than ``offlineAfter`` ago (by the hub's clock) is
/// OFFLINE and keeps its last known beds.
enum ClinicSnapshot {
    static let offlineAfterSeconds = 10.0

    static func read(client: PostgresClient, logger: Logger) async throws -> String {
        let rows = try await client.query(
            """
            SELECT d.device, s.bed, s.status::text, extract(epoch FROM now() - s.reported_at)::float8
            FROM dwell.devices d LEFT JOIN dwell.bed_status s USING (device) ORDER BY d.device, s.bed
            """, logger: logger)
        var rooms: [(device: String, silent: Double?, beds: [String])] = []
        for try await (device, _, status, age) in rows.decode((String, String?, String?, Double?).self) {
            if rooms.last?.device != device { rooms.append((device, nil, [])) }
            if let status { rooms[rooms.count - 1].beds.append(status) }
            if let age { rooms[rooms.count - 1].silent = min(rooms[rooms.count - 1].silent ?? age, age) }
        }
        return document(rooms)
    }

    static func document(_ rooms: [(device: String, silent: Double?, beds: [String])]) -> String {
        let entries = rooms.map { room in
            let silent = room.silent.map { String(format: "%.1f", $0) } ?? "null"
            let offline = (room.silent ?? .infinity) > offlineAfterSeconds
            return "{\"device\":\(quoted(room.device)),\"silent_s\":\(silent),\"offline\":\(offline),"
                + "\"beds\":[\(room.beds.joined(separator: ","))]}"
        }
        return "{\"offline_after_s\":\(Int(offlineAfterSeconds)),\"rooms\":[\(entries.joined(separator: ","))]}"
    }

    static func quoted(_ text: String) -> String {
        (try? String(decoding: JSONEncoder().encode(text), as: UTF8.self)) ?? "\"\""
    }
}
