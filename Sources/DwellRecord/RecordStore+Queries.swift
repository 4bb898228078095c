import GRDB

/// One session as the record shows it.
public struct SessionSummary: Equatable, Sendable {
    public enum Status: String, Sendable {
        case completed
        case stopped
        case inProgress = "in-progress"
    }

    public var sessionID: String
    public var bed: String
    public var protocolID: String
    public var protocolVersion: Int
    public var protocolTitle: String
    public var therapist: String?
    public var patient: String?
    public var start: String
    public var end: String?
    public var status: Status
    public var events: Int
    /// Site labels (or ids) in the order the sites were started.
    public var sites: [String]
    public var notes: [String]
}

extension RecordStore {
    /// Every event, optionally only those at or after a wall time (`2026-11-23` or a full
    /// RFC 3339 time) and of one session, in sequence order.
    public func entries(since: String? = nil, session: String? = nil) throws(RecordError) -> [RecordEntry] {
        do {
            return try database.read { db in
                var request = RecordEntry.order(Column("seq"))
                if let since { request = request.filter(Column("wall_time") >= since) }
                if let session { request = request.filter(Column("session_id") == session) }
                return try request.fetchAll(db)
            }
        } catch {
            throw RecordError.cannotOpen(path, String(describing: error))
        }
    }

    /// The event types that end a session.
    public static let endingTypes = ["session.completed", "session.aborted"]

    /// For each bed, its latest session if that session never ended (dwelld stopped, crashed
    /// or lost power while it ran): its events in sequence order, keyed by bed.
    public func unfinishedSessions() throws(RecordError) -> [String: [RecordEntry]] {
        try latestSessions().filter { _, rows in !rows.contains { Self.endingTypes.contains($0.type) } }
    }

    /// For each bed, the rows of its latest session (the one that began last), in sequence order;
    /// only rows up to `through` when given. Record-level rows (`record.*`) are no session's.
    public func latestSessions(through last: Int64? = nil) throws(RecordError) -> [String: [RecordEntry]] {
        let limit = last ?? Int64.max
        do {
            return try database.read { db in
                let latest = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT bed, session_id, MAX(first) FROM (
                            SELECT bed, session_id, MIN(seq) AS first FROM events
                            WHERE seq <= ? AND type NOT LIKE 'record.%' GROUP BY session_id
                        ) GROUP BY bed
                        """, arguments: [limit])  // SQLite takes the bare columns from the row that holds MAX(first).
                var found: [String: [RecordEntry]] = [:]
                for row in latest {
                    let session: String = row["session_id"]
                    found[row["bed"]] = try RecordEntry.filter(
                        Column("session_id") == session && Column("seq") <= limit
                    )
                    .order(Column("seq")).fetchAll(db)
                }
                return found
            }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// For each bed, its latest patient call if nobody answered it (dwelld stopped while the
    /// patient was calling): the `record.patient-call` row, keyed by bed.
    public func standingCalls() throws(RecordError) -> [String: RecordEntry] {
        do {
            return try database.read { db in
                let rows = try RecordEntry.filter(
                    [Self.patientCallType, Self.callAnsweredType].contains(Column("type"))
                )
                .order(Column("seq")).fetchAll(db)
                var standing: [String: RecordEntry] = [:]
                for row in rows { standing[row.bed] = row.type == Self.patientCallType ? row : nil }
                return standing
            }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// Sessions in the order they started.
    public func sessions(since: String? = nil, session: String? = nil) throws(RecordError) -> [SessionSummary] {
        let entries = try entries(since: since, session: session)
        if let session, entries.isEmpty { throw RecordError.unknownSession(session) }
        return Self.sessions(of: entries)
    }

    /// The sessions `entries` hold, in the order they started (for records read elsewhere,
    /// such as the clinic hub's copy).
    public static func sessions(of entries: [RecordEntry]) -> [SessionSummary] {
        var order: [String] = []
        var grouped: [String: [RecordEntry]] = [:]
        for entry in entries where !entry.type.hasPrefix("record.") {
            if grouped[entry.sessionID] == nil { order.append(entry.sessionID) }
            grouped[entry.sessionID, default: []].append(entry)
        }
        return order.compactMap { id in grouped[id].flatMap(summary) }
    }

    static func summary(of entries: [RecordEntry]) -> SessionSummary? {
        guard let first = entries.first, let last = entries.last else { return nil }
        let status: SessionSummary.Status
        let end: String?
        switch entries.last(where: { endingTypes.contains($0.type) })?.type {
        case "session.completed": (status, end) = (.completed, last.wallTime)
        case "session.aborted": (status, end) = (.stopped, last.wallTime)
        default: (status, end) = (.inProgress, nil)
        }
        var sites: [String] = []
        for entry in entries where entry.type == "step.started" {
            if let name = entry.siteLabel ?? entry.site, !sites.contains(name) { sites.append(name) }
        }
        return SessionSummary(
            sessionID: first.sessionID, bed: first.bed, protocolID: first.protocolID,
            protocolVersion: first.protocolVersion, protocolTitle: first.protocolTitle, therapist: first.therapist,
            patient: first.patient, start: first.wallTime, end: end, status: status, events: entries.count,
            sites: sites, notes: entries.compactMap(\.note))
    }
}
