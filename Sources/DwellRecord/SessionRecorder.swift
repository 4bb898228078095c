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
    public func record(_ event: SessionEvent, lateness: Duration?, at wallTime: Date = Date()) async throws(RecordError) -> RecordEntry {
        let site = event.step.flatMap { treatment.steps.indices.contains($0) ? treatment.steps[$0].site : nil }
        let needles = event.kind == .stepStarted || event.kind == .stepEnded ? site?.needles : nil
        let actual = event.at + (lateness ?? .zero)
        return try await writer.append(RecordEvent(
            session: context, type: event.kind.rawValue, step: event.step, site: event.site, siteLabel: site?.label,
            plannedMs: event.at.wholeMilliseconds, monotonicUs: actual.wholeMicroseconds,
            wallTime: RecordTime.string(from: wallTime), latenessUs: lateness?.wholeMicroseconds, needles: needles,
            note: event.added.map { "extended by \($0.notation)" }))
    }

    /// Records a device fault (indicator output, or an earlier record failure) with its message.
    @discardableResult
    public func recordFault(_ message: String, at offset: Duration, wallTime: Date = Date()) async throws(RecordError) -> RecordEntry {
        try await writer.append(RecordEvent(
            session: context, type: "fault", plannedMs: nil, monotonicUs: offset.wholeMicroseconds,
            wallTime: RecordTime.string(from: wallTime), note: message))
    }
}
