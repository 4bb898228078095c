import DwellCore

/// One lamp or buzzer line changing level, at a planned offset from session start.
public struct LampChange: Equatable, Sendable {
    public var lamp: Lamp
    public var on: Bool
    /// The offset the change was scheduled for.
    public var at: Duration
    /// How late the change was made (actual − planned) on the runner's clock.
    public var lateness: Duration

    public init(lamp: Lamp, on: Bool, at: Duration, lateness: Duration = .zero) {
        self.lamp = lamp
        self.on = on
        self.at = at
        self.lateness = lateness
    }
}

/// Why an indicator output failed; the session keeps timing and shows a fault.
public struct IndicatorError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Where a bed's lamps and buzzer are driven: the simulator, or GPIO lines.
public protocol IndicatorOutput: Sendable {
    /// Applies level changes, in order. Called only with levels that differ from the last ones.
    func apply(_ changes: [LampChange]) throws(IndicatorError)
}
