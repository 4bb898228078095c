import ArgumentParser
import DwellWire

/// `dwell call|checked|swept --bed N`: the patient call, the check-in and the sweep.
struct CallCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "The patient calls from a bed (as its call button does): high priority until answered (ack).",
        discussion: """
            Works in any phase, with or without a session, and is recorded. A therapist answers it at \
            the bed: `dwell ack` (or the bed's acknowledge button) answers the call before anything else.
            """)
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.call) }
}

struct CheckedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checked",
        abstract: "A therapist looked in on the patient: recorded, and the check-in timer starts over.",
        discussion: """
            With the clinic's check_every, a bed nobody has touched for that long during a session \
            shows CHECK-IN DUE (a low-priority cue). Any other command on the bed starts the timer over too.
            """)
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.checked) }
}

struct SweptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "swept",
        abstract: "The couch and floor were checked for stray needles: a bed in SWEEP ends its session.",
        discussion: """
            With the clinic's `sweep: true`, a session whose needles are all counted out waits in SWEEP \
            (a low-priority reminder) until this is confirmed (recorded).
            """)
    @OptionGroup var target: BedCommand
    func run() async throws { try await target.send(.swept) }
}
