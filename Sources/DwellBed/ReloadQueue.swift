import Foundation
import Synchronization

/// Runs a slow, blocking job (reading and validating the protocol folder) on a thread of its
/// own, never on Swift's cooperative pool: that pool has one thread per core (two on the
/// kiosk board) and every bed's timer and every HTTP request run on it, so a job that blocks
/// it delays cues.
///
/// One job at a time. A caller who asks while a job runs waits for the *next* run, which
/// starts when the running one ends and answers every caller who asked meanwhile; so however
/// many reloads are asked for at once, at most one runs and one is pending, and every answer
/// comes from a run that began after its caller asked (it sees the files as they were then).
final class ReloadQueue<Value: Sendable>: Sendable {
    private struct State {
        var running = false
        var waiting: [CheckedContinuation<Value, Never>] = []
    }

    private let state = Mutex(State())
    static var threadName: String { "dwell-reload" }
    /// Room for deep YAML nesting (the parser allows 1,000 levels).
    static var stackSize: Int { 16 << 20 }

    /// Whether a job is running now.
    var isRunning: Bool { state.withLock { $0.running } }

    /// Callers waiting for the next run.
    var waiting: Int { state.withLock { $0.waiting.count } }

    /// Runs `job` (or joins the next run) and returns its result.
    func run(_ job: @escaping @Sendable () -> Value) async -> Value {
        await withCheckedContinuation { continuation in
            let startThread = state.withLock { state -> Bool in
                state.waiting.append(continuation)
                guard !state.running else { return false }
                state.running = true
                return true
            }
            guard startThread else { return }
            // Foundation names the kernel's thread only when the name is set from the thread
            // after `start()` has recorded it; a thread that sets it sooner keeps the name it
            // inherited from its creator (a dispatch worker's: seen in 1 run of 2 here).
            let recorded = DispatchSemaphore(value: 0)
            let thread = Thread { [self] in
                recorded.wait()
                Thread.current.name = Self.threadName  // what `top -H` shows
                drain(job)
            }
            thread.stackSize = Self.stackSize
            thread.start()
            recorded.signal()
        }
    }

    /// On the job's thread: run for whoever is waiting, until nobody is.
    private func drain(_ job: @Sendable () -> Value) {
        while true {
            let batch = state.withLock { state -> [CheckedContinuation<Value, Never>] in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.running = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            let value = job()
            for continuation in batch { continuation.resume(returning: value) }
        }
    }
}
