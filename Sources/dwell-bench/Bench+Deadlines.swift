import DwellCore
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Every wait of the benchmark has a deadline that stops the run with what it waited for and how
/// long: a wait that times out is an error, never a sample.
extension Bench {
    private enum Outcome<T: Sendable>: Sendable {
        case finished(T)
        case timedOut
    }

    /// `work`'s result, or an error naming `what` when it has not finished within `limit` (the
    /// work is cancelled: a runner's report stream ends on cancellation).
    static func within<T: Sendable>(
        _ limit: Duration, _ what: String, _ work: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Outcome<T>.self) { group in
            group.addTask { .finished(try await work()) }
            group.addTask {
                try await Task.sleep(for: limit)
                return .timedOut
            }
            defer { group.cancelAll() }
            guard case .finished(let value)? = try await group.next() else {
                throw BenchError("\(what) did not finish within \(limit.notation)")
            }
            return value
        }
    }
}

extension Process {
    /// Waits for the process to exit, or throws naming `what` after `limit` (the process is
    /// killed then). Polls `isRunning`: Foundation's waitUntilExit can hang off the main thread.
    func wait(for what: String, within limit: Duration) throws {
        let deadline = ContinuousClock.now + limit
        while isRunning {
            guard ContinuousClock.now < deadline else {
                kill(processIdentifier, SIGKILL)
                throw BenchError("\(what) did not exit within \(limit.notation) (killed)")
            }
            usleep(5_000)
        }
    }
}
