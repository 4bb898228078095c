import GRDB

/// What the start-up check found: `PRAGMA quick_check`, then the chain from the last verified
/// position (the checkpoint) to the end.
public struct RecordCheck: Equatable, Sendable {
    /// The checkpoint the walk started after (0: there was none, every row was walked).
    public var checkedFrom: Int64
    /// The last row known good, and its hash (`(0, genesis)` when none is).
    public var verifiedSeq: Int64
    public var verifiedHash: String
    /// Rows walked in this check.
    public var walked: Int
    /// What is wrong; nil when the record can be trusted.
    public var problem: String?
    /// The walk reached the last row: no row after `verifiedSeq` was left unread. False when the
    /// chain broke or the pages could not be read.
    public var reachedEnd: Bool
    /// `PRAGMA quick_check` found the pages sound.
    public var pagesSound = true

    public var isIntact: Bool { problem == nil }
}

extension RecordStore {
    /// The last position a start-up check verified, if any.
    public func checkpoint() throws(RecordError) -> (seq: Int64, hash: String)? {
        do {
            return try database.read { db in try Self.checkpoint(db) }
        } catch {
            throw Self.openError(path, error)
        }
    }

    static func checkpoint(_ db: Database) throws -> (seq: Int64, hash: String)? {
        guard try db.tableExists("chain_checkpoint") else { return nil }
        return try Row.fetchOne(db, sql: "SELECT seq, hash FROM chain_checkpoint WHERE id = 1").map {
            ($0["seq"], $0["hash"])
        }
    }

    /// The start-up check: `PRAGMA quick_check` (page structure), the checkpoint's row (it must
    /// still be there, unchanged), then the chain from the checkpoint to the last row. Linear in
    /// the rows added since the last check, plus SQLite's own page scan. Never writes; see
    /// ``advanceCheckpoint(to:)``. Throws only when the file cannot be read for a reason other
    /// than damage (I/O, permissions).
    public func check() throws(RecordError) -> RecordCheck {
        do {
            // Outside a transaction: on malformed pages the closing COMMIT would fail too and hide what was found.
            return try database.unsafeRead { db in try Self.check(db) }
        } catch let error as DatabaseError where Self.isDamage(error) {
            return RecordCheck(
                checkedFrom: 0, verifiedSeq: 0, verifiedHash: RecordChain.genesis, walked: 0,
                problem: "the file's pages are malformed: \(error)", reachedEnd: false, pagesSound: false)
        } catch {
            throw Self.openError(path, error)
        }
    }

    static func check(_ db: Database) throws -> RecordCheck {
        let quick: [String]
        do {
            quick = try String.fetchAll(db, sql: "PRAGMA quick_check")
        } catch let error as DatabaseError where isDamage(error) {
            quick = ["\(error)"]
        }
        var result = RecordCheck(
            checkedFrom: 0, verifiedSeq: 0, verifiedHash: RecordChain.genesis, walked: 0, problem: nil,
            reachedEnd: false)
        guard try db.tableExists("events") else {
            result.reachedEnd = true
            if quick != ["ok"] {
                result.pagesSound = false
                result.problem = "PRAGMA quick_check: " + quick.prefix(5).joined(separator: "; ")
            }
            return result
        }
        var start: (seq: Int64, hash: String) = (0, RecordChain.genesis)
        var problem: String?
        if let checkpoint = try Self.checkpoint(db) {
            let row = try Row.fetchOne(db, sql: "SELECT * FROM events WHERE seq = ?", arguments: [checkpoint.seq])
            let entry = row.flatMap { try? RecordEntry(row: $0) }
            if let entry, entry.hash == checkpoint.hash,
                entry.hash == (try? RecordChain.hash(of: entry, after: entry.prevHash))
            {
                start = checkpoint
                result.checkedFrom = checkpoint.seq
            } else {
                problem =
                    entry == nil
                    ? "the row at the last verified position (seq \(checkpoint.seq)) is gone or unreadable"
                    : "the row at the last verified position (seq \(checkpoint.seq)) was changed since it was verified"
            }
        }
        // From the checkpoint on; after a checkpoint mismatch, from the first row, to find the break.
        let walked = try Self.walk(db, after: start)
        (result.verifiedSeq, result.verifiedHash, result.walked) = (walked.head.seq, walked.head.hash, walked.count)
        result.reachedEnd = walked.firstBad == nil
        if let bad = walked.firstBad { problem = problem ?? "the chain breaks at seq \(bad): \(walked.problem ?? "")" }
        if quick != ["ok"] {
            result.pagesSound = false
            let found = "PRAGMA quick_check: " + quick.prefix(5).joined(separator: "; ")
            problem = problem.map { found + "; " + $0 } ?? found
        }
        result.problem = problem
        return result
    }

    /// Keeps `position` as the last verified one (after a check found the record intact).
    public func advanceCheckpoint(to position: (seq: Int64, hash: String)) throws(RecordError) {
        do {
            try database.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO chain_checkpoint (id, seq, hash) VALUES (1, ?, ?)",
                    arguments: [position.seq, position.hash])
            }
        } catch {
            throw Self.openError(path, error)
        }
    }
}
