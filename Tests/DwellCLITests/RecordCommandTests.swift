import DwellRecord
import Foundation
import Testing

/// The clinic record through the `dwell` executable: crash safety, verify and the exports.
struct RecordCommandTests {
    static func temporaryRecord() -> String {
        NSTemporaryDirectory() + "dwell-cli-" + UUID().uuidString + "/record.sqlite"
    }

    /// A child writing the record is killed with SIGKILL at a random point, many times over the
    /// same file: every event it printed (printed only after its commit) is in the record, and the
    /// chain still verifies.
    @Test func sigkillLosesNoAcknowledgedEventAndLeavesAVerifiableChain() async throws {
        try await offThePool {
            let path = Self.temporaryRecord()
            var acknowledged: [(seq: Int, event: String, session: String)] = []
            for round in 0..<40 {
                let process = Process()
                process.executableURL = DwellProcess.executable
                process.currentDirectoryURL = DwellProcess.packageRoot
                process.arguments = [
                    "simulate", "Protocols/low-back-quadratus-lumborum.yaml", "--instant", "--json",
                    "--record", path, "--patient", "p-\(round)",
                ]
                let out = Pipe()
                process.standardOutput = out
                process.standardError = FileHandle.nullDevice
                try process.run()
                let killAfter = Int.random(in: 1...20)
                var buffer = Data()
                var lines: [String] = []
                while lines.count < killAfter {
                    guard let chunk = DwellProcess.readSome(out.fileHandleForReading.fileDescriptor), !chunk.isEmpty
                    else {
                        break
                    }
                    buffer += chunk
                    while let newline = buffer.firstIndex(of: 0x0A) {
                        lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
                        buffer = Data(buffer[buffer.index(after: newline)...])
                    }
                }
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                for line in lines {
                    guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                        let seq = object["seq"] as? Int, let name = object["event"] as? String,
                        let session = object["session"] as? String
                    else { continue }
                    acknowledged.append((seq, name, session))
                }
            }
            let store = try RecordStore(path: path, options: .init(readOnly: true))
            let report = try store.verify()
            #expect(report.isIntact, "\(report)")
            let entries = Dictionary(uniqueKeysWithValues: try store.entries().map { (Int($0.seq), $0) })
            #expect(!acknowledged.isEmpty)
            for ack in acknowledged {
                #expect(
                    entries[ack.seq]?.type == ack.event && entries[ack.seq]?.sessionID == ack.session,
                    "seq \(ack.seq) lost"
                )
            }
        }
    }

    @Test func verifyExitsNonZeroWithTheFirstBadSequenceNumber() async throws {
        try await offThePool {
            let path = Self.temporaryRecord()
            #expect(
                try DwellProcess.run(["simulate", "Protocols/gluteus-medius-deep.yaml", "--instant", "--record", path])
                    .status == 0)
            let intact = try DwellProcess.run(["record", "verify", "--record", path])
            #expect(intact.status == 0)
            #expect(intact.stdout.hasPrefix("\(path): intact, 15 events, head "))
            try tamperWithRow(7, in: path)
            let broken = try DwellProcess.run(["record", "verify", "--record", path])
            #expect(broken.status == 1)
            #expect(broken.stderr.hasPrefix("\(path): BROKEN at seq 7: the row's content does not match its hash"))
            let missing = try DwellProcess.run(["record", "verify", "--record", "/nonexistent/record.sqlite"])
            #expect(missing.status == 66)
            #expect(missing.stderr == "error: no clinic record at /nonexistent/record.sqlite\n")
        }
    }

    /// A record on read-only media: as root, permission bits stop nothing, so the folder is made
    /// immutable (`chattr +i`): SQLite cannot create the `-shm` file there, as on a read-only disk.
    @Test func verifyListShowAndExportWorkOnAReadOnlyFolder() async throws {
        try await offThePool {
            let path = Self.temporaryRecord()
            #expect(
                try DwellProcess.run(["simulate", "Protocols/gluteus-medius-deep.yaml", "--instant", "--record", path])
                    .status == 0)
            let folder = (path as NSString).deletingLastPathComponent
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
            let immutable = try DwellProcess.run(
                ["chattr", "+i", folder], executable: URL(fileURLWithPath: "/usr/bin/env"))
            defer {
                _ = try? DwellProcess.run(["chattr", "-i", folder], executable: URL(fileURLWithPath: "/usr/bin/env"))
            }
            try #require(
                immutable.status == 0 || getuid() != 0, "as root this needs chattr to make the folder read-only")
            let verify = try DwellProcess.run(["record", "verify", "--record", path])
            #expect(verify.status == 0 && verify.stdout.hasPrefix("\(path): intact, 15 events"), "\(verify.stderr)")
            let list = try DwellProcess.run(["record", "list", "--record", path])
            let lines = list.stdout.split(separator: "\n")
            try #require(list.status == 0 && lines.count == 2, "\(list.stderr)")
            let session = String(lines[1].split(separator: "\t")[0])
            #expect(try DwellProcess.run(["record", "show", session, "--record", path]).status == 0)
            let export = try DwellProcess.run(["record", "export", "--format", "jsonl", "--record", path])
            #expect(export.status == 0 && export.stdout.split(separator: "\n").count == 15)
            #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        }
    }

    @Test func exportsRoundTripEveryEvent() async throws {
        try await offThePool {
            let path = Self.temporaryRecord()
            for (file, patient) in [("knee-non-trigger-point.yaml", "p-1"), ("lateral-elbow-mixed.yaml", "p-2")] {
                let run = try DwellProcess.run([
                    "simulate", "Protocols/\(file)", "--instant", "--record", path,
                    "--therapist", "t-9", "--patient", patient,
                ])
                #expect(run.status == 0, "\(run.stderr)")
            }
            let entries = try RecordStore(path: path, options: .init(readOnly: true)).entries()

            let jsonl = try DwellProcess.run(["record", "export", "--format", "jsonl", "--record", path])
            let decoded = try jsonl.stdout.split(separator: "\n").map {
                try JSONDecoder().decode(RecordEntry.self, from: Data($0.utf8))
            }
            #expect(decoded == entries)

            let csv = try DwellProcess.run(["record", "export", "--format", "csv", "--record", path])
            let rows = parseCSV(csv.stdout)
            #expect(rows.first == RecordEntry.columns)
            #expect(rows.dropFirst().map { $0.map { $0.isEmpty ? nil : $0 } } == entries.map(\.values))

            let sessions = Set(entries.map(\.sessionID))
            let one = try #require(sessions.first)
            let filtered = try DwellProcess.run([
                "record", "export", "--format", "jsonl", "--session", one, "--record", path,
            ])
            #expect(filtered.stdout.split(separator: "\n").count == entries.filter { $0.sessionID == one }.count)
            let future = try DwellProcess.run([
                "record", "export", "--format", "jsonl", "--since", "2999-01-01", "--record", path,
            ])
            #expect(future.stdout.isEmpty)
        }
    }

    /// A record the release before row formats wrote (`Tests/DwellRecordTests/Fixtures`, format 1):
    /// verify, show and every export read it; rows appended later are format 2, chain on from its
    /// head, and show their `amount_ms` and `reason`.
    @Test func aRecordOfTheFormerFormatVerifiesExportsAndTakesRowsOfTheNewOne() async throws {
        let path = Self.temporaryRecord()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: DwellProcess.packageRoot.appendingPathComponent(
                "Tests/DwellRecordTests/Fixtures/record-format1.sqlite"
            ).path, toPath: path)
        let head = "7a0e98602dd651d54a55805f1fbd697553ca9b9353d695246fce351e60d92a24"
        let verify = try DwellProcess.run(["record", "verify", "--record", path])
        #expect(
            verify.status == 0
                && verify.stdout == "\(path): intact, 36 events, head \(head)\nrow formats: 36 of format 1\n",
            "\(verify.stdout)\(verify.stderr)")
        let show = try DwellProcess.run(["record", "show", "9d3e7b12-4f6a-4e8b-a1c2-7f5e0d9b8a64", "--record", path])
        #expect(
            show.status == 0 && show.stdout.contains("\tstep.extended\t") && show.stdout.contains("\textended by 2m\n"))
        #expect(!show.stdout.contains("amount_ms"), "a format-1 row has no amount_ms to show")
        let csv = parseCSV(try DwellProcess.run(["record", "export", "--format", "csv", "--record", path]).stdout)
        #expect(csv.first == RecordEntry.columns && csv.first?.suffix(3) == ["format", "amount_ms", "reason"])
        #expect(csv.count == 37 && csv.dropFirst().allSatisfy { $0.suffix(3) == ["1", "", ""] })
        let jsonl = try DwellProcess.run(["record", "export", "--format", "jsonl", "--record", path]).stdout.split(
            separator: "\n")
        #expect(
            try jsonl.map { try JSONDecoder().decode(RecordEntry.self, from: Data($0.utf8)) }.allSatisfy {
                $0.format == 1
            })
        #expect(jsonl.count == 36 && jsonl.allSatisfy { $0.contains("\"format\":1") && !$0.contains("amount_ms") })
        let fhir = try DwellProcess.run(["record", "export", "--format", "fhir", "--record", path])
        #expect(
            fhir.status == 0 && fhir.stdout.contains("extended by 2m")
                && fhir.stdout.contains("possible adverse event: one needle"))

        // Opened for writing, the record is migrated and new rows are format 2.
        let store = try RecordStore(path: path)
        let writer = try RecordWriter(store: store)
        let session = SessionContext(
            sessionID: "c1", bed: "3", protocolID: "p", protocolVersion: 1, protocolTitle: "P",
            protocolSHA256: "-", therapist: nil, patient: nil)
        let wall = "2026-11-24T10:00:00.000Z"
        try await writer.append(
            RecordEvent(
                session: session, type: "step.extended", step: 0, monotonicUs: 1_000_000, wallTime: wall,
                note: "extended by 1m30s", amountMs: 90_000))
        try await writer.append(
            RecordEvent(
                session: session, type: "needles.mismatch-closed", monotonicUs: 2_000_000, wallTime: wall,
                needles: 1, note: "possible adverse event: tip broke", reason: "tip broke"))
        store.close()
        let after = try DwellProcess.run(["record", "verify", "--record", path])
        #expect(
            after.status == 0 && after.stdout.hasPrefix("\(path): intact, 38 events")
                && after.stdout.hasSuffix("row formats: 36 of format 1, 2 of format 2\n"),
            "\(after.stdout)\(after.stderr)")
        let shown = try DwellProcess.run(["record", "show", "c1", "--record", path]).stdout
        #expect(
            shown.contains("\tamount_ms 90000\textended by 1m30s\n")
                && shown.contains("\treason: tip broke\tpossible adverse event: tip broke\n"),
            "\(shown)")
        let newRows = parseCSV(
            try DwellProcess.run(["record", "export", "--format", "csv", "--session", "c1", "--record", path]).stdout)
        #expect(newRows.dropFirst().map { Array($0.suffix(3)) } == [["2", "90000", ""], ["2", "", "tip broke"]])
    }

    @Test func listRefusalsShowsTheRefusedStartsAndSessionsLeaveThemOut() async throws {
        let path = Self.temporaryRecord()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let writer = try RecordWriter(store: RecordStore(path: path))
        var refusal = RecordStore.recordContext
        (refusal.bed, refusal.therapist, refusal.protocolID) = ("2", "t-17", "knee-non-trigger-point")
        try await writer.append(
            RecordEvent(
                session: refusal, type: RecordStore.refusedStartType, monotonicUs: 0,
                wallTime: "2026-12-03T09:00:00.000Z", note: "Contraindicated: local-infection"))
        writer.store.close()

        let listed = try await offThePool { try DwellProcess.run(["record", "list", "--refusals", "--record", path]) }
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(
            listed.stdout.split(separator: "\n").map(String.init) == [
                "time\tbed\ttherapist\tprotocol\trefused",
                "2026-12-03T09:00:00.000Z\t2\tt-17\tknee-non-trigger-point\tContraindicated: local-infection",
            ])
        let sessions = try await offThePool { try DwellProcess.run(["record", "list", "--record", path]) }
        #expect(
            sessions.status == 0 && sessions.stdout.split(separator: "\n").count == 1, "no session: \(sessions.stdout)")
    }

    @Test func fhirBundleHoldsOneProcedurePerSessionWithItsPeriod() async throws {
        try await offThePool {
            let path = Self.temporaryRecord()
            #expect(
                try DwellProcess.run([
                    "simulate", "Protocols/upper-trapezius-superficial.yaml", "--instant", "--record", path,
                    "--therapist", "t-1", "--patient", "p-77",
                ]).status == 0)
            #expect(
                try DwellProcess.run([
                    "simulate", "Protocols/neck-shoulder-multisite.yaml", "--instant", "--record", path,
                ])
                .status == 0)
            let entries = try RecordStore(path: path, options: .init(readOnly: true)).entries()
            let result = try DwellProcess.run(["record", "export", "--format", "fhir", "--record", path])
            #expect(result.status == 0)
            let bundle = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            #expect(bundle["resourceType"] as? String == "Bundle" && bundle["type"] as? String == "collection")
            let procedures = try #require(bundle["entry"] as? [[String: Any]]).compactMap {
                $0["resource"] as? [String: Any]
            }
            #expect(procedures.count == 2)
            for procedure in procedures {
                let id = try #require(procedure["id"] as? String)
                let events = entries.filter { $0.sessionID == id }
                let period = try #require(procedure["performedPeriod"] as? [String: String])
                #expect(period["start"] == events.first?.wallTime && period["end"] == events.last?.wallTime)
                #expect(procedure["status"] as? String == "completed")
                #expect((procedure["code"] as? [String: String])?["text"] == events.first?.protocolTitle)
                let sites = (procedure["bodySite"] as? [[String: String]])?.compactMap { $0["text"] }
                #expect(sites?.isEmpty == false)
            }
            let first = try #require(
                procedures.first {
                    ($0["code"] as? [String: String])?["text"] == "Upper trapezius, superficial dry needling"
                })
            #expect(((first["subject"] as? [String: Any])?["identifier"] as? [String: String])?["value"] == "p-77")
            #expect(
                try #require(bundle["entry"] as? [[String: Any]]).allSatisfy {
                    ($0["resource"] as? [String: Any])?["resourceType"] as? String == "Procedure"
                }, "no safety event, no AuditEvent")
            #expect(procedures.allSatisfy { $0["complication"] == nil }, "no rapid removal, no complication")
            try Self.validateWithFHIRClient(result.stdout)
        }
    }

    /// Checks the bundle against the FHIR R4 models of the `fhirclient` Python package (strict
    /// parsing: unknown elements, wrong types and missing required elements are errors).
    static func validateWithFHIRClient(_ json: String) throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import fhirclient.models.bundle"]
        probe.standardError = FileHandle.nullDevice
        try probe.run()
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            // .ci/run installs fhirclient; without it this structural check cannot run here.
            print("note: python3 fhirclient not installed; FHIR R4 structure check skipped (pip install fhirclient)")
            return
        }
        let script = """
            import json, sys
            from fhirclient.models.bundle import Bundle
            Bundle(json.load(sys.stdin), strict=True)
            print("valid")
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        input.fileHandleForWriting.write(Data(json.utf8))
        try input.fileHandleForWriting.close()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && text == "valid\n", "\(text)")
    }

    private func tamperWithRow(_ seq: Int, in path: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript("DROP TRIGGER events_append_only_update; UPDATE events SET planned_ms = planned_ms + 1000 WHERE seq = \(seq);")
            db.commit()
            """, path,
        ]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }

    /// A strict RFC 4180 reader, independent of Dwell's writer.
    private func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                row.append(field)
                field = ""
            } else if character == "\r\n" || character == "\n" {
                row.append(field)
                rows.append(row)
                row = []
                field = ""
            } else {
                field.append(character)
            }
        }
        return rows
    }
}
