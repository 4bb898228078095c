import ArgumentParser
import DwellCore

/// The clinic's limits, which protocol files cannot change.
struct ClinicOptions: ParsableArguments {
    @Option(
        name: .customLong("min-session"),
        help: ArgumentHelp("Shortest allowed session (sum of the steps).", valueName: "duration"))
    var minimumSession: DurationArgument = DurationArgument(.seconds(600))

    @Option(
        name: .customLong("max-session"),
        help: ArgumentHelp("Longest allowed session (sum of the steps).", valueName: "duration"))
    var maximumSession: DurationArgument = DurationArgument(.seconds(900))

    @Option(
        name: .customLong("escalate-after"),
        help: ArgumentHelp("Unacknowledged overrun time before the alarm escalates.", valueName: "duration"))
    var escalateAfter: DurationArgument = DurationArgument(.seconds(60))

    func validate() throws {
        guard minimumSession.value <= maximumSession.value else {
            throw ValidationError("--min-session (\(minimumSession)) is longer than --max-session (\(maximumSession))")
        }
        guard escalateAfter.value > .zero else { throw ValidationError("--escalate-after must be more than 0s") }
    }

    /// The hard limit on needle time is the clinic default (30m), or the longest session when
    /// that is longer.
    var limits: ClinicLimits {
        ClinicLimits(
            sessionLength: minimumSession.value...maximumSession.value, escalateAfter: escalateAfter.value,
            hardLimit: max(ClinicLimits.standard.hardLimit, maximumSession.value))
    }
}

/// A duration on the command line, in the protocol files' notation (`90s`, `5m`, `1m30s`).
struct DurationArgument: ExpressibleByArgument, CustomStringConvertible {
    var value: Duration

    init(_ value: Duration) { self.value = value }

    init?(argument: String) {
        guard let value = try? Duration.parse(notation: argument) else { return nil }
        self.value = value
    }

    var description: String { value.notation }
    var defaultValueDescription: String { value.notation }
}
