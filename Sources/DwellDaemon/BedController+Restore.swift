import CSystemClock
import DwellCore
import DwellProtocolFiles
import DwellRecord
import DwellRunner
import Foundation

/// Honest restart: a session the record shows never ended (power loss, crash, kill) is not
/// resumed silently. It is rebuilt from its recorded commands and held in the high-priority
/// "interrupted" alarm until a therapist resumes or finishes it.
extension BedController {
    /// Rebuilds the bed's unfinished session from its record rows. `protocols` are the loaded
    /// ones; the session can be resumed only with the very protocol file it started with.
    func restore(_ rows: [RecordEntry], protocols: [LoadedProtocol], aftercare: String, now: Date = Date(),
                 clockSynchronised: Bool? = SystemClock.isSynchronised) async {
        guard let first = rows.first, let last = rows.last,
              let started = rows.first(where: { $0.type == SessionEvent.Kind.sessionStarted.rawValue }) else {
            logger.notice("bed \(id): session \(rows.first?.sessionID ?? "?") was never started (only its checklist is recorded)")
            return
        }
        let lastOffset = Duration.microseconds(rows.map(\.monotonicUs).max() ?? 0)
        // How far into the session it is now: by the wall clock, but never before the last event.
        var uncertain = clockSynchronised != true
        var offset = lastOffset
        let sinceStart = RecordTime.date(from: started.wallTime).map { Duration.microseconds(Int64(now.timeIntervalSince($0) * 1_000_000)) }
        if let sinceStart, sinceStart >= lastOffset {
            offset = sinceStart
        } else {
            uncertain = true
        }
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
            let stand = protocols.first { $0.treatment.id == first.protocolID }?.treatment ?? TreatmentProtocol(
                id: first.protocolID, title: first.protocolTitle, version: first.protocolVersion, technique: .superficial, steps: [])
            machine = SessionStateMachine(interruptedAt: offset, treatment: stand, limits: limits, needles: Self.needles(rows),
                                          stepsDone: rows.contains { $0.type == SessionEvent.Kind.sessionOverrun.rawValue })
        }
        let context = SessionContext(
            sessionID: first.sessionID, bed: id, protocolID: first.protocolID, protocolVersion: first.protocolVersion,
            protocolTitle: first.protocolTitle, protocolSHA256: first.protocolSHA256, therapist: first.therapist, patient: first.patient)
        let runner = SessionRunner(machine: machine, clock: ContinuousClock(), output: output)
        let interruption = Interruption(
            startedAt: started.wallTime, lastEventAt: last.wallTime, detectedAt: RecordTime.string(from: now),
            sinceStartMs: offset.wholeMilliseconds, uncertain: uncertain, resumable: reason == nil, reason: reason)
        launch(ActiveSession(id: first.sessionID, treatment: machine.treatment, therapist: first.therapist, patient: first.patient,
                             aftercare: machine.treatment.aftercare ?? aftercare, runner: runner, interruption: interruption),
               recorder: SessionRecorder(writer: writer, context: context, treatment: machine.treatment))
        do throws(CommandRejection) {
            try await runner.adopt(at: offset)
        } catch {
            logger.error("bed \(id): session \(first.sessionID) cannot be shown as interrupted: \(error)")
            return
        }
        logger.critical("""
            bed \(id): session \(first.sessionID) (\(first.protocolTitle)) never ended: started \(offset.notation) ago \
            at \(started.wallTime)\(uncertain ? " (uncertain: the system clock is not synchronised)" : ""); \
            needles may still be in. The bed shows INTERRUPTED until a therapist resumes or finishes it.
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
