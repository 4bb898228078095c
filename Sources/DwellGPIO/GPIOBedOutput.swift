import DwellCore
import Synchronization

/// One bed's green, amber, red and buzzer on GPIO lines (the bed layer lets the runner drive it
/// as an indicator output, exactly like the simulated board).
///
/// Safe state: every output logically off (the kernel applies `active_low`). If a write fails
/// (the chip vanished, the line was taken), every output is driven to its safe value as far
/// as still possible, the error goes to the runner (which shows the fault and keeps timing),
/// and later changes are ignored: the lines stay safe until ``shutdown()``.
public final class GPIOBedOutput: Sendable {
    struct State {
        var lines: [Lamp: GPIOLine]
        var failure: String?
        var released = false
    }

    public let bed: String
    /// `gpiochip0 line 3` for each lamp, for messages.
    public let labels: [Lamp: String]
    private let state: Mutex<State>

    /// Takes over requested output lines, one per lamp.
    public init(bed: String, lines: [Lamp: GPIOLine]) {
        self.bed = bed
        self.labels = lines.mapValues(\.label)
        self.state = Mutex(State(lines: lines))
    }

    /// Sets lamps to levels, in order. After the first failure every output is made safe and
    /// later writes are ignored; the failure is thrown (with the bed and lamp in its operation).
    public func write(_ levels: [(lamp: Lamp, on: Bool)]) throws(GPIOError) {
        try state.withLock { state throws(GPIOError) in
            guard !state.released, state.failure == nil else { return }
            for (lamp, on) in levels {
                guard let line = state.lines[lamp] else { continue }
                do throws(GPIOError) {
                    try line.set(on)
                } catch {
                    let failure = GPIOError("GPIO bed \(bed) \(lamp.rawValue): \(error.operation)", code: error.code)
                    state.failure = failure.description
                    Self.driveSafe(state.lines)
                    throw failure
                }
            }
        }
    }

    /// Lights one lamp on its own (the lamp test); errors are thrown, nothing else changes.
    public func set(_ lamp: Lamp, _ on: Bool) throws(GPIOError) {
        try state.withLock { state throws(GPIOError) in
            guard !state.released, let line = state.lines[lamp] else { return }
            do throws(GPIOError) {
                try line.set(on)
            } catch {
                Self.driveSafe(state.lines)
                throw GPIOError("GPIO bed \(bed) lamp test \(lamp.rawValue): \(error.operation)", code: error.code)
            }
        }
    }

    /// The first write failure, if any.
    public var failure: String? { state.withLock { $0.failure } }

    /// Drives every output to its safe value, then releases the lines. Safe to call more than
    /// once and from any thread (e.g. a signal handler's queue). Returns what could not be done.
    @discardableResult
    public func shutdown() -> [String] {
        state.withLock { state in
            guard !state.released else { return [] }
            state.released = true
            let problems = Self.driveSafe(state.lines)
            for line in state.lines.values { line.release() }
            return problems
        }
    }

    /// Every line to logical 0, in lamp order; keeps going past errors and returns them.
    @discardableResult
    static func driveSafe(_ lines: [Lamp: GPIOLine]) -> [String] {
        var problems: [String] = []
        for lamp in Lamp.allCases {
            guard let line = lines[lamp] else { continue }
            do {
                try line.set(false)
            } catch {
                problems.append("\(lamp.rawValue): \(error)")
            }
        }
        return problems
    }
}

extension GPIOBedOutput {
    /// The order of the start-up lamp test: the lamps in reading order, then the buzzer.
    public static let lampTestOrder: [Lamp] = [.green, .amber, .red, .buzzer]

    /// Lights each lamp for `each` and sounds the buzzer for half of it, one after the other,
    /// so that a dead lamp or buzzer is noticed before a session relies on it. Everything is
    /// off again afterwards. Sleeps on the task (never blocks a thread).
    public func lampTest(each: Duration) async throws(GPIOError) {
        guard each > .zero else { return }
        for lamp in Self.lampTestOrder {
            try set(lamp, true)
            try? await Task.sleep(for: lamp == .buzzer ? each / 2 : each)
            try set(lamp, false)
            try? await Task.sleep(for: each / 4)
        }
    }
}
