import DwellCore

/// The body of `POST /api/v1/beds/{bed}/session`.
public struct StartRequest: Codable, Equatable, Sendable {
    public var `protocol`: String
    public var therapist: String?
    public var patient: String?
    public var consent: Bool?
    /// Every checklist item's code, answered true (present) or false.
    public var screening: [String: Bool]?
    /// The relative contraindications present that the therapist has weighed.
    public var acknowledged: [String]?

    public init(
        protocol: String, therapist: String? = nil, patient: String? = nil, consent: Bool?,
        screening: [String: Bool]?, acknowledged: [String]?
    ) {
        self.protocol = `protocol`
        self.therapist = therapist
        self.patient = patient
        self.consent = consent
        self.screening = screening
        self.acknowledged = acknowledged
    }

    /// Therapist and patient ids are short pseudonymous codes, never names.
    public func checkIdentifiers() throws(WireError) {
        for (field, value) in [("therapist", therapist), ("patient", patient)] {
            guard let value else { continue }
            guard Self.isCode(value) else {
                throw WireError(
                    "Invalid \(field)",
                    "`\(field)` must be a code of letters, digits, `-`, `_` or `.` (at most 64), e.g. `p-0042`; Dwell never stores names"
                )
            }
        }
    }

    /// A pseudonymous code: 1 to 64 ASCII letters, digits, `-`, `_` or `.` (so never a name with a space).
    public static func isCode(_ value: String) -> Bool {
        (1...64).contains(value.count)
            && value.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }
}

/// `GET /api/v1/checklist`: the items a start answers, by severity.
public struct ChecklistSummary: Codable, Equatable, Sendable {
    public struct Item: Codable, Equatable, Sendable {
        public var code: String
        public var label: String

        public init(code: String, label: String) {
            self.code = code
            self.label = label
        }
    }

    public var absolute: [Item]
    public var relative: [Item]

    public init(_ checklist: Checklist) {
        absolute = checklist.absolute.map { Item(code: $0.code, label: $0.label) }
        relative = checklist.relative.map { Item(code: $0.code, label: $0.label) }
    }

    /// Every item's code, absolute first.
    public var codes: [String] { (absolute + relative).map(\.code) }
}

/// One entry of `GET /api/v1/protocols`.
public struct ProtocolSummary: Codable, Equatable, Sendable {
    public var id: String
    public var title: String
    public var version: Int
    public var technique: String
    public var lengthMs: Int64
    public var observationMs: Int64
    public var sites: [String]

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id, title, version, technique
        case lengthMs = "length_ms"
        case observationMs = "observation_ms"
        case sites
    }

    public init(_ treatment: TreatmentProtocol) {
        id = treatment.id
        title = treatment.title
        version = treatment.version
        technique = treatment.technique.rawValue
        lengthMs = treatment.stepsTotal.wholeMilliseconds
        observationMs = treatment.observation.wholeMilliseconds
        sites = treatment.steps.compactMap { $0.site?.displayName }
    }
}

/// The answer of `POST /api/v1/protocols/reload`.
public struct ReloadResult: Codable, Equatable, Sendable {
    public var loaded: Int

    public init(loaded: Int) { self.loaded = loaded }
}
