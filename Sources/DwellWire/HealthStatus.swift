/// `GET /api/v1/health`: the room's record and, when the board forwards to a clinic hub, how far
/// behind the hub is.
public struct HealthStatus: Codable, Equatable, Sendable {
    /// The last row of the room's record.
    public var recordSeq: Int64
    /// Nil when this board forwards to no hub (no `hub` in the config).
    public var hub: HubHealth?

    enum CodingKeys: String, CodingKey {
        case recordSeq = "record_seq"
        case hub
    }

    public init(recordSeq: Int64, hub: HubHealth?) {
        self.recordSeq = recordSeq
        self.hub = hub
    }
}

/// How far the clinic hub holds this room's record.
public struct HubHealth: Codable, Equatable, Sendable {
    /// Past this many seconds unsent, the kiosk shows "clinic record not sent for N min".
    public static let noticeAfterSeconds = 300

    public var device: String
    /// The last row the hub acknowledged (0: none yet).
    public var acknowledgedSeq: Int64
    public var acknowledgedAt: String?
    public var unsentRows: Int64
    /// Seconds since the oldest row the hub lacks was written; 0 when the hub has every row.
    public var unsentForS: Int
    /// The last failure to reach the hub, in words; nil when the last attempt went through.
    public var lastError: String?
    /// Whether the kiosk shows its note (`unsent_for_s` past ``noticeAfterSeconds``).
    public var notice: Bool

    enum CodingKeys: String, CodingKey {
        case device
        case acknowledgedSeq = "acknowledged_seq"
        case acknowledgedAt = "acknowledged_at"
        case unsentRows = "unsent_rows"
        case unsentForS = "unsent_for_s"
        case lastError = "last_error"
        case notice
    }

    public init(
        device: String, acknowledgedSeq: Int64, acknowledgedAt: String?, unsentRows: Int64, unsentForS: Int,
        lastError: String?
    ) {
        self.device = device
        self.acknowledgedSeq = acknowledgedSeq
        self.acknowledgedAt = acknowledgedAt
        self.unsentRows = unsentRows
        self.unsentForS = unsentForS
        self.lastError = lastError
        notice = unsentForS >= Self.noticeAfterSeconds
    }
}
