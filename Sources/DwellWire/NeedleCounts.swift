import DwellCore

/// Needles counted in and out (`needles` of a bed).
public struct NeedleCounts: Codable, Equatable, Sendable {
    public struct Site: Codable, Equatable, Sendable {
        public var step: Int
        public var site: String
        public var label: String
        public var placed: Int
        public var removed: Int
    }

    public var placed: Int
    public var removed: Int
    /// placed − removed: needles that may still be in (negative: more counted out than in).
    public var outstanding: Int
    /// Every site whose needles have gone in, in step order.
    public var sites: [Site]

    public init(_ ledger: NeedleLedger, treatment: TreatmentProtocol) {
        placed = ledger.totalPlaced
        removed = ledger.totalRemoved
        outstanding = ledger.difference
        sites = ledger.placed.keys.sorted().map { step in
            let site = treatment.steps.indices.contains(step) ? treatment.steps[step].site : nil
            return Site(
                step: step, site: site?.site ?? "step-\(step)", label: site?.displayName ?? "step \(step + 1)",
                placed: ledger.placed[step] ?? 0, removed: ledger.removed[step] ?? 0)
        }
    }
}

/// What dwelld knew when it found a session unfinished at start-up (`interruption` of a bed).
public struct Interruption: Codable, Equatable, Sendable {
    /// The session's start, from the record (UTC wall time).
    public var startedAt: String
    /// The last event recorded before the interruption.
    public var lastEventAt: String
    /// When dwelld found it.
    public var detectedAt: String
    /// How long ago the session had started then (wall clock).
    public var sinceStartMs: Int64
    /// The wall clock was not synchronised (or went backwards): the times may be wrong.
    public var uncertain: Bool
    /// Whether the session can be resumed; if not, `reason` says why.
    public var resumable: Bool
    public var reason: String?
    /// The state word the session was in when dwelld stopped (`running`, `rest`, `paused`,
    /// `overrun`, …): what the needles were doing then (a rapid removal is offered only when they
    /// were in: running, rest, paused or overrun).
    public var previousState: String?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case startedAt = "started_at"
        case lastEventAt = "last_event_at"
        case detectedAt = "detected_at"
        case sinceStartMs = "since_start_ms"
        case uncertain, resumable, reason
        case previousState = "previous_state"
    }

    public init(
        startedAt: String, lastEventAt: String, detectedAt: String, sinceStartMs: Int64, uncertain: Bool,
        resumable: Bool, reason: String?, previousState: String? = nil
    ) {
        self.previousState = previousState
        self.startedAt = startedAt
        self.lastEventAt = lastEventAt
        self.detectedAt = detectedAt
        self.sinceStartMs = sinceStartMs
        self.uncertain = uncertain
        self.resumable = resumable
        self.reason = reason
    }
}
