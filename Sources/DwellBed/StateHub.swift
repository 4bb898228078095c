import DwellWire
import Synchronization

/// Broadcasts bed states to every stream subscriber (the kiosk page, `dwell status --watch`).
/// Each subscriber has its own small buffer; a slow one loses old states, never blocks the beds.
/// At most `capacity` subscribers at once, so open streams cannot exhaust the daemon; each gets
/// a heartbeat every `heartbeat`, so a stream whose client has gone is noticed (its write fails)
/// and frees its place even while no bed changes.
public final class StateHub: Sendable {
    public enum Message: Sendable {
        case bed(BedStatus)
        case heartbeat
    }

    private let subscribers = Mutex<[Int: AsyncStream<Message>.Continuation]>([:])
    private let nextID = Mutex(0)
    public let capacity: Int
    public let heartbeat: Duration

    public init(capacity: Int = 64, heartbeat: Duration = .seconds(10)) {
        self.capacity = capacity
        self.heartbeat = heartbeat
    }

    public func publish(_ state: BedStatus) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(.bed(state)) }
    }

    /// A stream of every state published from now on, with heartbeats, until the caller stops
    /// iterating; nil when `capacity` streams are open already.
    public func subscribe() -> AsyncStream<Message>? {
        let id = nextID.withLock { value in
            value += 1
            return value
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Message.self, bufferingPolicy: .bufferingNewest(64))
        let added = subscribers.withLock { subscribers in
            guard subscribers.count < capacity else { return false }
            subscribers[id] = continuation
            return true
        }
        guard added else {
            continuation.finish()
            return nil
        }
        let interval = heartbeat
        let beats = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                continuation.yield(.heartbeat)
            }
        }
        continuation.onTermination = { [weak self] _ in
            beats.cancel()
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    /// How many streams are open now.
    public var count: Int { subscribers.withLock { $0.count } }

    /// Ends every subscription (shutdown), so open streams finish and connections can close.
    public func finishAll() {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.finish() }
    }
}
