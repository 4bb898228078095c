import DwellRecord
import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The `hub:` part of dwelld's config: where the clinic hub is and who this room is.
public struct HubSettings: Equatable, Sendable {
    public var address: HubAddress
    public var passwordFile: String
    public var device: String
    /// Rows per batch (one transaction each).
    public var batchRows: Int
    public static let defaultBatchRows = 500

    public init(address: HubAddress, passwordFile: String, device: String, batchRows: Int = defaultBatchRows) {
        self.address = address
        self.passwordFile = passwordFile
        self.device = device
        self.batchRows = batchRows
    }
}

/// Store and forward inside dwelld: sends every record row after the last one the hub holds,
/// in batches of one transaction each, and keeps the hub's acknowledgement in the record. It
/// runs beside the beds and never waits on them or they on it; when the hub is away it retries
/// with backoff (1 s doubling to 30 s) and the board goes on recording. Nothing is deleted
/// locally because it was forwarded.
public struct HubForwarder: Service {
    public let store: RecordStore
    public let settings: HubSettings
    public let password: String
    public let state: HubForwardingState
    public let logger: Logger
    /// How often an idle forwarder looks for new rows.
    public var idleInterval: Duration = .seconds(1)
    /// Each batch's deadline, after which it is abandoned and retried.
    public var batchDeadline: Duration = .seconds(15)
    public static let longestBackoff: Duration = .seconds(30)
    /// The room's beds as the clinic board shows them; nil: only the record is forwarded.
    public let statuses: (@Sendable () async -> [HubBedStatus])?

    public init(
        store: RecordStore, settings: HubSettings, password: String, state: HubForwardingState, logger: Logger,
        statuses: (@Sendable () async -> [HubBedStatus])? = nil
    ) {
        self.statuses = statuses
        self.store = store
        self.settings = settings
        self.password = password
        self.state = state
        self.logger = logger
    }

    public func run() async throws {
        let forwarder = self
        var backoff = Duration.seconds(1)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let contact = state.current.lastContact
            do {
                // A fresh pool for each spell of contact: after a failure nothing of the old
                // connections (or their reconnect backoff) is reused.
                try await HubClient.with(settings.address, password: password, logger: logger) { client in
                    try await forwarder.forwardWhileReachable(client)
                    return true
                }
            } catch {
                if state.current.lastContact != contact { backoff = .seconds(1) }
                let problem = HubError.from(error).description
                if state.current.lastError == nil {
                    logger.warning("clinic hub: \(problem); retrying with backoff, the board records on")
                }
                state.failed(problem)
                let delay = backoff
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: delay) }
                backoff = min(backoff * 2, Self.longestBackoff)
            }
        }
    }

    /// Sends batches until the hub fails (thrown) or dwelld shuts down.
    func forwardWhileReachable(_ client: PostgresClient) async throws {
        var position: Int64?
        var pacer = BedStatusPacer()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let from = position
            let step = try await HubClient.within(batchDeadline, "a batch to \(settings.address.redacted)") {
                try await self.forward(client, from: from)
            }
            position = step.position
            if let statuses {
                let due = pacer.take(await statuses(), at: .now)
                if !due.isEmpty {
                    let (device, logger) = (settings.device, self.logger)
                    try await HubClient.within(batchDeadline, "bed status to \(settings.address.redacted)") {
                        try await HubBedStatus.upsert(due, device: device, client: client, logger: logger)
                    }
                }
            }
            if state.current.lastError != nil { logger.notice("clinic hub: reachable again, forwarding") }
            state.succeeded(at: Date())
            guard step.sent < settings.batchRows else { continue }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.idleInterval) }
        }
    }

    /// One step: learns the hub's head for this device when `position` is unknown, then sends
    /// the next batch. Returns the new position and how many rows went.
    func forward(_ client: PostgresClient, from known: Int64?) async throws -> (position: Int64, sent: Int) {
        let device = settings.device
        var position = known ?? 0
        if known == nil {
            let logger = self.logger
            let hubHead = try await client.withConnection { connection in
                try await HubUpload.head(of: device, on: connection, logger: logger)
            }
            if let hubHead {
                guard let local = try store.entry(seq: hubHead.seq) else {
                    throw HubError.fork(
                        device: device, seq: hubHead.seq, "the hub holds it but this board's record ends before it")
                }
                guard local.hash == hubHead.hash else {
                    throw HubError.fork(device: device, seq: hubHead.seq, "its hash differs from this board's row")
                }
                position = hubHead.seq
                try await acknowledge(local)
            }
        }
        let entries = try store.entries(after: position, limit: settings.batchRows)
        guard let last = entries.last else { return (position, 0) }
        let rows = try entries.map { entry in try HubRow(device: device, entry: entry) }
        try await HubUpload.send(rows, client: client, logger: logger)
        try await acknowledge(last)
        return (last.seq, rows.count)
    }

    func acknowledge(_ entry: RecordEntry) async throws {
        if let known = try store.hubAcknowledged(), known.device == settings.device, known.seq == entry.seq { return }
        try await store.setHubAcknowledged(
            HubAcknowledgement(
                device: settings.device, seq: entry.seq, hash: entry.hash,
                acknowledgedAt: RecordTime.string(from: Date())))
    }
}
