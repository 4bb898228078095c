/// One bed's session as a pure state machine: events in (a command, or the time the runner woke
/// it at), actions out (record an event, show a signal, wake me at). It holds no clock: every
/// time is an offset from session start that the caller passes in, and every deadline it asks
/// for is an offset too, so the runner schedules wake-ups as `start + offset`.
public struct SessionStateMachine: Sendable {
    public let treatment: TreatmentProtocol
    public let limits: ClinicLimits
    public internal(set) var state: State
    /// The latest time the machine was told about; times never go backwards.
    public internal(set) var now: Duration = .zero
    /// Needles counted in and out; the session cannot end while the two differ.
    public internal(set) var needles = NeedleLedger()
    /// The difference a therapist closed the unaccounted alarm with (for a recorded reason):
    /// the session may end with exactly this difference, or with the counts agreeing.
    public internal(set) var acceptedMismatch: Int?
    /// An alarm a therapist silenced, until when; it lapses when the phase changes.
    public internal(set) var silence: Silence?
    /// Needle time added to the steps so far (extensions of a step, or back from the overrun;
    /// not of observation, when the needles are out).
    public internal(set) var extended: Duration = .zero
    /// A pause that went past the clinic's pause limit with needles in: an alarm since when, and
    /// whether it has escalated. It ends with the pause, or when every needle is counted out.
    public internal(set) var pauseAlarm: PauseAlarm?
    /// Since when needles have been in without a break (the counts last went from agreeing to
    /// needles in): a pause's limit counts from the later of this and the pause, so needles counted
    /// back in during a pause give the full limit again, never a backdated alarm.
    public internal(set) var needlesInSince: Duration?
    /// When a therapist last touched the bed (any command but `interrupt`): the check-in timer
    /// (``ClinicLimits/checkEvery``) runs from here.
    public internal(set) var lastTouch: Duration = .zero
    /// The check-in came due and nobody has touched the bed since.
    public internal(set) var checkOverdue = false
    var signal: IndicatorSignal = .idle
    /// The step the shown signal belongs to: a new step re-anchors its pattern even when the
    /// signal is the same (two pistoning sites in a row pulse from their own starts).
    var signalStep: Int?
    var requestedWake: Duration?

    public struct StepProgress: Equatable, Sendable {
        public var index: Int
        public var startedAt: Duration
        public var end: Duration
        public var warning: Warning
    }

    /// The cue before a site step ends: still to come, given, or not due (rests, short sites).
    public enum Warning: Equatable, Sendable {
        case pending
        case given
        case none
    }

    public struct PauseAlarm: Equatable, Sendable {
        public var since: Duration
        public var escalated: Bool
    }

    public struct Silence: Equatable, Sendable {
        public var until: Duration
        public var phase: SessionPhase
    }

    /// How a session that is ending ends, once its needles are accounted for.
    public enum Closing: Equatable, Sendable {
        case observation
        case completed
        case aborted(step: Int?)
    }

    public enum State: Equatable, Sendable {
        case prepare
        case step(StepProgress)
        case paused(StepProgress, since: Duration)
        case overrun(since: Duration, escalated: Bool)
        case observation(startedAt: Duration, end: Duration)
        /// The session would close as `then`, but the needle counts differ.
        case unaccounted(since: Duration, then: Closing, escalated: Bool)
        /// The needles were removed at once (rapid removal): timing has stopped; the session closes
        /// as `then` once how many were recovered is entered (through `unaccounted` if they differ).
        /// Unanswered for `escalate_after`, the reminder escalates to high priority.
        case reconcile(since: Duration, then: Closing, escalated: Bool = false)
        /// dwelld restarted during `previous`; a therapist resumes (if `resumable`) or finishes.
        indirect case interrupted(since: Duration, escalated: Bool, resumable: Bool, previous: State)
        /// Every needle is out (`clinic.sweep`): the session closes as `then` (completed or
        /// aborted) once the couch and floor are checked for stray needles (`swept`).
        case sweep(since: Duration, then: Closing)
        case completed(at: Duration)
        case aborted(at: Duration)
    }

    public init(treatment: TreatmentProtocol, limits: ClinicLimits = .standard) {
        self.treatment = treatment
        self.limits = limits
        self.state = .prepare
    }

    /// The next offset at which time alone changes the session, if any.
    public var nextDeadline: Duration? {
        guard let checkIn = checkInDeadline else { return sessionDeadline }
        return min(checkIn, sessionDeadline ?? checkIn)
    }

    /// The next offset at which time alone changes the session's phase or alarm.
    private var sessionDeadline: Duration? {
        if let silence = activeSilence { return silence.until }
        switch state {
        case .step(let progress):
            if let warning = warningDeadline(progress) { return warning }
            return progress.end
        case .observation(_, let end): return end
        case .paused(_, let since): return pauseDeadline(since: since)
        default: return escalationDeadline
        }
    }

    /// When an unanswered alarm escalates, if it has not yet.
    var escalationDeadline: Duration? {
        switch state {
        case .overrun(let since, escalated: false), .unaccounted(let since, _, escalated: false),
            .reconcile(let since, _, escalated: false), .interrupted(let since, escalated: false, _, _):
            return since + limits.escalateAfter
        default: return nil
        }
    }

    /// The silence that applies now (it belongs to the phase it was asked in).
    public var activeSilence: Silence? {
        guard let silence, silence.phase == phase else { return nil }
        return silence
    }

    /// The signal the indicators should show now.
    public var currentSignal: IndicatorSignal { signal }

    /// Time left in the current step or observation (negative: overrun time, counting up).
    public func remaining(at time: Duration) -> Duration? {
        switch state {
        case .step(let progress): return progress.end - time
        case .paused(let progress, let since): return progress.end - since
        case .overrun(let since, _): return since - time
        case .observation(_, let end): return end - time
        case .prepare, .unaccounted, .reconcile, .interrupted, .sweep, .completed, .aborted: return nil
        }
    }

    /// The step in progress (also while paused).
    public var currentStepIndex: Int? {
        switch state {
        case .step(let progress), .paused(let progress, _): return progress.index
        default: return nil
        }
    }

    // MARK: Time

    /// Fires, in order, every deadline at or before `time`; each cue carries its own deadline.
    public mutating func advance(to time: Duration) -> [SessionAction] {
        var actions: [SessionAction] = []
        now = max(now, time)
        var anchor = now
        while let deadline = nextDeadline, deadline <= now {
            fire(deadline, into: &actions)
            noteNeedles(at: deadline)
            anchor = deadline
        }
        finish(&actions, signalSince: anchor)
        return actions
    }

    /// Fires every deadline up to `time` (a resume after an interruption catches up this way).
    mutating func fireDue(upTo time: Duration, into actions: inout [SessionAction]) {
        while let deadline = nextDeadline, deadline <= time { fire(deadline, into: &actions) }
    }

    private mutating func fire(_ deadline: Duration, into actions: inout [SessionAction]) {
        if activeSilence?.until == deadline {
            // The silence lapses; an alarm that came due meanwhile escalates now.
            silence = nil
            if let escalation = escalationDeadline, escalation <= deadline { escalate(at: deadline, into: &actions) }
            return
        }
        if checkInDeadline == deadline {
            fireCheckIn(at: deadline, into: &actions)
            return
        }
        switch state {
        case .step(var progress):
            if warningDeadline(progress) == deadline {
                progress.warning = .given
                state = .step(progress)
                actions.append(.record(event(.stepWarning, at: deadline, step: progress.index)))
            } else {
                endStep(progress, at: deadline, into: &actions)
            }
        case .observation:
            actions.append(.record(SessionEvent(.observationEnded, at: deadline, stepKind: .observation)))
            close(.completed, at: deadline, into: &actions)
        case .paused(let progress, _):
            firePauseAlarm(progress, at: deadline, into: &actions)
        default:
            if escalationDeadline == deadline { escalate(at: deadline, into: &actions) }
        }
    }

    private mutating func escalate(at time: Duration, into actions: inout [SessionAction]) {
        switch state {
        case .overrun(let since, _):
            state = .overrun(since: since, escalated: true)
            actions.append(.record(SessionEvent(.sessionEscalated, at: time)))
        case .unaccounted(let since, let then, _):
            state = .unaccounted(since: since, then: then, escalated: true)
            actions.append(
                .record(
                    SessionEvent(.sessionEscalated, at: time, needles: needles.difference, note: "needles unaccounted"))
            )
        case .reconcile(let since, let then, _):
            state = .reconcile(since: since, then: then, escalated: true)
            actions.append(
                .record(
                    SessionEvent(
                        .sessionEscalated, at: time, needles: needles.difference,
                        note: "needles removed at once not yet counted")))
        case .interrupted(let since, _, let resumable, let previous):
            state = .interrupted(since: since, escalated: true, resumable: resumable, previous: previous)
            actions.append(.record(SessionEvent(.sessionEscalated, at: time, note: "interrupted session")))
        default:
            break
        }
    }

    func warningDeadline(_ progress: StepProgress) -> Duration? {
        progress.warning == .pending ? progress.end - treatment.warnBefore : nil
    }

    // MARK: Transitions shared by time and commands

    mutating func begin(step index: Int, at time: Duration, into actions: inout [SessionAction]) {
        let step = treatment.steps[index]
        let end = time + step.duration
        // A rest has no warning; neither has a site too short for one.
        let warning: Warning = step.kind == .rest || step.duration <= treatment.warnBefore ? .none : .pending
        state = .step(StepProgress(index: index, startedAt: time, end: end, warning: warning))
        // The protocol's needles go in as the site starts (a therapist corrects the count).
        if let site = step.site, needles.placed[index] == nil { try? needles.place(site.needles, at: index) }
        actions.append(.record(event(.stepStarted, at: time, step: index)))
    }

    mutating func endStep(_ progress: StepProgress, at time: Duration, into actions: inout [SessionAction]) {
        actions.append(.record(event(.stepEnded, at: time, step: progress.index)))
        if progress.index + 1 < treatment.steps.count {
            begin(step: progress.index + 1, at: time, into: &actions)
        } else {
            state = .overrun(since: time, escalated: false)
            actions.append(.record(SessionEvent(.sessionOverrun, at: time)))
        }
    }

    /// Ends the session as `closing` once every needle counted in is counted out; until then
    /// the session is held in the high-priority "needles unaccounted" alarm.
    mutating func close(_ closing: Closing, at time: Duration, into actions: inout [SessionAction]) {
        guard needlesSettled else {
            state = .unaccounted(since: time, then: closing, escalated: false)
            actions.append(
                .record(SessionEvent(.needlesUnaccounted, at: time, needles: needles.difference, note: unaccountedNote))
            )
            return
        }
        proceed(to: closing, at: time, into: &actions)
    }

    /// The closing itself, with the needles accounted for (or a mismatch closed for a reason).
    mutating func proceed(to closing: Closing, at time: Duration, into actions: inout [SessionAction]) {
        switch closing {
        case .observation:
            state = .observation(startedAt: time, end: time + treatment.observation)
            actions.append(.record(SessionEvent(.observationStarted, at: time, stepKind: .observation)))
        case .completed, .aborted:
            if sweeps {
                state = .sweep(since: time, then: closing)
                actions.append(
                    .record(
                        SessionEvent(
                            .sweepStarted, at: time, needles: needles.totalPlaced,
                            note: "check the couch and floor for stray needles")))
            } else {
                end(closing, at: time, into: &actions)
            }
        }
    }

    /// The session's last row: completed or aborted.
    mutating func end(_ closing: Closing, at time: Duration, into actions: inout [SessionAction]) {
        switch closing {
        case .observation, .completed:
            state = .completed(at: time)
            actions.append(.record(SessionEvent(.sessionCompleted, at: time)))
        case .aborted(let step):
            state = .aborted(at: time)
            actions.append(.record(SessionEvent(.sessionAborted, at: time, step: step)))
        }
    }

    /// The counts agree, or differ by exactly what a therapist closed the alarm with.
    var needlesSettled: Bool { needles.isBalanced || needles.difference == acceptedMismatch }

    var unaccountedNote: String {
        let difference = needles.difference
        if difference > 0 {
            return
                "\(difference) needle\(difference == 1 ? "" : "s") counted in but not out: may still be in the patient"
        }
        return "\(-difference) more needle\(difference == -1 ? "" : "s") counted out than in: correct the count in"
    }

    func event(_ kind: SessionEvent.Kind, at time: Duration, step index: Int) -> SessionEvent {
        let step = treatment.steps[index]
        var event = SessionEvent(kind, at: time, step: index, stepKind: step.kind, site: step.site?.site)
        if step.kind == .site, kind == .stepStarted || kind == .stepEnded { event.needles = needles.placed[index] }
        return event
    }

    /// Appends the signal and wake-up changes the transitions caused; a new signal's pattern
    /// starts at `signalSince`, the time of the transition that caused it.
    mutating func finish(_ actions: inout [SessionAction], signalSince: Duration) {
        noteNeedles(at: signalSince)
        if pauseAlarm != nil, !pauseAlarmStands { pauseAlarm = nil }
        let newSignal = derivedSignal
        if let silence, silence.phase != phase { self.silence = nil }
        if newSignal != signal || currentStepIndex != signalStep {
            signal = newSignal
            signalStep = currentStepIndex
            actions.append(.show(newSignal, since: signalSince))
        }
        let wake = nextDeadline
        if wake != requestedWake {
            requestedWake = wake
            actions.append(.wake(at: wake))
        }
    }

    private var derivedSignal: IndicatorSignal {
        let signal = sessionSignal
        return checkOverdue && checksIn && signal.priority < .low ? .checkDue : signal
    }

    private var sessionSignal: IndicatorSignal {
        if activeSilence != nil { return .silenced }
        switch state {
        case .prepare, .completed, .aborted: return .idle
        case .step(let progress):
            guard let site = treatment.steps[progress.index].site else { return .rest }
            if progress.warning == .given { return .warning }
            let technique = site.technique ?? treatment.technique
            return .running(cadence: technique == .pistoning ? site.cadence : nil)
        case .paused: return pauseAlarm.map { .pauseOverdue(escalated: $0.escalated) } ?? .paused
        case .overrun(_, let escalated): return escalated ? .attentionEscalated : .attention
        case .observation: return .observation
        case .unaccounted(_, _, let escalated): return .unaccounted(escalated: escalated)
        case .reconcile(_, _, let escalated): return escalated ? .reconcileEscalated : .reconcile
        case .interrupted(_, let escalated, _, _): return .interrupted(escalated: escalated)
        case .sweep: return .sweep
        }
    }
}
