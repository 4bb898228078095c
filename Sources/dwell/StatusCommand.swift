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
                for item in try await client.get("api/v1/protocols", as: [ProtocolSummary].self) {
                    print(
                        "\(item.id)\tv\(item.version)\t\(item.technique)\t\(Duration.milliseconds(item.lengthMs).notation)\t\(item.title)"
                    )
                }
            case "reload":
                let result = try await client.post("api/v1/protocols/reload", as: ReloadResult.self)
                print("reloaded \(result.loaded) protocols")
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
    static func render(_ beds: [BedStatus]) -> String {
        var text = ""
        for bed in beds {
            var line = "bed \(bed.bed)  \(bed.state.word.uppercased())"
            if let remaining = bed.remainingMs {
                line += "  " + Duration.milliseconds(remaining).clockDisplay + (remaining < 0 ? " overrun" : " left")
            }
            if let title = bed.protocol?.title { line += "  \(title)" }
            if bed.fault { line += "  FAULT" }
            if let needles = bed.needles {
                line += "  needles in \(needles.placed) out \(needles.removed)"
                if needles.outstanding != 0 {
                    line +=
                        needles.outstanding > 0
                        ? " (\(needles.outstanding) still in)" : " (\(-needles.outstanding) more out than in)"
                }
            }
            if let silenced = bed.silencedMs { line += "  SILENCED " + Duration.milliseconds(silenced).clockDisplay }
            text += line + "\n"
            if let interruption = bed.interruption, bed.state == .session(.interrupted) {
                text +=
                    "      dwelld restarted: session started \(Duration.milliseconds(interruption.sinceStartMs).notation) before, "
                text += "at \(interruption.startedAt)"
                text += interruption.uncertain ? " (UNCERTAIN: the system clock is not synchronised)\n" : "\n"
                if let reason = interruption.reason { text += "      \(reason)\n" }
            }
            if let planned = bed.plannedMs, let elapsed = bed.elapsedMs, planned > 0 {
                let width = 40
                let filled = Int(max(0, min(Int64(width), elapsed * Int64(width) / planned)))
                text +=
                    "      [" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                    + "]"
                if let current = bed.current { text += "  now: \(current)" }
                if let next = bed.next { text += "  next: \(next)" }
                text += "\n"
            }
        }
        return text
    }
}
