/// The duration notation of protocol files and the command line: `90s`, `5m`, `1m30s`, `1h`,
/// `500ms`. Units appear at most once each, largest first.
extension Duration {
    /// Why a piece of text is not a duration; `description` is a message a person can act on.
    public enum NotationError: Error, Equatable, Sendable, CustomStringConvertible {
        case empty
        case missingUnit(String)
        case malformed(String)
        case tooLarge(String)

        public var description: String {
            switch self {
            case .empty:
                return "a duration is required, e.g. `90s`, `5m` or `1m30s`"
            case .missingUnit(let text):
                return "`\(text)` has no unit: add one, e.g. `\(text)s` for seconds or `\(text)m` for minutes"
            case .malformed(let text):
                return "`\(text)` is not a duration: write it like `90s`, `5m`, `1m30s`, `1h` or `500ms`"
            case .tooLarge(let text):
                return "`\(text)` is longer than 24h"
            }
        }
    }

    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Parses the notation; see ``NotationError`` for what is refused.
    public static func parse(notation raw: String) throws(NotationError) -> Duration {
        let text = raw.trimmingSpaces
        guard !text.isEmpty else { throw .empty }
        if text.allSatisfy(\.isASCIIDigit) { throw .missingUnit(text) }
        var rest = Substring(text)
        var total: Int64 = 0
        var nextUnit = 0
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, digits.count <= 9, let value = Int64(digits) else { throw .malformed(text) }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix(while: { $0.isLetter })
            guard let unitIndex = units.firstIndex(where: { $0.suffix == letters }),
                unitIndex >= nextUnit
            else { throw .malformed(text) }
            rest = rest.dropFirst(letters.count)
            nextUnit = unitIndex + 1
            total += value * units[unitIndex].milliseconds
        }
        guard total <= 24 * 3_600_000 else { throw .tooLarge(text) }
        return .milliseconds(total)
    }

    /// Whole milliseconds, rounded toward zero (every protocol duration is a whole number of them).
    public var wholeMilliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000 + attoseconds / 1_000_000_000_000_000
    }

    /// Whole microseconds, rounded toward zero.
    public var wholeMicroseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// The notation back: `1m30s`, `12m`, `500ms`, `0s`.
    public var notation: String {
        let signed = wholeMilliseconds
        guard signed != 0 else { return "0s" }
        var text = signed < 0 ? "-" : ""
        var milliseconds = Int64(signed.magnitude)
        for unit in Self.units where milliseconds >= unit.milliseconds {
            text += "\(milliseconds / unit.milliseconds)\(unit.suffix)"
            milliseconds %= unit.milliseconds
        }
        return text
    }

    /// A countdown display: `12:05`, `1:02:05`. Time left rounds up (the last second shows
    /// `0:01`, not `0:00`); negative values count up with a leading `+` (overrun), rounding down.
    public var clockDisplay: String {
        let milliseconds = wholeMilliseconds
        let totalSeconds = milliseconds > 0 ? (milliseconds + 999) / 1_000 : Int64(milliseconds.magnitude / 1_000)
        let (hours, minutes, seconds) = (totalSeconds / 3_600, (totalSeconds / 60) % 60, totalSeconds % 60)
        let sign = milliseconds < 0 ? "+" : ""
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(sign)\(hours):\(two(minutes)):\(two(seconds))" : "\(sign)\(minutes):\(two(seconds))"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

extension String {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
