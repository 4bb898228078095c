import DwellCore
import DwellRecord
import DwellWire
import Foundation

extension RecordFault {
    /// From the new record's `record.recovered` row.
    init(_ entry: RecordEntry, acknowledged: Bool) {
        let note = RecoveryNote(note: entry.note)
        let movedTo = note?.movedTo ?? "?"
        let message =
            "the clinic record was damaged (\(note?.problem ?? entry.note ?? "unknown problem")); it was moved to "
            + "\(movedTo) and a new record started; beds whose state could not be established are shown interrupted"
        self.init(
            message: message, movedTo: movedTo, detectedAt: entry.wallTime, lastVerifiedSeq: note?.lastVerifiedSeq ?? 0,
            lastVerifiedHash: note?.lastVerifiedHash ?? "", acknowledged: acknowledged)
    }
}

extension Beds {
    /// The record fault, if the record was found damaged (at this start-up or an earlier one).
    public var recordFault: RecordFault? { fault.withLock { $0 } }

    /// Records that a therapist saw the fault (`record.acknowledged`), then marks it acknowledged.
    @discardableResult
    public func acknowledgeRecordFault(at now: Date = Date()) async throws(BedError) -> RecordFault {
        guard let current = recordFault else { throw .noRecordFault }
        if current.acknowledged { return current }
        do throws(RecordError) {
            try await writer.append(
                RecordEvent(
                    session: RecordStore.recordContext, type: RecordStore.acknowledgedType, monotonicUs: 0,
                    wallTime: RecordTime.string(from: now),
                    note: "record fault acknowledged (damaged record at \(current.movedTo))"))
        } catch {
            throw .recordUnavailable("the acknowledgement could not be recorded: \(error)")
        }
        return fault.withLock { value in
            value?.acknowledged = true
            return value ?? current
        }
    }

    /// After a damaged record was replaced: a bed is idle only when every row of the damaged file
    /// verified and its latest session there had ended; every other bed is interrupted.
    func restoreAfterDamage(_ damage: RecordDamage) async -> [String] {
        var restored: [String] = []
        for (bed, rows) in damage.latestSessions.sorted(by: { $0.key < $1.key }) where controllers[bed] == nil {
            guard !rows.contains(where: { RecordStore.endingTypes.contains($0.type) }) else { continue }
            logger.critical(
                "session \(rows.first?.sessionID ?? "?") on bed \(bed) may not have ended, but bed \(bed) is not configured here; check that bed"
            )
        }
        for bed in settings.beds {
            guard let controller = controllers[bed] else { continue }
            let rows = damage.latestSessions[bed]
            let ended = rows?.contains { RecordStore.endingTypes.contains($0.type) } ?? false
            if damage.allRowsVerified && (rows == nil || ended) { continue }
            let reason = """
                cannot resume: the clinic record was found damaged (\(damage.problem)) and moved to \(damage.movedTo); \
                this bed's state cannot be established from its verified rows. Count the needles at the bed and finish the session
                """
            await controller.restoreUnverified(
                ended ? nil : rows, reason: reason, protocols: protocols, aftercare: settings.aftercare)
            restored.append(bed)
        }
        return restored
    }

    /// A start the checklist refused leaves a trace: a record-level row (no session) with the
    /// bed, the therapist's code (when it is a valid code), the protocol asked for, the refusal's
    /// title and the item codes involved; nothing about the patient. A record that cannot take
    /// it is logged; the start is refused all the same.
    func recordRefusal(_ refusal: ScreeningRefusal, request: StartRequest, bed: String, at now: Date = Date()) async {
        var context = RecordStore.recordContext
        context.bed = bed
        context.therapist = request.therapist.flatMap { StartRequest.isCode($0) ? $0 : nil }
        if let asked = try? loaded(request.protocol) {  // an unknown id is not written down
            context.protocolID = asked.treatment.id
            context.protocolVersion = asked.treatment.version
            context.protocolTitle = asked.treatment.title
        }
        // Only the checklist's own codes are written; codes a client made up are counted, not copied.
        let known = Set(settings.checklist.items.map(\.code))
        let named = refusal.codes.filter(known.contains)
        let unknown = refusal.codes.count - named.count
        let parts = named + (unknown > 0 ? ["\(unknown) unknown code\(unknown == 1 ? "" : "s")"] : [])
        let codes = parts.isEmpty ? "" : ": " + parts.joined(separator: ", ")
        do throws(RecordError) {
            try await writer.append(
                RecordEvent(
                    session: context, type: RecordStore.refusedStartType, monotonicUs: 0,
                    wallTime: RecordTime.string(from: now), note: refusal.title + codes))
        } catch {
            logger.error("bed \(bed): a refused start could not be recorded: \(error)")
        }
    }
}

extension Beds {
    /// The room's record (read side: health, forwarding to the clinic hub).
    public var record: RecordStore { writer.store }
}
