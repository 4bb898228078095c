/// Debounces one button from its edges, without a clock of its own: every call carries its
/// time (nanoseconds on one monotonic clock), so the logic is a pure function of its inputs.
///
/// A new level counts only once it has held for `interval` with no edge back: contact bounce
/// and glitches shorter than that are ignored. A press is reported when the button has been
/// active for `interval`, a release when it has been inactive for `interval`.
public struct Debouncer: Equatable, Sendable {
    public enum Transition: Equatable, Sendable {
        case pressed
        case released
    }

    public let interval: UInt64
    /// The debounced level.
    public private(set) var stable: Bool
    /// A level seen since the last stable one, and since when.
    public private(set) var pending: (level: Bool, since: UInt64)?

    public init(interval: Duration, initial: Bool = false) {
        let (seconds, attoseconds) = interval.components
        self.interval = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
        self.stable = initial
    }

    /// The line went to `active` at `time`. Returns a transition when no debouncing is asked for.
    public mutating func edge(active: Bool, at time: UInt64) -> Transition? {
        if active == stable {
            pending = nil
            return nil
        }
        if let pending, pending.level == active {
            // A second edge to the same level (a missed edge between): keep the earlier start.
            self.pending = (pending.level, min(pending.since, time))
        } else {
            pending = (active, time)
        }
        return advance(to: time)
    }

    /// When ``advance(to:)`` should next be called, if a level is pending.
    public var deadline: UInt64? { pending.map { $0.since + interval } }

    /// Time has reached `now`: reports the pending level if it has held long enough.
    public mutating func advance(to now: UInt64) -> Transition? {
        guard let pending, now >= pending.since + interval else { return nil }
        stable = pending.level
        self.pending = nil
        return stable ? .pressed : .released
    }

    public static func == (lhs: Debouncer, rhs: Debouncer) -> Bool {
        lhs.interval == rhs.interval && lhs.stable == rhs.stable
            && lhs.pending?.level == rhs.pending?.level && lhs.pending?.since == rhs.pending?.since
    }
}
