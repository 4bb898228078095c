import ArgumentParser
import DwellCore
import DwellWire

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
