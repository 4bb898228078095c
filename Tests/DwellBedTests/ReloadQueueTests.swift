import Foundation
import Synchronization
import Testing

@testable import DwellBed

/// The reload queue: its job runs on a thread of its own, one run at a time, and requests made
/// while a run is going share the next run.
struct ReloadQueueTests {
    final class Gate: Sendable {
        let runs = Mutex(0)
        let open = Mutex(false)
        let onPool = Mutex<[Bool]>([])

        /// The job: counts its run, notes whether it ran on the thread it was given, and holds
        /// until the gate opens (or 90 s pass, so a broken test cannot hang).
        func job() -> Int {
            let run = runs.withLock {
                $0 += 1
                return $0
            }
            onPool.withLock { $0.append(Self.kernelThreadName() != "dwell-reload") }
            let deadline = Date().addingTimeInterval(90)
            while !open.withLock({ $0 }) && Date() < deadline { usleep(5_000) }
            return run
        }

        /// The calling thread's name as the kernel has it (what `top -H` shows).
        static func kernelThreadName() -> String {
            let comm = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)
            return comm?.trimmingCharacters(in: .newlines) ?? "?"
        }
    }

    func eventually(_ seconds: Double, _ condition: () -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test func requestsDuringARunShareTheNextRunOnTheReloadThread() async throws {
        let queue = ReloadQueue<Int>()
        let gate = Gate()
        let first = Task { await queue.run { gate.job() } }
        #expect(await eventually(60) { gate.runs.withLock { $0 } == 1 }, "the first run started")
        // Five more while the first is held: they wait for one shared second run.
        let others = (0..<5).map { _ in Task { await queue.run { gate.job() } } }
        #expect(await eventually(60) { queue.waiting == 5 }, "the five requests wait")
        #expect(gate.runs.withLock { $0 } == 1, "one run at a time")
        gate.open.withLock { $0 = true }
        #expect(await first.value == 1)
        var answers: [Int] = []
        for other in others { answers.append(await other.value) }
        #expect(answers == Array(repeating: 2, count: 5), "the five requests shared the second run")
        #expect(gate.runs.withLock { $0 } == 2)
        #expect(gate.onPool.withLock { $0 } == [false, false], "every run was on the reload thread")
        #expect(await eventually(60) { !queue.isRunning })
    }
}
