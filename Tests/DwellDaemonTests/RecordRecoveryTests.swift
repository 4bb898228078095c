import DwellBed
import DwellCore
import DwellDaemon
import DwellProbe
import DwellRecord
import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Testing

/// dwelld's start-up on a damaged clinic record: the file is moved aside (never written to),
/// a new record names it, beds come up interrupted, and the fault shows until acknowledged.
@Suite(.serialized)
struct RecordRecoveryTests {
    func post(
        _ client: some TestClientProtocol, _ path: String, _ json: String? = nil
    ) async throws -> (Int, [String: Any]) {
        try await client.execute(
            uri: "/api/v1/\(path)", method: .post, headers: [.contentType: "application/json"],
            body: json.map(body)
        ) { response in
            (Int(response.status.code), try object(response))
        }
    }

    /// A session left running on bed 1 (4 needles in), after `filler` ended sessions on bed 2;
    /// dwelld then stopped (the record is closed, its WAL folded in). Returns protocols and record.
    func interruptedSession(filler: Int = 0) async throws -> (protocols: String, record: String) {
        let protocols = try protocolsCopy()
        let record = try temporaryFolder() + "/record.sqlite"
        if filler > 0 {
            let store = try RecordStore(path: record)
            let writer = try RecordWriter(store: store)
            for index in 0..<filler {
                let session = SessionContext(
                    sessionID: "old-\(index / 10)", bed: "2", protocolID: "neck-shoulder-multisite",
                    protocolVersion: 1, protocolTitle: "Old", protocolSHA256: "00", therapist: "t-1", patient: "p-1")
                let type = index % 10 == 0 ? "session.started" : index % 10 == 9 ? "session.completed" : "step.started"
                try await writer.append(
                    RecordEvent(
                        session: session, type: type, monotonicUs: Int64(index),
                        wallTime: "2026-11-23T10:00:00.000Z", note: String(repeating: "x", count: 100)))
            }
            store.close()
        }
        let first = try makeBeds(protocols: protocols, record: record)
        try await app(first).test(.router) { client in
            let (started, _) = try await post(client, "beds/1/session", startBody)
            let (counted, _) = try await post(client, "beds/1/needles-in", #"{"count":4}"#)
            #expect(started == 201 && counted == 200)
        }
        await first.shutdown()
        return (protocols, record)
    }

    func state(_ beds: Beds, _ bed: String) async throws -> [String: Any] {
        let data = try await app(beds).test(.router) { client in
            try await client.execute(uri: "/api/v1/beds/\(bed)", method: .get) { Data(buffer: $0.body) }
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    func expectInterruptedBecauseDamaged(_ beds: Beds, _ bed: String) async throws {
        let json = try await state(beds, bed)
        #expect(json["state"] as? String == "interrupted", "bed \(bed): \(json)")
        let interruption = json["interruption"] as? [String: Any]
        #expect(interruption?["resumable"] as? Bool == false)
        #expect((interruption?["reason"] as? String)?.contains("clinic record was found damaged") == true)
    }

    func damagedFiles(_ record: String) throws -> [String] {
        let folder = (record as NSString).deletingLastPathComponent
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(".damaged-") }
    }

    @Test func malformedPagesAreMovedAsideAndEveryBedComesUpInterrupted() async throws {
        let (protocols, record) = try await interruptedSession(filler: 300)
        let size = (try FileManager.default.attributesOfItem(atPath: record)[.size] as? NSNumber)?.intValue ?? 0
        #expect(size / 4_096 >= 8, "a record of several pages")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: record))
        try handle.seek(toOffset: UInt64(size / 4_096 / 2) * 4_096)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 64))
        try handle.close()
        let damagedBytes = try Data(contentsOf: URL(fileURLWithPath: record))

        let beds = try makeBeds(protocols: protocols, record: record)
        let fault = try #require(beds.recordFault)
        #expect(fault.movedTo.hasPrefix(record + ".damaged-") && !fault.acknowledged)
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: fault.movedTo)) == damagedBytes, "never written to, never deleted"
        )
        #expect(try damagedFiles(record).count >= 1)
        let rows = try RecordStore(path: record, options: .init(readOnly: true)).entries()
        #expect(rows.first?.type == "record.recovered" && rows.first?.note?.contains(fault.movedTo) == true)

        let restored = try await beds.restoreInterrupted()
        #expect(restored == ["1", "2"], "neither bed's state can be established from verified rows")
        try await expectInterruptedBecauseDamaged(beds, "1")
        try await expectInterruptedBecauseDamaged(beds, "2")
    }

    @Test func aBrokenChainIsMovedAsideAndTheFaultShowsUntilAcknowledged() async throws {
        let (protocols, record) = try await interruptedSession()
        let queue = try DatabaseQueue(path: record)
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER events_append_only_update")
            try db.execute(sql: "UPDATE events SET needles = 0 WHERE type = 'needles.placed'")
        }
        try queue.close()
        let beds = try makeBeds(protocols: protocols, record: record)
        let fault = try #require(beds.recordFault)
        #expect(fault.message.contains("chain breaks at seq"), "\(fault.message)")
        #expect(try await beds.restoreInterrupted() == ["1", "2"])
        try await expectInterruptedBecauseDamaged(beds, "1")
        let shown = try await state(beds, "1")
        #expect(shown["patient"] as? String == "p-0042", "the session's verified rows are shown")

        try await app(beds).test(.router) { client in
            try await client.execute(uri: "/api/v1/record", method: .get) { response in
                let json = try object(response)
                let shown = try #require(json["fault"] as? [String: Any])
                #expect(shown["moved_to"] as? String == fault.movedTo && shown["acknowledged"] as? Bool == false)
                #expect(
                    shown["last_verified_seq"] is Int && shown["last_verified_hash"] is String
                        && shown["detected_at"] is String)
                #expect(json["path"] as? String == record)
            }
            let (status, json) = try await post(client, "record/acknowledge")
            #expect(status == 200 && (json["fault"] as? [String: Any])?["acknowledged"] as? Bool == true)
        }
        await beds.shutdown()
        // Acknowledged in the record itself: the next start shows it acknowledged, and the
        // interrupted beds stay interrupted (their sessions' starts are in the damaged file).
        let again = try makeBeds(protocols: protocols, record: record)
        #expect(again.recordFault?.acknowledged == true)
        #expect(try await again.restoreInterrupted() == ["1", "2"])
        #expect(try await state(again, "1")["state"] as? String == "interrupted")
    }

    @Test func aFlippedByteInTheStartRowLeavesTheBedInterruptedNotIdle() async throws {
        let (protocols, record) = try await interruptedSession()
        var bytes = try Data(contentsOf: URL(fileURLWithPath: record))
        let needle = Data("session.started".utf8)
        let found = try #require(bytes.range(of: needle), "the start row is in the main file")
        bytes[found.upperBound - 1] ^= 0x01  // session.started -> session.startee
        try bytes.write(to: URL(fileURLWithPath: record))
        let beds = try makeBeds(protocols: protocols, record: record)
        #expect(beds.recordFault != nil)
        let restored = try await beds.restoreInterrupted()
        #expect(restored.contains("1"))
        try await expectInterruptedBecauseDamaged(beds, "1")
        #expect(try await state(beds, "1")["state"] as? String != "idle")
    }

    @Test func startUpAdvancesTheCheckpointAndAnIntactRecordHasNoFault() async throws {
        let (protocols, record) = try await interruptedSession()
        let rows = try RecordStore(path: record, options: .init(readOnly: true)).entries()
        let beds = try makeBeds(protocols: protocols, record: record)
        #expect(beds.recordFault == nil)
        let checkpoint = try RecordStore(path: record, options: .init(readOnly: true)).checkpoint()
        #expect(checkpoint?.seq == rows.last?.seq && checkpoint?.hash == rows.last?.hash)
        #expect(try await beds.restoreInterrupted() == ["1"])
        try await app(beds).test(.router) { client in
            try await client.execute(uri: "/api/v1/record", method: .get) { response in
                let json = try object(response)
                #expect(json["fault"] is NSNull)
            }
            let (refused, _) = try await post(client, "record/acknowledge")
            #expect(refused == 409)
        }
        #expect(try damagedFiles(record).isEmpty)
    }

    /// A record path holding 16 KiB of junk, and the dwelld binary started on it (READY expected).
    static func daemonOnAFileThatIsNoDatabase() throws -> (record: String, daemon: DaemonProcess) {
        let record = try temporaryFolder() + "/record.sqlite"
        try Data(repeating: 0x5A, count: 16_384).write(to: URL(fileURLWithPath: record))
        let daemon = try DaemonProcess(record: record)
        #expect(daemon.awaitNotification("READY=1") != nil, "log:\n\(daemon.log)")
        return (record, daemon)
    }

    /// The dwelld binary on a file that is not a database: it starts, says so at `critical`, and serves the fault.
    @Test func dwelldOnAFileThatIsNoDatabaseStartsANewRecordAndSaysSo() async throws {
        try await offThePool {
            let (record, daemon) = try Self.daemonOnAFileThatIsNoDatabase()
            defer { daemon.signal(SIGTERM) }
            #expect(
                daemon.log.contains("critical") && daemon.log.contains("CLINIC RECORD DAMAGED"), "log:\n\(daemon.log)")
            func json(_ response: String) -> [String: Any] {
                guard let start = response.range(of: "\r\n\r\n")?.upperBound else { return [:] }
                return (try? JSONSerialization.jsonObject(with: Data(response[start...].utf8))) as? [String: Any] ?? [:]
            }
            let status = json(try RawHTTP.get("/api/v1/record", port: daemon.port))
            let fault = try #require(status["fault"] as? [String: Any], "\(status)")
            let moved = try #require(fault["moved_to"] as? String)
            #expect(moved.hasPrefix(record + ".damaged-") && FileManager.default.fileExists(atPath: moved))
            #expect(fault["last_verified_seq"] as? Int == 0 && fault["acknowledged"] as? Bool == false)
            for bed in ["1", "2"] {
                #expect(
                    json(try RawHTTP.get("/api/v1/beds/\(bed)", port: daemon.port))["state"] as? String
                        == "interrupted",
                    "bed \(bed)")
            }
        }
    }

    /// The kiosk page shows the fault and acknowledges it (.ci/run installs Chromium and Selenium).
    @Test(.enabled(if: KioskBrowserTests.browserReady, "needs chromium, chromium-driver and python3 selenium"))
    func theKioskPageShowsTheRecordFaultUntilAcknowledged() async throws {
        try await offThePool {
            let (_, daemon) = try Self.daemonOnAFileThatIsNoDatabase()
            defer { daemon.signal(SIGTERM) }
            let (status, text) = try runCommand(
                ["python3", "Tests/Kiosk/record_banner_test.py"],
                environment: ["DWELL_URL": "http://127.0.0.1:\(daemon.port)"])
            #expect(status == 0 && text.contains("record banner: 3 passed, 0 failed"), "\(text)")
        }
    }
}
