import Synchronization

/// Wakes every open clinic stream when the hub says a room reported (`NOTIFY dwell_status`),
/// and on each tick (so a room that falls silent turns OFFLINE without a notification).
final class ClinicFeed: Sendable {
    static let capacity = 64
    private let streams = Mutex<[Int: AsyncStream<Void>.Continuation]>([:])
    private let counter = Mutex(0)

    /// A new subscriber's wake-ups, or nil past ``capacity`` open streams.
    func subscribe() -> AsyncStream<Void>? {
        let id = counter.withLock { value in
            value += 1
            return value
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        let added = streams.withLock { open in
            guard open.count < Self.capacity else { return false }
            open[id] = continuation
            return true
        }
        guard added else { return nil }
        continuation.onTermination = { [weak self] _ in self?.streams.withLock { _ = $0.removeValue(forKey: id) } }
        return stream
    }

    func wake() {
        for continuation in streams.withLock({ Array($0.values) }) { continuation.yield() }
    }

    func finish() {
        for continuation in streams.withLock({ Array($0.values) }) { continuation.finish() }
    }
}
