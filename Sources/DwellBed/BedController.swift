import DwellCore
import DwellProtocolFiles
import DwellRecord
import DwellRunner
import DwellWire
import Foundation
import Logging

/// One bed: its indicator output, its current (or last) session, and the task that records the
/// session's events and publishes the bed's state after each of them.
///
/// Actor re-entrancy: every method that checks and then awaits reserves what it checked first
/// (`starting`), so two requests can never both pass the "bed is free" check.
actor BedController {
    let id: String
    let output: any IndicatorOutput
    let writer: RecordWriter
    let hub: StateHub
    let limits: ClinicLimits
    let logger: Logger
    private(set) var session: ActiveSession?
    /// What every row of the current session shares (for rows the bed writes itself: a call).
    private(set) var sessionContext: SessionContext?
    /// The patient call, on the bed's own timeline (offsets from `origin`).
    var call = PatientCall()
    /// When the standing call was made (UTC), for the status.
    var callWallTime: Date?
    /// The session runner showing the standing call, when it came during a session; nil when
    /// the idle indicator shows it.
    var callShownBy: SessionRunner<PrecisionClock>?
    /// The bed's lamps while it has no session in progress (a patient call).
    let idle: IdleIndicator<PrecisionClock>
    let origin = ContinuousClock.now
    private var consumer: Task<Void, Never>?
    /// A start is between its checks and its launch: the bed is taken.
    private var starting = false
    /// Per session: its reports handled (recorded, or failed to record) so far.
    private var handled: [String: Int] = [:]
    private var settling: [Settling] = []
    private var nextWaiter = 0
    /// How long an answer waits for the record to commit what the command did.
    static let settleLimit = Duration.seconds(5)

    private struct Settling {
        var id: Int
        var session: String
        var upTo: Int
        var waiter: CheckedContinuation<Void, Never>
    }

    init(
        id: String, output: any IndicatorOutput, writer: RecordWriter, hub: StateHub, limits: ClinicLimits,
        logger: Logger
    ) {
        self.id = id
        self.output = output
        self.writer = writer
        self.hub = hub
        self.limits = limits
        self.logger = logger
        idle = IdleIndicator(clock: PrecisionClock(), output: output)
    }

    /// The bed as it stands once every event the session has reported so far is in the record:
    /// nothing is shown that the record does not hold.
    func status() async -> BedStatus {
        guard let session else { return await withBedState(.idle(id)) }
        await settle(session)
        return await withBedState(BedStatus(bed: id, snapshot: await session.runner.snapshot(), session: session))
    }

    /// The bed's phase now, without waiting for the record (for the board's buttons).
    var phase: BedPhase {
        get async {
            guard let session else { return .idle }
            return .session(await session.runner.snapshot().phase)
        }
    }

    /// Starts a session once the checklist passed (`checklist`: its answers, for the record).
    /// The bed must be free (no session, or the last one has ended).
    func start(
        _ loaded: LoadedProtocol, therapist: String?, patient: String?, checklist: String, aftercare: String
    ) async throws(BedError) -> BedStatus {
        // Taken before the first await: a second start arriving meanwhile is refused here.
        guard !starting else { throw .busy("bed \(id) is starting a session already") }
        starting = true
        defer { starting = false }
        if let session, !(await session.runner.isFinished) {
            throw .busy("bed \(id) has a session in progress (\(session.treatment.title)); abort or finish it first")
        }
        if call.isCalling {
            throw .busy("the patient on bed \(id) is calling: answer the call at the bed (ack) first")
        }
        let runner = SessionRunner(
            machine: SessionStateMachine(treatment: loaded.treatment, limits: limits),
            clock: PrecisionClock(), output: output)
        let context = SessionContext(starting: loaded, bed: id, therapist: therapist, patient: patient)
        let recorder = SessionRecorder(writer: writer, context: context, treatment: loaded.treatment)
        do throws(RecordError) {
            try await recorder.recordChecklist(checklist)
        } catch {
            throw .recordUnavailable("the checklist could not be recorded, so nothing was started: \(error)")
        }
        launch(
            ActiveSession(
                id: context.sessionID, treatment: loaded.treatment, therapist: therapist, patient: patient,
                aftercare: loaded.treatment.aftercare ?? aftercare, runner: runner), recorder: recorder)
        do throws(CommandRejection) {
            try await runner.start()
        } catch {
            throw .cannotStart(error)
        }
        logger.info(
            "bed \(id): started \(loaded.treatment.id) v\(loaded.treatment.version), session \(context.sessionID)")
        return await status()
    }

    /// Makes `active` the bed's session and records its runner's reports, publishing the bed's
    /// state after each of them.
    func launch(_ active: ActiveSession, recorder: SessionRecorder) {
        session = active
        sessionContext = recorder.context
        handled[active.id] = 0
        // Not `self`: a closure capturing the actor's own `self` would run on the actor.
        let (bed, hub, logger, runner, controller) = (id, hub, logger, active.runner, self)
        consumer = Task {
            let left = await RecordedReports(runner: runner, recorder: recorder).run { outcome in
                switch outcome {
                case .unrecorded(_, let error): logger.error("bed \(bed): \(error)")
                case .delivered(.fault(let message, _), _):
                    logger.error("bed \(bed): indicator fault, timing goes on: \(message)")
                default: break
                }
                hub.publish(
                    await controller.withBedState(
                        BedStatus(bed: bed, snapshot: await runner.snapshot(), session: active)))
                await controller.reportHandled(session: active.id)
            }
            await controller.reportsEnded(session: active.id)
            if left > 0 {
                logger.critical("bed \(bed): \(left) events of session \(active.id) are NOT in the clinic record")
            }
        }
    }

    private func reportHandled(session: String) {
        let count = (handled[session] ?? 0) + 1
        handled[session] = count
        resume { $0.session == session && $0.upTo <= count }
    }

    /// The report stream ended (the session ended, or shutdown): nothing more will be recorded.
    private func reportsEnded(session: String) {
        handled[session] = nil
        resume { $0.session == session }
    }

    private func resume(where done: (Settling) -> Bool) {
        settling.removeAll { entry in
            guard done(entry) else { return false }
            entry.waiter.resume()
            return true
        }
    }

    /// Waits until every report the session has made so far is recorded (or its recording
    /// failed, which the bed shows as a fault), for at most `settleLimit`.
    private func settle(_ active: ActiveSession) async {
        let target = await active.runner.reportCount
        guard let count = handled[active.id], count < target else { return }
        nextWaiter += 1
        let id = nextWaiter
        await withCheckedContinuation { waiter in
            settling.append(Settling(id: id, session: active.id, upTo: target, waiter: waiter))
            Task {
                try? await Task.sleep(for: Self.settleLimit)
                await self.giveUp(id)
            }
        }
    }

    private func giveUp(_ id: Int) {
        resume { entry in
            guard entry.id == id else { return false }
            logger.warning(
                "bed \(self.id): the clinic record has not committed the latest events within \(Self.settleLimit); answering anyway"
            )
            return true
        }
    }

    /// Applies a therapist command; an illegal one is refused and changes nothing.
    func command(_ command: SessionCommand) async throws(BedError) -> BedStatus {
        // A therapist at the bed answers the patient's call first (see ``answerCall()``).
        if command == .acknowledge, call.isCalling { return await answerCall() }
        guard let session else { throw .noSession(id) }
        do throws(CommandRejection) {
            try await session.runner.send(command)
        } catch {
            throw .notPossible(error)
        }
        return await status()  // answered once the command's record rows are committed
    }

    /// A device fault outside the runner's outputs (a button that can no longer be read): the
    /// session shows it and keeps timing. Without a session there is nothing to show it on.
    func reportFault(_ message: String) async {
        await session?.runner.reportFault(message)
    }

    /// Proves the bed's runner answers (the watchdog is fed only when every bed does).
    func ping() async {
        _ = await session?.runner.snapshot()
    }

    /// Shutdown: outputs to their safe (off) values; every event already reported is written
    /// (the halted runner's report stream ends, and its consumer drains it into the record).
    func shutdown() async {
        await session?.runner.halt()
        await consumer?.value
        let off = Lamp.allCases.map { LampChange(lamp: $0, on: false, at: .zero) }
        do {
            try output.apply(off)
        } catch {
            logger.error("bed \(id): cannot set outputs to safe values: \(error)")
        }
    }
}
