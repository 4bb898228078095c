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
        case sessionAcknowledged = "session.acknowledged"
        case observationStarted = "observation.started"
        case observationEnded = "observation.ended"
        case sessionCompleted = "session.completed"
        case sessionAborted = "session.aborted"

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

    public init(_ kind: Kind, at: Duration, step: Int? = nil, stepKind: StepKind? = nil,
                site: String? = nil, added: Duration? = nil) {
        self.kind = kind
        self.at = at
        self.step = step
        self.stepKind = stepKind
        self.site = site
        self.added = added
    }
}

/// What a therapist (button, page, CLI) asks of a session.
public enum SessionCommand: Equatable, Sendable, CustomStringConvertible {
    case start
    case pause
    case resume
    /// Adds time to the current step (or observation); from an overrun it returns to the last site.
    case extend(Duration)
    case skip
    case abort
    case acknowledge

    public static let defaultExtension: Duration = .seconds(60)
    public static let maximumExtension: Duration = .seconds(30 * 60)

    public var name: String {
        switch self {
        case .start: return "start"
        case .pause: return "pause"
        case .resume: return "resume"
        case .extend: return "extend"
        case .skip: return "skip"
        case .abort: return "abort"
        case .acknowledge: return "acknowledge"
        }
    }

    public var description: String {
        if case .extend(let amount) = self { return "extend +\(amount.notation)" }
        return name
    }
}

/// A command the session refused in its current phase; the session is unchanged.
public struct CommandRejection: Error, Equatable, Sendable, CustomStringConvertible {
    public var command: SessionCommand
    public var phase: SessionPhase
    public var reason: String

    public init(command: SessionCommand, phase: SessionPhase, reason: String) {
        self.command = command
        self.phase = phase
        self.reason = reason
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
    case completed
    case aborted
}
