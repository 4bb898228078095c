import DwellCore
import Foundation

/// FHIR R4 `AuditEvent`s: one per patient-safety row of the record (a refused start, an extension
/// past the clinic's longest session, a mismatch closed with a reason, a rapid removal, a pause past its
/// limit). `type` is Dwell's patient-safety code; `subtype` is the row's own event type, in the
/// code system of the record's `type` column (``RecordExport/eventTypeSystem``).
extension RecordExport {
    struct AuditEvent: Encodable {
        var resourceType = "AuditEvent"
        var id: String
        var type: Coding
        var subtype: [Coding]
        var action: String
        /// A patient call's answer: from the call to the answer.
        var period: Period?
        var recorded: String
        var outcome: String
        var outcomeDesc: String?
        var agent: [Agent]
        var source: Source
        var entity: [Entity]
    }

    struct Coding: Encodable {
        var system: String
        var code: String
        var display: String?
    }

    struct Agent: Encodable {
        var type: CodeableConcept
        var who: Reference
        var requestor: Bool
    }

    struct Source: Encodable {
        var site: String
        var observer: Reference
    }

    struct Entity: Encodable {
        var what: Reference?
        var type: Coding
        var name: String?
        var description: String?
        var detail: [Detail]?
    }

    struct Detail: Encodable {
        var type: String
        var valueString: String
    }

    /// The code system of Dwell's record event types (the `type` column: `needles.rapid-removal`…).
    public static let eventTypeSystem = "urn:dwell:event-type"
    /// The code system of `AuditEvent.type`; its one code is ``safetyEventCode``.
    public static let auditTypeSystem = "urn:dwell:audit-event-type"
    public static let safetyEventCode = "patient-safety"
    /// The URI naming Dwell's beds (a bed's id, as the board file names it).
    public static let bedSystem = "urn:dwell:bed"

    /// What each safety row is called in an `AuditEvent.subtype`.
    static let safetyDisplays: [String: String] = [
        RecordStore.refusedStartType: "Start refused (consent or pre-start checklist)",
        "step.extended": "Extension past the clinic's longest session, with its stated reason",
        "needles.mismatch-closed": "Needle mismatch closed with a stated reason (possible adverse event)",
        "needles.rapid-removal": "Needles removed at once, counted afterwards (needle shock or fainting)",
        "session.pause-overdue": "Paused past the clinic's pause limit with needles in",
        RecordStore.patientCallType: "Patient call (the bed's call button, or a device)",
        RecordStore.callAnsweredType: "Patient call answered at the bed (response time)",
    ]

    /// Whether a row is a patient-safety event the FHIR export gives an `AuditEvent`: an extension
    /// only when it went past the clinic's longest session (a reason given unasked within the
    /// limit is not one).
    public static func isSafetyEvent(_ entry: RecordEntry) -> Bool {
        guard safetyDisplays[entry.type] != nil else { return false }
        guard entry.type == "step.extended" else { return true }
        return entry.reason != nil && entry.note?.contains(SessionEvent.pastLongestSession) == true
    }

    /// The row's note without the stated reason, which the `AuditEvent` carries once, as its
    /// `reason` detail (`possible adverse event: lost on the floor` → `possible adverse event`).
    static func description(of entry: RecordEntry, reason: String?) -> String? {
        guard let note = entry.note else { return nil }
        guard let reason, !reason.isEmpty, note.hasSuffix(reason) else { return note }
        let rest = note.dropLast(reason.count).trimmingCharacters(in: .whitespaces)
        let described = rest.hasSuffix(":") ? String(rest.dropLast()) : rest
        return described.isEmpty ? nil : described
    }

    /// The `AuditEvent` of a safety row; `procedure`: the `fullUrl` of its session's Procedure in
    /// the same bundle, when there is one.
    static func auditEvent(_ entry: RecordEntry, procedure: String?) -> AuditEvent {
        let refused = entry.type == RecordStore.refusedStartType
        let reason: String? =
            switch entry.type {
            case RecordStore.refusedStartType: entry.note
            case "needles.mismatch-closed": entry.mismatchReason
            default: entry.reason
            }
        // A timed alarm is the device's doing; every other safety event is a therapist's command.
        // A patient call is the patient's (through the bed); its answer is the therapist's.
        let byTherapist = entry.type != "session.pause-overdue" && entry.type != RecordStore.patientCallType
        let bed = entry.bed == RecordStore.allBeds ? "every bed" : "bed \(entry.bed)"
        var agents = [
            Agent(
                type: CodeableConcept(text: "device"), who: Reference(display: "Dwell, \(bed)"),
                requestor: !byTherapist || entry.therapist == nil)
        ]
        if let therapist = entry.therapist {
            agents.insert(
                Agent(
                    type: CodeableConcept(text: "therapist"), who: Reference(identifier: Identifier(value: therapist)),
                    requestor: byTherapist), at: 0)
        }
        let protocolAsked = refused && entry.protocolID != RecordStore.recordContext.protocolID
        let entity = Entity(
            what: procedure.map { Reference(reference: $0) },
            type: Coding(
                system: "http://terminology.hl7.org/CodeSystem/audit-entity-type", code: "2",
                display: "System Object"),
            name: protocolAsked ? "\(entry.protocolTitle) (\(entry.protocolID) v\(entry.protocolVersion))" : nil,
            description: description(of: entry, reason: reason),
            detail: callDetail(entry) ?? reason.map { [Detail(type: "reason", valueString: $0)] })
        return AuditEvent(
            id: auditID(entry),
            type: Coding(system: auditTypeSystem, code: safetyEventCode, display: "Patient safety event"),
            subtype: [Coding(system: eventTypeSystem, code: entry.type, display: safetyDisplays[entry.type])],
            action: entry.type == "step.extended" || entry.type == "needles.mismatch-closed" ? "U" : "E",
            period: callPeriod(entry),
            recorded: entry.wallTime,
            outcome: refused ? "4" : "0",
            outcomeDesc: refused ? entry.note : nil,
            agent: agents,
            source: Source(
                site: bed,
                observer: Reference(
                    identifier: entry.bed == RecordStore.allBeds
                        ? nil : Identifier(system: bedSystem, value: entry.bed),
                    display: "Dwell, \(bed)")),
            entity: [entity])
    }

    /// The response time of an answered patient call (`amount_ms`), in milliseconds and in words.
    static func callDetail(_ entry: RecordEntry) -> [Detail]? {
        guard entry.type == RecordStore.callAnsweredType, let waited = entry.amountMs else { return nil }
        return [
            Detail(type: "response-time-ms", valueString: String(waited)),
            Detail(type: "response-time", valueString: Duration.milliseconds(waited).notation),
        ]
    }

    /// From the call to its answer (the answer's wall time less the response time).
    static func callPeriod(_ entry: RecordEntry) -> Period? {
        guard entry.type == RecordStore.callAnsweredType, let waited = entry.amountMs,
            let answered = RecordTime.date(from: entry.wallTime)
        else { return nil }
        let called = answered.addingTimeInterval(-Double(waited) / 1_000)
        return Period(start: RecordTime.string(from: called), end: entry.wallTime)
    }

    /// A UUID made from the row's hash: the same row always exports with the same id.
    static func auditID(_ entry: RecordEntry) -> String {
        let hex = Array(entry.hash.lowercased().filter(\.isHexDigit).prefix(32))
        guard hex.count == 32 else { return "dwell-event-\(entry.seq)" }
        var text = ""
        for (index, character) in hex.enumerated() {
            if [8, 12, 16, 20].contains(index) { text += "-" }
            text.append(character)
        }
        return text
    }
}
