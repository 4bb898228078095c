import DwellCore
import Foundation

/// Turns one session's events into record entries and appends them through the writer.
public struct SessionRecorder: Sendable {
    public let writer: RecordWriter
    public let context: SessionContext
    public let treatment: TreatmentProtocol

    public init(writer: RecordWriter, context: SessionContext, treatment: TreatmentProtocol) {
        self.writer = writer
        self.context = context
        self.treatment = treatment
    }

    /// Records a session event; returns once it is durable.
    @discardableResult
    public func record(
        _ event: SessionEvent, lateness: Duration?, at wallTime: Date = Date()
    ) async throws(RecordError) -> RecordEntry {
        let site = event.step.flatMap { treatment.steps.indices.contains($0) ? treatment.steps[$0].site : nil }
        let actual = event.at + (lateness ?? .zero)
        return try await writer.append(
            RecordEvent(
                session: context, type: event.kind.rawValue, step: event.step, site: event.site, siteLabel: site?.label,
                plannedMs: event.at.wholeMilliseconds, monotonicUs: actual.wholeMicroseconds,
                wallTime: RecordTime.string(from: wallTime), latenessUs: lateness?.wholeMicroseconds,
                needles: event.needles,
                note: event.note ?? event.added.map { Self.extensionNote + $0.notation },
                amountMs: event.added?.wholeMilliseconds,
                reason: event.reason))
    }

    /// How a `step.extended` note begins, before the amount (`extended by 2m`). The amount has its
    /// own column (`amount_ms`); the note says it in words for whoever reads the record.
    public static let extensionNote = "extended by "

    /// The therapist's reason in a format-1 `needles.mismatch-closed` note (after
    /// ``SessionEvent/adverseEventPrefix``, which the session machine puts before it); later
    /// rows have it in their own column.
    static func statedReason(in note: String?) -> String? {
        guard let note, note.hasPrefix(SessionEvent.adverseEventPrefix) else { return nil }
        return String(note.dropFirst(SessionEvent.adverseEventPrefix.count))
    }

    /// Records the pre-start checklist's answers (item codes and yes/no) ahead of the session.
    @discardableResult
    public func recordChecklist(_ summary: String, wallTime: Date = Date()) async throws(RecordError) -> RecordEntry {
        try await writer.append(
            RecordEvent(
                session: context, type: Self.checklistType, monotonicUs: 0, wallTime: RecordTime.string(from: wallTime),
                note: summary))
    }

    public static let checklistType = "checklist"

    /// Records a device fault (indicator output, or an earlier record failure) with its message.
    @discardableResult
    public func recordFault(
        _ message: String, at offset: Duration, wallTime: Date = Date()
    ) async throws(RecordError) -> RecordEntry {
        try await writer.append(
            RecordEvent(
                session: context, type: "fault", plannedMs: nil, monotonicUs: offset.wholeMicroseconds,
                wallTime: RecordTime.string(from: wallTime), note: message))
    }
}
