import Foundation
import GRDB

/// The clinic record on disk: SQLite in WAL mode with `synchronous=FULL`, so a committed event
/// survives a crash or power loss; the file is readable by its owner only (0600).
public final class RecordStore: Sendable {
    public let path: String
    let database: DatabasePool

    public struct Options: Sendable {
        /// Open without write access (for verify and export, or a store on a read-only disk).
        public var readOnly = false
        /// Caps the database size in pages; a test stand-in for a full disk.
        public var maximumPageCount: Int?

        public init(readOnly: Bool = false, maximumPageCount: Int? = nil) {
            self.readOnly = readOnly
            self.maximumPageCount = maximumPageCount
        }
    }

    public init(path: String, options: Options = Options()) throws(RecordError) {
        self.path = path
        do {
            if !options.readOnly { try Self.prepareFile(at: path) }
            guard FileManager.default.fileExists(atPath: path) else { throw RecordError.missing(path) }
            var configuration = Configuration()
            configuration.readonly = options.readOnly
            configuration.label = "dwell-record"
            let pageLimit = options.maximumPageCount
            configuration.prepareDatabase { db in
                if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = FULL") }
                if let pageLimit { _ = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pageLimit)") }
            }
            database = try DatabasePool(path: path, configuration: configuration)
            if !options.readOnly { try Self.migrator.migrate(database) }
        } catch let error as RecordError {
            throw error
        } catch {
            throw RecordError.cannotOpen(path, String(describing: error))
        }
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

    /// Creates the folder (0700) and an empty file (0600) so the database never exists with wider permissions.
    static func prepareFile(at path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !FileManager.default.fileExists(atPath: path) {
            guard FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw RecordError.cannotOpen(path, "cannot create the file")
            }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: events") { db in
            try db.execute(sql: """
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

    public var description: String {
        switch self {
        case .missing(let path): return "no clinic record at \(path)"
        case .cannotOpen(let path, let reason): return "cannot open the clinic record \(path): \(reason)"
        case .writeFailed(let reason): return "the clinic record could not be written: \(reason); the event is kept in memory and retried"
        case .queueFull(let capacity): return "the clinic record is \(capacity) events behind; this event was NOT recorded"
        case .unknownSession(let id): return "no session \(id) in the clinic record"
        }
    }
}
