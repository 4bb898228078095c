import ArgumentParser

@main
struct Dwell: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dwell",
        abstract: "Session timing for dry-needling treatment rooms.",
        discussion: """
            Validate and inspect treatment protocols, and run a session on the simulated \
            indicator board. Protocol files are described in Protocols/README.md.
            """,
        version: "0.1.0",
        subcommands: [ProtocolCommand.self, SimulateCommand.self, RecordCommand.self]
    )
}

/// `EX_DATAERR` from sysexits.h: the input data was incorrect.
let dataErrorExit = ExitCode(65)
