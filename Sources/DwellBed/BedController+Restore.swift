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
    func restore(_ rows: [RecordEntry], protocols: [LoadedProtocol], aftercare: String, now: Date = Date(),
                 clockSynchronised: Bool? = SystemClock.isSynchronised) async {
        guard let first = rows.first, let last = rows.last else { return }
        guard let started = rows.first(where: { $0.type == SessionEvent.Kind.sessionStarted.rawValue }) else {
            if rows.allSatisfy({ $0.type == SessionRecorder.checklistType }) {
                logger.notice("bed \(id): session \(first.sessionID) was never started (only its checklist is recorded)")
                return
            }
            // Events but no start: the session began in a record found damaged (or its start row is gone).
            await restoreUnverified(rows, reason: """
                cannot resume: the clinic record holds no start of session \(first.sessionID) (it began in a record \
                that was found damaged); count the needles at the bed and finish the session
                """, protocols: protocols, aftercare: aftercare, now: now, clockSynchronised: clockSynchronised)
            return
        }
        let lastOffset = Duration.microseconds(rows.map(\.monotonicUs).max() ?? 0)
        let (offset, uncertain) = Self.elapsed(since: started, lastOffset: lastOffset, now: now, clockSynchronised: clockSynchronised)
        let loaded = protocols.first { $0.treatment.id == first.protocolID && $0.sha256 == first.protocolSHA256 }
        var reason: String?
        var machine: SessionStateMachine
        do throws(SessionStateMachine.ReplayMismatch) {
            guard let loaded else {
                throw .init(description: "protocol \(first.protocolID) v\(first.protocolVersion) is no longer loaded as it was when the session started")
            }
            machine = try .replaying(loaded.treatment, limits: limits, history: Self.history(rows), until: lastOffset,
                                     recorded: rows.compactMap { row in SessionEvent.Kind(rawValue: row.type).map { ($0, row.step) } })
        } catch {
            reason = "cannot resume: \(error.description); finish the session and start a new one"
            machine = Self.unresumable(rows, at: offset, protocols: protocols, limits: limits)
        }
        let interruption = Interruption(
            startedAt: started.wallTime, lastEventAt: last.wallTime, detectedAt: RecordTime.string(from: now),
            sinceStartMs: offset.wholeMilliseconds, uncertain: uncertain, resumable: reason == nil, reason: reason)
        await adoptInterrupted(machine, context: Self.context(of: first, bed: id), interruption: interruption, at: offset, aftercare: aftercare)
    }

    /// A bed whose state the record cannot establish (it was found damaged, or the session's start
    /// is not in it): shown interrupted, never resumable, never idle. `rows` are the session's
    /// verified rows when there are any (their needle counts and ids are shown), else nil: an
    /// unknown session.
    func restoreUnverified(_ rows: [RecordEntry]?, reason: String, protocols: [LoadedProtocol], aftercare: String,
                           now: Date = Date(), clockSynchronised: Bool? = SystemClock.isSynchronised) async {
        let detected = RecordTime.string(from: now)
        guard let rows, let first = rows.first, let last = rows.last else {
            let context = SessionContext(
                sessionID: UUID().uuidString.lowercased(), bed: id, protocolID: Self.unknownProtocol.id, protocolVersion: 0,
                protocolTitle: Self.unknownProtocol.title, protocolSHA256: "-", therapist: nil, patient: nil)
            let machine = SessionStateMachine(interruptedAt: .zero, treatment: Self.unknownProtocol, limits: limits,
                                              needles: NeedleLedger(), stepsDone: false)
            let interruption = Interruption(startedAt: detected, lastEventAt: detected, detectedAt: detected, sinceStartMs: 0,
                                            uncertain: true, resumable: false, reason: reason)
            await adoptInterrupted(machine, context: context, interruption: interruption, at: .zero, aftercare: aftercare)
            return
        }
        let started = rows.first { $0.type == SessionEvent.Kind.sessionStarted.rawValue } ?? first
        let lastOffset = Duration.microseconds(rows.map(\.monotonicUs).max() ?? 0)
        let (offset, uncertain) = Self.elapsed(since: started, lastOffset: lastOffset, now: now, clockSynchronised: clockSynchronised)
        let interruption = Interruption(startedAt: started.wallTime, lastEventAt: last.wallTime, detectedAt: detected,
                                        sinceStartMs: offset.wholeMilliseconds, uncertain: uncertain, resumable: false, reason: reason)
        await adoptInterrupted(Self.unresumable(rows, at: offset, protocols: protocols, limits: limits),
                               context: Self.context(of: first, bed: id), interruption: interruption, at: offset, aftercare: aftercare)
    }

    /// What an unknown session shows as its protocol.
    static let unknownProtocol = TreatmentProtocol(
        id: "unknown", title: "Unknown session (clinic record damaged)", version: 0, technique: .superficial, steps: [])

    /// How far into the session it is now: by the wall clock, but never before the last event;
    /// uncertain when the clock is not synchronised or went backwards.
    static func elapsed(since started: RecordEntry, lastOffset: Duration, now: Date, clockSynchronised: Bool?) -> (Duration, Bool) {
        let sinceStart = RecordTime.date(from: started.wallTime).map { Duration.microseconds(Int64(now.timeIntervalSince($0) * 1_000_000)) }
        if let sinceStart, sinceStart >= lastOffset { return (sinceStart, clockSynchronised != true) }
        return (lastOffset, true)
    }

    /// A machine that can only be finished, with the needles the rows count.
    static func unresumable(_ rows: [RecordEntry], at offset: Duration, protocols: [LoadedProtocol], limits: ClinicLimits) -> SessionStateMachine {
        let first = rows.first
        let stand = protocols.first { $0.treatment.id == first?.protocolID }?.treatment ?? TreatmentProtocol(
            id: first?.protocolID ?? unknownProtocol.id, title: first?.protocolTitle ?? unknownProtocol.title,
            version: first?.protocolVersion ?? 0, technique: .superficial, steps: [])
        return SessionStateMachine(interruptedAt: offset, treatment: stand, limits: limits, needles: needles(rows),
                                   stepsDone: rows.contains { $0.type == SessionEvent.Kind.sessionOverrun.rawValue })
    }

    static func context(of first: RecordEntry, bed: String) -> SessionContext {
        SessionContext(sessionID: first.sessionID, bed: bed, protocolID: first.protocolID, protocolVersion: first.protocolVersion,
                       protocolTitle: first.protocolTitle, protocolSHA256: first.protocolSHA256, therapist: first.therapist,
                       patient: first.patient)
    }

    /// Makes the rebuilt session the bed's, interrupted (recorded), and says so loudly.
    func adoptInterrupted(_ machine: SessionStateMachine, context: SessionContext, interruption: Interruption, at offset: Duration,
                          aftercare: String) async {
        let runner = SessionRunner(machine: machine, clock: ContinuousClock(), output: output)
        launch(ActiveSession(id: context.sessionID, treatment: machine.treatment, therapist: context.therapist, patient: context.patient,
                             aftercare: machine.treatment.aftercare ?? aftercare, runner: runner, interruption: interruption),
               recorder: SessionRecorder(writer: writer, context: context, treatment: machine.treatment))
        do throws(CommandRejection) {
            try await runner.adopt(at: offset)
        } catch {
            logger.error("bed \(id): session \(context.sessionID) cannot be shown as interrupted: \(error)")
            return
        }
        logger.critical("""
            bed \(id): session \(context.sessionID) (\(context.protocolTitle)) never ended: started \(offset.notation) ago \
            at \(interruption.startedAt)\(interruption.uncertain ? " (uncertain)" : ""); needles may still be in. \
            The bed shows INTERRUPTED until a therapist \(interruption.resumable ? "resumes or finishes" : "finishes") it\
            \(interruption.reason.map { ": " + $0 } ?? ".")
            """)
    }

    /// The recorded commands, in order, with the offsets they arrived at.
    static func history(_ rows: [RecordEntry]) -> [SessionStateMachine.HistoryEntry] {
        rows.compactMap { row in
            guard let kind = SessionEvent.Kind(rawValue: row.type), kind.isCommand, let command = command(kind, row) else { return nil }
            return .init(at: .microseconds(row.monotonicUs), command: command)
        }
    }

    static func command(_ kind: SessionEvent.Kind, _ row: RecordEntry) -> SessionCommand? {
        switch kind {
        case .sessionStarted: return .start
        case .sessionPaused: return .pause
        case .sessionResumed, .interruptionResumed: return .resume
        case .stepExtended:
            guard let note = row.note, note.hasPrefix(SessionRecorder.extensionNote) else { return nil }
            return (try? Duration.parse(notation: String(note.dropFirst(SessionRecorder.extensionNote.count)))).map { .extend($0) }
        case .stepSkipped: return .skip
        case .sessionAcknowledged: return .acknowledge
        case .sessionStopped: return .abort
        case .needlesPlaced: return row.needles.map { .placeNeedles(count: $0, step: row.step) }
        case .needlesRemoved: return row.needles.map { .removeNeedles(count: $0, step: row.step) }
        case .rapidRemoval: return .rapidRemoval
        case .mismatchClosed:
            return .closeWithMismatch(reason: String((row.note ?? "").dropFirst(SessionEvent.adverseEventPrefix.count)))
        case .alarmSilenced: return .silence
        case .sessionInterrupted: return .interrupt
        case .interruptionFinished: return .finish
        default: return nil
        }
    }

    /// The needle counts as the rows record them, for a session that cannot be replayed.
    static func needles(_ rows: [RecordEntry]) -> NeedleLedger {
        var ledger = NeedleLedger()
        for row in rows {
            guard let count = row.needles else { continue }
            switch SessionEvent.Kind(rawValue: row.type) {
            case .stepStarted: if let step = row.step, ledger.placed[step] == nil { try? ledger.place(count, at: step) }
            case .needlesPlaced: if let step = row.step { try? ledger.place(count, at: step) }
            case .needlesRemoved: _ = try? ledger.remove(count, at: row.step)
            case .rapidRemoval: if count > 0 { _ = try? ledger.remove(nil, at: nil) }
            default: break
            }
        }
        return ledger
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
