import DwellCore
import DwellIndicators

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
