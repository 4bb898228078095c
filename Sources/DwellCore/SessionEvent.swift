/// Something that happened in a session, at an offset from its start on the monotonic timeline.
/// Timed cues carry the offset they were scheduled for; commands carry the offset they arrived at.
public struct SessionEvent: Equatable, Sendable {
    public enum Kind: String, CaseIterable, Sendable {
        case sessionStarted = "session.started"
        case stepStarted = "step.started"
        case stepWarning = "step.warning"
        case stepEnded = "step.ended"
        case sessionPaused = "session.paused"
        case sessionResumed = "session.resumed"
        case stepExtended = "step.extended"
        case stepSkipped = "step.skipped"
        case sessionOverrun = "session.overrun"
        case sessionEscalated = "session.escalated"
        /// Paused past the clinic's pause limit with needles in: the pause became an alarm.
        case pauseOverdue = "session.pause-overdue"
        case sessionAcknowledged = "session.acknowledged"
        case observationStarted = "observation.started"
        case observationEnded = "observation.ended"
        case sessionCompleted = "session.completed"
        case sessionAborted = "session.aborted"
        /// Abort was asked for while needles are counted in: the session ends once they are out.
        case sessionStopped = "session.stopped"
        case needlesPlaced = "needles.placed"
        case needlesRemoved = "needles.removed"
        /// The session would end, but the needles counted out differ from those counted in.
        case needlesUnaccounted = "needles.unaccounted"
        /// Needle shock or fainting: the needles still in were removed at once, to be counted after
        /// (`needles`: how many were counted in then).
        case rapidRemoval = "needles.rapid-removal"
        /// After a rapid removal: how many needles were recovered (and counted out).
        case needlesReconciled = "needles.reconciled"
        /// Closed with the counts differing, for a stated reason: a possible adverse event.
        case mismatchClosed = "needles.mismatch-closed"
        case alarmSilenced = "alarm.silenced"
        /// dwelld found the session unfinished in the record when it started.
        case sessionInterrupted = "session.interrupted"
        case interruptionResumed = "interruption.resumed"
        case interruptionFinished = "interruption.finished"
        /// Nobody touched the bed for the clinic's `check_every` during the session: the
        /// check-in cue (low priority) comes on.
        case checkDue = "check.due"
        /// A therapist looked in on the patient (`checked`): the check-in timer starts over.
        case checkDone = "check.done"
        /// The last needle is out: the bed waits for the couch and floor to be checked for stray
        /// needles before the session reads completed (or aborted).
        case sweepStarted = "sweep.started"
        /// The couch and floor were checked for stray needles (`swept`).
        case sweepDone = "sweep.done"

        /// Events a therapist (or the daemon, for `session.interrupted`) causes; every other
        /// kind follows from time or from these, so replaying these rebuilds a session.
        public var isCommand: Bool {
            switch self {
            case .sessionStarted, .sessionPaused, .sessionResumed, .stepExtended, .stepSkipped, .sessionAcknowledged,
                .sessionStopped, .needlesPlaced, .needlesRemoved, .rapidRemoval, .needlesReconciled, .mismatchClosed,
                .alarmSilenced,
                .sessionInterrupted, .interruptionResumed, .interruptionFinished, .checkDone, .sweepDone:
                return true
            case .stepStarted, .stepWarning, .stepEnded, .sessionOverrun, .sessionEscalated, .pauseOverdue,
                .observationStarted,
                .observationEnded, .sessionCompleted, .sessionAborted, .needlesUnaccounted, .checkDue, .sweepStarted:
                return false
            }
        }
    }

    public var kind: Kind
    /// Offset from session start: the deadline for a cue, the arrival time for a command.
    public var at: Duration
    /// The 0-based step index, where the event is about a step.
    public var step: Int?
    public var stepKind: StepKind?
    /// The site id, for site steps.
    public var site: String?
    /// How much was added, for `step.extended`.
    public var added: Duration?
    /// A needle count: placed at the site (`step.started`, `step.ended`, `needles.placed`),
    /// removed (`needles.removed`), still in when removed at once (`needles.rapid-removal`), recovered
    /// (`needles.reconciled`), or placed − removed
    /// (`needles.unaccounted`, `needles.mismatch-closed`).
    public var needles: Int?
    /// Words for the record: a reason, or what an alarm is about.
    public var note: String?
    /// The therapist's stated reason, as given: for closing with the counts differing, or for an
    /// extension past the clinic's longest session.
    public var reason: String?

    public init(
        _ kind: Kind, at: Duration, step: Int? = nil, stepKind: StepKind? = nil,
        site: String? = nil, added: Duration? = nil, needles: Int? = nil, note: String? = nil, reason: String? = nil
    ) {
        self.kind = kind
        self.at = at
        self.step = step
        self.stepKind = stepKind
        self.site = site
        self.added = added
        self.needles = needles
        self.note = note
        self.reason = reason
    }
}

/// What a therapist (button, page, CLI) asks of a session.
public enum SessionCommand: Equatable, Sendable, CustomStringConvertible {
    case start
    case pause
    case resume
    /// Adds time to the current step (or observation); from an overrun it returns to the last site.
    /// Past the clinic's longest session it needs a `reason` (recorded); past its hard limit it
    /// is refused (``ClinicLimits/hardLimit``).
    case extend(Duration, reason: String? = nil)
    case skip
    case abort
    case acknowledge
    /// Corrects how many needles are in at a site step that has started (nil: the current one).
    case placeNeedles(count: Int, step: Int?)
    /// Counts needles out at a site, or anywhere (`step` nil); `count` nil: all still in there.
    case removeNeedles(count: Int?, step: Int?)
    /// Needle shock or fainting: every needle out at once, counted later; timing stops and the
    /// session waits in `reconcile` for how many were recovered.
    case rapidRemoval
    /// After a rapid removal: how many needles were recovered. A match ends the session; a
    /// mismatch holds it in "needles unaccounted".
    case reconcile(recovered: Int)
    /// Ends a "needles unaccounted" alarm with the counts differing, for a stated reason.
    case closeWithMismatch(reason: String)
    /// Silences an alarm's buzzer for ``ClinicLimits/silenceFor``; the lamps show it is silenced.
    case silence
    /// The daemon found the session unfinished at start-up (never a therapist's command).
    case interrupt
    /// After an interruption: end the session now (needles must still be counted out).
    case finish
    /// A therapist looked in on the patient: records it and starts the check-in timer over
    /// (any other command on the bed does too, unrecorded as a check).
    case checked
    /// In `sweep`: the couch and floor were checked for stray needles; the session ends.
    case swept

    public static let defaultExtension: Duration = .seconds(60)
    public static let maximumExtension: Duration = .seconds(30 * 60)
    /// The most needles a `reconcile` may say were recovered.
    public static let maximumRecovered = 999

    public var name: String {
        switch self {
        case .start: return "start"
        case .pause: return "pause"
        case .resume: return "resume"
        case .extend: return "extend"
        case .skip: return "skip"
        case .abort: return "abort"
        case .acknowledge: return "acknowledge"
        case .placeNeedles: return "place needles"
        case .removeNeedles: return "remove needles"
        case .rapidRemoval: return "rapid removal"
        case .reconcile: return "reconcile"
        case .closeWithMismatch: return "close with a mismatch"
        case .silence: return "silence"
        case .interrupt: return "interrupt"
        case .finish: return "finish"
        case .checked: return "checked"
        case .swept: return "swept"
        }
    }

    public var description: String {
        switch self {
        case .extend(let amount, nil): return "extend +\(amount.notation)"
        case .extend(let amount, let reason?): return "extend +\(amount.notation) (\(reason))"
        case .placeNeedles(let count, _): return "place needles (\(count) in)"
        case .removeNeedles(let count?, _): return "remove needles (\(count) out)"
        case .removeNeedles(nil, _): return "remove needles (every one still in)"
        case .reconcile(let recovered): return "reconcile (\(recovered) recovered)"
        default: return name
        }
    }
}

/// A command the session refused in its current phase; the session is unchanged.
public struct CommandRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public var command: SessionCommand
    public var phase: SessionPhase
    public var reason: String
    /// The same command with a stated reason would be taken (an extension past the clinic's
    /// longest session).
    public var needsReason: Bool

    public init(command: SessionCommand, phase: SessionPhase, reason: String, needsReason: Bool = false) {
        self.command = command
        self.phase = phase
        self.reason = reason
        self.needsReason = needsReason
    }

    public var description: String { "cannot \(command) while \(phase.rawValue): \(reason)" }
}

/// What the session machine asks its runner to do.
public enum SessionAction: Equatable, Sendable {
    /// Write the event to the record and tell listeners.
    case record(SessionEvent)
    /// Show a signal; its pattern starts at `since` (an offset from session start).
    case show(IndicatorSignal, since: Duration)
    /// Wake the machine at this offset (replacing any earlier request), or never (`nil`).
    case wake(at: Duration?)
}

/// The phase a bed's session is in, as the API and the panel name it.
public enum SessionPhase: String, Sendable, CaseIterable {
    case prepare
    case running
    case rest
    case paused
    case overrun
    case observation
    /// Needles counted in and out differ; the session cannot end (high priority).
    case unaccounted
    /// Needles removed at once (needle shock, fainting): how many were recovered is still to be
    /// entered (a medium-priority reminder).
    case reconcile
    /// dwelld restarted while the session ran: needles may still be in (high priority).
    case interrupted
    /// Every needle is out: the couch and floor are to be checked for stray needles (`swept`)
    /// before the session ends (`clinic.sweep`; a low-priority reminder).
    case sweep
    case completed
    case aborted
}
