import ArgumentParser
import DwellHub
import DwellRecord
import Foundation

/// `dwell record verify --postgres` and `dwell record export --postgres`: the clinic hub's copy
/// of every room's record.
extension RecordCommand {
    struct HubOptions: ParsableArguments {
        @Option(
            help: ArgumentHelp(
                "Read the clinic hub's copy (every room) at this PostgreSQL URL instead of a board's record file.",
                valueName: "url"))
        var postgres: String?

        @Option(help: ArgumentHelp("With --postgres: only this room.", valueName: "id"))
        var device: String?
    }

    /// Walks each device's chain at the hub; with a board's record, compares the two both ways.
    static func verifyHub(_ url: String, device: String?, record: String?) async throws {
        let connection = try HubCommand.Connection.parse(["--postgres", url])
        var board: (store: RecordStore, device: String)?
        if let record {
            let store = try Location.parse(["--record", record]).open()
            guard let name = try device ?? store.hubAcknowledged()?.device else {
                printError("error: \(record) names no hub device (never forwarded); give --device")
                throw ExitCode(64)
            }
            board = (store, name)
        }
        let wanted = device ?? board?.device
        let rows = try await connection.run { box in
            try await HubRecord.rows(device: wanted, client: box.client, logger: box.logger)
        }
        var failed = false
        var byDevice: [String: [HubRow]] = [:]
        for row in rows { byDevice[row.device, default: []].append(row) }
        if let name = device ?? board?.device, byDevice[name] == nil { byDevice[name] = [] }
        for name in byDevice.keys.sorted() {
            let report = HubVerify.walk(device: name, rows: byDevice[name] ?? [])
            if report.isIntact {
                print("\(name): intact, \(report.count) rows, head \(report.headSeq) \(report.headHash)")
            } else {
                failed = true
                printError("\(name): BROKEN, \(report.count) rows:")
                for problem in report.problems { printError("  \(problem)") }
            }
        }
        if let board {
            let check = HubVerify.crossCheck(board: try board.store.entries(), hub: byDevice[board.device] ?? [])
            let label = "\(board.store.path) against the hub's \(board.device)"
            if check.isConsistent {
                print("\(label): consistent")
            } else {
                failed = true
                printError("\(label): INCONSISTENT")
            }
            if !check.hubOnly.isEmpty {
                printError(
                    "  the hub holds rows the board lacks (truncated or replaced board record): \(HubVerify.ranges(check.hubOnly))"
                )
            }
            if !check.different.isEmpty {
                printError("  rows that differ between board and hub: \(HubVerify.ranges(check.different))")
            }
            if !check.boardOnly.isEmpty {
                print("  rows not yet at the hub (forwarding pending): \(HubVerify.ranges(check.boardOnly))")
            }
        }
        if failed { throw ExitCode(1) }
    }

    static func exportHub(_ url: String, device: String?, since: String?, format: RecordExportFormat) async throws {
        let connection = try HubCommand.Connection.parse(["--postgres", url])
        let rows = try await connection.run { box in
            try await HubRecord.rows(device: device, since: since, client: box.client, logger: box.logger)
        }
        let entries: [(device: String, entry: RecordEntry)]
        do {
            entries = try HubRecord.entries(rows)
        } catch {
            printError("error: \(error)")
            throw dataErrorExit
        }
        switch format {
        case .csv: print(RecordExport.csv(entries), terminator: "")
        case .jsonl: print(try RecordExport.jsonLines(entries), terminator: "")
        case .fhir:
            let events = entries.map(\.entry)
            print(
                try RecordExport.fhirBundle(
                    RecordStore.sessions(of: events), events: events, generatedAt: RecordTime.string(from: Date())),
                terminator: "")
        }
    }
}
