import Foundation

/// FHIR R4: a `Bundle` of type `collection` with one `Procedure` per session.
extension RecordExport {
    struct Bundle: Encodable {
        var resourceType = "Bundle"
        var type = "collection"
        var timestamp: String
        var entry: [Entry]
    }

    struct Entry: Encodable {
        var fullUrl: String
        var resource: Procedure
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
        var note: [Annotation]?
    }

    struct Identifier: Encodable {
        var system: String?
        var value: String
    }

    struct CodeableConcept: Encodable { var text: String }
    struct Reference: Encodable {
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

    public static func fhirBundle(_ sessions: [SessionSummary], generatedAt: String) throws -> String {
        let entries = sessions.map { session in
            Entry(
                fullUrl: "urn:uuid:\(session.sessionID.lowercased())",
                resource: Procedure(
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
                    bodySite: session.sites.isEmpty ? nil : session.sites.map(CodeableConcept.init),
                    note: session.notes.isEmpty ? nil : session.notes.map(Annotation.init)))
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
