/// A pistoning pace in millihertz (`1Hz`, `1.5Hz`), exact so that pulse periods are exact.
public struct Cadence: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let millihertz: Int

    public init(millihertz: Int) { self.millihertz = millihertz }

    /// The range a therapist can follow and a lamp can show as distinct pulses.
    public static let allowed = Cadence(millihertz: 500)...Cadence(millihertz: 4_000)

    public enum NotationError: Error, Equatable, Sendable, CustomStringConvertible {
        case malformed(String)

        public var description: String {
            switch self {
            case .malformed(let text):
                return "`\(text)` is not a cadence: write it in hertz, e.g. `1Hz` or `1.5Hz`"
            }
        }
    }

    /// Parses `1Hz`, `1.5Hz`, `0.75 Hz` (at most three decimals).
    public static func parse(notation raw: String) throws(NotationError) -> Cadence {
        let text = raw.trimmingSpaces
        guard text.lowercased().hasSuffix("hz") else { throw .malformed(text) }
        let number = String(text.dropLast(2)).trimmingSpaces
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count),
            let whole = parts.first, !whole.isEmpty, whole.count <= 3, whole.allSatisfy(\.isASCIIDigit),
            let wholeValue = Int(whole)
        else { throw .malformed(text) }
        var fraction = 0
        if parts.count == 2 {
            let digits = parts[1]
            guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy(\.isASCIIDigit),
                let value = Int(digits)
            else { throw .malformed(text) }
            fraction = value * [100, 10, 1][digits.count - 1]
        }
        return Cadence(millihertz: wholeValue * 1_000 + fraction)
    }

    /// One beat.
    public var period: Duration { .microseconds(1_000_000_000 / Int64(max(millihertz, 1))) }

    public var description: String {
        let fraction = millihertz % 1_000
        guard fraction != 0 else { return "\(millihertz / 1_000)Hz" }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(millihertz / 1_000).\(digits)Hz"
    }
}

extension Cadence: Comparable {
    public static func < (lhs: Cadence, rhs: Cadence) -> Bool { lhs.millihertz < rhs.millihertz }
}
