import Foundation

/// FHIR R4: a `Bundle` of type `collection` with one `Procedure` per session, then one
/// `AuditEvent` per patient-safety row (``RecordExport/isSafetyEvent(_:)``), in record order.
extension RecordExport {
    struct Bundle: Encodable {
        var resourceType = "Bundle"
        var type = "collection"
        var timestamp: String
        var entry: [Entry]
    }

    struct Entry: Encodable {
        var fullUrl: String
        var resource: Resource
    }

    enum Resource: Encodable {
        case procedure(Procedure)
        case auditEvent(AuditEvent)

        func encode(to encoder: any Encoder) throws {
            switch self {
            case .procedure(let procedure): try procedure.encode(to: encoder)
            case .auditEvent(let event): try event.encode(to: encoder)
            }
        }
    }

    struct Procedure: Encodable {
        var resourceType = "Procedure"
        var id: String
        var identifier: [Identifier]
        var status: String
        var code: CodeableConcept
        var subject: Reference
        var performedPeriod: Period
        var performer: [Performer]?
        var bodySite: [CodeableConcept]?
        /// Needle shock or fainting, when the needles were removed at once (rapid removal).
        var complication: [CodeableConcept]?
        var note: [Annotation]?
    }

    struct Identifier: Encodable {
        var system: String?
        var value: String
    }

    struct CodeableConcept: Encodable {
        var coding: [Coding]?
        var text: String

        init(coding: [Coding]? = nil, text: String) {
            self.coding = coding
            self.text = text
        }
    }
    struct Reference: Encodable {
        var reference: String?
        var identifier: Identifier?
        var display: String?
    }
    struct Period: Encodable {
        var start: String
        var end: String?
    }
    struct Performer: Encodable { var actor: Reference }
    struct Annotation: Encodable { var text: String }

    /// The URI naming Dwell's session ids.
    public static let sessionSystem = "urn:dwell:session"

    /// The `Procedure.complication` of a session with a rapid removal.
    public static let rapidRemovalComplication = "needle shock or fainting: needles removed at once (rapid removal)"

    /// `sessions`: the sessions to export; `events`: the rows they were read from (with any
    /// record-level rows in the same range), for the safety events and complications.
    public static func fhirBundle(
        _ sessions: [SessionSummary], events: [RecordEntry], generatedAt: String
    ) throws -> String {
        let rapid = Set(events.filter { $0.type == "needles.rapid-removal" }.map(\.sessionID))
        var procedures: [String: String] = [:]
        var entries = sessions.map { session in
            let fullUrl = "urn:uuid:\(session.sessionID.lowercased())"
            procedures[session.sessionID] = fullUrl
            return Entry(
                fullUrl: fullUrl,
                resource: .procedure(
                    Procedure(
                        id: session.sessionID.lowercased(),
                        identifier: [Identifier(system: sessionSystem, value: session.sessionID)],
                        status: session.status.rawValue,
                        code: CodeableConcept(text: session.protocolTitle),
                        subject: session.patient.map { Reference(identifier: Identifier(value: $0)) }
                            ?? Reference(display: "patient not recorded"),
                        performedPeriod: Period(start: session.start, end: session.end),
                        performer: session.therapist.map {
                            [Performer(actor: Reference(identifier: Identifier(value: $0)))]
                        },
                        bodySite: session.sites.isEmpty ? nil : session.sites.map { CodeableConcept(text: $0) },
                        complication: rapid.contains(session.sessionID)
                            ? [CodeableConcept(text: rapidRemovalComplication)] : nil,
                        note: session.notes.isEmpty ? nil : session.notes.map(Annotation.init))))
        }
        for event in events where isSafetyEvent(event) {
            let audit = auditEvent(event, procedure: procedures[event.sessionID])
            entries.append(Entry(fullUrl: "urn:uuid:\(audit.id)", resource: .auditEvent(audit)))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(Bundle(timestamp: generatedAt, entry: entries))
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}

/// UTC timestamps in RFC 3339 with milliseconds, as the record stores them.
public enum RecordTime {
    static let style = Date.ISO8601FormatStyle(
        includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC") ?? .gmt)

    public static func string(from date: Date) -> String {
        date.formatted(style)
    }

    /// The time a record row was stamped with.
    public static func date(from text: String) -> Date? {
        try? style.parse(text)
    }
}
