import CDwellBench
import DwellCore
import DwellRunner
import Foundation

/// Cue lateness: Dwell's runner for 1, 8 and 64 beds, against the naive relative-sleep loop and
/// the C `clock_nanosleep(TIMER_ABSTIME)` floor at the same schedule.
extension Bench {
    /// A protocol of `steps` sites of `interval` each: every step boundary is one timed wake-up.
    /// Every other site is pistoned (its cadence ticks the buzzer as it starts), so a boundary
    /// also switches the buzzer (on into a pistoned site; off into a plain one when the 30 ms
    /// tick is still on): the cue as the therapist hears it.
    static func cueTrain(steps: Int, interval: Duration) -> TreatmentProtocol {
        TreatmentProtocol(
            id: "cue-train", title: "Cue train", version: 1, technique: .deep, warnBefore: .seconds(3_600),
            steps: (0..<steps).map { index in
                .site(
                    SiteStep(
                        site: "s\(index)", needles: 1, dwell: interval,
                        technique: index.isMultiple(of: 2) ? nil : .pistoning,
                        cadence: index.isMultiple(of: 2) ? nil : Cadence(millihertz: 1_000)))
            })
    }

    static let anyLength = ClinicLimits(sessionLength: .zero...Duration.seconds(86_400))

    /// What one bed's session measured, in µs: each step boundary's lateness as the runner
    /// recorded it (on its actor), and for each boundary that switches the buzzer, when it
    /// switched (actual − the boundary: written by the timer thread on a ``PrecisionClock`` when
    /// the change was known ahead, else when the actor made it).
    struct CueRun: Sendable {
        var bed: String
        var lateness: [Double]
        var edges: [Double]
        /// Boundaries whose buzzer switch never came (the actor made the change after the
        /// pattern's tick was already over).
        var missed = 0
    }

    /// Runs `beds` sessions at once and returns what each bed (named as the board names it,
    /// `1`…) measured.
    static func runnerLateness<C: Clock>(
        beds: Int, cuesPerBed: Int, interval: Duration, clock: C
    ) async throws -> [CueRun] where C.Duration == Duration {
        let treatment = cueTrain(steps: cuesPerBed, interval: interval)
        // Into a pistoned site (odd steps) the buzzer goes on; into a plain one it goes off when
        // the pistoned site's 30 ms tick is still on. The last boundary ends the session.
        let switches = (1..<max(cuesPerBed, 1)).compactMap { step -> (at: Duration, on: Bool)? in
            step % 2 == 1 || interval < .milliseconds(30) ? (interval * step, step % 2 == 1) : nil
        }
        var runners: [SessionRunner<C>] = []
        for bed in 0..<beds {
            runners.append(
                SessionRunner(
                    machine: SessionStateMachine(treatment: treatment, limits: anyLength),
                    clock: clock, output: SimulatedBoard(bed: "\(bed + 1)"),
                    script: ScriptedCommand.countOutAndAcknowledge(after: .zero)))
        }
        return try await withThrowingTaskGroup(of: CueRun.self) { group in
            for (index, runner) in runners.enumerated() {
                group.addTask {
                    var run = CueRun(bed: "\(index + 1)", lateness: [], edges: [])
                    // Boundaries count from the session's start event (a few µs after the origin).
                    var started = Duration.zero
                    var buzzer: [LampChange] = []
                    try await runner.start()
                    for await report in runner.reports {
                        switch report {
                        case .event(let event, _) where event.kind == .sessionStarted:
                            started = event.at
                        case .event(let event, let late?) where event.kind == .stepEnded:
                            run.lateness.append(late.microseconds)
                        case .lamps(let changes):
                            buzzer += changes.filter { $0.lamp == .buzzer }
                        default:
                            break
                        }
                    }
                    (run.edges, run.missed) = cueEdges(buzzer, switches: switches, started: started)
                    return run
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }.sorted { Int($0.bed) ?? 0 < Int($1.bed) ?? 0 }
        }
    }

    /// A row's name short enough for the chart's label column (the table keeps the whole name).
    static func chartLabel(_ name: String) -> String {
        let short = name.replacingOccurrences(of: "runtime timer, normal priority", with: "runtime timer")
        guard let edge = short.range(of: ": the cue's buzzer edge") else { return short }
        return short[..<edge.lowerBound] + ": cue's buzzer edge"
    }

    /// The row of a run's cue edges, saying how many switches never came.
    static func edgeRowName(_ name: String, missed: Int) -> String {
        name + ": the cue's buzzer edge" + (missed > 0 ? " (\(missed) switches never came)" : "")
    }

    /// For each planned switch, how late the buzzer reached that level (actual − planned, µs):
    /// the first change to it at or after the boundary, its actual time being its planned offset
    /// plus its lateness, before the next boundary's switch; and how many switches never came.
    static func cueEdges(
        _ buzzer: [LampChange], switches: [(at: Duration, on: Bool)], started: Duration
    ) -> (edges: [Double], missed: Int) {
        var edges: [Double] = []
        var missed = 0
        for (index, planned) in switches.enumerated() {
            let boundary = started + planned.at
            let next = index + 1 < switches.count ? started + switches[index + 1].at : .seconds(86_400)
            if let change = buzzer.first(where: { $0.at >= boundary && $0.at < next && $0.on == planned.on }) {
                edges.append((change.at + change.lateness - boundary).microseconds)
            } else {
                missed += 1
            }
        }
        return (edges, missed)
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

    /// The floor on a thread of its own at SCHED_FIFO `priority` (as Dwell's timer thread asks),
    /// and whether it got that priority; an error when the loop failed.
    static func realtimeFloorLateness(
        count: Int, interval: Duration, priority: Int32
    ) throws -> (
        values: [Double], realtime: Bool
    ) {
        var values = [Int64](repeating: 0, count: count)
        var realtime: Int32 = 0
        let result = dwell_bench_absolute_sleep_thread(
            Int64(interval.microseconds * 1_000), Int32(count), &values, priority, &realtime)
        guard result == 0 else { throw BenchError("the C floor's own thread failed (error \(result))") }
        return (values.map { Double($0) / 1_000 }, realtime != 0)
    }

    static func naiveError(count: Int, interval: Duration) -> [Double] {
        var values = [Int64](repeating: 0, count: count)
        _ = dwell_bench_relative_sleep_loop(Int64(interval.microseconds * 1_000), Int32(count), &values)
        return values.map { Double($0) / 1_000 }
    }

    /// The cue and edge lateness tables, idle and with both cores loaded, each load with the C
    /// floor measured under it, and their chart.
    func latenessTables() async throws -> (cues: String, edges: String, chart: LatenessChart) {
        let cues = mode.cues
        var chart = LatenessChart(title: "Cue and edge lateness, \(mode.rawValue) mode (actual − planned)")
        var table = Table("load", "timer", "cues", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "p99 / floor p99")
        var edges = EdgeTable()
        for loaded in [false, true] {
            let loadLabel = loaded ? "both cores busy" : "idle"
            let before = loadAverage()
            let load = loaded ? try CPULoad(limit: mode.loadedLength + .seconds(120)) : nil
            defer { load?.stop() }
            table.notes.append(
                "\(loadLabel): load average \(before) when it began" + (load.map { "; load: \($0.description)" } ?? ""))
            let floor = try Sample(
                Self.floorLateness(count: cues, interval: .milliseconds(2)), of: "C floor wake-ups (\(loadLabel))")
            var rows: [(String, Sample)] = []
            for (beds, interval) in [(1, Duration.milliseconds(2)), (8, .milliseconds(10)), (64, .milliseconds(50))] {
                let name = "Dwell, \(beds) bed\(beds == 1 ? "" : "s")"
                let sample = try await cueSample(
                    name, beds: beds, interval: interval, load: loadLabel, PrecisionClock())
                rows += [(name, sample.cues), (Self.edgeRowName(name, missed: sample.missed), sample.edges)]
            }
            // The runtime's timer (ContinuousClock) and a runner thread of normal priority.
            let runtime = "Dwell, 1 bed, runtime timer, normal priority"
            let old = try await cueSample(
                runtime, beds: 1, interval: .milliseconds(2), load: loadLabel, ContinuousClock())
            rows += [(runtime, old.cues), (Self.edgeRowName(runtime, missed: old.missed), old.edges)]
            rows.append(
                (
                    "naive relative sleep (C)",
                    try Sample(
                        Self.naiveError(count: cues, interval: .milliseconds(2)),
                        of: "naive loop ticks (\(loadLabel))")
                ))
            rows.append(("C floor: clock_nanosleep ABSTIME", floor))
            let fifo = try Self.realtimeFloorLateness(count: cues, interval: .milliseconds(2), priority: 10)
            let realtimeFloor = try Sample(fifo.values, of: "C floor wake-ups on a SCHED_FIFO thread (\(loadLabel))")
            let realtimeName = "C floor, own thread" + (fifo.realtime ? " at SCHED_FIFO 10" : " (SCHED_FIFO refused)")
            rows.append((realtimeName, realtimeFloor))
            for (name, sample) in rows {
                chart.rows.append(
                    .init(
                        label: "\(Self.chartLabel(name)), \(loaded ? "loaded" : "idle")", p50: sample.percentile(50),
                        p99: sample.percentile(99), maximum: sample.largest))
                table.add(
                    loadLabel, name, "\(sample.count)", format(sample.percentile(50)), format(sample.percentile(99)),
                    format(sample.percentile(99.9)), format(sample.largest),
                    format(sample.percentile(99) / floor.percentile(99), digits: 2) + "×")
            }
            // Edges against the floor scheduled as the timer thread is (SCHED_FIFO 10 when both got it).
            let sameScheduling = fifo.realtime == TimerThread.shared.isRealtime
            edges.table.notes.append(
                "\(loadLabel): load average \(loadAverage()) when the edges began; p99 / floor p99 against "
                    + "`\(sameScheduling ? realtimeName : "C floor: clock_nanosleep ABSTIME")` of the cue table")
            try await edges.measure(
                load: loadLabel, loaded: loaded, length: mode.edgeSeconds,
                floor: sameScheduling ? realtimeFloor : floor,
                chart: &chart)
        }
        return (table.markdown, edges.table.markdown, chart)
    }

    /// Every cue lateness of `beds` runners on `clock` (5,000 cues in quick mode, spread over the
    /// beds), and the lateness of the buzzer edges the cues switched.
    func cueSample<C: Clock>(
        _ name: String, beds: Int, interval: Duration, load: String, _ clock: C
    ) async throws -> (cues: Sample, edges: Sample, missed: Int) where C.Duration == Duration {
        let cuesPerBed = max(1, mode.cues / beds)
        let perBed = try await Self.within(interval * cuesPerBed * 3 + .seconds(30), "\(name) (\(load))") {
            try await Self.runnerLateness(beds: beds, cuesPerBed: cuesPerBed, interval: interval, clock: clock)
        }
        let values = try Self.everyCue(
            perBed.map { (bed: $0.bed, lateness: $0.lateness) }, beds: beds, cuesPerBed: cuesPerBed,
            mode: mode.rawValue, load: load)
        return (
            try Sample(values, of: "cue latenesses of \(name) (\(load))"),
            try Sample(perBed.flatMap(\.edges), of: "cue buzzer edges of \(name) (\(load))"),
            perBed.map(\.missed).reduce(0, +)
        )
    }
}
