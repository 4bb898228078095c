import Synchronization

/// The clock of real sessions: CLOCK_MONOTONIC, with every sleep served by one ``TimerThread``
/// (an absolute deadline in the kernel's high-resolution timer) instead of the concurrency
/// runtime's timer. A ``SessionRunner`` or ``IdleIndicator`` on this clock also hands its lamp
/// and buzzer edges to that thread (``LampDriver``), so they are written when they come due,
/// without waiting for the runner's actor. Tests keep the virtual and test clocks.
public struct PrecisionClock: Clock, Sendable {
    public struct Instant: InstantProtocol, Sendable {
        /// Nanoseconds on CLOCK_MONOTONIC.
        public var nanoseconds: Int64

        public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

        public func advanced(by duration: Duration) -> Instant {
            Instant(nanoseconds: nanoseconds + duration.nanosecondCount)
        }

        public func duration(to other: Instant) -> Duration { .nanoseconds(other.nanoseconds - nanoseconds) }

        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
    }

    /// The thread that serves the sleeps and drives lamp edges.
    public let timer: TimerThread

    public init(timer: TimerThread = .shared) { self.timer = timer }

    public var now: Instant { Instant(nanoseconds: TimerThread.now()) }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        let waiter = SleepWaiter()
        let owner = timer.makeOwner()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard waiter.hold(continuation) else { return }
                timer.schedule(at: deadline.nanoseconds, owner: owner) { waiter.resume(throwing: nil) }
            }
        } onCancel: {
            timer.cancel(owner: owner)
            waiter.resume(throwing: CancellationError())
        }
    }
}

/// One sleep's continuation, resumed exactly once: by the timer thread or by cancellation
/// (which may come before the continuation is held: then it is resumed as soon as it is).
final class SleepWaiter: Sendable {
    private enum State {
        case waiting
        case holding(CheckedContinuation<Void, any Error>)
        case finished(CancellationError?)
    }

    private let state = Mutex(State.waiting)

    /// Keeps `continuation`; false when the sleep already ended (it is resumed here then).
    func hold(_ continuation: CheckedContinuation<Void, any Error>) -> Bool {
        let ended: CancellationError?? = state.withLock { state in
            if case .finished(let error) = state { return .some(error) }
            state = .holding(continuation)
            return .none
        }
        guard let ended else { return true }
        if let ended { continuation.resume(throwing: ended) } else { continuation.resume() }
        return false
    }

    /// Ends the sleep (nil: the deadline came); only the first call counts.
    func resume(throwing error: CancellationError?) {
        let held: CheckedContinuation<Void, any Error>? = state.withLock { state in
            switch state {
            case .waiting:
                state = .finished(error)
                return nil
            case .holding(let continuation):
                state = .finished(error)
                return continuation
            case .finished:
                return nil
            }
        }
        guard let held else { return }
        if let error { held.resume(throwing: error) } else { held.resume() }
    }
}

extension Duration {
    /// The whole duration in nanoseconds (wraps past about 292 years, far beyond any session).
    var nanosecondCount: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).partialValue + attoseconds / 1_000_000_000
    }
}
