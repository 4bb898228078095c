import DwellCore
import Synchronization
import Testing

@testable import DwellRunner

/// Lamps and buzzer on the ``PrecisionClock``: the timer thread's ``LampDriver`` writes every
/// edge of the shown patterns, at the planned offsets, and nothing after a halt. No timing is
/// asserted: only which edges, in which order, planned for when.
struct LampDriverTests {
    /// A 10-minute site pistoned at 4 Hz: green flashes and the buzzer ticks every 250 ms. Its
    /// warning (amber) comes 9.5 minutes in, far past any wait here: a test run that starves the
    /// polling task for 30 s must not see it (seen once with a 60 s site).
    static let pistoning = TreatmentProtocol(
        id: "pistoning", title: "Pistoning", version: 1, technique: .pistoning, warnBefore: .seconds(30),
        steps: [
            .site(
                SiteStep(
                    site: "levator", needles: 1, dwell: .seconds(600), technique: .pistoning,
                    cadence: Cadence(millihertz: 4_000)))
        ])

    /// Waits until `board` has made `count` transitions, failing after 20 s with what it saw.
    static func transitions(
        _ board: SimulatedBoard, atLeast count: Int
    ) async throws -> [SimulatedBoard.Transition] {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if board.transitions.count >= count { return board.transitions }
            try await Task.sleep(for: .milliseconds(10))
        }
        // Once more after the deadline: a busy test run may resume this task only after it.
        if board.transitions.count >= count { return board.transitions }
        Issue.record("waited 20 s for \(count) transitions: \(board.transitions.count) came")
        throw CancellationError()
    }

    /// Every transition after the first show is an edge of `patterns` (shown at `anchor`): the
    /// level it sets is the pattern's at its planned offset, and each line alternates.
    static func expectEdges(
        _ transitions: [SimulatedBoard.Transition], of patterns: [Lamp: Pattern], anchor: Duration = .zero
    ) {
        var last: [Lamp: Bool] = [:]
        for transition in transitions {
            let change = transition.change
            let pattern = patterns[change.lamp] ?? .off
            #expect(pattern.level(at: change.at - anchor) == change.on, "\(transition)")
            #expect(last[change.lamp] != change.on, "\(transition) repeats the line's level")
            last[change.lamp] = change.on
        }
    }

    @Test func aRunnerOnThePrecisionClockPlaysItsPatternFromTheTimerThreadAndStopsAtHalt() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let board = SimulatedBoard()
        let runner = SessionRunner(
            machine: SessionStateMachine(
                treatment: Self.pistoning, limits: ClinicLimits(sessionLength: .zero...Duration.seconds(3_600))),
            clock: PrecisionClock(timer: timer), output: board)
        let drain = Task { for await _ in runner.reports {} }
        try await runner.start()
        let seen = try await Self.transitions(board, atLeast: 12)
        let patterns = IndicatorSignal.running(cadence: Cadence(millihertz: 4_000)).patterns()
        // The timed edges (after the changes made when the signal was shown), anchored where the
        // first green edge says the pattern began: green goes off 125 ms into each 250 ms beat.
        let timed = seen.filter { $0.change.at != seen[0].change.at }
        let firstGreenOff = try #require(timed.first { $0.change.lamp == .green && !$0.change.on })
        Self.expectEdges(timed, of: patterns, anchor: firstGreenOff.change.at - .milliseconds(125))
        #expect(await runner.wakeCount == 0, "the edges never woke the runner's own timer")

        await runner.halt()
        let halted = board.transitions.count
        // A marker after the next two edges' deadlines: any edge still scheduled would run first.
        let ran = Mutex(false)
        timer.schedule(at: TimerThread.now() + 300_000_000, owner: timer.makeOwner()) { ran.withLock { $0 = true } }
        let deadline = ContinuousClock.now + .seconds(20)
        while !ran.withLock({ $0 }) {
            guard ContinuousClock.now < deadline || ran.withLock({ $0 }) else {
                Issue.record("the marker did not run within 20 s")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(board.transitions.count == halted, "edges after the halt: \(board.transitions.dropFirst(halted))")
        // Halted, the lines stand still: what the runner shows is what the board has.
        let shown = await runner.snapshot().lamps
        #expect(Lamp.allCases.allSatisfy { (shown[$0] ?? false) == board.levels[$0] }, "\(shown) vs \(board.levels)")
        await drain.value
    }

    @Test func anIdleIndicatorPlaysThePatientCallAndStopsWhenIdle() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let board = SimulatedBoard()
        let indicator = IdleIndicator(clock: PrecisionClock(timer: timer), output: board)
        await indicator.show(.calling)
        let seen = try await Self.transitions(board, atLeast: 16)
        Self.expectEdges(seen, of: IndicatorSignal.calling.patterns())
        #expect(seen.contains { $0.change.lamp == .buzzer }, "the high-priority bursts start with the call")
        await indicator.show(.idle)
        #expect(board.levels.values.allSatisfy { !$0 }, "idle: every line off")
        #expect(await indicator.levels.values.allSatisfy { !$0 })
    }

    @Test func aCuesPatternChangeIsWrittenPlannedAtTheCue() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let board = SimulatedBoard()
        let treatment = TreatmentProtocol(
            id: "two", title: "Two sites", version: 1, technique: .deep, warnBefore: .seconds(30),
            steps: [
                .site(SiteStep(site: "plain", needles: 1, dwell: .milliseconds(200))),
                .site(
                    SiteStep(
                        site: "pistoned", needles: 1, dwell: .milliseconds(200), technique: .pistoning,
                        cadence: Cadence(millihertz: 1_000))),
            ])
        let runner = SessionRunner(
            machine: SessionStateMachine(
                treatment: treatment, limits: ClinicLimits(sessionLength: .zero...Duration.seconds(3_600))),
            clock: PrecisionClock(timer: timer), output: board)
        let starts = Task {
            var starts: [Duration] = []
            for await report in runner.reports {
                if case .event(let event, _) = report, event.kind == .stepStarted { starts.append(event.at) }
            }
            return starts
        }
        try await runner.start()
        let seen = try await Self.transitions(board, atLeast: 2)
        await runner.halt()
        // The second site starts 200 ms after the first (the actor may record it after the halt).
        let cue = try #require(await starts.value.first, "the first site never started") + .milliseconds(200)
        // Green steady from the start; at the cue the pistoned site's first buzzer tick, planned there.
        let buzzer = try #require(seen.first { $0.change.lamp == .buzzer }, "\(seen)")
        #expect(buzzer.change.on && buzzer.change.at == cue, "cue at \(cue): \(seen)")
    }
}
