import ArgumentParser
import DwellCore
import DwellWire
import Foundation

/// `dwell status [--watch]`: every bed as a table with a progress bar.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show every bed's state (a live table with --watch).")

    @OptionGroup var daemon: DaemonOptions
    @Flag(help: "Redraw every second until interrupted.") var watch = false

    func run() async throws {
        let client = try daemon.client
        var drawn = 0
        repeat {
            let text: String
            do {
                text = StatusTable.render(try await client.get("api/v1/beds", as: [BedStatus].self))
            } catch let failure as DaemonClient.Failure {
                guard watch else {
                    printError("error: \(failure)")
                    throw ExitCode(1)
                }
                text = "connection lost: \(failure)\n"
            }
            if watch && drawn > 0 { print("\u{1B}[\(drawn)F\u{1B}[J", terminator: "") }
            print(text, terminator: "")
            drawn = text.split(separator: "\n", omittingEmptySubsequences: false).count - 1
            if watch { try await Task.sleep(for: .seconds(1)) }
        } while watch
    }
}
