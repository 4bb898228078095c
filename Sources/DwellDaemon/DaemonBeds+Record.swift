import DwellRecord
import Foundation

/// A damaged clinic record found at start-up: shown (API, kiosk page) until a therapist acknowledges it.
public struct RecordFault: Codable, Equatable, Sendable {
    public var message: String
    /// Where the damaged file was moved.
    public var movedTo: String
    /// When it was found (UTC).
    public var detectedAt: String
    public var lastVerifiedSeq: Int64
    public var lastVerifiedHash: String
    public var acknowledged: Bool

    enum CodingKeys: String, CodingKey {
        case message
        case movedTo = "moved_to"
        case detectedAt = "detected_at"
        case lastVerifiedSeq = "last_verified_seq"
        case lastVerifiedHash = "last_verified_hash"
        case acknowledged
    }

    /// From the new record's `record.recovered` row.
    init(_ entry: RecordEntry, acknowledged: Bool) {
        let note = RecoveryNote(note: entry.note)
        movedTo = note?.movedTo ?? "?"
        lastVerifiedSeq = note?.lastVerifiedSeq ?? 0
        lastVerifiedHash = note?.lastVerifiedHash ?? ""
        detectedAt = entry.wallTime
        message = "the clinic record was damaged (\(note?.problem ?? entry.note ?? "unknown problem")); it was moved to "
            + "\(movedTo) and a new record started; beds whose state could not be established are shown interrupted"
        self.acknowledged = acknowledged
    }
}

extension DaemonBeds {
    /// The record fault, if the record was found damaged (at this start-up or an earlier one).
    public var recordFault: RecordFault? { fault.withLock { $0 } }

    /// Records that a therapist saw the fault (`record.acknowledged`), then marks it acknowledged.
    @discardableResult
    public func acknowledgeRecordFault(at now: Date = Date()) async throws(Problem) -> RecordFault {
        guard let current = recordFault else {
            throw Problem(.conflict, "No record fault", "the clinic record has no fault to acknowledge")
        }
        if current.acknowledged { return current }
        do throws(RecordError) {
            try await writer.append(RecordEvent(
                session: RecordStore.recordContext, type: RecordStore.acknowledgedType, monotonicUs: 0,
                wallTime: RecordTime.string(from: now), note: "record fault acknowledged (damaged record at \(current.movedTo))"))
        } catch {
            throw Problem(.serviceUnavailable, "Clinic record unavailable", "the acknowledgement could not be recorded: \(error)")
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
            logger.critical("session \(rows.first?.sessionID ?? "?") on bed \(bed) may not have ended, but bed \(bed) is not configured here; check that bed")
        }
        for bed in config.beds {
            guard let controller = controllers[bed] else { continue }
            let rows = damage.latestSessions[bed]
            let ended = rows?.contains { RecordStore.endingTypes.contains($0.type) } ?? false
            if damage.allRowsVerified && (rows == nil || ended) { continue }
            let reason = """
                cannot resume: the clinic record was found damaged (\(damage.problem)) and moved to \(damage.movedTo); \
                this bed's state cannot be established from its verified rows. Count the needles at the bed and finish the session
                """
            await controller.restoreUnverified(ended ? nil : rows, reason: reason, protocols: protocols, aftercare: config.aftercare)
            restored.append(bed)
        }
        return restored
    }
}
