import DwellCore
import Synchronization
import Testing

@testable import DwellRunner

/// The timer thread's behaviour, never its timing: order, cancellation, an earlier deadline
/// waking it, generations. Every wait has a deadline that fails naming what was awaited.
struct TimerThreadTests {
    /// What the actions ran, in order; `waitFor` returns once `count` ran or fails after 20 s.
    final class Ran: Sendable {
        let values = Mutex<[Int]>([])

        func add(_ value: Int) { values.withLock { $0.append(value) } }

        func waitFor(_ count: Int, _ what: String) async throws -> [Int] {
            let deadline = ContinuousClock.now + .seconds(20)
            while ContinuousClock.now < deadline {
                let seen = values.withLock { $0 }
                if seen.count >= count { return seen }
                try await Task.sleep(for: .milliseconds(5))
            }
            // Once more after the deadline: a busy test run may resume this task only after it.
            let seen = values.withLock { $0 }
            if seen.count >= count { return seen }
            Issue.record("waited 20 s for \(what): \(seen.count) of \(count) ran (\(seen))")
            throw CancellationError()
        }
    }

    @Test func actionsRunInDeadlineOrderWhateverTheOrderTheyCameIn() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let ran = Ran()
        let now = TimerThread.now()
        let owner = timer.makeOwner()
        // 40 deadlines 1 ms apart, scheduled shuffled (deadline i runs action i).
        for index in (0..<40).shuffled() {
            timer.schedule(at: now + 20_000_000 + Int64(index) * 1_000_000, owner: owner) { ran.add(index) }
        }
        #expect(try await ran.waitFor(40, "40 actions") == Array(0..<40))
    }

    @Test func aCancelledOwnerRunsNothingAndOthersRunOn() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let ran = Ran()
        let (cancelled, kept) = (timer.makeOwner(), timer.makeOwner())
        let now = TimerThread.now()
        for index in 0..<10 { timer.schedule(at: now + 30_000_000, owner: cancelled) { ran.add(100 + index) } }
        timer.schedule(at: now + 30_000_000, owner: kept) { ran.add(1) }
        timer.cancel(owner: cancelled)
        // Scheduled after the cancelled ones' deadline: when it has run, they would have too.
        timer.schedule(at: now + 60_000_000, owner: kept) { ran.add(2) }
        #expect(try await ran.waitFor(2, "the kept owner's actions") == [1, 2])
    }

    @Test func anEarlierDeadlineWakesTheThreadWaitingForALaterOne() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let ran = Ran()
        let owner = timer.makeOwner()
        timer.schedule(at: TimerThread.now() + 3_600_000_000_000, owner: owner) { ran.add(3_600) }
        timer.start()
        timer.schedule(at: TimerThread.now(), owner: owner) { ran.add(0) }
        // Were the thread still asleep until the hour's deadline, this would fail after 20 s.
        #expect(try await ran.waitFor(1, "the action due now, behind one due in an hour") == [0])
    }

    @Test func aNewGenerationReplacesWhatTheOwnerHadScheduled() async throws {
        let timer = TimerThread()
        defer { timer.stop() }
        let ran = Ran()
        let owner = timer.makeOwner()
        let now = TimerThread.now()
        for generation in 1...5 {
            timer.cancel(owner: owner)
            timer.schedule(at: now + 20_000_000, owner: owner) { ran.add(generation) }
        }
        let other = timer.makeOwner()
        timer.schedule(at: now + 50_000_000, owner: other) { ran.add(99) }
        #expect(try await ran.waitFor(2, "the last generation and the marker") == [5, 99])
    }

    @Test func withoutPermissionTheThreadRunsNormallyAndSaysWhy() {
        let timer = TimerThread(realtimePriority: 10)
        defer { timer.stop() }
        let note = timer.start()
        if timer.isRealtime {
            #expect(note == "SCHED_FIFO 10")
        } else {
            #expect(note.hasPrefix("normal scheduling: SCHED_FIFO 10 was refused") && note.contains("LimitRTPRIO=10"))
        }
    }

    @Test func aPrecisionClockSleepEndsAtItsDeadlineAndCancellationEndsItEarly() async throws {
        let clock = PrecisionClock(timer: TimerThread())
        defer { clock.timer.stop() }
        let deadline = clock.now.advanced(by: .milliseconds(10))
        try await clock.sleep(until: deadline)
        #expect(clock.now >= deadline)
        let sleeper = Task { try await clock.sleep(until: clock.now.advanced(by: .seconds(3_600))) }
        sleeper.cancel()
        await #expect(throws: CancellationError.self) { try await sleeper.value }
    }
}
