import CSystemClock
import DwellCore
import DwellProtocolFiles
import DwellRecord
import DwellRunner
import DwellWire
import Foundation

/// Honest restart: a session the record shows never ended (power loss, crash, kill) is not
/// resumed silently. It is rebuilt from its recorded commands and held in the high-priority
/// "interrupted" alarm until a therapist resumes or finishes it.
extension BedController {
    /// Rebuilds the bed's unfinished session from its record rows. `protocols` are the loaded
    /// ones; the session can be resumed only with the very protocol file it started with.
    func restore(
        _ rows: [RecordEntry], protocols: [LoadedProtocol], aftercare: String, now: Date = Date(),
        clockSynchronised: Bool? = SystemClock.isSynchronised
    ) async {
        guard let session = RecordedSession(rows: rows, bed: id) else { return }
        let context = session.context
        guard let started = session.started else {
            if session.isChecklistOnly {
                logger.notice(
                    "bed \(id): session \(context.sessionID) was never started (only its checklist is recorded)")
                return
            }
            // Events but no start: the session began in a record found damaged (or its start row is gone).
            await restoreUnverified(
                rows,
                reason: """
                    cannot resume: the clinic record holds no start of session \(context.sessionID) (it began in a record \
                    that was found damaged); count the needles at the bed and finish the session
                    """, protocols: protocols, aftercare: aftercare, now: now, clockSynchronised: clockSynchronised)
            return
        }
        let (offset, uncertain) = Self.elapsed(
            since: started, lastOffset: session.lastOffset, now: now, clockSynchronised: clockSynchronised)
        let loaded = protocols.first { $0.treatment.id == context.protocolID && $0.sha256 == context.protocolSHA256 }
        var reason: String?
        var machine: SessionStateMachine
        do throws(SessionStateMachine.ReplayMismatch) {
            guard let loaded else {
                throw .init(
                    description:
                        "protocol \(context.protocolID) v\(context.protocolVersion) is no longer loaded as it was when the session started"
                )
            }
            machine = try session.replay(loaded.treatment, limits: session.limits(current: limits))
        } catch {
            reason = "cannot resume: \(error.description); finish the session and start a new one"
            machine = Self.unresumable(
                session, at: offset, protocols: protocols, limits: session.limits(current: limits))
        }
        let interruption = Interruption(
            startedAt: started.wallTime, lastEventAt: session.last.wallTime, detectedAt: RecordTime.string(from: now),
            sinceStartMs: offset.wholeMilliseconds, uncertain: uncertain, resumable: reason == nil, reason: reason)
        await adoptInterrupted(machine, context: context, interruption: interruption, at: offset, aftercare: aftercare)
    }

    /// A bed whose state the record cannot establish (it was found damaged, or the session's start
    /// is not in it): shown interrupted, never resumable, never idle. `rows` are the session's
    /// verified rows when there are any (their needle counts and ids are shown), else nil: an
    /// unknown session.
    func restoreUnverified(
        _ rows: [RecordEntry]?, reason: String, protocols: [LoadedProtocol], aftercare: String,
        now: Date = Date(), clockSynchronised: Bool? = SystemClock.isSynchronised
    ) async {
        let detected = RecordTime.string(from: now)
        guard let rows, let session = RecordedSession(rows: rows, bed: id) else {
            let context = SessionContext(
                sessionID: UUID().uuidString.lowercased(), bed: id, protocolID: Self.unknownProtocol.id,
                protocolVersion: 0,
                protocolTitle: Self.unknownProtocol.title, protocolSHA256: "-", therapist: nil, patient: nil)
            let machine = SessionStateMachine(
                interruptedAt: .zero, treatment: Self.unknownProtocol, limits: limits,
                needles: NeedleLedger(), stepsDone: false)
            let interruption = Interruption(
                startedAt: detected, lastEventAt: detected, detectedAt: detected, sinceStartMs: 0,
                uncertain: true, resumable: false, reason: reason)
            await adoptInterrupted(
                machine, context: context, interruption: interruption, at: .zero, aftercare: aftercare)
            return
        }
        let started = session.started ?? session.first
        let (offset, uncertain) = Self.elapsed(
            since: started, lastOffset: session.lastOffset, now: now, clockSynchronised: clockSynchronised)
        let interruption = Interruption(
            startedAt: started.wallTime, lastEventAt: session.last.wallTime, detectedAt: detected,
            sinceStartMs: offset.wholeMilliseconds, uncertain: uncertain, resumable: false, reason: reason)
        await adoptInterrupted(
            Self.unresumable(session, at: offset, protocols: protocols, limits: session.limits(current: limits)),
            context: session.context, interruption: interruption, at: offset, aftercare: aftercare)
    }

    /// What an unknown session shows as its protocol.
    static let unknownProtocol = TreatmentProtocol(
        id: "unknown", title: "Unknown session (clinic record damaged)", version: 0, technique: .superficial, steps: [])

    /// How far into the session it is now: by the wall clock, but never before the last event;
    /// uncertain when the clock is not synchronised or went backwards.
    static func elapsed(
        since started: RecordEntry, lastOffset: Duration, now: Date, clockSynchronised: Bool?
    ) -> (Duration, Bool) {
        let sinceStart = RecordTime.date(from: started.wallTime).map {
            Duration.microseconds(Int64(now.timeIntervalSince($0) * 1_000_000))
        }
        if let sinceStart, sinceStart >= lastOffset { return (sinceStart, clockSynchronised != true) }
        return (lastOffset, true)
    }

    /// A machine that can only be finished, with the needles the rows count.
    static func unresumable(
        _ session: RecordedSession, at offset: Duration, protocols: [LoadedProtocol], limits: ClinicLimits
    ) -> SessionStateMachine {
        let context = session.context
        let stand =
            protocols.first { $0.treatment.id == context.protocolID }?.treatment
            ?? TreatmentProtocol(
                id: context.protocolID, title: context.protocolTitle, version: context.protocolVersion,
                technique: .superficial, steps: [])
        return SessionStateMachine(
            interruptedAt: offset, treatment: stand, limits: limits, needles: session.needles,
            stepsDone: session.stepsDone)
    }

    /// Makes the rebuilt session the bed's, interrupted (recorded), and says so loudly.
    func adoptInterrupted(
        _ machine: SessionStateMachine, context: SessionContext, interruption: Interruption, at offset: Duration,
        aftercare: String
    ) async {
        var interruption = interruption
        interruption.previousState = (machine.interruptedDuring ?? machine.phase).rawValue
        let runner = SessionRunner(machine: machine, clock: PrecisionClock(), output: output)
        launch(
            ActiveSession(
                id: context.sessionID, treatment: machine.treatment, therapist: context.therapist,
                patient: context.patient,
                aftercare: machine.treatment.aftercare ?? aftercare, runner: runner, interruption: interruption),
            recorder: SessionRecorder(writer: writer, context: context, treatment: machine.treatment))
        do throws(CommandRejection) {
            try await runner.adopt(at: offset)
        } catch {
            logger.error("bed \(id): session \(context.sessionID) cannot be shown as interrupted: \(error)")
            return
        }
        logger.critical(
            """
            bed \(id): session \(context.sessionID) (\(context.protocolTitle)) never ended: started \(offset.notation) ago \
            at \(interruption.startedAt)\(interruption.uncertain ? " (uncertain)" : ""); needles may still be in. \
            The bed shows INTERRUPTED until a therapist \(interruption.resumable ? "resumes or finishes" : "finishes") it\
            \(interruption.reason.map { ": " + $0 } ?? ".")
            """)
    }
}

/// The kernel's view of the wall clock.
enum SystemClock {
    /// Whether the clock is synchronised to a time source (nil when the kernel cannot say).
    static var isSynchronised: Bool? {
        switch dwell_clock_synchronised() {
        case 1: return true
        case 0: return false
        default: return nil
        }
    }
}
