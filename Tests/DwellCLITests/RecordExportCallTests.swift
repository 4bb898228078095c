import DwellRecord
import Foundation
import Testing

/// The exports carry the patient call (an `AuditEvent` for the call and one for its answer, with
/// the response time), the check-in and the sweep rows.
struct RecordExportCallTests {
    static let sessionID = "9c1d2e3f-4a5b-4c6d-8e7f-0a1b2c3d4e5f"

    /// A call on an idle bed (no session) and a session with a call, a check-in and a sweep.
    static func callRecord() async throws -> String {
        let path = RecordCommandTests.temporaryRecord()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let writer = try RecordWriter(store: RecordStore(path: path))
        var idle = RecordStore.recordContext
        idle.bed = "2"
        try await writer.append(
            RecordEvent(
                session: idle, type: RecordStore.patientCallType, monotonicUs: 0,
                wallTime: "2026-12-03T09:00:00.000Z", note: "patient call from the bed's call button"))
        try await writer.append(
            RecordEvent(
                session: idle, type: RecordStore.callAnsweredType, monotonicUs: 0,
                wallTime: "2026-12-03T09:00:42.500Z", note: "patient call answered at the bed after 42.5s",
                amountMs: 42_500))
        let session = SessionContext(
            sessionID: sessionID, bed: "3", protocolID: "upper-trapezius-superficial", protocolVersion: 1,
            protocolTitle: "Upper trapezius", protocolSHA256: "-", therapist: "t-01", patient: "p-5")
        let rows: [(String, String?, Int64?)] = [
            ("session.started", nil, nil),
            ("check.due", "nobody has looked in on the patient for 5m", nil),
            (RecordStore.patientCallType, "patient call through the API", nil),
            (RecordStore.callAnsweredType, "patient call answered at the bed after 12s", 12_000),
            ("check.done", "a therapist looked in on the patient (the check-in was overdue)", nil),
            ("sweep.started", "check the couch and floor for stray needles", nil),
            ("sweep.done", "couch and floor checked for stray needles", nil),
            ("session.completed", nil, nil),
        ]
        for (index, row) in rows.enumerated() {
            try await writer.append(
                RecordEvent(
                    session: session, type: row.0, monotonicUs: Int64(index) * 60_000_000,
                    wallTime: "2026-12-03T10:0\(index):00.000Z", note: row.1, amountMs: row.2))
        }
        writer.store.close()
        return path
    }

    @Test func fhirBundleHasAnAuditEventForEachCallAndItsAnswerWithTheResponseTime() async throws {
        let path = try await Self.callRecord()
        let result = try await offThePool {
            try DwellProcess.run(["record", "export", "--format", "fhir", "--record", path])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let bundle = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let resources = try #require(bundle["entry"] as? [[String: Any]]).compactMap {
            $0["resource"] as? [String: Any]
        }
        let audits = resources.filter { $0["resourceType"] as? String == "AuditEvent" }
        func subtype(_ audit: [String: Any]) -> String? {
            ((audit["subtype"] as? [[String: Any]])?.first)?["code"] as? String
        }
        #expect(
            audits.map(subtype) == [
                "record.patient-call", "record.call-answered", "record.patient-call", "record.call-answered",
            ], "only the call rows are safety events here, not the check-in or the sweep")
        let idleAnswer = audits[1]
        #expect(
            idleAnswer["period"] as? [String: String] == [
                "start": "2026-12-03T09:00:00.000Z", "end": "2026-12-03T09:00:42.500Z",
            ], "from the call to the answer")
        let details = ((idleAnswer["entity"] as? [[String: Any]])?.first?["detail"] as? [[String: String]]) ?? []
        #expect(details.contains(["type": "response-time-ms", "valueString": "42500"]), "\(details)")
        #expect(details.contains(["type": "response-time", "valueString": "42.5s"]) || details.count == 2)
        // The idle bed's call refers to no Procedure; the session's to its own.
        func what(_ audit: [String: Any]) -> String? {
            (((audit["entity"] as? [[String: Any]])?.first)?["what"] as? [String: String])?["reference"]
        }
        #expect(what(audits[0]) == nil && what(audits[2]) == "urn:uuid:\(Self.sessionID)")
        // The call is the patient's (through the device); its answer the therapist's.
        func requestor(_ audit: [String: Any]) -> String? {
            ((audit["agent"] as? [[String: Any]])?.first { $0["requestor"] as? Bool == true }?["type"]
                as? [String: String])?["text"]
        }
        #expect(requestor(audits[2]) == "device" && requestor(audits[3]) == "therapist")
        #expect(audits[0]["period"] == nil, "a call row has no period of its own")
        try RecordCommandTests.validateWithFHIRClient(result.stdout)
    }

    @Test func csvAndJSONLinesCarryTheCallCheckInAndSweepRows() async throws {
        let path = try await Self.callRecord()
        let entries = try RecordStore(path: path, options: .init(readOnly: true)).entries()
        let jsonl = try await offThePool {
            try DwellProcess.run(["record", "export", "--format", "jsonl", "--record", path])
        }
        let decoded = try jsonl.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(RecordEntry.self, from: Data($0.utf8))
        }
        #expect(decoded == entries)
        let csv = try await offThePool {
            try DwellProcess.run(["record", "export", "--format", "csv", "--record", path])
        }
        let lines = csv.stdout.split(separator: "\r\n").map(String.init)
        for type in [
            "record.patient-call", "record.call-answered", "check.due", "check.done", "sweep.started", "sweep.done",
        ] {
            #expect(lines.contains { $0.contains(",\(type),") }, "\(type) in the CSV")
        }
        #expect(
            lines.contains { $0.contains(",record.call-answered,") && $0.contains(",42500,") },
            "the response time in amount_ms")
    }
}
