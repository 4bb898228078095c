import Foundation
import GRDB

/// A damaged record found at start-up, moved aside and replaced by a new one.
public struct RecordDamage: Equatable, Sendable {
    /// What was wrong, in words.
    public var problem: String
    /// Where the damaged file is now (its `-wal`/`-shm` beside it, with the same name).
    public var movedTo: String
    /// When it was found (UTC, RFC 3339).
    public var detectedAt: String
    /// The last row whose chain was verified, and its hash (`0` and the genesis hash when none).
    public var lastVerifiedSeq: Int64
    public var lastVerifiedHash: String
    /// The pages were sound, every row was read and verified, and the latest sessions could be
    /// read: the damage hid no row (only then may a bed be shown idle).
    public var allRowsVerified: Bool
    /// Each bed's latest session among the verified rows (empty when they could not be read).
    public var latestSessions: [String: [RecordEntry]]
}

/// The record as the daemon opens it: checked, and replaced when it was damaged.
public struct RecordOpening: Sendable {
    public let store: RecordStore
    /// The start-up check of the record that is now open (of the new one after a recovery).
    public let check: RecordCheck
    /// Set when the record found was damaged and has been moved aside.
    public let damage: RecordDamage?
}

/// What a `record.recovered` row's note holds (JSON).
public struct RecoveryNote: Codable, Equatable, Sendable {
    public var movedTo: String
    public var lastVerifiedSeq: Int64
    public var lastVerifiedHash: String
    public var problem: String

    enum CodingKeys: String, CodingKey {
        case movedTo = "moved_to"
        case lastVerifiedSeq = "last_verified_seq"
        case lastVerifiedHash = "last_verified_hash"
        case problem
    }
}

extension RecordStore {
    /// The first row of a record that replaced a damaged one.
    public static let recoveredType = "record.recovered"
    /// A therapist acknowledged the record fault.
    public static let acknowledgedType = "record.acknowledged"
    /// A start the checklist refused: no session; the bed, the therapist's code, the refusal's
    /// title and the item codes involved (never anything about the patient).
    public static let refusedStartType = "record.start-refused"
    /// A patient call (the bed's call button, or the API): the bed's, not a session event, so
    /// `record.*`; it carries the session's ids when one was in progress, else none.
    public static let patientCallType = "record.patient-call"
    /// A therapist answered the patient call at the bed; `amount_ms`: how long the patient waited.
    public static let callAnsweredType = "record.call-answered"
    /// The session id and bed of record-level rows (they belong to no session and every bed).
    public static let recordSessionID = "record"
    public static let allBeds = "*"

    /// Opens the daemon's record after checking it (``check()``). An intact record gets its
    /// checkpoint advanced. A damaged one (not a database, malformed pages, a broken chain, a
    /// changed checkpoint row) is never written to: it is moved aside with its `-wal`/`-shm` to
    /// `<path>.damaged-<UTC time>`, and a new record is started whose first row
    /// (`record.recovered`) names it, its last verified row and what was wrong.
    public static func openChecked(path: String, now: Date = Date()) throws(RecordError) -> RecordOpening {
        var check: RecordCheck
        var latest: [String: [RecordEntry]]?
        try prepareFile(at: path)
        do throws(RecordError) {
            // Read-only first: nothing (not even a migration or a WAL checkpoint) touches a damaged file.
            let reader = try RecordStore(path: path, options: Options(readOnly: true))
            check = try reader.check()
            if !check.isIntact { latest = try? reader.latestSessionsScanning(through: check.verifiedSeq) }
            reader.close()
        } catch .damaged(_, let reason) {
            check = RecordCheck(
                checkedFrom: 0, verifiedSeq: 0, verifiedHash: RecordChain.genesis, walked: 0,
                problem: "the file cannot be opened as a database: \(reason)", reachedEnd: false, pagesSound: false)
        }
        guard let problem = check.problem else {
            let store = try RecordStore(path: path)
            if check.verifiedSeq > 0 { try store.advanceCheckpoint(to: (check.verifiedSeq, check.verifiedHash)) }
            return RecordOpening(store: store, check: check, damage: nil)
        }
        let movedTo = try moveAside(path, now: now)
        let damage = RecordDamage(
            problem: problem, movedTo: movedTo, detectedAt: RecordTime.string(from: now),
            lastVerifiedSeq: check.verifiedSeq, lastVerifiedHash: check.verifiedHash,
            allRowsVerified: check.reachedEnd && check.pagesSound && latest != nil,
            latestSessions: latest ?? [:])
        let store = try RecordStore(path: path)
        let note = RecoveryNote(
            movedTo: movedTo, lastVerifiedSeq: check.verifiedSeq, lastVerifiedHash: check.verifiedHash, problem: problem
        )
        let first = try store.appendNow(
            RecordEvent(
                session: recordContext, type: recoveredType, monotonicUs: 0, wallTime: damage.detectedAt,
                note: note.json))
        try store.advanceCheckpoint(to: (first.seq, first.hash))
        let fresh = RecordCheck(
            checkedFrom: 0, verifiedSeq: first.seq, verifiedHash: first.hash, walked: 1, problem: nil, reachedEnd: true)
        return RecordOpening(store: store, check: fresh, damage: damage)
    }

    /// What record-level rows carry in the session columns.
    public static let recordContext = SessionContext(
        sessionID: recordSessionID, bed: allBeds, protocolID: "-", protocolVersion: 0, protocolTitle: "Clinic record",
        protocolSHA256: "-", therapist: nil, patient: nil)

    /// Renames the file and its `-wal`/`-shm` to `<path>.damaged-YYYYMMDDTHHMMSSZ` (with `-2`, `-3`…
    /// when taken); never deletes anything. Returns the new path of the main file.
    static func moveAside(_ path: String, now: Date) throws(RecordError) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let base = "\(path).damaged-\(formatter.string(from: now))"
        var target = base
        var attempt = 1
        let files = FileManager.default
        while [target, target + "-wal", target + "-shm"].contains(where: files.fileExists(atPath:)) {
            attempt += 1
            target = "\(base)-\(attempt)"
        }
        for suffix in ["", "-wal", "-shm"] where files.fileExists(atPath: path + suffix) {
            do {
                try files.moveItem(atPath: path + suffix, toPath: target + suffix)
            } catch {
                throw RecordError.cannotOpen(
                    path, "it is damaged and cannot be moved aside to \(target + suffix): \(error.localizedDescription)"
                )
            }
        }
        return target
    }

    /// Appends one row at once, synchronously (the first row of a new record, before any writer).
    func appendNow(_ event: RecordEvent) throws(RecordError) -> RecordEntry {
        do {
            return try database.write { db in
                let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
                let head: (seq: Int64, hash: String) = row.map { ($0["seq"], $0["hash"]) } ?? (0, RecordChain.genesis)
                let entry = RecordChain.entry(for: event, after: head)
                try entry.insert(db)
                return entry
            }
        } catch {
            throw RecordError.writeFailed(String(describing: error))
        }
    }

    /// Each bed's latest session up to `last`, by one scan of the table in sequence order (no
    /// index: on a damaged file the indexes may be what is broken).
    func latestSessionsScanning(through last: Int64) throws(RecordError) -> [String: [RecordEntry]] {
        do {
            return try database.unsafeRead { db in
                var found: [String: [RecordEntry]] = [:]
                var seen: Set<String> = []
                let rows = try Row.fetchCursor(
                    db, sql: "SELECT * FROM events NOT INDEXED WHERE seq <= ? ORDER BY seq", arguments: [last])
                while let row = try rows.next() {
                    let entry = try RecordEntry(row: row)
                    guard !entry.type.hasPrefix("record.") else { continue }
                    if found[entry.bed]?.first?.sessionID == entry.sessionID {
                        found[entry.bed, default: []].append(entry)
                    } else if seen.insert(entry.sessionID).inserted {
                        found[entry.bed] = [entry]
                    }
                }
                return found
            }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// The latest `record.recovered` row, and whether a `record.acknowledged` row follows it.
    public func lastRecovery() throws(RecordError) -> (entry: RecordEntry, acknowledged: Bool)? {
        do {
            return try database.read { db in
                guard
                    let entry = try RecordEntry.filter(Column("type") == Self.recoveredType).order(Column("seq").desc)
                        .fetchOne(db)
                else {
                    return nil
                }
                let acknowledged =
                    try RecordEntry.filter(Column("type") == Self.acknowledgedType && Column("seq") > entry.seq)
                    .fetchCount(db) > 0
                return (entry, acknowledged)
            }
        } catch {
            throw Self.openError(path, error)
        }
    }
}

extension RecoveryNote {
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads a `record.recovered` row's note.
    public init?(note: String?) {
        guard let note, let decoded = try? JSONDecoder().decode(Self.self, from: Data(note.utf8)) else { return nil }
        self = decoded
    }
}
