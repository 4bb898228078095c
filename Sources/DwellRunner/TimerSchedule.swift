/// The deadlines of one timer thread: a min-heap of actions keyed by an absolute deadline (ns on
/// CLOCK_MONOTONIC), each belonging to an owner (a bed's lamps, one sleep). Cancelling an owner
/// bumps its generation: entries of an older generation stay in the heap but are dropped when
/// they come due, so a pattern change never lets a stale edge through. Equal deadlines run in
/// the order they were scheduled.
struct TimerSchedule<Action> {
    private struct Entry {
        var deadline: Int64
        var sequence: UInt64
        var owner: Int
        var generation: Int
        var action: Action

        func precedes(_ other: Entry) -> Bool {
            (deadline, sequence) < (other.deadline, other.sequence)
        }
    }

    private var heap: [Entry] = []
    private var sequence: UInt64 = 0
    /// Per owner with entries in the heap: its current generation and how many entries it has
    /// there (live or stale). An owner without entries is forgotten (no stale entry can remain).
    private var owners: [Int: (generation: Int, entries: Int)] = [:]

    init() {}

    /// How many entries the heap holds, stale ones included.
    var storedCount: Int { heap.count }

    /// Adds `action` for `owner` at `deadline`, in the owner's current generation.
    mutating func schedule(_ action: Action, at deadline: Int64, owner: Int) {
        let record = owners[owner] ?? (generation: 0, entries: 0)
        owners[owner] = (record.generation, record.entries + 1)
        sequence += 1
        heap.append(
            Entry(deadline: deadline, sequence: sequence, owner: owner, generation: record.generation, action: action))
        siftUp(heap.count - 1)
    }

    /// Every entry `owner` has scheduled so far will not run.
    mutating func cancel(owner: Int) {
        guard let record = owners[owner] else { return }
        owners[owner] = (record.generation + 1, record.entries)
    }

    /// The earliest deadline of a live entry (stale entries at the top are dropped on the way).
    mutating func nextDeadline() -> Int64? {
        while let top = heap.first {
            if isLive(top) { return top.deadline }
            removeTop()
        }
        return nil
    }

    /// Removes and returns the live actions due at `now`, earliest first.
    mutating func popDue(now: Int64) -> [Action] {
        var due: [Action] = []
        while let top = heap.first, top.deadline <= now {
            // Live or not is decided before the entry leaves (its owner may be forgotten then).
            if isLive(top) { due.append(top.action) }
            removeTop()
        }
        return due
    }

    private func isLive(_ entry: Entry) -> Bool {
        owners[entry.owner]?.generation == entry.generation
    }

    private mutating func removeTop() {
        let top = heap[0]
        if let record = owners[top.owner] {
            owners[top.owner] = record.entries <= 1 ? nil : (record.generation, record.entries - 1)
        }
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            var first = parent
            for child in [2 * parent + 1, 2 * parent + 2] where child < heap.count && heap[child].precedes(heap[first])
            {
                first = child
            }
            guard first != parent else { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
