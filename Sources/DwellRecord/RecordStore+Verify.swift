import GRDB

/// The result of walking the chain.
public struct VerifyReport: Equatable, Sendable {
    /// Rows read.
    public var count: Int
    /// The last good row's hash: note it down (or export it) to detect a later truncation.
    public var headHash: String
    /// The first row that breaks the chain, and why; nil when the record is intact.
    public var firstBad: Int64?
    public var problem: String?
    /// How many of the rows read are of each format (``RecordChain/currentFormat``: new rows).
    public var formats: [Int: Int] = [:]

    public var isIntact: Bool { firstBad == nil }
}

extension RecordStore {
    /// Walks every row in sequence order and checks numbering, links and hashes. Any changed,
    /// deleted, inserted or reordered row is found at the first sequence number it breaks.
    public func verify() throws(RecordError) -> VerifyReport {
        do {
            return try database.read { db in
                guard try db.tableExists("events") else { return VerifyReport(count: 0, headHash: RecordChain.genesis) }
                let walked = try Self.walk(db, after: (0, RecordChain.genesis))
                return VerifyReport(
                    count: walked.count, headHash: walked.head.hash, firstBad: walked.firstBad, problem: walked.problem,
                    formats: walked.formats)
            }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// What a walk along the chain found.
    struct Walk {
        /// Rows verified in this walk.
        var count = 0
        /// The last verified row (the starting point when none was).
        var head: (seq: Int64, hash: String)
        var firstBad: Int64?
        var problem: String?
        /// Rows verified, by format.
        var formats: [Int: Int] = [:]
    }

    /// Walks the rows after `start` (a verified row, or `(0, genesis)`) in sequence order.
    /// Database errors (malformed pages) are thrown; a row that cannot be decoded is a break.
    static func walk(_ db: Database, after start: (seq: Int64, hash: String)) throws -> Walk {
        var walk = Walk(head: start)
        let rows = try Row.fetchCursor(
            db, sql: "SELECT * FROM events WHERE seq > ? ORDER BY seq", arguments: [start.seq])
        while true {
            let expected = walk.head.seq + 1
            func broken(_ problem: String) -> Walk {
                var result = walk
                (result.firstBad, result.problem) = (expected, problem)
                return result
            }
            let next: Row?
            do {
                next = try rows.next()
            } catch let error as DatabaseError where isDamage(error) {
                return broken("the rows from here on cannot be read: \(error)")
            }
            guard let row = next else { break }
            let seq: Int64? = row["seq"]
            guard let seq, seq == expected else {
                return broken(
                    "found sequence number \(seq.map(String.init) ?? "none") where \(expected) belongs: a row was deleted or inserted"
                )
            }
            let entry: RecordEntry
            do {
                entry = try RecordEntry(row: row)
            } catch {
                return broken("the row cannot be read: \(error)")
            }
            guard entry.prevHash == walk.head.hash else {
                return broken("prev_hash does not match the row before: rows were removed, inserted or reordered")
            }
            let expectedHash: String
            do throws(RecordChain.FormatError) {
                expectedHash = try RecordChain.hash(of: entry, after: walk.head.hash)
            } catch {
                return broken(error.description)
            }
            guard entry.hash == expectedHash else {
                return broken("the row's content does not match its hash: it was changed")
            }
            walk.head = (seq, entry.hash)
            walk.count += 1
            walk.formats[entry.format, default: 0] += 1
        }
        return walk
    }
}
