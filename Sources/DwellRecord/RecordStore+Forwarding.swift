import GRDB

/// How far the clinic hub holds this record: the last row it acknowledged.
public struct HubAcknowledgement: Equatable, Sendable {
    /// The room id the rows were forwarded as.
    public var device: String
    public var seq: Int64
    public var hash: String
    /// When the hub acknowledged it (RFC 3339, UTC).
    public var acknowledgedAt: String

    public init(device: String, seq: Int64, hash: String, acknowledgedAt: String) {
        self.device = device
        self.seq = seq
        self.hash = hash
        self.acknowledgedAt = acknowledgedAt
    }
}

/// What the forwarder reads from the record and keeps in it. Nothing is deleted or changed in
/// `events` because it was forwarded: the acknowledgement lives in a table of its own.
extension RecordStore {
    /// Rows after `seq`, in sequence order, at most `limit`.
    public func entries(after seq: Int64, limit: Int) throws(RecordError) -> [RecordEntry] {
        do {
            return try database.read { db in
                try RecordEntry.filter(Column("seq") > seq).order(Column("seq")).limit(limit).fetchAll(db)
            }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// The row numbered `seq`, if the record has it.
    public func entry(seq: Int64) throws(RecordError) -> RecordEntry? {
        do {
            return try database.read { db in try RecordEntry.filter(Column("seq") == seq).fetchOne(db) }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// The last row's sequence number and hash (`(0, genesis)` for an empty record), and the
    /// wall time of the last row.
    public func headRow() throws(RecordError) -> (seq: Int64, hash: String, wallTime: String?) {
        do {
            return try database.read { db in
                let row = try Row.fetchOne(db, sql: "SELECT seq, hash, wall_time FROM events ORDER BY seq DESC LIMIT 1")
                return row.map { ($0["seq"], $0["hash"], $0["wall_time"]) } ?? (0, RecordChain.genesis, nil)
            }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// The wall time of the first row after `seq` (how long the oldest unsent row has waited).
    public func wallTime(after seq: Int64) throws(RecordError) -> String? {
        do {
            return try database.read { db in
                try String.fetchOne(
                    db, sql: "SELECT wall_time FROM events WHERE seq > ? ORDER BY seq LIMIT 1", arguments: [seq])
            }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// The hub's last acknowledgement, or nil before the first.
    public func hubAcknowledged() throws(RecordError) -> HubAcknowledgement? {
        do {
            return try database.read { db in
                guard try db.tableExists("hub_acknowledgement") else { return nil }
                return try Row.fetchOne(db, sql: "SELECT * FROM hub_acknowledgement WHERE id = 1").map {
                    HubAcknowledgement(
                        device: $0["device"], seq: $0["seq"], hash: $0["hash"], acknowledgedAt: $0["acknowledged_at"])
                }
            }
        } catch {
            throw Self.openError(path, error)
        }
    }

    /// Keeps the hub's acknowledgement (one row, replaced).
    public func setHubAcknowledged(_ acknowledgement: HubAcknowledgement) async throws(RecordError) {
        do {
            try await database.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO hub_acknowledgement (id, device, seq, hash, acknowledged_at) VALUES (1, ?, ?, ?, ?)
                        ON CONFLICT (id) DO UPDATE SET device = excluded.device, seq = excluded.seq,
                            hash = excluded.hash, acknowledged_at = excluded.acknowledged_at
                        """,
                    arguments: [
                        acknowledgement.device, acknowledgement.seq, acknowledgement.hash,
                        acknowledgement.acknowledgedAt,
                    ])
            }
        } catch {
            throw RecordError.writeFailed(String(describing: error))
        }
    }
}
