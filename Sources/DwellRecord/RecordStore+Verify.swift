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

    public var isIntact: Bool { firstBad == nil }
}

extension RecordStore {
    /// Walks every row in sequence order and checks numbering, links and hashes. Any changed,
    /// deleted, inserted or reordered row is found at the first sequence number it breaks.
    public func verify() throws(RecordError) -> VerifyReport {
        do {
            return try database.read { db in
                var expectedSeq: Int64 = 1
                var previous = RecordChain.genesis
                var count = 0
                let rows = try Row.fetchCursor(db, sql: "SELECT * FROM events ORDER BY seq")
                while let row = try rows.next() {
                    let seq: Int64? = row["seq"]
                    func bad(_ problem: String) -> VerifyReport {
                        VerifyReport(count: count, headHash: previous, firstBad: expectedSeq, problem: problem)
                    }
                    guard let seq, seq == expectedSeq else {
                        return VerifyReport(count: count, headHash: previous, firstBad: expectedSeq,
                                            problem: "found sequence number \(seq.map(String.init) ?? "none") where \(expectedSeq) belongs: a row was deleted or inserted")
                    }
                    let entry: RecordEntry
                    do {
                        entry = try RecordEntry(row: row)
                    } catch {
                        return bad("the row cannot be read: \(error)")
                    }
                    guard entry.prevHash == previous else { return bad("prev_hash does not match the row before: rows were removed, inserted or reordered") }
                    guard entry.hash == RecordChain.hash(of: entry, after: previous) else { return bad("the row's content does not match its hash: it was changed") }
                    previous = entry.hash
                    expectedSeq += 1
                    count += 1
                }
                return VerifyReport(count: count, headHash: previous, firstBad: nil, problem: nil)
            }
        } catch {
            throw RecordError.cannotOpen(path, String(describing: error))
        }
    }
}
