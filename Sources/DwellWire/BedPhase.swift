import DwellCore

/// Where a bed stands: `idle` before its first session, then its session's phase. On the wire
/// it is one word (`state` of a bed).
public enum BedPhase: Equatable, Hashable, Sendable, Codable, CustomStringConvertible {
    case idle
    case session(SessionPhase)

    /// Every word `state` can take.
    public static let allWords: [String] = ["idle"] + SessionPhase.allCases.map(\.rawValue)

    public init?(word: String) {
        if word == "idle" {
            self = .idle
        } else if let phase = SessionPhase(rawValue: word) {
            self = .session(phase)
        } else {
            return nil
        }
    }

    public var word: String {
        switch self {
        case .idle: return "idle"
        case .session(let phase): return phase.rawValue
        }
    }

    public var description: String { word }

    /// A session is on the bed and has not ended (including one not yet started).
    public var hasOpenSession: Bool {
        switch self {
        case .idle, .session(.completed), .session(.aborted): return false
        case .session: return true
        }
    }

    /// Time is passing in a session that has started and not ended: what the bed ticker republishes.
    public var isTiming: Bool { hasOpenSession && self != .session(.prepare) }

    public init(from decoder: any Decoder) throws {
        let word = try decoder.singleValueContainer().decode(String.self)
        guard let phase = BedPhase(word: word) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "`\(word)` is not a bed state (\(Self.allWords.joined(separator: ", ")))"))
        }
        self = phase
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(word)
    }
}
