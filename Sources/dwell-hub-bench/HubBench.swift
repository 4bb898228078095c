import ArgumentParser
import DwellHub
import DwellRecord
import Foundation
import Logging

/// The clinic hub under load: simulated rooms (each a real record file, writer and forwarder,
/// in this one process) forwarding into one PostgreSQL. Measures rows/s ingested, the lag from
/// a row's commit on the board to the hub's acknowledgement (p50/p99), the CPU the boards spend
/// forwarding, and how long a backlog the size of an outage takes to catch up.
@main
struct HubBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dwell-hub-bench",
        abstract: "Benchmark the clinic hub: N rooms × M beds forwarding into one PostgreSQL.")

    @Option(help: ArgumentHelp("The owner's URL of an empty database (the schema is created).", valueName: "url"))
    var postgres: String

    @Option(help: "Simulated rooms.") var rooms = 30
    @Option(help: "Beds per room.") var beds = 4
    @Option(help: "Record rows per bed per second while sessions run.") var rate = 1.0
    @Option(help: "Seconds of steady forwarding measured.") var seconds = 60
    @Option(help: "Seconds of outage whose rows are then caught up.") var outage = 600

    func run() async throws {
        let logger = Logger(label: "hub-bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let address = try HubAddress.parse(postgres).get()
        let names = (1...rooms).map { String(format: "bench-%02d", $0) }
        let password = "bench-room-password"
        try await HubClient.with(address, logger: logger) { client in
            _ = try await HubSchema.migrate(client, logger: logger)
            for name in names { _ = try await HubDevices.add(name, password: password, client: client, logger: logger) }
            return true
        }
        let folder = NSTemporaryDirectory() + "dwell-hub-bench-" + UUID().uuidString
        let simulated = try names.map { try BenchRoom(device: $0, folder: folder, beds: beds) }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        print("\(rooms) rooms × \(beds) beds, \(rate) rows per bed per second, into \(address.redacted)")
        let writersOnly = try await BenchPhase.steady(
            simulated, address: address, password: password, rate: rate, seconds: seconds, forwarding: false)
        let steady = try await BenchPhase.steady(
            simulated, address: address, password: password, rate: rate, seconds: seconds, forwarding: true)
        let perRoomCPU = max(0, steady.cpuSeconds - writersOnly.cpuSeconds) / Double(rooms) / Double(seconds)
        print(
            String(
                format:
                    "steady: %.0f rows/s ingested; lag p50 %.0f ms, p99 %.0f ms (%d rows); forwarding CPU per board %.2f%% of a core",
                steady.rowsPerSecond, steady.lagP50 * 1_000, steady.lagP99 * 1_000, steady.lagged,
                perRoomCPU * 100))
        let backlog = Int((rate * Double(beds * outage)).rounded())
        let catchUp = try await BenchPhase.catchUp(simulated, address: address, password: password, rows: backlog)
        print(
            String(
                format:
                    "outage of %d s (%d rows per room, %d in all): caught up in %.1f s, %.0f rows/s; %.1f µs CPU per row forwarded",
                outage, backlog, backlog * rooms, catchUp.seconds, Double(backlog * rooms) / catchUp.seconds,
                catchUp.cpuSeconds / Double(backlog * rooms) * 1_000_000))
    }
}
