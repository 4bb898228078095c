import ArgumentParser
import DwellCore
import DwellWire
import Foundation

/// `dwell start`: starts a session on a bed through the daemon.
struct StartCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "start", abstract: "Start a session on a bed (needs a running dwelld).")

    @OptionGroup var daemon: DaemonOptions
    @Option(help: "The bed.") var bed: String
    @Option(
        name: .customLong("protocol"),
        help: ArgumentHelp("The protocol id (`dwell protocols` lists them).", valueName: "id"))
    var protocolID: String
    @Option(help: ArgumentHelp("Therapist id.", valueName: "id")) var therapist: String?
    @Option(help: ArgumentHelp("Patient pseudonym (never a name).", valueName: "pseudonym")) var patient: String?
    @Flag(help: "Confirm that the patient has given informed consent (required).") var consent = false
    @Flag(
        help:
            "Confirm the contraindication checklist was gone through: every item not named by --present is absent (required)."
    )
    var screened = false
    @Option(
        help: ArgumentHelp(
            "A checklist item that is present (repeatable; `dwell checklist` lists the codes).", valueName: "code"))
    var present: [String] = []
    @Option(
        help: ArgumentHelp(
            "A relative contraindication present whose risk you have weighed (repeatable).", valueName: "code"))
    var acknowledge: [String] = []

    func run() async throws {
        guard consent else {
            throw ValidationError("confirm the patient's informed consent with --consent; nothing was started")
        }
        guard screened else {
            throw ValidationError(
                "go through the contraindication checklist and confirm it with --screened (name what applies with --present CODE); nothing was started"
            )
        }
        try await reportBed {
            let client = try daemon.client
            let checklist = try await client.get("api/v1/checklist", as: ChecklistSummary.self)
            // Codes the daemon does not know are sent as given, so its refusal names them.
            let screening = Dictionary(checklist.codes.map { ($0, false) } + present.map { ($0, true) }) { _, named in
                named
            }
            let start = StartRequest(
                protocol: protocolID, therapist: therapist, patient: patient, consent: true,
                screening: screening, acknowledged: acknowledge)
            return try await client.post("api/v1/beds/\(bed)/session", start, as: BedStatus.self)
        }
    }
}

/// `dwell checklist`: the contraindications a start answers.
struct ChecklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "List the pre-start contraindication checklist (codes for dwell start --present).")

    @OptionGroup var daemon: DaemonOptions

    func run() async throws {
        do {
            let checklist = try await daemon.client.get("api/v1/checklist", as: ChecklistSummary.self)
            for (severity, meaning, items) in [
                ("absolute", "blocks the start", checklist.absolute),
                ("relative", "needs --acknowledge", checklist.relative),
            ] {
                print("\(severity) (\(meaning)):")
                for item in items {
                    print("  \(item.code.padding(toLength: 22, withPad: " ", startingAt: 0)) \(item.label)")
                }
            }
        } catch let failure as DaemonClient.Failure {
            printError("error: \(failure)")
            throw ExitCode(1)
        }
    }
}

/// `dwell pause|resume|extend|skip|abort|ack|… --bed N`.
struct BedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bed-command", shouldDisplay: false)

    @OptionGroup var daemon: DaemonOptions
    @Option(help: "The bed.") var bed: String

    func send(_ command: CommandName, body: CommandBody = CommandBody()) async throws {
        try await reportBed {
            try await daemon.client.post("api/v1/beds/\(bed)/\(command.rawValue)", body, as: BedStatus.self)
        }
    }
}

struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Pause a bed's session (time is held).")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.pause) }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Resume a paused or interrupted session.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.resume) }
}

struct ExtendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "extend", abstract: "Add time to the current step (default 1m).",
        discussion: """
            Needle time past the clinic's max_session needs --reason (recorded with the extension); \
            past its hard_limit (default 30m) no extension is taken.
            """)
    @OptionGroup var target: BedCommand
    @Option(help: ArgumentHelp("How much, e.g. 2m or 90s.", valueName: "duration")) var by = DurationArgument(
        SessionCommand.defaultExtension)
    @Option(
        help: ArgumentHelp(
            "Why, when the extension goes past the clinic's max_session (3 to 500 characters).", valueName: "text"))
    var reason: String?
    func run() async throws { try await target.send(.extend, body: CommandBody(by: by.value.notation, reason: reason)) }
}

struct SkipCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "skip", abstract: "End the current step now and go on.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.skip) }
}

struct AbortCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "abort", abstract: "Stop the session early.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.abort) }
}

struct AckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ack",
        abstract: "Acknowledge the end of a session: the needles are out (count them out first with dwell needles).",
        discussion: "A patient call standing on the bed is answered first: that ack answers the call only.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.ack) }
}

/// `dwell needles --bed N (--in N | --out N | --all-out) [--step I]`.
struct NeedlesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "needles", abstract: "Count needles in or out at a bed.",
        discussion: """
            --in N corrects how many needles are in at a site (the current one, or --step). \
            --out N counts N needles out at a site (--step) or, without --step, anywhere; --all-out \
            counts out every needle still in. A session cannot end until the counts agree.
            """)
    @OptionGroup var target: BedCommand
    @Option(name: .customLong("in"), help: ArgumentHelp("Needles now in at the site.", valueName: "count")) var placed:
        Int?
    @Option(name: .customLong("out"), help: ArgumentHelp("Needles just removed.", valueName: "count")) var removed: Int?
    @Flag(name: .customLong("all-out"), help: "Every needle still in was removed.") var allOut = false
    @Option(help: ArgumentHelp("The 0-based site step (see dwell status).", valueName: "index")) var step: Int?

    func validate() throws {
        guard [placed != nil, removed != nil, allOut].filter({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --in N, --out N or --all-out")
        }
    }

    func run() async throws {
        if let placed {
            try await target.send(.needlesIn, body: CommandBody(count: placed, step: step))
        } else {
            try await target.send(.needlesOut, body: CommandBody(count: removed, step: step))
        }
    }
}

struct RapidRemovalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapid-removal",
        abstract: "Needle shock or fainting: every needle out at once, counted after; timing stops (recorded).",
        discussion: """
            The bed then waits in RECONCILE (a medium-priority reminder) until `dwell reconcile` \
            says how many needles were recovered.
            """)
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.rapidRemoval) }
}

struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "After a rapid removal: how many needles were recovered.",
        discussion: """
            If it matches the needles counted in, the session ends; if not, the bed shows NEEDLES \
            UNACCOUNTED until the missing needles are counted out or the session is closed with a \
            reason (dwell close).
            """)
    @OptionGroup var target: BedCommand
    @Option(help: ArgumentHelp("Needles recovered (0 to 999).", valueName: "count")) var recovered: Int
    func run() async throws { try await target.send(.reconcile, body: CommandBody(recovered: recovered)) }
}

struct SilenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "silence",
        abstract: "Silence a bed's alarm buzzer for a while (the clinic's silence_for, default 2m).")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.silence) }
}

struct CloseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract:
            "Close a \"needles unaccounted\" session with the counts differing (recorded as a possible adverse event).")
    @OptionGroup var target: BedCommand
    @Option(help: ArgumentHelp("Why the counts differ (3 to 500 characters).", valueName: "text")) var reason: String
    func run() async throws { try await target.send(.close, body: CommandBody(reason: reason)) }
}

struct FinishCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "finish",
        abstract: "End an interrupted session (dwelld restarted during it) instead of resuming it.")
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.finish) }
}

/// Prints the bed a request returned, or the daemon's problem, exiting 1 on failure.
func reportBed(_ request: () async throws -> BedStatus) async throws {
    do {
        print(StatusTable.render([try await request()]), terminator: "")
    } catch let failure as DaemonClient.Failure {
        printError("error: \(failure)")
        throw ExitCode(1)
    }
}
