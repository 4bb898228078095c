import DwellCore
import DwellIndicators
import DwellProtocolFiles
import DwellRecord
import DwellYAML
import Logging
import Synchronization

/// The daemon's beds, its protocols (reloadable) and its shared record writer.
public final class DaemonBeds: Sendable {
    public let config: DaemonConfig
    public let hub: StateHub
    let writer: RecordWriter
    let logger: Logger
    let controllers: [String: BedController]
    private let library: Mutex<ProtocolLibrary>
    /// The damaged record found at this start-up, if any (moved aside and replaced).
    let damage: RecordDamage?
    /// The record fault shown until acknowledged (this start-up's, or an earlier one not yet acknowledged).
    let fault: Mutex<RecordFault?>

    /// Opens the record and loads the protocols; a bad protocol folder or a record that cannot be
    /// opened refuses to start. The record is checked first (``RecordStore/openChecked(path:now:)``):
    /// a damaged one is moved aside and replaced, and the fault is shown until acknowledged.
    /// `hub`: the event streams' broadcaster (how many may be open at once, their heartbeat).
    public init(config: DaemonConfig, outputs: [String: any IndicatorOutput], logger: Logger, hub: StateHub = StateHub()) throws(DaemonError) {
        self.config = config
        self.logger = logger
        self.hub = hub
        let loaded = ProtocolLibrary.load([config.protocols], limits: config.limits)
        guard loaded.isValid else { throw DaemonError.protocols(loaded.diagnostics) }
        guard !loaded.protocols.isEmpty else {
            throw DaemonError.protocols([FileDiagnostic(path: config.protocols, message: "no protocol files (*.yaml) in this folder")])
        }
        library = Mutex(loaded)
        let opening: RecordOpening
        let recovery: (entry: RecordEntry, acknowledged: Bool)?
        do throws(RecordError) {
            opening = try RecordStore.openChecked(path: config.record)
            writer = try RecordWriter(store: opening.store)
            recovery = try opening.store.lastRecovery()
        } catch {
            throw DaemonError.record(error)
        }
        damage = opening.damage
        fault = Mutex(recovery.map { RecordFault($0.entry, acknowledged: $0.acknowledged) })
        if let damage = opening.damage {
            logger.critical("""
                CLINIC RECORD DAMAGED: \(damage.problem). It was moved to \(damage.movedTo) (last verified row \
                \(damage.lastVerifiedSeq), hash \(damage.lastVerifiedHash)); a new record was started at \(config.record). \
                Beds whose state the verified rows cannot establish are shown INTERRUPTED - needles may still be in.
                """)
        } else {
            logger.info("clinic record checked: \(opening.check.walked) rows verified after the checkpoint at seq \(opening.check.checkedFrom)")
            if let recovery, !recovery.acknowledged {
                logger.critical("the clinic record was recovered from a damaged one (\(recovery.entry.note ?? "")); not yet acknowledged")
            }
        }
        var controllers: [String: BedController] = [:]
        for bed in config.beds {
            guard let output = outputs[bed] else { throw DaemonError.board("no indicator outputs for bed \(bed)") }
            controllers[bed] = BedController(id: bed, output: output, writer: writer, hub: hub, limits: config.limits, logger: logger)
        }
        self.controllers = controllers
    }

    public var bedNames: [String] { config.beds }

    /// Honest restart: every bed whose latest session the record shows unfinished enters the
    /// "interrupted" alarm, rebuilt from the record. After a damaged record was replaced, every
    /// bed whose state the verified rows cannot establish does too, not resumable. Returns the
    /// beds that did.
    @discardableResult
    public func restoreInterrupted() async throws(DaemonError) -> [String] {
        if let damage { return await restoreAfterDamage(damage) }
        let unfinished: [String: [RecordEntry]]
        do {
            unfinished = try writer.store.unfinishedSessions()
        } catch {
            throw DaemonError.record(error)
        }
        var restored: [String] = []
        for (bed, rows) in unfinished.sorted(by: { $0.key < $1.key }) {
            guard let controller = controllers[bed] else {
                logger.critical("session \(rows.first?.sessionID ?? "?") on bed \(bed) never ended, but bed \(bed) is not configured here; check that bed")
                continue
            }
            await controller.restore(rows, protocols: protocols, aftercare: config.aftercare)
            if await controller.state().state == SessionPhase.interrupted.rawValue { restored.append(bed) }
        }
        return restored
    }

    func controller(_ bed: String) throws(Problem) -> BedController {
        guard let controller = controllers[bed] else { throw Problem.unknownBed(bed, known: config.beds) }
        return controller
    }

    public var protocols: [LoadedProtocol] {
        library.withLock { $0.protocols.sorted { $0.treatment.id < $1.treatment.id } }
    }

    func loaded(_ id: String) throws(Problem) -> LoadedProtocol {
        guard let found = library.withLock({ $0.protocols.first { $0.treatment.id == id } }) else { throw Problem.unknownProtocol(id) }
        return found
    }

    /// Reloads run one at a time on a thread of their own (see ``ReloadQueue``).
    private let reloads = ReloadQueue<Result<Int, DaemonError>>()

    /// Whether a protocol reload is being read and checked now.
    public var isReloadingProtocols: Bool { reloads.isRunning }

    /// Reloads the protocol folder. When anything is wrong the previous protocols stay active
    /// and the diagnostics are returned. The folder is read and checked on the reload thread,
    /// never on the threads that time the beds and answer the API; a reload asked for while
    /// one runs waits for the next run, shared by everyone who asked meanwhile.
    @discardableResult
    public func reloadProtocols() async -> Result<Int, DaemonError> {
        await reloads.run { [self] in reloadNow() }
    }

    /// On the reload thread: load, check, and swap in when everything is valid.
    private func reloadNow() -> Result<Int, DaemonError> {
        let fresh = ProtocolLibrary.load([config.protocols], limits: config.limits)
        guard fresh.isValid, !fresh.protocols.isEmpty else {
            let diagnostics = fresh.diagnostics.isEmpty
                ? [FileDiagnostic(path: config.protocols, message: "no protocol files (*.yaml) in this folder")] : fresh.diagnostics
            for diagnostic in diagnostics { logger.error("protocol reload refused: \(diagnostic)") }
            logger.warning("keeping the \(library.withLock { $0.protocols.count }) protocols loaded before")
            return .failure(.protocols(diagnostics))
        }
        library.withLock { $0 = fresh }
        logger.info("reloaded \(fresh.protocols.count) protocols from \(config.protocols)")
        return .success(fresh.protocols.count)
    }

    /// A command from outside the API (a board button); returns why it was refused, if it was.
    public func command(_ command: SessionCommand, bed: String) async -> String? {
        do throws(Problem) {
            _ = try await controller(bed).command(command)
            return nil
        } catch {
            return error.detail
        }
    }

    /// A bed's phase (`idle` before its first session), for mapping board buttons.
    public func phase(bed: String) async -> SessionPhase? {
        guard let state = await controllers[bed]?.state() else { return nil }
        return SessionPhase(rawValue: state.state)
    }

    public func states() async -> [BedState] {
        var states: [BedState] = []
        for bed in config.beds { if let controller = controllers[bed] { states.append(await controller.state()) } }
        return states
    }

    /// Every bed's engine answers: what the systemd watchdog is fed by.
    public func ping() async {
        for controller in controllers.values { await controller.ping() }
    }

    /// Shutdown: halt timing, outputs to safe values, then wait until queued record writes are in.
    public func shutdown() async {
        for controller in controllers.values { await controller.shutdown() }
        let left = await writer.retry()
        if left > 0 { logger.critical("\(left) events could not be written to the clinic record at shutdown") }
        writer.store.close()
    }
}

/// Why the daemon cannot start (or reload), in words an integrator can act on.
public enum DaemonError: Error, CustomStringConvertible, Sendable {
    case config([FileDiagnostic])
    case protocols([FileDiagnostic])
    case record(RecordError)
    case board(String)
    case token(String)

    public var description: String {
        switch self {
        case .config(let diagnostics), .protocols(let diagnostics):
            return diagnostics.map(\.description).joined(separator: "\n")
        case .record(let error): return "\(error)"
        case .board(let message): return "board: \(message)"
        case .token(let message): return "API token: \(message)"
        }
    }
}
