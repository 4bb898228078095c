import DwellProbe
import Foundation
import GRDB
import Testing

/// What the hub and central verify catch: a forged row, a truncated board, a room writing
/// another room's rows, and anyone changing or deleting events.
@Suite(
    .serialized,
    .enabled(
        if: PostgresCluster.shouldRun,
        "PostgreSQL (initdb, pg_ctl) not found: the clinic hub tamper tests are skipped; DWELL_REQUIRE_POSTGRES=1 fails instead"
    ))
struct HubTamperTests {
    /// Two rooms whose records reached the hub, stopped (their records are final).
    static func forwardedRooms() throws -> (HubFixture, [HubRoom]) {
        let fixture = try HubFixture(devices: ["room-1", "room-2"])
        let rooms = try fixture.devices.map { try HubRoom($0, fixture: fixture) }
        for room in rooms {
            try room.callAndAnswer(bed: "2", cycles: 5)
            try room.awaitForwarded()
            room.stop()
        }
        return (fixture, rooms)
    }

    @Test func aForgedRowInsertedCentrallyIsCaughtByVerify() async throws {
        try await offThePool {
            let (fixture, rooms) = try Self.forwardedRooms()
            defer { fixture.close() }
            let clean = try dwell(["record", "verify", "--postgres", fixture.cluster.adminURL])
            #expect(clean.status == 0, "\(clean.output)")
            #expect(clean.output.contains("room-1: intact, 10 rows"), "\(clean.output)")
            // The owner appends a row that continues the chain by its prev_hash but whose bytes
            // were made up: its hash cannot match them.
            try fixture.cluster.sql(
                """
                INSERT INTO dwell.events (device, seq, format, body, prev_hash, hash, wall_time)
                SELECT device, seq + 1, format, body, hash, repeat('f', 64), wall_time FROM dwell.events
                WHERE device = 'room-1' AND seq = 10
                """)
            // And edits a stored row of room-2 behind the append-only trigger's back.
            try fixture.cluster.sql(
                """
                ALTER TABLE dwell.events DISABLE TRIGGER events_append_only;
                UPDATE dwell.events SET body = overlay(body placing 'X'::bytea from 20 for 1) WHERE device = 'room-2' AND seq = 4;
                ALTER TABLE dwell.events ENABLE TRIGGER events_append_only;
                """)
            let caught = try dwell(["record", "verify", "--postgres", fixture.cluster.adminURL])
            #expect(caught.status == 1, "\(caught.output)")
            #expect(caught.output.contains("room-1: BROKEN"), "\(caught.output)")
            #expect(caught.output.contains("edited row 11: its hash does not match its bytes"), "\(caught.output)")
            #expect(caught.output.contains("room-2: BROKEN"), "\(caught.output)")
            #expect(caught.output.contains("edited row 4"), "\(caught.output)")
            // Against room-1's board, the forged row is one the board never had.
            let cross = try dwell([
                "record", "verify", "--postgres", fixture.cluster.adminURL, "--record", rooms[0].record,
            ])
            #expect(cross.status == 1)
            #expect(
                cross.output.contains("the hub holds rows the board lacks (truncated or replaced board record): 11"))
        }
    }

    @Test func aBoardWhoseNewestRowsWereCutOffIsCaughtByTheCrossCheck() async throws {
        try await offThePool {
            let (fixture, rooms) = try Self.forwardedRooms()
            defer { fixture.close() }
            let copy = rooms[0].folder + "/truncated.sqlite"
            try FileManager.default.copyItem(atPath: rooms[0].record, toPath: copy)
            let database = try DatabaseQueue(path: copy)
            try database.write { db in
                try db.execute(sql: "DROP TRIGGER events_append_only_delete; DELETE FROM events WHERE seq > 7")
            }
            try database.close()
            // The board's own chain still verifies: a cut-off tail leaves no break.
            let local = try dwell(["record", "verify", "--record", copy])
            #expect(local.status == 0, "\(local.output)")
            let cross = try dwell([
                "record", "verify", "--postgres", fixture.cluster.adminURL, "--device", "room-1", "--record", copy,
            ])
            #expect(cross.status == 1, "\(cross.output)")
            #expect(cross.output.contains("INCONSISTENT"), "\(cross.output)")
            #expect(
                cross.output.contains("the hub holds rows the board lacks (truncated or replaced board record): 8–10"))
        }
    }

    @Test func aRoomCannotWriteAnotherRoomsRowsNorAnyoneChangeOrDeleteEvents() async throws {
        try await offThePool {
            let (fixture, _) = try Self.forwardedRooms()
            defer { fixture.close() }
            let room1 = "dwell_dev_room_1"
            let password = HubFixture.password("room-1")
            let foreign = """
                INSERT INTO dwell.events (device, seq, format, body, prev_hash, hash, wall_time)
                VALUES ('room-2', 11, 2, '\\x00', repeat('0', 64), repeat('0', 64), 'x')
                """
            #expect(throws: PostgresCluster.Failure.self) {
                try fixture.cluster.sql(foreign, user: room1, password: password)
            }
            let foreignStatus = """
                INSERT INTO dwell.bed_status (device, bed, status) VALUES ('room-2', '1', '{}')
                """
            #expect(throws: PostgresCluster.Failure.self) {
                try fixture.cluster.sql(foreignStatus, user: room1, password: password)
            }
            // A room reads only its own rows.
            let seen = try fixture.cluster.sql(
                "SELECT count(DISTINCT device) FROM dwell.events", user: room1, password: password)
            #expect(seen.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
            for statement in [
                "UPDATE dwell.events SET wall_time = 'x' WHERE device = 'room-1'",
                "DELETE FROM dwell.events WHERE device = 'room-1'",
            ] {
                #expect(throws: PostgresCluster.Failure.self) {
                    try fixture.cluster.sql(statement, user: room1, password: password)
                }
                #expect(throws: PostgresCluster.Failure.self) { try fixture.cluster.sql(statement) }
            }
            #expect(throws: PostgresCluster.Failure.self) { try fixture.cluster.sql("TRUNCATE dwell.events") }
            #expect(try fixture.stored("room-1").count == 10)
            #expect(try fixture.stored("room-2").count == 10)
        }
    }
}
