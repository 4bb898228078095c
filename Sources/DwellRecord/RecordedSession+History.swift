import DwellCore

/// The commands a session's rows record, read back: each command row becomes the command that
/// made it, at the offset it arrived at. The inverse of what ``SessionRecorder`` writes.
extension RecordedSession {
    /// The recorded commands, in order. Throws, naming the row, when a command row lacks what
    /// its command needs (an extension without its amount, a needle count without its number).
    public func history() throws(SessionStateMachine.ReplayMismatch) -> [SessionStateMachine.HistoryEntry] {
        var history: [SessionStateMachine.HistoryEntry] = []
        for row in rows {
            guard let kind = SessionEvent.Kind(rawValue: row.type), let command = try Self.command(kind, row) else {
                continue
            }
            history.append(.init(at: .microseconds(row.monotonicUs), command: command))
        }
        return history
    }

    /// The command a row of `kind` records; nil for the kinds that follow from time or from
    /// commands (exactly those that are not ``SessionEvent/Kind/isCommand``).
    static func command(
        _ kind: SessionEvent.Kind, _ row: RecordEntry
    )
        throws(SessionStateMachine.ReplayMismatch) -> SessionCommand?
    {
        func lacking(_ what: String) -> SessionStateMachine.ReplayMismatch {
            .init(description: "the recorded \(row.type) (seq \(row.seq)) holds no \(what)")
        }
        switch kind {
        case .sessionStarted: return .start
        case .sessionPaused: return .pause
        case .sessionResumed, .interruptionResumed: return .resume
        case .stepExtended:
            guard let amount = row.extensionAmount else { throw lacking("amount (amount_ms)") }
            return .extend(amount, reason: row.reason)
        case .stepSkipped: return .skip
        case .sessionAcknowledged: return .acknowledge
        case .sessionStopped: return .abort
        case .needlesPlaced:
            guard let count = row.needles else { throw lacking("needle count") }
            return .placeNeedles(count: count, step: row.step)
        case .needlesRemoved:
            guard let count = row.needles else { throw lacking("needle count") }
            return .removeNeedles(count: count, step: row.step)
        case .rapidRemoval: return .rapidRemoval
        case .needlesReconciled:
            guard let count = row.needles else { throw lacking("needle count") }
            return .reconcile(recovered: count)
        case .mismatchClosed:
            guard let reason = row.mismatchReason else { throw lacking("reason") }
            return .closeWithMismatch(reason: reason)
        case .alarmSilenced: return .silence
        case .sessionInterrupted: return .interrupt
        case .interruptionFinished: return .finish
        case .checkDone: return .checked
        case .sweepDone: return .swept
        case .stepStarted, .stepWarning, .stepEnded, .sessionOverrun, .sessionEscalated, .pauseOverdue,
            .observationStarted,
            .observationEnded, .sessionCompleted, .sessionAborted, .needlesUnaccounted, .checkDue, .sweepStarted:
            return nil
        }
    }
}
