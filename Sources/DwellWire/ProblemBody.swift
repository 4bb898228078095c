/// An RFC 9457 problem document (`application/problem+json`): what every API error answers.
public struct ProblemBody: Codable, Equatable, Sendable, CustomStringConvertible {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String

    public init(type: String = "about:blank", title: String, status: Int, detail: String) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
    }

    public var description: String { "\(title) (\(status)): \(detail)" }
}

/// `GET /api/v1/record` and `POST /api/v1/record/acknowledge`; `fault` is null when the record
/// was found intact.
public struct RecordStatus: Codable, Equatable, Sendable {
    public var fault: RecordFault?
    public var path: String

    public init(fault: RecordFault?, path: String) {
        self.fault = fault
        self.path = path
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fault, forKey: .fault)
        try container.encode(path, forKey: .path)
    }
}

/// A damaged clinic record found at start-up: shown (API, kiosk page) until a therapist acknowledges it.
public struct RecordFault: Codable, Equatable, Sendable {
    public var message: String
    /// Where the damaged file was moved.
    public var movedTo: String
    /// When it was found (UTC).
    public var detectedAt: String
    public var lastVerifiedSeq: Int64
    public var lastVerifiedHash: String
    public var acknowledged: Bool

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case message
        case movedTo = "moved_to"
        case detectedAt = "detected_at"
        case lastVerifiedSeq = "last_verified_seq"
        case lastVerifiedHash = "last_verified_hash"
        case acknowledged
    }

    public init(
        message: String, movedTo: String, detectedAt: String, lastVerifiedSeq: Int64, lastVerifiedHash: String,
        acknowledged: Bool
    ) {
        self.message = message
        self.movedTo = movedTo
        self.detectedAt = detectedAt
        self.lastVerifiedSeq = lastVerifiedSeq
        self.lastVerifiedHash = lastVerifiedHash
        self.acknowledged = acknowledged
    }
}
