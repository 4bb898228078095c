import DwellCore

/// A bed as the API shows it (`GET /api/v1/beds/{bed}`, the stream's `bed` events); the field
/// names are a contract (`api/openapi.yaml`, schema `Bed`). The server encodes it, `dwell`
/// decodes it.
public struct BedStatus: Codable, Equatable, Sendable {
    public struct ProtocolRef: Codable, Equatable, Sendable {
        public var id: String
        public var title: String
        public var version: Int

        public init(id: String, title: String, version: Int) {
            self.id = id
            self.title = title
            self.version = version
        }
    }

    /// A patient call standing on the bed: since when (UTC wall time) and how long so far.
    public struct Call: Codable, Equatable, Sendable {
        public var since: String
        public var waitingMs: Int64

        public enum CodingKeys: String, CodingKey {
            case since
            case waitingMs = "waiting_ms"
        }

        public init(since: String, waitingMs: Int64) {
            self.since = since
            self.waitingMs = waitingMs
        }
    }

    public var bed: String
    /// `idle` before the first session, then the session's phase.
    public var state: BedPhase
    /// The indicator signal's name (`running`, `attention`, …).
    public var signal: String
    public var `protocol`: ProtocolRef?
    public var session: String?
    public var step: Int?
    public var stepCount: Int?
    public var current: String?
    public var next: String?
    /// The current step's time left; negative in overrun (counting up).
    public var remainingMs: Int64?
    public var elapsedMs: Int64?
    public var plannedMs: Int64?
    /// Every lamp (and the buzzer) by name, on or off.
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
    /// The patient is calling (until a therapist answers at the bed); null otherwise.
    public var call: Call?
    /// Time until the check-in is due, negative once overdue; null without `check_every` or
    /// when nothing is in progress to check on.
    public var checkInMs: Int64?

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case bed, state, signal, `protocol`, session, step
        case stepCount = "step_count"
        case current, next
        case remainingMs = "remaining_ms"
        case elapsedMs = "elapsed_ms"
        case plannedMs = "planned_ms"
        case lamps, fault, therapist, patient, needles
        case silencedMs = "silenced_ms"
        case aftercare, interruption, call
        case checkInMs = "check_in_ms"
    }

    /// A bed before its first session.
    public static func idle(_ bed: String, lamps: [Lamp: Bool] = [:], fault: Bool = false) -> BedStatus {
        BedStatus(bed: bed, state: .idle, signal: IndicatorSignal.idle.name, lamps: lampNames(lamps), fault: fault)
    }

    public init(
        bed: String, state: BedPhase, signal: String, protocol: ProtocolRef? = nil, session: String? = nil,
        step: Int? = nil, stepCount: Int? = nil, current: String? = nil, next: String? = nil,
        remainingMs: Int64? = nil, elapsedMs: Int64? = nil, plannedMs: Int64? = nil, lamps: [String: Bool],
        fault: Bool, therapist: String? = nil, patient: String? = nil, needles: NeedleCounts? = nil,
        silencedMs: Int64? = nil, aftercare: String? = nil, interruption: Interruption? = nil, call: Call? = nil,
        checkInMs: Int64? = nil
    ) {
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
        self.call = call
        self.checkInMs = checkInMs
    }

    /// Every lamp by name, off when not given.
    public static func lampNames(_ lamps: [Lamp: Bool]) -> [String: Bool] {
        Dictionary(uniqueKeysWithValues: Lamp.allCases.map { ($0.rawValue, lamps[$0] ?? false) })
    }
}

extension BedStatus {
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
        try container.encode(call, forKey: .call)
        try container.encode(checkInMs, forKey: .checkInMs)
    }
}
