import DwellCore
import Synchronization

/// A software indicator board: it keeps every line transition with its planned offset and
/// lateness, and the current level of each lamp for the live panel.
public final class SimulatedBoard: IndicatorOutput {
    public struct Transition: Equatable, Sendable {
        /// The line name, `bed<N>.<lamp>` as in `Simulators/board.yaml`.
        public var line: String
        public var change: LampChange
    }

    public let bed: String
    private let state = Mutex<(transitions: [Transition], levels: [Lamp: Bool])>(([], [:]))

    public init(bed: String = "1") {
        self.bed = bed
    }

    public func apply(_ changes: [LampChange]) throws(IndicatorError) {
        state.withLock { state in
            for change in changes {
                state.levels[change.lamp] = change.on
                state.transitions.append(Transition(line: lineName(change.lamp), change: change))
            }
        }
    }

    public func lineName(_ lamp: Lamp) -> String { "bed\(bed).\(lamp.rawValue)" }

    /// Every transition so far, in the order they were made.
    public var transitions: [Transition] { state.withLock { $0.transitions } }

    /// The level of each lamp now (off when never set).
    public var levels: [Lamp: Bool] {
        state.withLock { state in
            Dictionary(uniqueKeysWithValues: Lamp.allCases.map { ($0, state.levels[$0] ?? false) })
        }
    }
}
