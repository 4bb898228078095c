import ArgumentParser
import DwellCore
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
                text = StatusTable.render(try await client.get("api/v1/beds") as? [[String: Any]] ?? [])
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

/// `dwell protocols [reload]`: what the daemon has loaded.
struct ProtocolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocols", abstract: "List the daemon's protocols, or reload them from its folder.")

    @OptionGroup var daemon: DaemonOptions
    @Argument(help: ArgumentHelp("`reload` to reload the protocol folder.", valueName: "action")) var action: String?

    func run() async throws {
        let client = try daemon.client
        do {
            switch action {
            case nil:
                for item in try await client.get("api/v1/protocols") as? [[String: Any]] ?? [] {
                    let length = Duration.milliseconds(item["length_ms"] as? Int ?? 0).notation
                    print("\(item["id"] as? String ?? "?")\tv\(item["version"] as? Int ?? 0)\t\(item["technique"] as? String ?? "")\t\(length)\t\(item["title"] as? String ?? "")")
                }
            case "reload":
                let result = try await client.post("api/v1/protocols/reload") as? [String: Any]
                print("reloaded \(result?["loaded"] as? Int ?? 0) protocols")
            case let other?:
                throw ValidationError("unknown action `\(other)`: use `dwell protocols` or `dwell protocols reload`")
            }
        } catch let failure as DaemonClient.Failure {
            printError("error: \(failure)")
            throw ExitCode(1)
        }
    }
}

enum StatusTable {
    static func render(_ beds: [[String: Any]]) -> String {
        var text = ""
        for bed in beds {
            let state = (bed["state"] as? String ?? "?").uppercased()
            let name = bed["bed"] as? String ?? "?"
            var line = "bed \(name)  \(state)"
            if let remaining = bed["remaining_ms"] as? Int {
                line += "  " + Duration.milliseconds(remaining).clockDisplay + (remaining < 0 ? " overrun" : " left")
            }
            if let title = (bed["protocol"] as? [String: Any])?["title"] as? String { line += "  \(title)" }
            if bed["fault"] as? Bool == true { line += "  FAULT" }
            if let needles = bed["needles"] as? [String: Any], let placed = needles["placed"] as? Int, let removed = needles["removed"] as? Int {
                line += "  needles in \(placed) out \(removed)"
                if let outstanding = needles["outstanding"] as? Int, outstanding != 0 {
                    line += outstanding > 0 ? " (\(outstanding) still in)" : " (\(-outstanding) more out than in)"
                }
            }
            if let silenced = bed["silenced_ms"] as? Int { line += "  SILENCED " + Duration.milliseconds(silenced).clockDisplay }
            text += line + "\n"
            if let interruption = bed["interruption"] as? [String: Any], bed["state"] as? String == "interrupted" {
                let since = Duration.milliseconds(interruption["since_start_ms"] as? Int ?? 0).notation
                text += "      dwelld restarted: session started \(since) before, at \(interruption["started_at"] as? String ?? "?")"
                text += interruption["uncertain"] as? Bool == true ? " (UNCERTAIN: the system clock is not synchronised)\n" : "\n"
                if let reason = interruption["reason"] as? String { text += "      \(reason)\n" }
            }
            if let planned = bed["planned_ms"] as? Int, let elapsed = bed["elapsed_ms"] as? Int, planned > 0 {
                let width = 40
                let filled = max(0, min(width, elapsed * width / planned))
                text += "      [" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "]"
                if let current = bed["current"] as? String { text += "  now: \(current)" }
                if let next = bed["next"] as? String { text += "  next: \(next)" }
                text += "\n"
            }
        }
        return text
    }
}
