import ArgumentParser
import DwellCore

@main
struct Dwell: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dwell",
        abstract: "Session timing for dry-needling treatment rooms.",
        discussion: """
            Validate and inspect treatment protocols, run a session on the simulated indicator \
            board, inspect the clinic record, and control a running dwelld (checklist, start, \
            pause, resume, extend, skip, abort, needles, ack, silence, close, rapid-removal, \
            reconcile, finish, call, checked, swept, status, protocols), and set up the clinic hub that \
            every room's record is forwarded to (hub). Protocol files are described \
            in Protocols/README.md.
            """,
        version: DwellVersion.current,
        subcommands: [
            ProtocolCommand.self, SimulateCommand.self, RecordCommand.self, GPIOCommand.self,
            ChecklistCommand.self, StartCommand.self, PauseCommand.self, ResumeCommand.self, ExtendCommand.self,
            SkipCommand.self, AbortCommand.self, NeedlesCommand.self, AckCommand.self, SilenceCommand.self,
            CloseCommand.self, RapidRemovalCommand.self, ReconcileCommand.self, FinishCommand.self, CallCommand.self,
            CheckedCommand.self, SweptCommand.self, StatusCommand.self,
            ProtocolsCommand.self, HubCommand.self,
        ]
    )
}

/// `EX_DATAERR` from sysexits.h: the input data was incorrect.
let dataErrorExit = ExitCode(65)
