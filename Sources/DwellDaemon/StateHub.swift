import Synchronization

/// Broadcasts bed states to every stream subscriber (the kiosk page, `dwell status --watch`).
/// Each subscriber has its own small buffer; a slow one loses old states, never blocks the beds.
public final class StateHub: Sendable {
    private let subscribers = Mutex<[Int: AsyncStream<BedState>.Continuation]>([:])
    private let nextID = Mutex(0)

    public init() {}

    public func publish(_ state: BedState) {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.yield(state) }
    }

    /// A stream of every state published from now on, until the caller stops iterating.
    public func subscribe() -> AsyncStream<BedState> {
        let id = nextID.withLock { value in
            value += 1
            return value
        }
        let (stream, continuation) = AsyncStream.makeStream(of: BedState.self, bufferingPolicy: .bufferingNewest(64))
        continuation.onTermination = { [weak self] _ in
            _ = self?.subscribers.withLock { $0.removeValue(forKey: id) }
        }
        subscribers.withLock { $0[id] = continuation }
        return stream
    }

    /// Ends every subscription (shutdown), so open streams finish and connections can close.
    public func finishAll() {
        for continuation in subscribers.withLock({ Array($0.values) }) { continuation.finish() }
    }
}
