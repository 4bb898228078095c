import DwellCore

/// One session read back from its record rows: what rebuilding it after a restart needs. It is
/// the inverse of ``SessionRecorder``: the recorded commands, at the offsets they arrived at,
/// become the history a ``SessionStateMachine`` replays, and every recorded event is what the
/// replay must make again. A session that cannot be replayed still yields its needle counts.
public struct RecordedSession: Sendable {
    /// The session's rows, in sequence order (never empty).
    public let rows: [RecordEntry]
    public let first: RecordEntry
    public let last: RecordEntry
    /// What every row of the session shares, as its first row holds it.
    public let context: SessionContext
    /// The `session.started` row; nil when the session was never started (only its checklist is
    /// recorded) or its start is not in the record (it began in a record found damaged).
    public let started: RecordEntry?
    /// The latest offset from session start any row reached, on the monotonic clock.
    public let lastOffset: Duration

    /// `rows`: one session's rows in sequence order; nil when there are none. `bed`: the bed the
    /// session is rebuilt on (the rows' own bed when nil).
    public init?(rows: [RecordEntry], bed: String? = nil) {
        guard let first = rows.first, let last = rows.last else { return nil }
        self.rows = rows
        self.first = first
        self.last = last
        context = SessionContext(
            sessionID: first.sessionID, bed: bed ?? first.bed, protocolID: first.protocolID,
            protocolVersion: first.protocolVersion, protocolTitle: first.protocolTitle,
            protocolSHA256: first.protocolSHA256, therapist: first.therapist, patient: first.patient)
        started = rows.first { $0.type == SessionEvent.Kind.sessionStarted.rawValue }
        lastOffset = .microseconds(rows.map(\.monotonicUs).max() ?? 0)
    }

    /// The clinic's limits the session started with (its `session.started` note), any limit the
    /// note does not name taken from `current`; `current` itself for rows from before limits were
    /// recorded. A restart replays and goes on with these.
    public func limits(current: ClinicLimits) -> ClinicLimits {
        ClinicLimits(recordNote: started?.note, fallback: current) ?? current
    }

    /// Only the pre-start checklist is recorded: the session was never started.
    public var isChecklistOnly: Bool { rows.allSatisfy { $0.type == SessionRecorder.checklistType } }

    /// Every recorded session event's kind and step, in order (checklist, fault and record rows
    /// are not session events).
    public var events: [(kind: SessionEvent.Kind, step: Int?)] {
        rows.compactMap { row in SessionEvent.Kind(rawValue: row.type).map { ($0, row.step) } }
    }

    /// Every step had run: the session reached its overrun.
    public var stepsDone: Bool { rows.contains { $0.type == SessionEvent.Kind.sessionOverrun.rawValue } }

    /// The session rebuilt on `treatment`: its history replayed up to ``lastOffset``, checked
    /// against every recorded event. Throws when a command row cannot be read back or the replay
    /// makes other events than the record holds (the protocol is not the one recorded).
    public func replay(
        _ treatment: TreatmentProtocol, limits: ClinicLimits
    ) throws(SessionStateMachine.ReplayMismatch)
        -> SessionStateMachine
    {
        try SessionStateMachine.replaying(
            treatment, limits: limits, history: history(), until: lastOffset, recorded: events)
    }

    /// The needle counts as the rows record them, for a session that cannot be replayed: placed at
    /// each site step's start (the protocol's number) and as corrected, removed as counted out.
    public var needles: NeedleLedger {
        var ledger = NeedleLedger()
        for row in rows {
            guard let count = row.needles else { continue }
            switch SessionEvent.Kind(rawValue: row.type) {
            case .stepStarted: if let step = row.step, ledger.placed[step] == nil { try? ledger.place(count, at: step) }
            case .needlesPlaced: if let step = row.step { try? ledger.place(count, at: step) }
            case .needlesRemoved: _ = try? ledger.remove(count, at: row.step)
            // A rapid removal counts nothing out; the count recovered after it does.
            case .needlesReconciled: ledger.recover(count)
            default: break
            }
        }
        return ledger
    }
}
