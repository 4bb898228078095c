/// A treatment protocol as clinic staff write it in `Protocols/*.yaml`, after decoding.
/// Semantic checks live in ``TreatmentProtocol/violations(limits:)``.
public struct TreatmentProtocol: Equatable, Sendable {
    public var id: String
    public var title: String
    public var version: Int
    public var technique: Technique
    /// The declared session length; when present it must equal the sum of the steps.
    public var length: Duration?
    /// How long before a site step ends the warning cue comes.
    public var warnBefore: Duration
    /// Rest after the last step, before the patient gets up.
    public var observation: Duration
    public var notes: String?
    /// Advice for the patient after the session, shown during observation (else the clinic's).
    public var aftercare: String?
    public var steps: [Step]

    public static let defaultWarnBefore: Duration = .seconds(30)

    public init(
        id: String, title: String, version: Int, technique: Technique, length: Duration? = nil,
        warnBefore: Duration = defaultWarnBefore, observation: Duration = .zero, notes: String? = nil,
        aftercare: String? = nil, steps: [Step]
    ) {
        self.id = id
        self.title = title
        self.version = version
        self.technique = technique
        self.length = length
        self.warnBefore = warnBefore
        self.observation = observation
        self.notes = notes
        self.aftercare = aftercare
        self.steps = steps
    }

    /// The sum of every step (observation excluded): the session length.
    public var stepsTotal: Duration { steps.reduce(.zero) { $0 + $1.duration } }

    /// Needles placed over the whole session.
    public var totalNeedles: Int { steps.reduce(0) { $0 + ($1.site?.needles ?? 0) } }
}

public enum Technique: String, CaseIterable, Sendable {
    case superficial
    case deep
    case pistoning
    case nonTriggerPoint = "non-trigger-point"
}

public enum Step: Equatable, Sendable {
    case site(SiteStep)
    case rest(RestStep)

    public var duration: Duration {
        switch self {
        case .site(let site): return site.dwell
        case .rest(let rest): return rest.duration
        }
    }

    public var site: SiteStep? {
        if case .site(let site) = self { return site }
        return nil
    }

    public var kind: StepKind {
        switch self {
        case .site: return .site
        case .rest: return .rest
        }
    }
}

public enum StepKind: String, Sendable {
    case site
    case rest
    case observation
}

public struct SiteStep: Equatable, Sendable {
    public var site: String
    public var label: String?
    public var needles: Int
    public var dwell: Duration
    /// A per-site override of the protocol's technique.
    public var technique: Technique?
    /// Pistoning pace.
    public var cadence: Cadence?

    public init(
        site: String, label: String? = nil, needles: Int, dwell: Duration,
        technique: Technique? = nil, cadence: Cadence? = nil
    ) {
        self.site = site
        self.label = label
        self.needles = needles
        self.dwell = dwell
        self.technique = technique
        self.cadence = cadence
    }

    public var displayName: String { label ?? site }
}

public struct RestStep: Equatable, Sendable {
    public var duration: Duration
    public var label: String?

    public init(duration: Duration, label: String? = nil) {
        self.duration = duration
        self.label = label
    }
}
