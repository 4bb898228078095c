import DwellCore
import DwellRunner
import Foundation
import Glibc

/// End-of-session error after a whole session at real speed, against the naive 1 s tick loop,
/// run side by side; and CPU time and wake-ups per minute while sessions run.
extension Bench {
    func driftTable() async throws -> String {
        let length = mode.driftLength
        let sites = 4
        let treatment = TreatmentProtocol(
            id: "drift", title: "Drift", version: 1, technique: .deep, warnBefore: .seconds(20),
            steps: (0..<sites).map { .site(SiteStep(site: "s\($0)", needles: 1, dwell: length / sites)) })
        let ticks = Int(length.seconds)
        async let naive = Task.detached { Self.naiveError(count: ticks, interval: .seconds(1)).last }.value
        async let floor = Task.detached { Self.floorLateness(count: ticks, interval: .seconds(1)).last }.value
        let runner = SessionRunner(
            machine: SessionStateMachine(treatment: treatment, limits: Self.anyLength),
            clock: PrecisionClock(), output: SimulatedBoard())
        try await runner.start()
        let end = try await Self.within(length + .seconds(60), "the \(length.notation) drift session") {
            var end: Double?
            for await report in runner.reports {
                if case .event(let event, let late?) = report, event.kind == .sessionOverrun { end = late.microseconds }
                if case .event(let event, _) = report, event.kind == .sessionOverrun { await runner.halt() }
            }
            return end
        }
        guard let end else { throw BenchError("the drift session ended without its planned end (no overrun event)") }
        guard let naive = await naive, let floor = await floor else {
            throw BenchError("the naive or C floor loop of the drift table measured no tick")
        }
        var table = Table("timer", "session", "error at the planned end")
        table.add("Dwell runner (start + offset)", length.notation, format(end) + " µs")
        table.add("naive loop, `sleep 1` per tick", length.notation, format(naive / 1_000, digits: 1) + " ms")
        table.add("C floor (absolute deadlines)", length.notation, format(floor) + " µs")
        return table.markdown
    }

    /// CPU time and timer wake-ups per minute of running sessions (real 15-minute protocols).
    func footprintTable() async throws -> String {
        let minutes = mode.footprintSeconds / 60
        var table = Table(
            "beds", "measured", "CPU per minute of session", "share of one core", "timer wake-ups per minute")
        for beds in [1, 8] {
            let runners = (0..<beds).map { bed in
                SessionRunner(
                    machine: SessionStateMachine(treatment: Self.demoProtocol, limits: Self.anyLength),
                    clock: PrecisionClock(), output: SimulatedBoard(bed: "\(bed + 1)"))
            }
            let before = Self.cpuSeconds()
            for runner in runners { try await runner.start() }
            let drains = runners.map { runner in Task { for await _ in runner.reports {} } }
            try await Task.sleep(for: .seconds(mode.footprintSeconds))
            let cpu = Self.cpuSeconds() - before
            var wakes = 0
            for runner in runners {
                wakes += await runner.wakeCount
                await runner.halt()
            }
            for drain in drains {
                try await Self.within(.seconds(10), "a halted runner's report stream to end") {
                    await withTaskCancellationHandler {
                        await drain.value
                    } onCancel: {
                        drain.cancel()
                    }
                }
            }
            table.add(
                "\(beds)", "\(format(mode.footprintSeconds))s", format(cpu / minutes * 1_000, digits: 1) + " ms",
                format(cpu / mode.footprintSeconds * 100, digits: 3) + " %", format(Double(wakes) / minutes, digits: 1))
        }
        return table.markdown
    }

    /// The 15-minute shipped neck and shoulder protocol, as the benchmark's demo session.
    static let demoProtocol: TreatmentProtocol = {
        func site(_ id: String, _ seconds: Int64, label: String) -> Step {
            .site(SiteStep(site: id, label: label, needles: 2, dwell: .seconds(seconds)))
        }
        return TreatmentProtocol(
            id: "neck-shoulder-multisite", title: "Neck and shoulder", version: 1, technique: .deep,
            warnBefore: .seconds(20), observation: .seconds(300),
            steps: [
                site("a", 180, label: "A"), site("b", 180, label: "B"), .rest(RestStep(duration: .seconds(60))),
                site("c", 120, label: "C"), site("d", 120, label: "D"), .rest(RestStep(duration: .seconds(60))),
                site("e", 90, label: "E"), site("f", 90, label: "F"),
            ])
    }()

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
