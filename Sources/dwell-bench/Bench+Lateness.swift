import CDwellBench
import DwellCore
import DwellRunner
import Foundation

/// Cue lateness: Dwell's runner for 1, 8 and 64 beds, against the naive relative-sleep loop and
/// the C `clock_nanosleep(TIMER_ABSTIME)` floor at the same schedule.
extension Bench {
    /// A protocol of `steps` sites of `interval` each: every step boundary is one timed wake-up.
    static func cueTrain(steps: Int, interval: Duration) -> TreatmentProtocol {
        TreatmentProtocol(
            id: "cue-train", title: "Cue train", version: 1, technique: .deep, warnBefore: .seconds(3_600),
            steps: (0..<steps).map { .site(SiteStep(site: "s\($0)", needles: 1, dwell: interval)) })
    }

    static let anyLength = ClinicLimits(sessionLength: .zero...Duration.seconds(86_400))

    /// Runs `beds` sessions at once and returns the lateness of every step boundary, in µs, per
    /// bed (named as the board names it, `1`…).
    static func runnerLateness(
        beds: Int, cuesPerBed: Int, interval: Duration
    ) async throws -> [(bed: String, lateness: [Double])] {
        let treatment = cueTrain(steps: cuesPerBed, interval: interval)
        var runners: [SessionRunner<ContinuousClock>] = []
        for bed in 0..<beds {
            runners.append(
                SessionRunner(
                    machine: SessionStateMachine(treatment: treatment, limits: anyLength),
                    clock: ContinuousClock(), output: SimulatedBoard(bed: "\(bed + 1)"),
                    script: ScriptedCommand.countOutAndAcknowledge(after: .zero)))
        }
        return try await withThrowingTaskGroup(of: (bed: String, lateness: [Double]).self) { group in
            for (index, runner) in runners.enumerated() {
                group.addTask {
                    var lateness: [Double] = []
                    try await runner.start()
                    for await report in runner.reports {
                        if case .event(let event, let late?) = report, event.kind == .stepEnded {
                            lateness.append(late.microseconds)
                        }
                    }
                    return (bed: "\(index + 1)", lateness: lateness)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { Int($0.bed) ?? 0 < Int($1.bed) ?? 0 }
        }
    }

    /// Every cue of every bed, or an error naming the bed, the mode and the load: a partial
    /// sample (a bed whose session stopped early) would make the lateness look better than it is.
    static func everyCue(
        _ perBed: [(bed: String, lateness: [Double])], beds: Int, cuesPerBed: Int, mode: String, load: String
    ) throws -> [Double] {
        let run = "\(beds) bed\(beds == 1 ? "" : "s"), \(mode) mode, \(load)"
        guard perBed.count == beds else {
            throw BenchError("cue lateness (\(run)): \(perBed.count) of \(beds) beds reported")
        }
        for (bed, lateness) in perBed where lateness.count != cuesPerBed {
            throw BenchError(
                "cue lateness (\(run)): bed \(bed) measured \(lateness.count) of its \(cuesPerBed) cues "
                    + "(expected \(beds * cuesPerBed) in all)")
        }
        return perBed.flatMap(\.lateness)
    }

    static func floorLateness(count: Int, interval: Duration) -> [Double] {
        var values = [Int64](repeating: 0, count: count)
        _ = dwell_bench_absolute_sleep_loop(Int64(interval.microseconds * 1_000), Int32(count), &values)
        return values.map { Double($0) / 1_000 }
    }

    static func naiveError(count: Int, interval: Duration) -> [Double] {
        var values = [Int64](repeating: 0, count: count)
        _ = dwell_bench_relative_sleep_loop(Int64(interval.microseconds * 1_000), Int32(count), &values)
        return values.map { Double($0) / 1_000 }
    }

    /// The lateness table, idle and with both cores loaded, and its chart.
    func latenessTable() async throws -> (String, LatenessChart) {
        let cues = mode.cues
        var chart = LatenessChart(title: "Cue lateness, \(mode.rawValue) mode (actual − planned)")
        var table = Table("load", "timer", "cues", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "p99 / floor p99")
        for loaded in [false, true] {
            let load = loaded ? CPULoad(processes: 2) : nil
            defer { load?.stop() }
            let loadLabel = loaded ? "both cores busy" : "idle"
            let floor = try Sample(
                Self.floorLateness(count: cues, interval: .milliseconds(2)), of: "C floor wake-ups (\(loadLabel))")
            var rows: [(String, Sample)] = []
            for (beds, interval) in [(1, Duration.milliseconds(2)), (8, .milliseconds(10)), (64, .milliseconds(50))] {
                let name = "Dwell, \(beds) bed\(beds == 1 ? "" : "s")"
                let cuesPerBed = max(1, cues / beds)
                let perBed = try await Self.within(interval * cuesPerBed * 3 + .seconds(30), "\(name) (\(loadLabel))") {
                    try await Self.runnerLateness(beds: beds, cuesPerBed: cuesPerBed, interval: interval)
                }
                let values = try Self.everyCue(
                    perBed, beds: beds, cuesPerBed: cuesPerBed, mode: mode.rawValue, load: loadLabel)
                rows.append((name, try Sample(values, of: "cue latenesses of \(name) (\(loadLabel))")))
            }
            rows.append(
                (
                    "naive relative sleep (C)",
                    try Sample(
                        Self.naiveError(count: cues, interval: .milliseconds(2)),
                        of: "naive loop ticks (\(loadLabel))")
                ))
            rows.append(("C floor: clock_nanosleep ABSTIME", floor))
            for (name, sample) in rows {
                chart.rows.append(
                    .init(
                        label: "\(name), \(loaded ? "loaded" : "idle")", p50: sample.percentile(50),
                        p99: sample.percentile(99), maximum: sample.largest))
                table.add(
                    loadLabel, name, "\(sample.count)", format(sample.percentile(50)), format(sample.percentile(99)),
                    format(sample.percentile(99.9)), format(sample.largest),
                    format(sample.percentile(99) / floor.percentile(99), digits: 2) + "×")
            }
        }
        return (table.markdown, chart)
    }
}

/// Busy processes that keep the cores loaded (a stand-in for `stress-ng --cpu 2`).
final class CPULoad {
    private var processes: [Process] = []

    init(processes count: Int) {
        for _ in 0..<count {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "while :; do :; done"]
            if (try? process.run()) != nil { processes.append(process) }
        }
        usleep(200_000)
    }

    /// Kills the loaders (Foundation's waitUntilExit can hang off the main thread here).
    func stop() {
        for process in processes { kill(process.processIdentifier, SIGKILL) }
        processes = []
        usleep(100_000)
    }
}
