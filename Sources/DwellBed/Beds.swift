import DwellCore
import DwellProtocolFiles
import DwellRecord
import DwellRunner
import DwellWire
import DwellYAML
import Logging
import Synchronization

/// The room's beds, its protocols (reloadable) and its shared record writer: what dwelld
/// serves. It answers with typed bed status and throws ``BedError``; it knows nothing of HTTP.
public final class Beds: Sendable {
    public let settings: BedSettings
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
    public init(
        settings: BedSettings, outputs: [String: any IndicatorOutput], logger: Logger, hub: StateHub = StateHub()
    ) throws(BedsOpeningError) {
        self.settings = settings
        self.logger = logger
        self.hub = hub
        let loaded = ProtocolLibrary.load([settings.protocols], limits: settings.limits)
        guard loaded.isValid else { throw BedsOpeningError.protocols(loaded.diagnostics) }
        guard !loaded.protocols.isEmpty else {
            throw BedsOpeningError.protocols([
                FileDiagnostic(path: settings.protocols, message: "no protocol files (*.yaml) in this folder")
            ])
        }
        library = Mutex(loaded)
        let opening: RecordOpening
        let recovery: (entry: RecordEntry, acknowledged: Bool)?
        do throws(RecordError) {
            opening = try RecordStore.openChecked(path: settings.record)
            writer = try RecordWriter(store: opening.store)
            recovery = try opening.store.lastRecovery()
        } catch {
            throw BedsOpeningError.record(error)
        }
        damage = opening.damage
        fault = Mutex(recovery.map { RecordFault($0.entry, acknowledged: $0.acknowledged) })
        if let damage = opening.damage {
            logger.critical(
                """
                CLINIC RECORD DAMAGED: \(damage.problem). It was moved to \(damage.movedTo) (last verified row \
                \(damage.lastVerifiedSeq), hash \(damage.lastVerifiedHash)); a new record was started at \(settings.record). \
                Beds whose state the verified rows cannot establish are shown INTERRUPTED - needles may still be in.
                """)
        } else {
            logger.info(
                "clinic record checked: \(opening.check.walked) rows verified after the checkpoint at seq \(opening.check.checkedFrom)"
            )
            if let recovery, !recovery.acknowledged {
                logger.critical(
                    "the clinic record was recovered from a damaged one (\(recovery.entry.note ?? "")); not yet acknowledged"
                )
            }
        }
        var controllers: [String: BedController] = [:]
        for bed in settings.beds {
            guard let output = outputs[bed] else { throw BedsOpeningError.noOutputs(bed) }
            controllers[bed] = BedController(
                id: bed, output: output, writer: writer, hub: hub, limits: settings.limits, logger: logger)
        }
        self.controllers = controllers
    }

    public var bedNames: [String] { settings.beds }

    /// Honest restart: every bed whose latest session the record shows unfinished enters the
    /// "interrupted" alarm, rebuilt from the record. After a damaged record was replaced, every
    /// bed whose state the verified rows cannot establish does too, not resumable. Returns the
    /// beds that did.
    @discardableResult
    public func restoreInterrupted() async throws(BedsOpeningError) -> [String] {
        if let damage { return await restoreAfterDamage(damage) }
        let unfinished: [String: [RecordEntry]]
        do {
            unfinished = try writer.store.unfinishedSessions()
        } catch {
            throw BedsOpeningError.record(error)
        }
        var restored: [String] = []
        for (bed, rows) in unfinished.sorted(by: { $0.key < $1.key }) {
            guard let controller = controllers[bed] else {
                logger.critical(
                    "session \(rows.first?.sessionID ?? "?") on bed \(bed) never ended, but bed \(bed) is not configured here; check that bed"
                )
                continue
            }
            await controller.restore(rows, protocols: protocols, aftercare: settings.aftercare)
            if await controller.phase == .session(.interrupted) { restored.append(bed) }
        }
        await restoreStandingCalls()
        return restored
    }

    /// Calls nobody answered before dwelld stopped stand again on their beds.
    func restoreStandingCalls() async {
        let standing: [String: RecordEntry]
        do {
            standing = try writer.store.standingCalls()
        } catch {
            logger.error("the record's unanswered patient calls could not be read: \(error)")
            return
        }
        for (bed, row) in standing.sorted(by: { $0.key < $1.key }) {
            guard let controller = controllers[bed] else {
                logger.critical(
                    "a patient call on bed \(bed) was never answered, but bed \(bed) is not configured here")
                continue
            }
            await controller.restoreCall(row)
        }
    }

    func controller(_ bed: String) throws(BedError) -> BedController {
        guard let controller = controllers[bed] else { throw .unknownBed(bed, known: settings.beds) }
        return controller
    }

    /// Refuses a bed that is not configured here.
    public func check(bed: String) throws(BedError) {
        _ = try controller(bed)
    }

    public var protocols: [LoadedProtocol] {
        library.withLock { $0.protocols.sorted { $0.treatment.id < $1.treatment.id } }
    }

    func loaded(_ id: String) throws(BedError) -> LoadedProtocol {
        guard let found = library.withLock({ $0.protocols.first { $0.treatment.id == id } }) else {
            throw .unknownProtocol(id)
        }
        return found
    }

    /// Reloads run one at a time on a thread of their own (see ``ReloadQueue``).
    private let reloads = ReloadQueue<Result<Int, BedsOpeningError>>()

    /// Whether a protocol reload is being read and checked now.
    public var isReloadingProtocols: Bool { reloads.isRunning }

    /// Reloads the protocol folder. When anything is wrong the previous protocols stay active
    /// and the diagnostics are returned. The folder is read and checked on the reload thread,
    /// never on the threads that time the beds and answer the API; a reload asked for while
    /// one runs waits for the next run, shared by everyone who asked meanwhile.
    @discardableResult
    public func reloadProtocols() async -> Result<Int, BedsOpeningError> {
        await reloads.run { [self] in reloadNow() }
    }

    /// On the reload thread: load, check, and swap in when everything is valid.
    private func reloadNow() -> Result<Int, BedsOpeningError> {
        let fresh = ProtocolLibrary.load([settings.protocols], limits: settings.limits)
        guard fresh.isValid, !fresh.protocols.isEmpty else {
            let diagnostics =
                fresh.diagnostics.isEmpty
                ? [FileDiagnostic(path: settings.protocols, message: "no protocol files (*.yaml) in this folder")]
                : fresh.diagnostics
            for diagnostic in diagnostics { logger.error("protocol reload refused: \(diagnostic)") }
            logger.warning("keeping the \(library.withLock { $0.protocols.count }) protocols loaded before")
            return .failure(.protocols(diagnostics))
        }
        library.withLock { $0 = fresh }
        logger.info("reloaded \(fresh.protocols.count) protocols from \(settings.protocols)")
        return .success(fresh.protocols.count)
    }

    /// Starts a session on `bed` once consent and the checklist pass. When they do not, nothing
    /// is started and the refusal is recorded (``recordRefusal(_:request:bed:at:)``).
    public func start(_ request: StartRequest, on bed: String) async throws(BedError) -> BedStatus {
        let controller = try controller(bed)
        let checklist: String
        do throws(ScreeningRefusal) {
            checklist = try settings.checklist.screen(
                consent: request.consent == true, answers: request.screening ?? [:],
                acknowledged: Set(request.acknowledged ?? []))
        } catch {
            await recordRefusal(error, request: request, bed: bed)
            throw .screening(error)
        }
        do throws(WireError) {
            try request.checkIdentifiers()
        } catch {
            throw .invalid(error)
        }
        return try await controller.start(
            try loaded(request.protocol), therapist: request.therapist, patient: request.patient,
            checklist: checklist, aftercare: settings.aftercare)
    }

    /// Applies a therapist command to `bed`'s session.
    public func command(_ command: SessionCommand, bed: String) async throws(BedError) -> BedStatus {
        try await (try controller(bed)).command(command)
    }

    /// The patient on `bed` calls (a device, through the API; the board's `call` button does the
    /// same): in any phase, with or without a session. Recorded; a call already standing is kept.
    public func call(bed: String, from source: PatientCall.Source = .api) async throws(BedError) -> BedStatus {
        await (try controller(bed)).patientCall(from: source)
    }

    /// The bed as it stands, once the record holds everything its session reported.
    public func status(bed: String) async throws(BedError) -> BedStatus {
        await (try controller(bed)).status()
    }

    /// Every bed, in the configured order.
    public func statuses() async -> [BedStatus] {
        var statuses: [BedStatus] = []
        for bed in settings.beds { if let controller = controllers[bed] { statuses.append(await controller.status()) } }
        return statuses
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

/// Why the beds cannot be opened (or the protocols reloaded), in words an integrator can act on.
public enum BedsOpeningError: Error, CustomStringConvertible, Sendable {
    case protocols([FileDiagnostic])
    case record(RecordError)
    case noOutputs(String)

    public var description: String {
        switch self {
        case .protocols(let diagnostics): return diagnostics.map(\.description).joined(separator: "\n")
        case .record(let error): return "\(error)"
        case .noOutputs(let bed): return "board: no indicator outputs for bed \(bed)"
        }
    }
}
