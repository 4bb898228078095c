import ArgumentParser
import DwellCore
import DwellRecord
import Foundation

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Inspect, verify and export the clinic record.",
        discussion: """
            The record is an append-only SQLite file in which every row is chained to the one \
            before by SHA-256. Default location: $STATE_DIRECTORY/record.sqlite under systemd, \
            otherwise ~/.local/state/dwell/record.sqlite. On read-only media (where SQLite cannot \
            create the -shm file) the record is opened immutable, and a -wal file beside it is not read.
            """,
        subcommands: [Verify.self, List.self, Show.self, Export.self]
    )

    struct Location: ParsableArguments {
        @Option(help: ArgumentHelp("The record file.", valueName: "path"))
        var record: String?

        func open() throws -> RecordStore {
            let path = record ?? RecordStore.defaultPath()
            let store: RecordStore
            do {
                store = try RecordStore(path: path, options: .init(readOnly: true))
            } catch {
                printError("error: \(error)")
                throw ExitCode(66)
            }
            if store.isImmutable,
                let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal"))?[.size] as? NSNumber,
                size.intValue > 0
            {
                printError(
                    "warning: \(path) is on read-only media and opened immutable: its -wal file (\(size) bytes) is not read, "
                        + "so the last events may be missing; copy the three files to writable storage to read them")
            }
            return store
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Walk the hash chain; exit 0 when intact, 1 with the first bad sequence number otherwise.",
            discussion: """
                With --postgres, walks every room's chain at the clinic hub (or one room's, --device) and \
                reports gaps, forks and edited rows; with --record too, compares that board's record with \
                the hub's copy both ways, so a board whose newest rows were cut off is caught.
                """)

        @OptionGroup var location: Location
        @OptionGroup var hub: HubOptions

        func run() async throws {
            if let postgres = hub.postgres {
                try await RecordCommand.verifyHub(postgres, device: hub.device, record: location.record)
                return
            }
            let store = try location.open()
            let report = try store.verify()
            if let bad = report.firstBad {
                printError("\(store.path): BROKEN at seq \(bad): \(report.problem ?? "")")
                printError("\(report.count) rows verified before it; last good hash \(report.headHash)")
                throw ExitCode(1)
            }
            print("\(store.path): intact, \(report.count) events, head \(report.headHash)")
            if !report.formats.isEmpty {
                print(
                    "row formats: "
                        + report.formats.sorted { $0.key < $1.key }.map { "\($0.value) of format \($0.key)" }
                        .joined(separator: ", "))
            }
            if let recovery = try store.lastRecovery() {
                print(
                    "note: this record replaced a damaged one (seq \(recovery.entry.seq), \(recovery.entry.wallTime)): \(recovery.entry.note ?? "")"
                )
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the recorded sessions, or (--refusals) the starts the checklist refused.")

        @OptionGroup var location: Location

        @Flag(help: "List the refused starts instead: when, bed, therapist, protocol and why (never the patient).")
        var refusals = false

        @Option(
            help: ArgumentHelp(
                "Only sessions with events at or after this UTC date or time (e.g. 2026-11-23).", valueName: "date"))
        var since: String?

        func run() throws {
            if refusals {
                let refused = try location.open().entries(since: since).filter {
                    $0.type == RecordStore.refusedStartType
                }
                print(["time", "bed", "therapist", "protocol", "refused"].joined(separator: "\t"))
                for row in refused {
                    print(
                        [row.wallTime, row.bed, row.therapist ?? "-", row.protocolID, row.note ?? "-"].joined(
                            separator: "\t"))
                }
                return
            }
            let sessions = try location.open().sessions(since: since)
            print(
                ["session", "bed", "protocol", "status", "start", "end", "events", "therapist", "patient"].joined(
                    separator: "\t"))
            for session in sessions {
                print(
                    [
                        session.sessionID, session.bed, "\(session.protocolID) v\(session.protocolVersion)",
                        session.status.rawValue,
                        session.start, session.end ?? "-", String(session.events), session.therapist ?? "-",
                        session.patient ?? "-",
                    ]
                    .joined(separator: "\t"))
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show every event of one session.")

        @OptionGroup var location: Location

        @Argument(help: ArgumentHelp("The session id (as `dwell record list` prints it).", valueName: "session"))
        var session: String

        func run() throws {
            let store = try location.open()
            guard let summary = try store.sessions(session: session).first else { throw ExitCode(1) }
            print(
                "\(summary.protocolTitle) (\(summary.protocolID) v\(summary.protocolVersion)) · bed \(summary.bed) · \(summary.status.rawValue)"
            )
            print(
                "therapist \(summary.therapist ?? "-") · patient \(summary.patient ?? "-") · \(summary.start) → \(summary.end ?? "…")"
            )
            for entry in try store.entries(session: session) {
                var line = "\(entry.seq)\t\(entry.wallTime)\t\(entry.type)"
                if let planned = entry.plannedMs { line += "\t+\(Duration.milliseconds(planned).clockDisplay)" }
                if let name = entry.siteLabel ?? entry.site { line += "\t\(name)" }
                if let needles = entry.needles { line += "\t\(needles) needles" }
                if let amount = entry.amountMs { line += "\tamount_ms \(amount)" }
                if let reason = entry.reason { line += "\treason: \(reason)" }
                if let note = entry.note { line += "\t\(note)" }
                print(line)
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export events as CSV, JSON lines or a FHIR R4 Bundle.")

        @OptionGroup var location: Location

        @Option(help: ArgumentHelp("csv, jsonl or fhir.", valueName: "format"))
        var format: RecordExportFormat

        @Option(
            help: ArgumentHelp("Only events at or after this UTC date or time (e.g. 2026-11-23).", valueName: "date"))
        var since: String?

        @Option(help: ArgumentHelp("Only this session.", valueName: "id"))
        var session: String?

        @OptionGroup var hub: HubOptions

        func run() async throws {
            if let postgres = hub.postgres {
                guard session == nil else {
                    printError("error: --session reads a board's record; with --postgres, use --device and --since")
                    throw ExitCode(64)
                }
                try await RecordCommand.exportHub(postgres, device: hub.device, since: since, format: format)
                return
            }
            let store = try location.open()
            switch format {
            case .csv: print(RecordExport.csv(try store.entries(since: since, session: session)), terminator: "")
            case .jsonl:
                print(try RecordExport.jsonLines(try store.entries(since: since, session: session)), terminator: "")
            case .fhir:
                let sessions = try store.sessions(since: since, session: session)
                let events = try store.entries(since: since, session: session)
                print(
                    try RecordExport.fhirBundle(sessions, events: events, generatedAt: RecordTime.string(from: Date())),
                    terminator: "")
            }
        }
    }
}

extension RecordExportFormat: ExpressibleByArgument {}
