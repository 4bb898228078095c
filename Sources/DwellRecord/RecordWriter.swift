/// The single writer of the record. Callers `append` and get the committed entry back only once
/// its transaction is durable; waiting callers are grouped into one transaction (group commit).
/// The queue is bounded, so a stalled disk cannot grow memory without limit. A failed write keeps
/// its events queued, in order, and retries them before anything newer: the chain stays whole.
public actor RecordWriter {
    public nonisolated let store: RecordStore
    public let capacity: Int
    static let batchLimit = 512
    private var head: (seq: Int64, hash: String)
    private var queue: [(event: RecordEvent, waiter: CheckedContinuation<RecordEntry, any Error>?)] = []
    private var writing = false

    public init(store: RecordStore, capacity: Int = 4_096) throws(RecordError) {
        self.store = store
        self.capacity = capacity
        do {
            head = try store.head()
        } catch {
            throw RecordError.cannotOpen(store.path, String(describing: error))
        }
    }

    /// Events accepted but not yet committed (after a failure, until a retry succeeds).
    public var backlog: Int { queue.count }

    /// Appends an event; returns once it is committed. A write failure throws `.writeFailed` —
    /// the event stays queued and is retried with the next append or `retry()` — and a full
    /// queue throws `.queueFull`: that event is refused.
    @discardableResult
    public func append(_ event: RecordEvent) async throws(RecordError) -> RecordEntry {
        guard queue.count < capacity else { throw RecordError.queueFull(capacity) }
        do {
            return try await withCheckedThrowingContinuation { waiter in
                queue.append((event, waiter))
                if !writing { Task { await self.drain() } }
            }
        } catch let error as RecordError {
            throw error
        } catch {
            throw RecordError.writeFailed(String(describing: error))
        }
    }

    /// Tries again to write what a failure left queued; returns how many events are still
    /// waiting: of one session when `session` is given (the queue is shared by every bed), else all.
    @discardableResult
    public func retry(session: String? = nil) async -> Int {
        if !writing { await drain() }
        guard let session else { return queue.count }
        return queue.count { $0.event.session.sessionID == session }
    }

    private func drain() async {
        guard !writing else { return }
        writing = true
        defer { writing = false }
        while !queue.isEmpty {
            let batch = queue.prefix(Self.batchLimit)
            var cursor = head
            let entries = batch.map { item -> RecordEntry in
                let entry = RecordChain.entry(for: item.event, after: cursor)
                cursor = (entry.seq, entry.hash)
                return entry
            }
            do {
                try await store.insert(entries)
            } catch {
                // Keep the events, in order, for the next attempt; tell their callers now.
                let failure = RecordError.writeFailed(describe(error))
                for index in queue.indices.prefix(batch.count) {
                    queue[index].waiter?.resume(throwing: failure)
                    queue[index].waiter = nil
                }
                return
            }
            head = cursor
            for (item, entry) in zip(batch, entries) { item.waiter?.resume(returning: entry) }
            queue.removeFirst(batch.count)
        }
    }

    private func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("SQLite error 13") || text.contains("full") { return "the disk is full (\(text))" }
        if text.contains("SQLite error 8") || text.contains("readonly") { return "the store is read-only (\(text))" }
        return text
    }
}
