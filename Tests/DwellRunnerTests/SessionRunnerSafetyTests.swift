import DwellCore
import DwellRunner
import Testing

/// An interrupted session adopted by a runner, as the lamps render it, on a test clock.
@Suite struct SessionRunnerSafetyTests {
    /// Rising edges of `lamp` in [from, to) (ms), as offsets from `from`.
    func rises(_ reports: [RunnerReport], _ lamp: Lamp, from: Int64, to: Int64) -> [Int64] {
        reports.lampChanges.filter {
            $0.lamp == lamp && $0.on && $0.at.wholeMilliseconds >= from && $0.at.wholeMilliseconds < to
        }
        .map { $0.at.wholeMilliseconds - from }
    }

    @Test func anAdoptedSessionShowsTheInterruptedAlarmAndResumesWhereTheClockSaysItIs() async throws {
        var machine = SessionStateMachine(treatment: neckShoulder())
        _ = try machine.handle(.start, at: .zero)
        _ = machine.advance(to: .seconds(100))
        var harness = Harness(neckShoulder(), machine: machine)
        // dwelld restarted; by the wall clock the session is 400 s old (the harness counts
        // session time from the clock's zero).
        await harness.clock.advance(to: .init(offset: .seconds(400)))
        try await harness.runner.adopt(at: .seconds(400))
        await harness.run(until: .seconds(402))
        #expect(harness.reports.events.map(\.kind) == [.sessionInterrupted])
        #expect(harness.reports.events.first?.at == .seconds(400))
        #expect(rises(harness.reports, .red, from: 400_000, to: 402_000) == [0, 500, 1_000, 1_500])
        #expect(await harness.runner.snapshot().phase == .interrupted)
        try await harness.runner.send(.resume)
        let snapshot = await harness.runner.snapshot()
        // 402 s into the plan: the two 180 s sites are over, the rest (360–420 s) is on.
        #expect(snapshot.phase == .rest && snapshot.stepIndex == 2)
        #expect(((.seconds(18) - .milliseconds(1))...Duration.seconds(18)).contains(snapshot.remaining ?? .zero))
    }
}
