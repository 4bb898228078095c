import Synchronization

/// A clock for `--instant` runs: sleeping jumps time straight to the deadline, so a 15-minute
/// session plays out as fast as the code runs, in the same order a real clock would give.
/// It suits one sleeper at a time, which is how ``SessionRunner`` uses a clock.
public final class VirtualClock: Clock, Sendable {
    public struct Instant: InstantProtocol {
        public var offset: Duration

        public init(offset: Duration) { self.offset = offset }

        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let current = Mutex(Instant(offset: .zero))

    public init() {}

    public var now: Instant { current.withLock { $0 } }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        await Task.yield()
        try Task.checkCancellation()
        current.withLock { now in
            if deadline > now { now = deadline }
        }
    }
}
