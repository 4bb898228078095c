import GRDB

/// One row of the clinic record: an event of a session, with who, what and when, chained to the
/// row before it by `prevHash` / `hash`.
public struct RecordEntry: Codable, Equatable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "events"

    public var seq: Int64
    public var sessionID: String
    public var bed: String
    /// The event type: the `dwell simulate --json` vocabulary plus `fault`.
    public var type: String
    public var step: Int?
    public var site: String?
    public var siteLabel: String?
    /// The offset the event was planned for, from session start.
    public var plannedMs: Int64?
    /// When it happened on the monotonic clock, from session start.
    public var monotonicUs: Int64
    /// UTC wall-clock time, RFC 3339 with milliseconds.
    public var wallTime: String
    /// actual − planned for timed cues; nil for commands.
    public var latenessUs: Int64?
    public var protocolID: String
    public var protocolVersion: Int
    public var protocolTitle: String
    public var protocolSHA256: String
    public var therapist: String?
    /// An opaque pseudonym; Dwell never stores names.
    public var patient: String?
    public var needles: Int?
    public var note: String?
    public var prevHash: String
    public var hash: String
    /// How the row is encoded for its hash, and which columns it has: 1 for rows written before
    /// `amount_ms` and `reason` existed, ``RecordChain/currentFormat`` for rows written now.
    public var format: Int
    /// How much a `step.extended` row added, in milliseconds (format 2 on).
    public var amountMs: Int64?
    /// The therapist's stated reason of a `needles.mismatch-closed` row (format 2 on).
    public var reason: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case seq
        case sessionID = "session_id"
        case bed
        case type
        case step
        case site
        case siteLabel = "site_label"
        case plannedMs = "planned_ms"
        case monotonicUs = "monotonic_us"
        case wallTime = "wall_time"
        case latenessUs = "lateness_us"
        case protocolID = "protocol_id"
        case protocolVersion = "protocol_version"
        case protocolTitle = "protocol_title"
        case protocolSHA256 = "protocol_sha256"
        case therapist
        case patient
        case needles
        case note
        case prevHash = "prev_hash"
        case hash
        case format
        case amountMs = "amount_ms"
        case reason
    }

    /// The column names in table order (the columns format 2 added come last, after the hashes),
    /// as CSV headers use them.
    public static let columns: [String] = CodingKeys.allCases.map(\.rawValue)

    /// Every column's value as text (nil for null), in column order.
    public var values: [String?] {
        formatOneValues + [prevHash, hash, String(format), amountMs.map(String.init), reason]
    }

    /// The columns every format has, from `seq` to `note`, as text (nil for null).
    var formatOneValues: [String?] {
        [
            String(seq), sessionID, bed, type, step.map(String.init), site, siteLabel, plannedMs.map(String.init),
            String(monotonicUs), wallTime, latenessUs.map(String.init), protocolID, String(protocolVersion),
            protocolTitle, protocolSHA256, therapist, patient, needles.map(String.init), note,
        ]
    }
}

/// What a caller appends: an entry before the record numbers and chains it.
public struct RecordEvent: Equatable, Sendable {
    public var session: SessionContext
    public var type: String
    public var step: Int?
    public var site: String?
    public var siteLabel: String?
    public var plannedMs: Int64?
    public var monotonicUs: Int64
    public var wallTime: String
    public var latenessUs: Int64?
    public var needles: Int?
    public var note: String?
    public var amountMs: Int64?
    public var reason: String?

    public init(
        session: SessionContext, type: String, step: Int? = nil, site: String? = nil, siteLabel: String? = nil,
        plannedMs: Int64? = nil, monotonicUs: Int64, wallTime: String, latenessUs: Int64? = nil,
        needles: Int? = nil, note: String? = nil, amountMs: Int64? = nil, reason: String? = nil
    ) {
        self.session = session
        self.type = type
        self.step = step
        self.site = site
        self.siteLabel = siteLabel
        self.plannedMs = plannedMs
        self.monotonicUs = monotonicUs
        self.wallTime = wallTime
        self.latenessUs = latenessUs
        self.needles = needles
        self.note = note
        self.amountMs = amountMs
        self.reason = reason
    }
}

/// What every event of one session shares.
public struct SessionContext: Equatable, Sendable {
    public var sessionID: String
    public var bed: String
    public var protocolID: String
    public var protocolVersion: Int
    public var protocolTitle: String
    public var protocolSHA256: String
    public var therapist: String?
    public var patient: String?

    public init(
        sessionID: String, bed: String, protocolID: String, protocolVersion: Int, protocolTitle: String,
        protocolSHA256: String, therapist: String?, patient: String?
    ) {
        self.sessionID = sessionID
        self.bed = bed
        self.protocolID = protocolID
        self.protocolVersion = protocolVersion
        self.protocolTitle = protocolTitle
        self.protocolSHA256 = protocolSHA256
        self.therapist = therapist
        self.patient = patient
    }
}
