import ArgumentParser
import DwellCore
import Foundation

/// `dwell start`: starts a session on a bed through the daemon.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a session on a bed (needs a running dwelld).")

    @OptionGroup var daemon: DaemonOptions
    @Option(help: "The bed.") var bed: String
    @Option(name: .customLong("protocol"), help: ArgumentHelp("The protocol id (`dwell protocols` lists them).", valueName: "id"))
    var protocolID: String
    @Option(help: ArgumentHelp("Therapist id.", valueName: "id")) var therapist: String?
    @Option(help: ArgumentHelp("Patient pseudonym (never a name).", valueName: "pseudonym")) var patient: String?
    @Flag(help: "Confirm that the patient has given informed consent (required).") var consent = false

    func run() async throws {
        guard consent else {
            throw ValidationError("confirm the patient's informed consent with --consent; nothing was started")
        }
        var body: [String: Any] = ["protocol": protocolID, "consent": true]
        if let therapist { body["therapist"] = therapist }
        if let patient { body["patient"] = patient }
        try await reportBed { try await daemon.client.post("api/v1/beds/\(bed)/session", body) }
    }
}

/// `dwell pause|resume|extend|skip|abort|ack --bed N`.
struct BedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bed-command", shouldDisplay: false)

    @OptionGroup var daemon: DaemonOptions
    @Option(help: "The bed.") var bed: String

    func send(_ command: String, body: [String: Any]? = nil) async throws {
        try await reportBed { try await daemon.client.post("api/v1/beds/\(bed)/\(command)", body) }
    }
}

struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a bed's session (time is held).")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send("pause") }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused session.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send("resume") }
}

struct ExtendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "extend", abstract: "Add time to the current step (default 1m).")
    @OptionGroup var target: BedCommand
    @Option(help: ArgumentHelp("How much, e.g. 2m or 90s.", valueName: "duration")) var by = DurationArgument(SessionCommand.defaultExtension)
    func run() async throws { try await target.send("extend", body: ["by": by.value.notation]) }
}

struct SkipCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "skip", abstract: "End the current step now and go on.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send("skip") }
}

struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "abort", abstract: "Stop the session early.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send("abort") }
}

struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge the end of a session: the needles are out.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send("ack") }
}

/// Prints the bed a request returned, or the daemon's problem, exiting 1 on failure.
func reportBed(_ request: () async throws -> Any) async throws {
    do {
        let bed = try await request()
        print(StatusTable.render([bed as? [String: Any] ?? [:]]), terminator: "")
    } catch let failure as DaemonClient.Failure {
        printError("error: \(failure)")
        throw ExitCode(1)
    }
}
