import CGpiod

/// The pull a button input asks the chip for (where the hardware supports it).
public enum LineBias: String, CaseIterable, Sendable {
    case asIs = "as-is"
    case disable
    case pullUp = "pull-up"
    case pullDown = "pull-down"

    var code: Int32 {
        switch self {
        case .asIs: return Int32(CG_BIAS_AS_IS)
        case .disable: return Int32(CG_BIAS_DISABLE)
        case .pullUp: return Int32(CG_BIAS_PULL_UP)
        case .pullDown: return Int32(CG_BIAS_PULL_DOWN)
        }
    }
}

/// One edge of a button input: the logical level it went to, and when (CLOCK_MONOTONIC, ns).
public struct LineEdge: Equatable, Sendable {
    public var active: Bool
    public var nanoseconds: UInt64
}

/// One requested line. Values are logical: with `active_low` the kernel inverts them.
/// Not thread-safe by itself: the types that own one serialise access. Releasing happens once,
/// explicitly or when the last reference goes.
public final class GPIOLine: @unchecked Sendable {
    private var handle: OpaquePointer?
    /// Kept so the chip stays open while the line is requested.
    public let chip: GPIOChip
    public let offset: Int

    init(handle: OpaquePointer, chip: GPIOChip, offset: Int) {
        self.handle = handle
        self.chip = chip
        self.offset = offset
    }

    deinit { release() }

    /// `gpiochip0 line 3`, for messages.
    public var label: String { "\(chip.info.name) line \(offset)" }

    public var isReleased: Bool { handle == nil }

    public func set(_ value: Bool) throws(GPIOError) {
        guard let handle else { throw GPIOError("set \(label): the line was released", code: 9) }
        try GPIOError.check(cg_line_set_value(handle, value ? 1 : 0), "set \(label) to \(value ? 1 : 0)")
    }

    public func get() throws(GPIOError) -> Bool {
        guard let handle else { throw GPIOError("read \(label): the line was released", code: 9) }
        return try GPIOError.check(cg_line_get_value(handle), "read \(label)") != 0
    }

    /// The descriptor to poll() for edge events.
    public func eventDescriptor() throws(GPIOError) -> Int32 {
        guard let handle else { throw GPIOError("poll \(label): the line was released", code: 9) }
        return try GPIOError.check(cg_line_fd(handle), "get the event descriptor of \(label)")
    }

    /// Reads one pending edge event (poll the descriptor first: this blocks when none is pending).
    public func readEdge() throws(GPIOError) -> LineEdge {
        guard let handle else { throw GPIOError("read an edge of \(label): the line was released", code: 9) }
        var edge = cg_edge()
        try GPIOError.check(cg_line_read_edge(handle, &edge), "read an edge event of \(label)")
        return LineEdge(active: edge.rising != 0, nanoseconds: UInt64(edge.timestamp_ns))
    }

    /// Gives the line back to the kernel. Safe to call more than once.
    public func release() {
        guard let handle else { return }
        cg_line_release(handle)
        self.handle = nil
    }
}
