import ArgumentParser
import DwellCore
import DwellWire
import Foundation

/// `dwell status [--watch]`: every bed as a table with a progress bar.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show every bed's state (a live table with --watch).")

    @OptionGroup var daemon: DaemonOptions
    @Flag(help: "Redraw the whole screen every second (in colour, fitted to the terminal) until interrupted.")
    var watch = false

    func run() async throws {
        let client = try daemon.client
        guard watch else {
            do {
                print(StatusTable.render(try await client.get("api/v1/beds", as: [BedStatus].self)), terminator: "")
            } catch let failure as DaemonClient.Failure {
                printError("error: \(failure)")
                throw ExitCode(1)
            }
            return
        }
        // --watch: the whole screen redrawn every second, fitted to the terminal (80×24 or larger).
        let color = isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        var last: [BedStatus] = []
        while true {
            let (columns, rows) = TerminalText.size() ?? (80, 24)
            let clock = Date().formatted(date: .omitted, time: .standard)
            var lines: [String]
            do {
                last = try await client.get("api/v1/beds", as: [BedStatus].self)
                lines = StatusTable.watchScreen(last, width: columns, height: rows - 1, color: color, clock: clock)
            } catch let failure as DaemonClient.Failure {
                lines = ["CONNECTION LOST (\(clock)): \(failure); the beds as last seen, NOT LIVE:"]
                lines += StatusTable.watchScreen(last, width: columns, height: rows - 2, color: color, clock: clock)
            }
            print(TerminalText.screen(lines, width: columns, height: rows - 1), terminator: "\n")
            try await Task.sleep(for: .seconds(1))
        }
    }
}
