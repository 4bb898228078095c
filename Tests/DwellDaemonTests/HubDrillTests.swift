import DwellProbe
import Foundation
import Testing

/// The clinic hub drills against a real PostgreSQL: each ends with "nothing lost, nothing
/// doubled, the central chain verifies" (``assertComplete``). Without PostgreSQL they are skipped,
/// unless `DWELL_REQUIRE_POSTGRES=1` (as `.ci/run` sets), which turns the skip into a failure.
@Suite(
    .serialized,
    .enabled(
        if: PostgresCluster.shouldRun,
        "PostgreSQL (initdb, pg_ctl) not found: the clinic hub drills are skipped; DWELL_REQUIRE_POSTGRES=1 fails instead"
    ))
struct HubDrillTests {
    /// Every row of the room's record is at the hub once, byte for byte, and the hub's chain of it
    /// verifies (`dwell record verify --postgres --record`, which walks and compares both ways).
    static func assertComplete(_ room: HubRoom, _ fixture: HubFixture) throws {
        let health = try room.health()
        let recordSeq = room.number(health, "record_seq")
        let stored = try fixture.stored(room.device)
        #expect(stored.count == recordSeq, "\(room.device): the hub holds \(stored.count) rows of \(recordSeq)")
        #expect(
            stored.last == recordSeq, "\(room.device): the hub's last row is \(stored.last), the board's \(recordSeq)")
        let verify = try dwell([
            "record", "verify", "--postgres", fixture.cluster.adminURL, "--device", room.device, "--record",
            room.record,
        ])
        #expect(verify.status == 0, "\(verify.output)")
        #expect(verify.output.contains("\(room.device): intact, \(recordSeq) rows"), "\(verify.output)")
        #expect(verify.output.contains("consistent"), "\(verify.output)")
        #expect(!verify.output.contains("not yet at the hub"), "\(verify.output)")
    }

    @Test func threeRoomsForwardWhileSessionsRun() async throws {
        try await offThePool {
            let fixture = try HubFixture(devices: ["room-1", "room-2", "room-3"])
            defer { fixture.close() }
            let rooms = try fixture.devices.map { try HubRoom($0, fixture: fixture) }
            defer { for room in rooms { room.stop() } }
            for room in rooms { try room.start(bed: "1") }
            for _ in 0..<5 {
                for room in rooms { try room.callAndAnswer(bed: "2", cycles: 4) }
            }
            for room in rooms { try room.awaitForwarded() }
            for room in rooms {
                // Sessions still run, and the hub holds what the board recorded.
                #expect(room.number(try room.health(), "record_seq") > 40)
                try Self.assertComplete(room, fixture)
            }
        }
    }

    @Test func theHubStoppedForThirtySecondsMidSessionThenRestarted() async throws {
        try await offThePool {
            let fixture = try HubFixture(devices: ["room-1"])
            defer { fixture.close() }
            let room = try HubRoom("room-1", fixture: fixture)
            defer { room.stop() }
            try room.start(bed: "1")
            try room.callAndAnswer(bed: "2", cycles: 3)
            try room.awaitForwarded()
            try fixture.cluster.stop()
            let stoppedAt = Date()
            try room.callAndAnswer(bed: "2", cycles: 10)
            try waitFor("the health to report the hub unreachable", seconds: 30) {
                let health = try room.health()
                return (health["hub.last_error"] is String && room.number(health, "hub.unsent_rows") >= 20, "\(health)")
            }
            // The board goes on timing and recording while the hub is away.
            try room.callAndAnswer(bed: "2", cycles: 2)
            let remaining = 30 - Date().timeIntervalSince(stoppedAt)
            if remaining > 0 { usleep(UInt32(remaining * 1_000_000)) }
            try fixture.cluster.start()
            try room.awaitForwarded(seconds: 90)
            #expect(try room.health()["hub.last_error"] == nil)
            try Self.assertComplete(room, fixture)
        }
    }

    @Test func dwelldKilledMidBatchResendsWithoutDoubles() async throws {
        try await offThePool {
            let fixture = try HubFixture(devices: ["room-1"])
            defer { fixture.close() }
            let room = try HubRoom("room-1", fixture: fixture, batchRows: 10)
            defer { room.stop() }
            try room.callAndAnswer(bed: "2", cycles: 3)
            try room.awaitForwarded()
            // The owner holds a lock that makes the room's next INSERT wait inside its transaction.
            let locker = Process()
            locker.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            locker.arguments = [
                "psql", "-X", "-q", "-c", "BEGIN; LOCK TABLE dwell.events IN SHARE MODE; SELECT pg_sleep(4); COMMIT;",
                fixture.cluster.url(user: PostgresCluster.adminUser),
            ]
            locker.environment = ProcessInfo.processInfo.environment.merging([
                "PGPASSWORD": PostgresCluster.adminPassword
            ]) { $1 }
            locker.standardOutput = FileHandle.nullDevice
            try locker.run()
            try waitFor("the lock to be held", seconds: 10) {
                let held = try fixture.cluster.sql(
                    "SELECT count(*) FROM pg_locks WHERE relation = 'dwell.events'::regclass AND mode = 'ShareLock' AND granted"
                )
                return (held.trimmingCharacters(in: .whitespacesAndNewlines) == "1", held)
            }
            try room.callAndAnswer(bed: "2", cycles: 15)
            try waitFor("the room's batch to wait on the lock, mid-transaction", seconds: 10) {
                let waiting = try fixture.cluster.sql(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = 'dwell_dev_room_1' AND wait_event_type = 'Lock'"
                )
                return (waiting.trimmingCharacters(in: .whitespacesAndNewlines) == "1", waiting)
            }
            try room.restart(signal: SIGKILL, fixture: fixture, batchRows: 10)
            locker.waitUntilExit()
            try room.callAndAnswer(bed: "2", cycles: 2)
            try room.awaitForwarded()
            try Self.assertComplete(room, fixture)
        }
    }

    @Test func theNetworkCutByAClosedPortThenRestored() async throws {
        try await offThePool {
            let fixture = try HubFixture(devices: ["room-1"])
            defer { fixture.close() }
            let room = try HubRoom("room-1", fixture: fixture)
            defer { room.stop() }
            try room.callAndAnswer(bed: "2", cycles: 2)
            try room.awaitForwarded()
            try room.restart(fixture: fixture, port: freePort())
            try room.start(bed: "1")
            try room.callAndAnswer(bed: "2", cycles: 5)
            try waitFor("the health to report the hub unreachable", seconds: 30) {
                let health = try room.health()
                return (health["hub.last_error"] is String && room.number(health, "hub.unsent_rows") > 0, "\(health)")
            }
            try room.restart(fixture: fixture)
            try room.awaitForwarded()
            try Self.assertComplete(room, fixture)
        }
    }
}
