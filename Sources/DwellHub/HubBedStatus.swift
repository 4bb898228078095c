import Logging
import PostgresNIO

/// One bed's live status as the clinic board shows it: the room's API JSON (`BedStatus`), kept
/// as it is, with the hub's clock saying when it arrived.
public struct HubBedStatus: Equatable, Sendable {
    public var bed: String
    /// `GET /api/v1/beds/{bed}`'s JSON.
    public var json: String

    public init(bed: String, json: String) {
        self.bed = bed
        self.json = json
    }

    /// Upserts the room's beds (its own rows only; row-level security), which wakes the clinic
    /// board through the trigger's `NOTIFY dwell_status`.
    static func upsert(_ statuses: [HubBedStatus], device: String, client: PostgresClient, logger: Logger) async throws
    {
        guard !statuses.isEmpty else { return }
        let beds = statuses.map(\.bed)
        let documents = statuses.map(\.json)
        try await client.query(
            """
            INSERT INTO dwell.bed_status (device, bed, status)
            SELECT \(device), b, s::jsonb FROM unnest(\(beds)::text[], \(documents)::text[]) AS t(b, s)
            ON CONFLICT (device, bed) DO UPDATE SET status = excluded.status
            """, logger: logger)
    }
}

/// What the forwarder last sent of the beds: a bed's status goes when it changes, and every bed's
/// at least every ``heartbeat`` so the clinic board knows the room is there.
struct BedStatusPacer {
    static let heartbeat = Duration.seconds(3)
    private var sent: [String: String] = [:]
    private var lastBeat: ContinuousClock.Instant?

    /// The statuses to send now (taken as sent: after a failure the forwarder starts a new pacer).
    mutating func take(_ statuses: [HubBedStatus], at now: ContinuousClock.Instant) -> [HubBedStatus] {
        let beat = lastBeat.map { now - $0 >= Self.heartbeat } ?? true
        let due = beat ? statuses : statuses.filter { sent[$0.bed] != $0.json }
        for status in due { sent[status.bed] = status.json }
        if beat { lastBeat = now }
        return due
    }
}
