import DwellCore
import DwellIndicators
import DwellRunner
import Foundation

/// A bed as the API shows it (`GET /api/v1/beds/{bed}`); the field names are a contract.
public struct BedState: Codable, Equatable, Sendable {
    public struct ProtocolRef: Codable, Equatable, Sendable {
        public var id: String
        public var title: String
        public var version: Int
    }

    public var bed: String
    /// `idle` before the first session, then the session's phase.
    public var state: String
    public var signal: String
    public var `protocol`: ProtocolRef?
    public var session: String?
    public var step: Int?
    public var stepCount: Int?
    public var current: String?
    public var next: String?
    public var remainingMs: Int64?
    public var elapsedMs: Int64?
    public var plannedMs: Int64?
    public var lamps: [String: Bool]
    public var fault: Bool
    public var therapist: String?
    public var patient: String?
    /// Needles counted in and out (null before the first session).
    public var needles: NeedleCounts?
    /// How much longer a silenced alarm stays quiet.
    public var silencedMs: Int64?
    /// Advice for the patient, from the protocol or the clinic's config.
    public var aftercare: String?
    /// Set when dwelld found the session unfinished at start-up, and kept for the rest of it.
    public var interruption: Interruption?

    enum CodingKeys: String, CodingKey {
        case bed, state, signal, `protocol`, session, step
        case stepCount = "step_count"
        case current, next
        case remainingMs = "remaining_ms"
        case elapsedMs = "elapsed_ms"
        case plannedMs = "planned_ms"
        case lamps, fault, therapist, patient, needles
        case silencedMs = "silenced_ms"
        case aftercare, interruption
    }

    /// Absent values are written as `null`, so every field of the contract is always present.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(bed, forKey: .bed)
        try container.encode(state, forKey: .state)
        try container.encode(signal, forKey: .signal)
        try container.encode(`protocol`, forKey: .protocol)
        try container.encode(session, forKey: .session)
        try container.encode(step, forKey: .step)
        try container.encode(stepCount, forKey: .stepCount)
        try container.encode(current, forKey: .current)
        try container.encode(next, forKey: .next)
        try container.encode(remainingMs, forKey: .remainingMs)
        try container.encode(elapsedMs, forKey: .elapsedMs)
        try container.encode(plannedMs, forKey: .plannedMs)
        try container.encode(lamps, forKey: .lamps)
        try container.encode(fault, forKey: .fault)
        try container.encode(therapist, forKey: .therapist)
        try container.encode(patient, forKey: .patient)
        try container.encode(needles, forKey: .needles)
        try container.encode(silencedMs, forKey: .silencedMs)
        try container.encode(aftercare, forKey: .aftercare)
        try container.encode(interruption, forKey: .interruption)
    }

    static func idle(_ bed: String, lamps: [Lamp: Bool], fault: Bool) -> BedState {
        BedState(bed: bed, state: "idle", signal: IndicatorSignal.idle.name, protocol: nil, session: nil, step: nil,
                 stepCount: nil, current: nil, next: nil, remainingMs: nil, elapsedMs: nil, plannedMs: nil,
                 lamps: Self.lampNames(lamps), fault: fault, therapist: nil, patient: nil, needles: nil, silencedMs: nil,
                 aftercare: nil, interruption: nil)
    }

    init(bed: String, state: String, signal: String, protocol: ProtocolRef?, session: String?, step: Int?, stepCount: Int?,
         current: String?, next: String?, remainingMs: Int64?, elapsedMs: Int64?, plannedMs: Int64?,
         lamps: [String: Bool], fault: Bool, therapist: String?, patient: String?, needles: NeedleCounts?,
         silencedMs: Int64?, aftercare: String?, interruption: Interruption?) {
        self.bed = bed
        self.state = state
        self.signal = signal
        self.protocol = `protocol`
        self.session = session
        self.step = step
        self.stepCount = stepCount
        self.current = current
        self.next = next
        self.remainingMs = remainingMs
        self.elapsedMs = elapsedMs
        self.plannedMs = plannedMs
        self.lamps = lamps
        self.fault = fault
        self.therapist = therapist
        self.patient = patient
        self.needles = needles
        self.silencedMs = silencedMs
        self.aftercare = aftercare
        self.interruption = interruption
    }

    init(bed: String, snapshot: SessionSnapshot, session: ActiveSession) {
        self.init(
            bed: bed, state: snapshot.phase.rawValue, signal: snapshot.signal.name,
            protocol: ProtocolRef(id: session.treatment.id, title: session.treatment.title, version: session.treatment.version),
            session: session.id, step: snapshot.stepIndex, stepCount: snapshot.stepCount, current: snapshot.current,
            next: snapshot.next, remainingMs: snapshot.remaining?.wholeMilliseconds, elapsedMs: snapshot.elapsed.wholeMilliseconds,
            plannedMs: snapshot.plannedLength.wholeMilliseconds, lamps: Self.lampNames(snapshot.lamps), fault: snapshot.fault,
            therapist: session.therapist, patient: session.patient,
            needles: NeedleCounts(snapshot.needles, treatment: session.treatment),
            silencedMs: snapshot.silencedFor?.wholeMilliseconds, aftercare: session.aftercare,
            interruption: session.interruption)
    }

    static func lampNames(_ lamps: [Lamp: Bool]) -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: Lamp.allCases.map { ($0.rawValue, lamps[$0] ?? false) })
    }
}

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

    init(_ ledger: NeedleLedger, treatment: TreatmentProtocol) {
        placed = ledger.totalPlaced
        removed = ledger.totalRemoved
        outstanding = ledger.difference
        sites = ledger.placed.keys.sorted().map { step in
            let site = treatment.steps.indices.contains(step) ? treatment.steps[step].site : nil
            return Site(step: step, site: site?.site ?? "step-\(step)", label: site?.displayName ?? "step \(step + 1)",
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

    enum CodingKeys: String, CodingKey {
        case startedAt = "started_at"
        case lastEventAt = "last_event_at"
        case detectedAt = "detected_at"
        case sinceStartMs = "since_start_ms"
        case uncertain, resumable, reason
    }
}

/// A session running (or ended) on a bed.
struct ActiveSession: Sendable {
    let id: String
    let treatment: TreatmentProtocol
    let therapist: String?
    let patient: String?
    let aftercare: String
    let runner: SessionRunner<ContinuousClock>
    var interruption: Interruption?
}
