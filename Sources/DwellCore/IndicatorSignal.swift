/// What a bed's indicators mean, independent of how they are wired.
public enum IndicatorSignal: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// No session, or it has ended: every output off.
    case idle
    /// Needles in, timing runs; pistoning sites pulse at their cadence.
    case running(cadence: Cadence?)
    /// The site step ends soon (`warn_before`).
    case warning
    /// A rest between sites.
    case rest
    /// Timing is held by the therapist (information: slow amber "breathing", not an alarm).
    case paused
    /// Paused past the clinic's pause limit with needles in: medium priority like an unanswered
    /// overrun (the same lamps and buzzer), high priority once escalated.
    case pauseOverdue(escalated: Bool)
    /// Post-session rest before the patient gets up.
    case observation
    /// The last step has ended and nobody has acknowledged yet (medium priority).
    case attention
    /// Still unacknowledged after the clinic's interval (high priority).
    case attentionEscalated
    /// Needles counted in and out differ (high priority; escalated when nobody answers).
    case unaccounted(escalated: Bool)
    /// Needles removed at once: enter how many were recovered (medium priority, a reminder).
    case reconcile
    /// The count after a rapid removal still not entered after `escalate_after` (high priority).
    case reconcileEscalated
    /// dwelld restarted during the session: needles may still be in (high priority).
    case interrupted(escalated: Bool)
    /// A therapist silenced an alarm for a while: it still stands, quietly, and looks different.
    case silenced
    /// The patient pressed the call button (or a device called): high priority until a therapist
    /// answers at the bed. Shown over every session signal but an escalated high-priority alarm.
    case calling
    /// Nobody has looked in on the patient for the clinic's `check_every` (low priority).
    case checkDue
    /// The needles are out: check the couch and floor for stray needles (low priority).
    case sweep

    public var name: String {
        switch self {
        case .idle: return "idle"
        case .running: return "running"
        case .warning: return "warning"
        case .rest: return "rest"
        case .paused: return "paused"
        case .pauseOverdue(let escalated): return escalated ? "pause-overdue-escalated" : "pause-overdue"
        case .observation: return "observation"
        case .attention: return "attention"
        case .attentionEscalated: return "attention-escalated"
        case .unaccounted(let escalated): return escalated ? "needles-unaccounted-escalated" : "needles-unaccounted"
        case .interrupted(let escalated): return escalated ? "interrupted-escalated" : "interrupted"
        case .silenced: return "silenced"
        case .reconcile: return "reconcile"
        case .reconcileEscalated: return "reconcile-escalated"
        case .calling: return "calling"
        case .checkDue: return "check-due"
        case .sweep: return "sweep"
        }
    }

    /// How urgent the signal is, IEC 60601-1-8 style; a patient call is shown over a signal of
    /// lower rank, the check-in cue over information only.
    public var priority: Priority {
        switch self {
        case .idle, .running, .warning, .rest, .paused, .observation: return .information
        case .checkDue, .sweep: return .low
        case .attention, .pauseOverdue(escalated: false), .reconcile, .silenced: return .medium
        case .attentionEscalated, .pauseOverdue(escalated: true), .unaccounted(escalated: false),
            .interrupted(escalated: false), .reconcileEscalated, .calling:
            return .high
        case .unaccounted(escalated: true), .interrupted(escalated: true): return .escalated
        }
    }

    public enum Priority: Int, Comparable, Sendable {
        case information
        case low
        case medium
        case high
        /// High priority, unanswered past `escalate_after` (the shortest buzzer silence).
        case escalated

        public static func < (lhs: Priority, rhs: Priority) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What a bed shows when its patient calls while its session shows `self`: the call, unless
    /// the session's alarm is already escalated high priority (its status still says `call`).
    public func withCall(_ calling: Bool) -> IndicatorSignal {
        guard calling, priority < .escalated else { return self }
        return .calling
    }

    public var description: String {
        if case .running(let cadence?) = self { return "running @\(cadence)" }
        return name
    }
}

/// The physical indicators of one bed. A board maps each to a line (or the simulator's lamp).
public enum Lamp: String, CaseIterable, Sendable, Comparable {
    case green
    case amber
    case red
    case buzzer

    private var rank: Int {
        switch self {
        case .green: return 0
        case .amber: return 1
        case .red: return 2
        case .buzzer: return 3
        }
    }

    public static func < (lhs: Lamp, rhs: Lamp) -> Bool { lhs.rank < rhs.rank }
}
