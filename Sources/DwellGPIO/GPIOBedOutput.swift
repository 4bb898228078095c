import DwellCore
import DwellIndicators
import Synchronization

/// One bed's green, amber, red and buzzer on GPIO lines: the runner drives it through
/// ``IndicatorOutput`` exactly like the simulated board.
///
/// Safe state: every output logically off (the kernel applies `active_low`). If a write fails
/// (the chip vanished, the line was taken), every output is driven to its safe value as far
/// as still possible, the error goes to the runner (which shows the fault and keeps timing),
/// and later changes are ignored: the lines stay safe until ``shutdown()``.
public final class GPIOBedOutput: IndicatorOutput {
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

    public func apply(_ changes: [LampChange]) throws(IndicatorError) {
        try state.withLock { state throws(IndicatorError) in
            guard !state.released, state.failure == nil else { return }
            for change in changes {
                guard let line = state.lines[change.lamp] else { continue }
                do {
                    try line.set(change.on)
                } catch {
                    let message = "GPIO bed \(bed) \(change.lamp.rawValue): \(error)"
                    state.failure = message
                    Self.driveSafe(state.lines)
                    throw IndicatorError(message)
                }
            }
        }
    }

    /// Lights one lamp on its own (the lamp test); errors are thrown, nothing else changes.
    public func set(_ lamp: Lamp, _ on: Bool) throws(IndicatorError) {
        try state.withLock { state throws(IndicatorError) in
            guard !state.released, let line = state.lines[lamp] else { return }
            do {
                try line.set(on)
            } catch {
                Self.driveSafe(state.lines)
                throw IndicatorError("GPIO bed \(bed) lamp test \(lamp.rawValue): \(error)")
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
    public func lampTest(each: Duration) async throws(IndicatorError) {
        guard each > .zero else { return }
        for lamp in Self.lampTestOrder {
            try set(lamp, true)
            try? await Task.sleep(for: lamp == .buzzer ? each / 2 : each)
            try set(lamp, false)
            try? await Task.sleep(for: each / 4)
        }
    }
}
