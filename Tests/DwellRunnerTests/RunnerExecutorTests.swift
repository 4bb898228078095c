import DwellCore
import Foundation
import Synchronization
import Testing

@testable import DwellRunner

/// The runners' executor: its own thread, one job at a time in order, and — the point of it —
/// work resumed there runs while every thread of Swift's cooperative pool is blocked. No timing
/// is asserted; every wait has a deadline that fails naming what was awaited.
struct RunnerExecutorTests {
    /// An actor on a given executor, counting what ran on it and noticing any overlap.
    actor Probe {
        nonisolated let executor: RunnerExecutor
        nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
        nonisolated let handled = Atomic<Bool>(false)
        var inside = false
        var overlaps = 0
        var order: [Int] = []

        init(on executor: RunnerExecutor) { self.executor = executor }

        /// Records `value`; yields the thread in the middle, so that two jobs at once would show.
        func add(_ value: Int) {
            if inside { overlaps += 1 }
            inside = true
            sched_yield()
            order.append(value)
            inside = false
        }

        /// Suspends until `resume` is handed the continuation and resumed; then, still on this
        /// executor, says so and gives the thread's name.
        func awaitResume(_ held: Held) async -> String {
            await withCheckedContinuation { continuation in held.slot.withLock { $0 = continuation } }
            handled.store(true, ordering: .sequentiallyConsistent)
            return currentThreadName()
        }
    }

    /// A continuation handed over by ``Probe/awaitResume(_:)``, resumed by the test.
    final class Held: Sendable {
        let slot = Mutex<CheckedContinuation<Void, Never>?>(nil)
        var isHeld: Bool { slot.withLock { $0 != nil } }
        func resume() { slot.withLock { $0?.resume() } }
    }

    static func currentThreadName() -> String {
        ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func jobsRunOneAtATimeOnTheExecutorsOwnThread() async throws {
        let probe = Probe(on: RunnerExecutor(name: "dwell-test-ser"))
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 { group.addTask { await probe.add(index) } }
        }
        #expect(await probe.overlaps == 0)
        #expect(await probe.order.sorted() == Array(0..<200))
        let held = Held()
        let waiting = Task { await probe.awaitResume(held) }
        try await Self.until("the probe holds its continuation") { held.isHeld }
        held.resume()
        #expect(await waiting.value == "dwell-test-ser")
    }

    @Test func aResumedJobRunsWhileEveryPoolThreadIsBlocked() async throws {
        let probe = Probe(on: RunnerExecutor(name: "dwell-test-blk"))
        let held = Held()
        // As a runner's timer task: it prefers the executor, so its resumption goes straight
        // there (a plain Task would be resumed on the pool first, and wait for the gate).
        let waiting = Task(executorPreference: probe.executor) { await probe.awaitResume(held) }
        try await Self.until("the probe holds its continuation") { held.isHeld }
        // From a thread outside the pool: block every pool thread, check that a pool job cannot
        // run, resume the probe, and see it run. A probe on the pool would wait for the gate.
        let blocked: (handled: Bool, poolRanFirst: Bool)? = try await whileThePoolIsBlocked {
            let poolRan = Atomic<Bool>(false)
            Task.detached { poolRan.store(true, ordering: .sequentiallyConsistent) }
            held.resume()
            let deadline = Date().addingTimeInterval(20)
            while !probe.handled.load(ordering: .sequentiallyConsistent) && Date() < deadline { usleep(1_000) }
            let handled = probe.handled.load(ordering: .sequentiallyConsistent)
            return (handled, poolRan.load(ordering: .sequentiallyConsistent))
        }
        let outcome = try #require(blocked, "could not block the pool's threads in 60 tries of 2 s")
        #expect(!outcome.poolRanFirst, "a pool job ran while the pool was to be blocked: the test proved nothing")
        #expect(outcome.handled, "the resumed job did not run within 20 s while the pool was blocked")
        #expect(await waiting.value == "dwell-test-blk")
    }

    @Test func aRunnersCueIsHandledAndReportedWhileEveryPoolThreadIsBlocked() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let treatment = TreatmentProtocol(
            id: "two", title: "Two sites", version: 1, technique: .deep, warnBefore: .seconds(30),
            steps: [
                .site(SiteStep(site: "first", needles: 1, dwell: .milliseconds(300))),
                .site(SiteStep(site: "second", needles: 1, dwell: .seconds(60))),
            ])
        let runner = SessionRunner(
            machine: SessionStateMachine(
                treatment: treatment, limits: ClinicLimits(sessionLength: .zero...Duration.seconds(3_600))),
            clock: PrecisionClock(timer: timer), output: SimulatedBoard())
        // The pool is blocked first; the session is started and its first step ends (300 ms on)
        // with no pool thread free: the start from a task that prefers the runner's executor.
        let blocked: (started: Int, atCue: Int?)? = try await whileThePoolIsBlocked {
            let started = Atomic<Int>(-1)
            Task(executorPreference: RunnerExecutor.realtime) {
                try? await runner.start()
                started.store(runner.sender.count, ordering: .sequentiallyConsistent)
            }
            let deadline = Date().addingTimeInterval(20)
            while started.load(ordering: .sequentiallyConsistent) < 0 && Date() < deadline { usleep(1_000) }
            let afterStart = started.load(ordering: .sequentiallyConsistent)
            guard afterStart >= 0 else { return (afterStart, nil) }
            // The step's end, its next step's start and their signals: a few reports at least.
            while runner.sender.count < afterStart + 2 && Date() < deadline { usleep(1_000) }
            let atCue = runner.sender.count
            return (afterStart, atCue >= afterStart + 2 ? atCue : nil)
        }
        let seen = try #require(blocked, "could not block the pool's threads in 60 tries of 2 s")
        try #require(seen.started >= 0, "the start did not run within 20 s while the pool was blocked")
        let atCue = try #require(
            seen.atCue, "the first step's end was not reported within 20 s while the pool was blocked")
        // What was reported while the pool was blocked includes the cue itself, timed.
        var reports: [RunnerReport] = []
        for await report in runner.reports {
            reports.append(report)
            if reports.count == atCue { break }
        }
        let ended = reports.dropFirst(seen.started).compactMap { report -> Duration?? in
            guard case .event(let event, let lateness) = report, event.kind == .stepEnded else { return nil }
            return lateness
        }
        #expect(ended.count == 1, "step.ended among the reports made while the pool was blocked: \(reports)")
        #expect(ended.first.flatMap { $0 } != nil, "the cue's lateness was measured")
        await runner.halt()
    }

    @Test func aRunnerOnThePrecisionClockRunsOnTheRealtimeExecutorOthersOnThePool() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let machine = SessionStateMachine(
            treatment: neckShoulder(), limits: ClinicLimits(sessionLength: .zero...Duration.seconds(3_600)))
        let precise = SessionRunner(machine: machine, clock: PrecisionClock(timer: timer), output: SimulatedBoard())
        let plain = SessionRunner(machine: machine, clock: ContinuousClock(), output: SimulatedBoard())
        #expect(precise.home.taskExecutor === RunnerExecutor.realtime)
        #expect(plain.home.taskExecutor == nil)
        // Its own methods run there: the thread's name is the executor's; the other on the pool.
        #expect(await precise.threadName() == "dwell-runner")
        #expect(await plain.threadName() != "dwell-runner")
    }

    /// Polls `condition` every 5 ms; fails naming `what` after 20 s.
    static func until(_ what: String, _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("waited 20 s for \(what)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// From a thread outside the pool: blocks every thread of Swift's pool, runs `body` while
    /// they stay blocked, then frees them. The rest of the test run shares the pool, so no try
    /// holds part of it for long: when the blockers have not all started within 2 s (other
    /// tests hold threads), they are let go and it tries again, up to 60 times. Nil when no try
    /// got them all.
    func whileThePoolIsBlocked<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T? {
        try await outsideThePool {
            let width = ProcessInfo.processInfo.activeProcessorCount
            for _ in 0..<60 {
                let gate = DispatchSemaphore(value: 0)
                let blockers = DispatchSemaphore(value: 0)
                for _ in 0..<width {
                    Task.detached {
                        blockers.signal()
                        gate.wait()
                    }
                }
                // A blocker that starts after its try was given up passes the gate at once.
                defer { for _ in 0..<width { gate.signal() } }
                let deadline = DispatchTime.now() + 2
                guard (0..<width).allSatisfy({ _ in blockers.wait(timeout: deadline) == .success }) else {
                    continue
                }
                return body()
            }
            return nil
        }
    }

    /// Runs `body` on a thread of its own (not the pool) and returns what it returned.
    func outsideThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
        await withCheckedContinuation { done in Thread { done.resume(returning: body()) }.start() }
    }
}

extension SessionRunner {
    /// The name of the thread the runner's work runs on.
    func threadName() -> String { RunnerExecutorTests.currentThreadName() }
}
