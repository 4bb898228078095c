import ArgumentParser
import DwellRunner
import Foundation

/// `dwell-bench`: timing accuracy and footprint, side by side with the baselines, as
/// Markdown tables ready for BENCHMARKS.md.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dwell-bench",
        abstract: "Measure Dwell's timing accuracy and footprint against the naive timer and the kernel's floor.",
        discussion: """
            Run it release-built on an otherwise idle machine: swift run -c release dwell-bench. \
            The loaded rows use `stress-ng --cpu 2` when it is installed (else two shell busy loops).
            """)

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case smoke, quick, long

        var cues: Int { self == .smoke ? 200 : 5_000 }
        var driftLength: Duration { self == .long ? .seconds(900) : (self == .smoke ? .seconds(4) : .seconds(120)) }
        var footprintSeconds: Double { self == .smoke ? 1 : 20 }
        var recordEvents: Int { self == .smoke ? 200 : 2_000 }
        var verifyEvents: Int { self == .smoke ? 1_000 : 100_000 }
        var startups: Int { self == .smoke ? 1 : 5 }
        var daemonCPUSeconds: Double { self == .smoke ? 1 : 20 }
        var apiRounds: Int { self == .smoke ? 10 : 200 }
        var virtualRuns: Int { self == .smoke ? 2 : 20 }
        /// How long each edge row plays the high-priority pattern.
        var edgeSeconds: Duration { self == .smoke ? .seconds(2) : (self == .long ? .seconds(30) : .seconds(20)) }
        /// An upper bound on one load's part of the lateness tables (the load's `timeout`).
        var loadedLength: Duration { edgeSeconds * 3 + (self == .smoke ? .seconds(30) : .seconds(120)) }
    }

    @Option(
        help: """
            smoke (seconds, for CI: no figures worth keeping), quick (about 7 minutes), \
            long (about 22 minutes: a 15-minute drift).
            """)
    var mode: Mode = .quick

    @Option(
        help: ArgumentHelp(
            "The dwelld binary for the daemon figures (`dwell` is taken beside it); the run stops when either is missing.",
            valueName: "path"))
    var dwelld = ".build/release/dwelld"

    @Option(help: ArgumentHelp("Also write the lateness chart as SVG here.", valueName: "path"))
    var svg: String?

    func run() async throws {
        let folder = (dwelld as NSString).deletingLastPathComponent
        for binary in [dwelld, folder + "/dwell"] where !FileManager.default.isExecutableFile(atPath: binary) {
            throw BenchError("no executable at \(binary): build it with `swift build -c release`, or pass --dwelld")
        }
        let started = ContinuousClock.now
        var report = "## Results (\(mode.rawValue) mode)\n\n"
        report +=
            "Timer thread: \(TimerThread.shared.start()); runner thread: \(RunnerExecutor.realtime.start()).\n\n"
        var began = loadAverage()
        func section(_ title: String, _ body: String) {
            report += "### \(title)\n\nLoad average when the section began: \(began).\n\n\(body)\n"
            FileHandle.standardError.write(
                Data("done: \(title) (\(format((ContinuousClock.now - started).seconds)) s)\n".utf8))
            began = loadAverage()
        }
        let (lateness, edges, chart) = try await latenessTables()
        section("Cue lateness (actual − planned, monotonic clock)", lateness)
        section("Lamp and buzzer edges of the high-priority pattern (actual − planned)", edges)
        if let svg { try chart.svg().write(toFile: svg, atomically: true, encoding: .utf8) }
        section("Drift: error at the end of a whole session", try await driftTable())
        section("Footprint while sessions run (in-process runners)", try await footprintTable())
        section("Clinic record", try await recordTable())
        section("The daemon", try await daemonTable(dwelld: dwelld))
        section("Other", try await miscTable(binaries: [dwelld, folder + "/dwell"]))
        print(report, terminator: "")
        FileHandle.standardError.write(
            Data("benchmark finished in \(format((ContinuousClock.now - started).seconds)) s\n".utf8))
    }
}
