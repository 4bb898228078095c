import DwellRecord
import Foundation
import Testing

/// The exports carry the patient-safety events: an `AuditEvent` each in the FHIR bundle, a
/// `Procedure.complication` for needle shock, and every row as it is in CSV and JSON lines.
struct RecordExportSafetyTests {
    static let sessionID = "5b0c1e2a-7d3f-4a41-9c6e-2f8d7a1b3c4d"

    /// A record with one refused start and one session holding every kind of safety row, plus an
    /// extension without a reason (not a safety event). Returns its path.
    static func safetyRecord() async throws -> String {
        let path = RecordCommandTests.temporaryRecord()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let writer = try RecordWriter(store: RecordStore(path: path))
        var refusal = RecordStore.recordContext
        (refusal.bed, refusal.therapist, refusal.protocolID) = ("2", "t-17", "knee-non-trigger-point")
        (refusal.protocolVersion, refusal.protocolTitle) = (1, "Knee, non-trigger-point")
        try await writer.append(
            RecordEvent(
                session: refusal, type: RecordStore.refusedStartType, monotonicUs: 0,
                wallTime: "2026-12-03T09:00:00.000Z", note: "Contraindicated: local-infection"))
        let session = SessionContext(
            sessionID: sessionID, bed: "3", protocolID: "upper-trapezius-superficial", protocolVersion: 1,
            protocolTitle: "Upper trapezius", protocolSHA256: "-", therapist: "t-01", patient: "p-5")
        let rows: [(String, Int64, String?, Int64?, String?, Int?)] = [
            ("session.started", 0, nil, nil, nil, nil),
            ("step.extended", 60, "extended by 1m", 60_000, nil, nil),
            // A reason given unasked, within the clinic's longest session: not a safety event.
            ("step.extended", 90, "extended by 1m", 60_000, "patient asked for more", nil),
            (
                "step.extended", 120, "extended by 2m past the clinic's longest session of 15m: slow to relax", 120_000,
                "slow to relax", nil
            ),
            ("session.paused", 180, nil, nil, nil, nil),
            ("session.pause-overdue", 360, "paused past the clinic's pause limit of 3m with 3 needles in", nil, nil, 3),
            ("session.resumed", 400, nil, nil, nil, nil),
            (
                "needles.rapid-removal", 500,
                "needle shock or fainting: the 3 needles still counted in were removed at once, to be counted", nil,
                nil, 3
            ),
            ("needles.reconciled", 600, "2 of 3 recovered", nil, nil, 2),
            (
                "needles.mismatch-closed", 700, "possible adverse event: one lost on the floor", nil,
                "one lost on the floor", 1
            ),
            ("session.aborted", 700, nil, nil, nil, nil),
        ]
        for (index, row) in rows.enumerated() {
            try await writer.append(
                RecordEvent(
                    session: session, type: row.0, monotonicUs: row.1 * 1_000_000,
                    wallTime: "2026-12-03T10:00:\(String(format: "%02d", index)).000Z", needles: row.5, note: row.2,
                    amountMs: row.3, reason: row.4))
        }
        writer.store.close()
        return path
    }

    @Test func fhirBundleHasAnAuditEventPerSafetyEventAndTheRapidRemovalComplication() async throws {
        let path = try await Self.safetyRecord()
        let entries = try RecordStore(path: path, options: .init(readOnly: true)).entries()
        let result = try await offThePool {
            try DwellProcess.run(["record", "export", "--format", "fhir", "--record", path])
        }
        #expect(result.status == 0, "\(result.stderr)")
        let bundle = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let resources = try #require(bundle["entry"] as? [[String: Any]]).compactMap {
            $0["resource"] as? [String: Any]
        }
        let procedures = resources.filter { $0["resourceType"] as? String == "Procedure" }
        let audits = resources.filter { $0["resourceType"] as? String == "AuditEvent" }
        try #require(procedures.count == 1 && audits.count == 5, "\(resources.map { $0["resourceType"] ?? "-" })")
        #expect(
            procedures[0]["complication"] as? [[String: String]] == [
                ["text": "needle shock or fainting: needles removed at once (rapid removal)"]
            ])

        func subtype(_ audit: [String: Any]) -> String? {
            ((audit["subtype"] as? [[String: Any]])?.first)?["code"] as? String
        }
        #expect(
            audits.map(subtype) == [
                "record.start-refused", "step.extended", "session.pause-overdue", "needles.rapid-removal",
                "needles.mismatch-closed",
            ])
        let safetyRows = entries.filter { RecordExport.isSafetyEvent($0) }
        for (audit, row) in zip(audits, safetyRows) {
            let type = try #require(audit["type"] as? [String: String])
            #expect(type["system"] == "urn:dwell:audit-event-type" && type["code"] == "patient-safety")
            #expect((audit["subtype"] as? [[String: String]])?.first?["system"] == "urn:dwell:event-type")
            #expect(audit["recorded"] as? String == row.wallTime)
            #expect(audit["outcome"] as? String == (row.type == "record.start-refused" ? "4" : "0"))
            #expect(["E", "U"].contains(audit["action"] as? String))
            let source = try #require(audit["source"] as? [String: Any])
            #expect(source["site"] as? String == "bed \(row.bed)")
            #expect(
                ((source["observer"] as? [String: Any])?["identifier"] as? [String: String]) == [
                    "system": "urn:dwell:bed", "value": row.bed,
                ])
            let agents = try #require(audit["agent"] as? [[String: Any]])
            let therapist = agents.first { ($0["type"] as? [String: String])?["text"] == "therapist" }
            #expect(
                ((therapist?["who"] as? [String: Any])?["identifier"] as? [String: String])?["value"] == row.therapist)
            #expect(therapist?["requestor"] as? Bool == (row.type != "session.pause-overdue"))
            let entity = try #require((audit["entity"] as? [[String: Any]])?.first)
            let what = (entity["what"] as? [String: String])?["reference"]
            #expect(what == (row.sessionID == Self.sessionID ? "urn:uuid:\(Self.sessionID)" : nil))
            let reason = (entity["detail"] as? [[String: String]])?.first { $0["type"] == "reason" }?["valueString"]
            switch row.type {
            case "record.start-refused":
                #expect(reason == "Contraindicated: local-infection")
                #expect(audit["outcomeDesc"] as? String == "Contraindicated: local-infection")
                #expect(entity["name"] as? String == "Knee, non-trigger-point (knee-non-trigger-point v1)")
            case "step.extended":
                #expect(reason == "slow to relax")
                #expect(entity["description"] as? String == "extended by 2m past the clinic's longest session of 15m")
            case "needles.mismatch-closed":
                #expect(reason == "one lost on the floor")
                #expect(entity["description"] as? String == "possible adverse event")
            default: #expect(reason == nil && entity["description"] as? String == row.note)
            }
        }
        let auditText = String(decoding: try JSONSerialization.data(withJSONObject: audits), as: UTF8.self)
        #expect(!auditText.contains("p-5"), "a safety event names no patient")
        for reason in ["slow to relax", "one lost on the floor"] {
            #expect(auditText.components(separatedBy: reason).count == 2, "`\(reason)` exported once")
        }
        #expect(!auditText.contains("patient asked for more"), "a reason given unasked within the limit")
        try RecordCommandTests.validateWithFHIRClient(result.stdout)

        // One session's export: its Procedure and its AuditEvents, not the record-level refusal.
        let one = try await offThePool {
            try DwellProcess.run([
                "record", "export", "--format", "fhir", "--session", Self.sessionID, "--record", path,
            ])
        }
        #expect(one.status == 0 && !one.stdout.contains("record.start-refused"))
        #expect(one.stdout.components(separatedBy: "\"resourceType\" : \"AuditEvent\"").count == 5, "\(one.stdout)")
    }

    @Test func csvAndJSONLinesCarryEverySafetyRow() async throws {
        let path = try await Self.safetyRecord()
        let entries = try RecordStore(path: path, options: .init(readOnly: true)).entries()
        let types = [
            "record.start-refused", "step.extended", "session.pause-overdue", "needles.rapid-removal",
            "needles.reconciled", "needles.mismatch-closed",
        ]
        let jsonl = try await offThePool {
            try DwellProcess.run(["record", "export", "--format", "jsonl", "--record", path])
        }
        let decoded = try jsonl.stdout.split(separator: "\n").map {
            try JSONDecoder().decode(RecordEntry.self, from: Data($0.utf8))
        }
        #expect(decoded == entries && Set(types).isSubset(of: Set(decoded.map(\.type))))
        let csv = try await offThePool {
            try DwellProcess.run(["record", "export", "--format", "csv", "--record", path])
        }
        let lines = csv.stdout.split(separator: "\r\n").map(String.init)
        #expect(lines.count == entries.count + 1)
        for type in types { #expect(lines.contains { $0.contains(",\(type),") }, "\(type) in the CSV") }
        #expect(lines.contains { $0.hasSuffix(",slow to relax") && $0.contains(",step.extended,") })
        #expect(lines.contains { $0.hasSuffix(",one lost on the floor") && $0.contains(",needles.mismatch-closed,") })
    }
}
