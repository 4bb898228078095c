import Clocks
import DwellCore
import DwellRunner

/// A 15-minute, 8-step protocol like the shipped neck and shoulder one.
func neckShoulder(observation: Duration = .seconds(300)) -> TreatmentProtocol {
    func site(_ id: String, _ seconds: Int64, technique: Technique? = nil, cadence: Cadence? = nil) -> Step {
        .site(SiteStep(site: id, needles: 2, dwell: .seconds(seconds), technique: technique, cadence: cadence))
    }
    return TreatmentProtocol(
        id: "neck-shoulder", title: "Neck and shoulder", version: 1, technique: .deep,
        warnBefore: .seconds(20), observation: observation,
        steps: [
            site("upper-trapezius-left", 180), site("upper-trapezius-right", 180),
            .rest(RestStep(duration: .seconds(60))),
            site("levator-left", 120, technique: .pistoning, cadence: Cadence(millihertz: 1_000)),
            site("levator-right", 120),
            .rest(RestStep(duration: .seconds(60))),
            site("splenius-left", 90), site("splenius-right", 90),
        ])
}

/// Drives a runner on a `TestClock` by awaiting its reports, never by sleeping: each time the
/// runner's timer is due, the clock is moved just past it and the harness waits for what the
/// firing reports. Commands are sent between those steps at exact clock times.
struct Harness {
    let clock = TestClock<Duration>()
    let board = SimulatedBoard()
    let runner: SessionRunner<TestClock<Duration>>
    private var iterator: AsyncStream<RunnerReport>.Iterator
    private(set) var reports: [RunnerReport] = []

    init(
        _ treatment: TreatmentProtocol, machine: SessionStateMachine? = nil, output: (any IndicatorOutput)? = nil,
        speed: Int = 1,
        script: [ScriptedCommand] = []
    ) {
        runner = SessionRunner(
            machine: machine ?? SessionStateMachine(treatment: treatment), clock: clock,
            output: output ?? board, speed: speed, script: script)
        iterator = runner.reports.makeAsyncIterator()
    }

    /// Fires everything due up to the session offset `stop`, then leaves the clock at `stop`.
    mutating func run(until stop: Duration, speed: Int = 1) async {
        await settle()
        while let target = await runner.nextWake, target <= stop {
            await clock.advance(to: .init(offset: target / speed + .nanoseconds(1)))
            // Every firing reports something; everything older has been read already.
            if let report = await iterator.next() { reports.append(report) }
            await settle()
        }
        if clock.now < .init(offset: stop / speed) { await clock.advance(to: .init(offset: stop / speed)) }
    }

    /// Reads every report the runner has sent so far (they are already in the stream).
    mutating func settle() async {
        let sent = await runner.reportCount
        while reports.count < sent, let report = await iterator.next() { reports.append(report) }
    }

    /// Runs until the session has ended and the report stream is finished.
    mutating func runToEnd() async -> [RunnerReport] {
        await run(until: .seconds(24 * 3_600))
        while let report = await iterator.next() { reports.append(report) }
        return reports
    }
}

extension [RunnerReport] {
    var events: [SessionEvent] {
        compactMap { if case .event(let event, _) = $0 { return event } else { return nil } }
    }

    var timeline: [String] { events.map { "\($0.kind.rawValue)@\($0.at.wholeMilliseconds)" } }

    var lampChanges: [LampChange] {
        flatMap { report -> [LampChange] in if case .lamps(let changes) = report { return changes } else { return [] } }
    }

    var latenesses: [Duration] {
        compactMap { if case .event(_, let lateness?) = $0 { return lateness } else { return nil } }
    }
}
