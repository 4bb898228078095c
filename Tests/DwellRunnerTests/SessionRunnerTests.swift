import Clocks
import DwellCore
import DwellRunner
import Testing

struct SessionRunnerTests {
    /// The cumulative offsets of the steps (the timeline the session must follow exactly).
    static let plan: [String] = {
        var timeline = ["session.started@0"]
        var offset: Int64 = 0
        for step in neckShoulder().steps {
            timeline.append("step.started@\(offset)")
            let end = offset + step.duration.wholeMilliseconds
            if step.kind == .site { timeline.append("step.warning@\(end - 20_000)") }
            timeline.append("step.ended@\(end)")
            offset = end
        }
        return timeline
    }()

    @Test func aFifteenMinuteSessionOnATestClockFollowsThePlanExactly() async throws {
        var harness = Harness(neckShoulder(), script: ScriptedCommand.countOutAndAcknowledge(after: .seconds(30)))
        try await harness.runner.start()
        let reports = await harness.runToEnd()
        #expect(
            reports.timeline == Self.plan + [
                "session.overrun@900000", "needles.removed@930000", "session.acknowledged@930000",
                "observation.started@930000", "observation.ended@1230000", "session.completed@1230000",
            ])
        #expect(reports.latenesses.allSatisfy { $0 < .microseconds(1) })
        #expect(harness.board.levels.values.allSatisfy { !$0 }, "every lamp is off at the end")
        #expect(await harness.runner.isFinished)
    }

    @Test func pauseShiftsEveryRemainingDeadlineByThePause() async throws {
        var harness = Harness(neckShoulder(), script: ScriptedCommand.countOutAndAcknowledge(after: .zero))
        try await harness.runner.start()
        await harness.run(until: .seconds(100))
        try await harness.runner.send(.pause)
        await harness.run(until: .seconds(160))
        #expect(await harness.runner.snapshot().remaining == .seconds(80), "paused time does not count")
        try await harness.runner.send(.resume)
        let events = await harness.runToEnd().events
        let shifted = Self.plan.dropFirst(2).map { entry -> String in
            let parts = entry.split(separator: "@")
            return "\(parts[0])@\(Int64(parts[1])! + 60_000)"
        }
        let timed = events.filter {
            [.stepStarted, .stepWarning, .stepEnded].contains($0.kind) && $0.at > .seconds(100)
        }
        #expect(timed.map { "\($0.kind.rawValue)@\($0.at.wholeMilliseconds)" } == Array(shifted))
        #expect(
            events.contains(
                SessionEvent(.sessionPaused, at: .seconds(100), step: 0, stepKind: .site, site: "upper-trapezius-left"))
        )
    }

    @Test func extendMovesTheCurrentStepAndEverythingAfterIt() async throws {
        var harness = Harness(
            neckShoulder(observation: .zero), script: ScriptedCommand.countOutAndAcknowledge(after: .zero))
        try await harness.runner.start()
        await harness.run(until: .seconds(170))
        try await harness.runner.send(.extend(.seconds(120), reason: "past the 15m protocol, stated"))
        let events = await harness.runToEnd().events
        #expect(
            events.filter { $0.kind == .stepWarning && $0.step == 0 }.map(\.at) == [.seconds(160), .seconds(280)],
            "the warning comes again before the extended end")
        #expect(events.first { $0.kind == .stepEnded }?.at == .seconds(300))
        #expect(events.last?.kind == .sessionCompleted && events.last?.at == .seconds(1_020))
    }

    @Test func anUnacknowledgedEndEscalatesToFastRedAndHighPriorityBursts() async throws {
        var harness = Harness(neckShoulder())
        try await harness.runner.start()
        await harness.run(until: .seconds(965))
        let events = harness.reports.events
        #expect(events.suffix(2).map(\.kind) == [.sessionOverrun, .sessionEscalated])
        #expect(events.last?.at == .seconds(960))
        let red = harness.reports.lampChanges.filter { $0.lamp == .red }
        // 2 Hz at 50 % duty: a change every 250 ms from the escalation on.
        #expect(red.map { $0.at.wholeMilliseconds } == Array(stride(from: Int64(960_000), through: 965_000, by: 250)))
        #expect(red.enumerated().allSatisfy { index, change in change.on == index.isMultiple(of: 2) })
        try await harness.runner.send(.removeNeedles(count: nil, step: nil))
        try await harness.runner.send(.acknowledge)
        let after = await harness.runToEnd().events
        #expect(
            after.suffix(4).map(\.kind) == [
                .sessionAcknowledged, .observationStarted, .observationEnded, .sessionCompleted,
            ])
    }

    @Test func speedScalesSessionTimeAgainstTheClock() async throws {
        var harness = Harness(neckShoulder(), speed: 60)
        try await harness.runner.start()
        await harness.run(until: .seconds(180), speed: 60)
        #expect(
            harness.clock.now >= .init(offset: .seconds(3))
                && harness.clock.now < .init(offset: .seconds(3) + .microseconds(1)),
            "three real seconds are three session minutes")
        #expect(harness.reports.events.contains { $0.kind == .stepEnded && $0.at == .seconds(180) })
    }

    @Test func aRejectedCommandIsReportedAndChangesNothing() async throws {
        var harness = Harness(neckShoulder())
        try await harness.runner.start()
        await harness.run(until: .seconds(10))
        let before = await harness.runner.snapshot()
        await #expect(throws: CommandRejection.self) { try await harness.runner.send(.acknowledge) }
        #expect(await harness.runner.snapshot() == before)
        await #expect(throws: CommandRejection.self) { try await harness.runner.start() }
    }
}
