/// The pre-start checklist: informed consent, then every contraindication answered yes or no.
/// An absolute contraindication blocks the start; a relative one needs the therapist's
/// explicit acknowledgement, item by item. Only item codes and yes/no go into the record, never
/// free text about the patient.
public struct Contraindication: Equatable, Sendable {
    public enum Severity: String, Sendable {
        case absolute
        case relative
    }

    /// A short code: lowercase letters, digits and `-`.
    public var code: String
    public var label: String
    public var severity: Severity

    public init(_ code: String, _ label: String, _ severity: Severity) {
        self.code = code
        self.label = label
        self.severity = severity
    }

    public static func isCode(_ text: String) -> Bool {
        (2...40).contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }
    }
}

/// The clinic's checklist: the standard items, plus any its config adds.
public struct Checklist: Equatable, Sendable {
    public private(set) var items: [Contraindication]

    public init(adding extra: [Contraindication] = []) {
        items = Self.standardItems + extra
    }

    public static let standard = Checklist()

    public static let standardItems: [Contraindication] = [
        .init(
            "no-consent", "Patient cannot or will not consent (fear, beliefs, communication, cognition, age)", .absolute
        ),
        .init("medical-emergency", "Medical emergency or acute condition", .absolute),
        .init("local-infection", "Local infection at a needling site", .absolute),
        .init("lymphedema", "Lymphedema in the area or limb", .absolute),
        .init("bleeding", "Abnormal bleeding tendency or blood thinners", .relative),
        .init("immunocompromised", "Compromised immune system", .relative),
        .init("vascular-disease", "Vascular disease", .relative),
        .init("diabetes", "Diabetes", .relative),
        .init("pregnancy", "Pregnancy", .relative),
        .init("child-or-frail", "Child (generally not under 12) or frail patient", .relative),
        .init("epilepsy", "Epilepsy", .relative),
        .init("metal-latex-allergy", "Metal or latex allergy", .relative),
        .init("medications", "Medications that weigh against needling", .relative),
        .init("recent-surgery", "Recent surgery", .relative),
        .init("needle-fear", "Strong fear of needles", .relative),
        .init("cancer-treatment", "Active cancer treatment", .relative),
    ]

    public var absolute: [Contraindication] { items.filter { $0.severity == .absolute } }
    public var relative: [Contraindication] { items.filter { $0.severity == .relative } }

    /// Checks a start's answers. Returns the record's summary of them (codes and yes/no).
    public func screen(
        consent: Bool, answers: [String: Bool], acknowledged: Set<String>
    ) throws(ScreeningRefusal) -> String {
        guard consent else { throw .noConsent }
        let known = Set(items.map(\.code))
        let unknown = Set(answers.keys).union(acknowledged).subtracting(known).sorted()
        guard unknown.isEmpty else { throw .unknown(unknown) }
        let unanswered = items.filter { answers[$0.code] == nil }
        guard unanswered.isEmpty else { throw .unanswered(unanswered.map(\.code)) }
        let present = items.filter { answers[$0.code] == true }
        let blocking = present.filter { $0.severity == .absolute }
        guard blocking.isEmpty else { throw .absolute(blocking) }
        let unacknowledged = present.filter { !acknowledged.contains($0.code) }
        guard unacknowledged.isEmpty else { throw .unacknowledged(unacknowledged) }
        return
            (["consent=yes"]
            + items.map { item in
                answers[item.code] == true ? "\(item.code)=yes (acknowledged)" : "\(item.code)=no"
            }).joined(separator: "; ")
    }
}

/// Why the checklist refuses a start; nothing is started.
public enum ScreeningRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    case noConsent
    case unknown([String])
    case unanswered([String])
    case absolute([Contraindication])
    case unacknowledged([Contraindication])

    /// The checklist item codes the refusal is about (none for missing consent).
    public var codes: [String] {
        switch self {
        case .noConsent: return []
        case .unknown(let codes), .unanswered(let codes): return codes
        case .absolute(let items), .unacknowledged(let items): return items.map(\.code)
        }
    }

    public var title: String {
        switch self {
        case .noConsent: return "Consent required"
        case .unknown, .unanswered: return "Checklist incomplete"
        case .absolute: return "Contraindicated"
        case .unacknowledged: return "Acknowledgement required"
        }
    }

    public var description: String {
        switch self {
        case .noConsent:
            return "confirm the patient's informed consent (\"consent\": true) before starting; nothing was started"
        case .unknown(let codes):
            return
                "unknown checklist item\(codes.count == 1 ? "" : "s") \(codes.map { "`\($0)`" }.joined(separator: ", ")); GET /api/v1/checklist lists them"
        case .unanswered(let codes):
            return
                "answer every checklist item yes or no; unanswered: \(codes.joined(separator: ", ")); nothing was started"
        case .absolute(let items):
            return "do not needle: absolute contraindication\(items.count == 1 ? "" : "s"): "
                + items.map { "\($0.label) (`\($0.code)`)" }.joined(separator: "; ") + "; nothing was started"
        case .unacknowledged(let items):
            return "relative contraindication\(items.count == 1 ? "" : "s") present: "
                + items.map { "\($0.label) (`\($0.code)`)" }.joined(separator: "; ")
                + "; weigh the risk and acknowledge each one to start"
        }
    }
}
