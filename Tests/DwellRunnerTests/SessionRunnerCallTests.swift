import DwellCore
import DwellRunner
import Testing

/// A patient call shown by a session's runner over the session's signal, on a test clock.
@Suite struct SessionRunnerCallTests {
    /// Rising edges of `lamp` in [from, to) (ms), as offsets from `from`.
    func rises(_ reports: [RunnerReport], _ lamp: Lamp, from: Int64, to: Int64) -> [Int64] {
        reports.lampChanges.filter {
            $0.lamp == lamp && $0.on && $0.at.wholeMilliseconds >= from && $0.at.wholeMilliseconds < to
        }
        .map { $0.at.wholeMilliseconds - from }
    }

    @Test func aCallFlashesRedAndAmberInTurnOverTheSessionAndTheSessionTimesOnBeneathIt() async throws {
        var harness = Harness(neckShoulder())
        try await harness.runner.start()
        await harness.run(until: .seconds(10))
        await harness.runner.showCall(true)
        await harness.run(until: .seconds(12))
        #expect(rises(harness.reports, .red, from: 10_000, to: 12_000) == [0, 500, 1_000, 1_500])
        #expect(rises(harness.reports, .amber, from: 10_000, to: 12_000) == [250, 750, 1_250, 1_750])
        #expect(rises(harness.reports, .buzzer, from: 10_000, to: 10_001) == [0], "the high-priority bursts")
        var snapshot = await harness.runner.snapshot()
        #expect(snapshot.signal == .calling && snapshot.phase == .running && snapshot.lamps[.green] != true)
        // The warning (at 160 s) and the next site (180 s) come beneath the call: recorded, and the
        // call's flashing keeps its own rhythm (anchored at 10 s).
        await harness.run(until: .seconds(182))
        #expect(harness.reports.events.map(\.kind).suffix(3) == [.stepWarning, .stepEnded, .stepStarted])
        #expect(rises(harness.reports, .red, from: 180_000, to: 181_000) == [0, 500])
        await harness.runner.showCall(false)
        await harness.run(until: .seconds(183))
        snapshot = await harness.runner.snapshot()
        #expect(snapshot.signal == .running(cadence: nil) && snapshot.stepIndex == 1)
        #expect(snapshot.lamps[.green] == true && snapshot.lamps[.red] != true && snapshot.lamps[.amber] != true)
    }
}
