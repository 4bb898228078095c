import Foundation
import GRDB

/// The clinic record on disk: SQLite in WAL mode with `synchronous=FULL`, so a committed event
/// survives a crash or power loss; the file is readable by its owner only (0600).
public final class RecordStore: Sendable {
    public let path: String
    let database: any DatabaseWriter
    /// Opened with SQLite's `immutable` flag (a record on read-only media, where the `-shm` file
    /// cannot be created): SQLite then reads the main file alone and ignores any `-wal` beside it.
    public let isImmutable: Bool
    let isReadOnly: Bool

    public struct Options: Sendable {
        /// Open without write access (for verify and export, or a store on a read-only disk).
        public var readOnly = false
        /// Read-only, with SQLite's `immutable=1` at once (otherwise only when the ordinary
        /// read-only open fails, as it does on read-only media).
        public var immutable = false
        /// Caps the database size in pages; a test stand-in for a full disk.
        public var maximumPageCount: Int?

        public init(readOnly: Bool = false, immutable: Bool = false, maximumPageCount: Int? = nil) {
            self.readOnly = readOnly || immutable
            self.immutable = immutable
            self.maximumPageCount = maximumPageCount
        }
    }

    public init(path: String, options: Options = Options()) throws(RecordError) {
        self.path = path
        isReadOnly = options.readOnly
        if !options.readOnly { try Self.prepareFile(at: path) }
        guard FileManager.default.fileExists(atPath: path) else { throw RecordError.missing(path) }
        var configuration = Configuration()
        configuration.readonly = options.readOnly
        configuration.label = "dwell-record"
        let pageLimit = options.maximumPageCount
        configuration.prepareDatabase { db in
            if let pageLimit { _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pageLimit)") }
        }
        guard options.readOnly else {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                try Self.makeCommitsDurable(pool)
                try Self.migrator.migrate(pool)
                database = pool
                isImmutable = false
            } catch {
                throw Self.openError(path, error)
            }
            // SQLite creates `-wal` and `-shm` with the main file's mode; make sure of it.
            for file in [path + "-wal", path + "-shm"] { try Self.makePrivate(file) }
            return
        }
        if !options.immutable {
            do {
                let pool = try DatabasePool(path: path, configuration: configuration)
                _ = try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
                database = pool
                isImmutable = false
                return
            } catch let error as DatabaseError where Self.mayBeReadOnlyMedia(error) {
                // The `-shm` file cannot be created (read-only folder or medium): immutable below.
                // Never for busy or locked errors: immutable reads of a file being written go wrong.
            } catch {
                throw Self.openError(path, error)
            }
        }
        do {
            let queue = try DatabaseQueue(path: Self.immutableURI(path), configuration: configuration)
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
            database = queue
            isImmutable = true
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// `file:` URI with `immutable=1` (read-only media); needs an SQLite built with URI support,
    /// as Debian's is.
    static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return "file:\(escaped)?mode=ro&immutable=1"
    }

    static func mayBeReadOnlyMedia(_ error: DatabaseError) -> Bool {
        let codes: [ResultCode] = [.SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_IOERR]
        return codes.contains(error.resultCode)
    }

    static func isDamage(_ error: DatabaseError) -> Bool {
        let damage: [ResultCode] = [.SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT]
        return damage.contains(error.resultCode)
    }

    static func openError(_ path: String, _ error: any Error) -> RecordError {
        if let error = error as? RecordError { return error }
        if let error = error as? DatabaseError, isDamage(error) { return .damaged(path, String(describing: error)) }
        return .cannotOpen(path, String(describing: error))
    }

    /// Closes the file (at shutdown, or a damaged one before it is moved aside); SQLite folds the
    /// `-wal` into the main file when this was the last connection. Nothing can be read or written after.
    public func close() {
        try? database.close()
        guard !isReadOnly else { return }
        // GRDB closes a pool's writer before its readers, so neither could fold the WAL in; one
        // last connection of our own does, when no other process has the file open.
        if let last = try? DatabaseQueue(path: path) { try? last.close() }
    }

    /// The default location: `$STATE_DIRECTORY/record.sqlite` under systemd, otherwise
    /// `~/.local/state/dwell/record.sqlite` (or `$XDG_STATE_HOME/dwell/record.sqlite`).
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["STATE_DIRECTORY"]?.split(separator: ":").first, !state.isEmpty {
            return "\(state)/record.sqlite"
        }
        if let xdg = environment["XDG_STATE_HOME"], !xdg.isEmpty { return "\(xdg)/dwell/record.sqlite" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.local/state/dwell/record.sqlite"
    }

    /// Creates the folder (0700) and an empty file (0600) so the database never exists with wider
    /// permissions; an existing file and its `-wal`/`-shm` are made 0600.
    static func prepareFile(at path: String) throws(RecordError) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw RecordError.cannotOpen(path, "cannot create the folder \(folder): \(error.localizedDescription)")
            }
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            else {
                throw RecordError.cannotOpen(path, "cannot create the file")
            }
        }
        for file in [path, path + "-wal", path + "-shm"] { try makePrivate(file) }
    }

    /// Makes an existing file readable and writable by its owner only (0600).
    static func makePrivate(_ file: String) throws(RecordError) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue
        else { return }
        guard mode & 0o7777 != 0o600 else { return }
        do {
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file)
        } catch {
            throw RecordError.notPrivate(file, mode: mode & 0o7777, String(describing: error.localizedDescription))
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        seq INTEGER PRIMARY KEY NOT NULL,
                        session_id TEXT NOT NULL,
                        bed TEXT NOT NULL,
                        type TEXT NOT NULL,
                        step INTEGER,
                        site TEXT,
                        site_label TEXT,
                        planned_ms INTEGER,
                        monotonic_us INTEGER NOT NULL,
                        wall_time TEXT NOT NULL,
                        lateness_us INTEGER,
                        protocol_id TEXT NOT NULL,
                        protocol_version INTEGER NOT NULL,
                        protocol_title TEXT NOT NULL,
                        protocol_sha256 TEXT NOT NULL,
                        therapist TEXT,
                        patient TEXT,
                        needles INTEGER,
                        note TEXT,
                        prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL
                    );
                    CREATE INDEX events_session ON events(session_id);
                    CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
                        BEGIN SELECT RAISE(ABORT, 'the clinic record is append-only'); END;
                    CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
                        BEGIN SELECT RAISE(ABORT, 'the clinic record is append-only'); END;
                    """)
        }
        migrator.registerMigration("v2: chain checkpoint") { db in
            // The last row whose chain start-up verified: kept outside `events` (it is rewritten),
            // so the start-up check walks only the rows added since.
            try db.execute(
                sql: """
                    CREATE TABLE chain_checkpoint (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        seq INTEGER NOT NULL,
                        hash TEXT NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v3: row format") { db in
            // Rows written before this have no `format`: they are format 1 (``RecordChain``). New
            // rows say their format; `amount_ms` and `reason` came with format 2.
            try db.execute(
                sql: """
                    ALTER TABLE events ADD COLUMN format INTEGER NOT NULL DEFAULT 1;
                    ALTER TABLE events ADD COLUMN amount_ms INTEGER;
                    ALTER TABLE events ADD COLUMN reason TEXT;
                    """)
        }
        migrator.registerMigration("v4: hub acknowledgement") { db in
            // How far the clinic hub has acknowledged this record (``RecordStore/hubAcknowledged()``):
            // a table of its own, rewritten as batches are acknowledged; `events` is never touched.
            try db.execute(
                sql: """
                    CREATE TABLE hub_acknowledgement (
                        id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
                        device TEXT NOT NULL,
                        seq INTEGER NOT NULL,
                        hash TEXT NOT NULL,
                        acknowledged_at TEXT NOT NULL
                    );
                    """)
        }
        return migrator
    }

    /// The last row's sequence number and hash (the genesis values for an empty record).
    func head() throws -> (seq: Int64, hash: String) {
        try database.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
            return row.map { ($0["seq"], $0["hash"]) } ?? (0, RecordChain.genesis)
        }
    }

    func insert(_ entries: [RecordEntry]) async throws {
        try await database.write { db in
            for entry in entries { try entry.insert(db) }
        }
    }
}

/// What went wrong with the record, in words an integrator can act on.
public enum RecordError: Error, Equatable, Sendable, CustomStringConvertible {
    case missing(String)
    case cannotOpen(String, String)
    case writeFailed(String)
    case queueFull(Int)
    case unknownSession(String)
    /// The file is not a database, or its pages are malformed.
    case damaged(String, String)
    /// The file (or its `-wal`/`-shm`) has wider permissions than 0600 and cannot be narrowed.
    case notPrivate(String, mode: Int, String)

    public var description: String {
        switch self {
        case .missing(let path): return "no clinic record at \(path)"
        case .cannotOpen(let path, let reason): return "cannot open the clinic record \(path): \(reason)"
        case .writeFailed(let reason):
            return "the clinic record could not be written: \(reason); the event is kept in memory and retried"
        case .queueFull(let capacity):
            return "the clinic record is \(capacity) events behind; this event was NOT recorded"
        case .unknownSession(let id): return "no session \(id) in the clinic record"
        case .damaged(let path, let reason): return "cannot open the clinic record \(path): it is damaged: \(reason)"
        case .notPrivate(let path, let mode, let reason):
            return
                "the clinic record file \(path) has mode 0\(String(mode, radix: 8)) and cannot be made private (0600): \(reason); "
                + "give it to the daemon's user, or fix its mode, and start again"
        }
    }
}
