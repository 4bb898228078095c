import GRDB

/// A committed row must survive a power cut: every commit is synced to the disk before the
/// writer answers (and so before the API does).
extension RecordStore {
    /// SQLite's `synchronous` level meaning "sync the write-ahead log at every commit".
    static let fullSynchronous = 2

    /// Sets `synchronous = FULL` on the pool's one writer connection and checks it took.
    ///
    /// It cannot go in `prepareDatabase`: GRDB's `DatabasePool` switches the writer to WAL after
    /// that hook and sets `synchronous = NORMAL` with it, under which a commit is synced only at
    /// the next checkpoint. A power cut then lost the last seconds of rows the API had answered
    /// for and a reader had seen (found by the boot test's power cut, Simulators/boot-test).
    static func makeCommitsDurable(_ pool: DatabasePool) throws {
        let level = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        guard level == fullSynchronous else {
            throw DatabaseError(message: "PRAGMA synchronous is \(level.map(String.init) ?? "unknown"), not FULL (2)")
        }
    }

    /// The writer connection's `synchronous` level now (2 is FULL).
    func synchronousLevel() throws -> Int? {
        try database.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
    }
}
