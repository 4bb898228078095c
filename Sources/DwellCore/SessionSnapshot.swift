/// Where a bed's session stands at one moment: what panels, status pages and the API show.
public struct SessionSnapshot: Equatable, Sendable {
    public var title: String
    public var phase: SessionPhase
    public var signal: IndicatorSignal
    /// The offset from session start this snapshot was taken at.
    public var elapsed: Duration
    public var stepIndex: Int?
    public var stepCount: Int
    /// The current step's (or observation's) time left; negative in overrun (counting up).
    public var remaining: Duration?
    public var current: String?
    public var next: String?
    public var lamps: [Lamp: Bool]
    public var fault: Bool
    /// The planned session length (the steps' sum) and its elapsed share, for progress bars.
    public var plannedLength: Duration
    /// Needles counted in and out, per site.
    public var needles: NeedleLedger
    /// How much longer a silenced alarm stays quiet.
    public var silencedFor: Duration?
    /// Time until the check-in is due, negative once overdue (nil: no check-in timer now).
    public var checkIn: Duration?

    public init(machine: SessionStateMachine, at elapsed: Duration, lamps: [Lamp: Bool], fault: Bool) {
        let steps = machine.treatment.steps
        title = machine.treatment.title
        phase = machine.phase
        signal = machine.currentSignal
        self.elapsed = elapsed
        stepIndex = machine.currentStepIndex
        stepCount = steps.count
        remaining = machine.remaining(at: elapsed)
        self.lamps = lamps
        self.fault = fault
        plannedLength = machine.treatment.stepsTotal
        needles = machine.needles
        silencedFor = machine.activeSilence.map { $0.until - elapsed }
        checkIn = machine.checkIn(at: elapsed)
        let observation =
            machine.treatment.observation > .zero ? "observation \(machine.treatment.observation.notation)" : nil
        switch machine.state {
        case .prepare:
            next = steps.first.map(Self.describe)
        case .step(let progress), .paused(let progress, _):
            current = Self.describe(steps[progress.index])
            next = progress.index + 1 < steps.count ? Self.describe(steps[progress.index + 1]) : "remove needles"
        case .overrun:
            current = "remove needles, then acknowledge"
            next = observation ?? "complete"
        case .observation:
            current = "observation: patient rests"
            next = "complete"
        case .unaccounted(_, let then, _):
            current = machine.unaccountedNote
            switch then {
            case .observation: next = observation ?? "complete"
            case .completed: next = "complete"
            case .aborted: next = "end (aborted)"
            }
        case .reconcile(_, let then, _):
            let still = machine.needles.difference
            current =
                "\(still) needle\(still == 1 ? "" : "s") removed at once (needle shock or fainting): "
                + "enter how many were recovered"
            next = then == .completed ? "complete" : "end (aborted)"
        case .interrupted(_, _, let resumable, _):
            current = "dwelld restarted during this session: needles may still be in"
            next = resumable ? "count the needles, then resume or finish" : "count the needles, then finish"
        case .sweep(_, let then):
            current = "every needle is out: check the couch and floor for stray needles, then confirm (swept)"
            next = then == .completed ? "complete" : "end (aborted)"
        case .completed, .aborted:
            break
        }
    }

    static func describe(_ step: Step) -> String {
        switch step {
        case .site(let site):
            return
                "\(site.displayName) · \(site.needles) needle\(site.needles == 1 ? "" : "s") · \(site.dwell.notation)"
        case .rest(let rest): return "rest \(rest.duration.notation)"
        }
    }
}
