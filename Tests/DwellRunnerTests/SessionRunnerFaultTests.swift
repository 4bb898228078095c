import DwellCore
import DwellRunner
import Synchronization
import Testing

/// An output whose writes start failing, as a GPIO chip that vanished would.
final class FailingOutput: IndicatorOutput {
    private let writes = Mutex(0)
    let failAfter: Int

    init(failAfter: Int) { self.failAfter = failAfter }

    func apply(_ changes: [LampChange]) throws(IndicatorError) {
        let count = writes.withLock { count in
            count += 1
            return count
        }
        if count > failAfter { throw IndicatorError("line write failed: No such device") }
    }
}

/// An output whose `at`-th write fails, and no other.
final class FailingOnce: IndicatorOutput {
    private let writes = Mutex(0)
    let at: Int

    init(at: Int) { self.at = at }

    func apply(_ changes: [LampChange]) throws(IndicatorError) {
        let count = writes.withLock { count in
            count += 1
            return count
        }
        if count == at { throw IndicatorError("line write failed: Input/output error") }
    }
}

struct SessionRunnerFaultTests {
    @Test func anOutputFailureShowsAFaultAndTimingGoesOn() async throws {
        var harness = Harness(
            neckShoulder(), output: FailingOutput(failAfter: 1),
            script: ScriptedCommand.countOutAndAcknowledge(after: .zero))
        try await harness.runner.start()
        await harness.run(until: .seconds(170))
        #expect(await harness.runner.snapshot().fault)
        let reports = await harness.runToEnd()
        #expect(reports.events.map(\.kind).last == .sessionCompleted)
        #expect(reports.timeline.prefix(SessionRunnerTests.plan.count) == SessionRunnerTests.plan[...])
        let faults = reports.compactMap { if case .fault(let message, _) = $0 { return message } else { return nil } }
        #expect(faults.first == "line write failed: No such device")
        #expect(reports.lampChanges.contains { $0.lamp == .red && $0.on }, "the fault lamp is requested")
    }

    @Test func aRecordFaultClearsWhenTheRecordRecoversButAnOutputFaultStays() async throws {
        var harness = Harness(neckShoulder(), output: SimulatedBoard())
        try await harness.runner.start()
        await harness.runner.reportFault("clinic record: the disk is full")
        #expect(await harness.runner.snapshot().fault)
        await harness.runner.clearFault()
        #expect(await !harness.runner.snapshot().fault, "the record recovered: no fault")

        // One failed line write (later writes work again): the output fault stays for the session.
        var failedOnce = Harness(neckShoulder(), output: FailingOnce(at: 2))
        try await failedOnce.runner.start()
        await failedOnce.run(until: .seconds(170))
        #expect(await failedOnce.runner.snapshot().fault)
        await failedOnce.runner.reportFault("clinic record: the disk is full")
        await failedOnce.runner.clearFault()
        await failedOnce.run(until: .seconds(200))
        #expect(await failedOnce.runner.snapshot().fault, "the indicator output failed: that fault stays")
    }
}

struct VirtualClockTests {
    @Test func instantRunsMatchTheTestClockTimelineAndPulseExactly() async throws {
        let board = SimulatedBoard()
        let runner = SessionRunner(
            machine: SessionStateMachine(treatment: neckShoulder()), clock: VirtualClock(),
            output: board, script: ScriptedCommand.countOutAndAcknowledge(after: .seconds(30)))
        try await runner.start()
        var reports: [RunnerReport] = []
        for await report in runner.reports { reports.append(report) }
        #expect(reports.timeline.prefix(SessionRunnerTests.plan.count) == SessionRunnerTests.plan[...])
        #expect(reports.latenesses.allSatisfy { $0 == .zero })
        // The pistoning site (420 s to 540 s, 1 Hz) pulses green on every whole second, 500 ms on.
        let pulses = board.transitions.map(\.change).filter {
            $0.lamp == .green && $0.at >= .seconds(420) && $0.at < .seconds(520)
        }
        #expect(pulses.count == 200)
        #expect(
            pulses.enumerated().allSatisfy { index, change in
                change.on == (index % 2 == 0) && change.at == .seconds(420) + .milliseconds(500) * index
            })
    }
}
