import DwellCore

/// Drives one bed's ``SessionStateMachine`` on a clock. Every wake-up is scheduled as
/// `origin + offset / speed` from the session's start instant — never a sum of sleeps — so
/// lateness never accumulates, and pauses or extensions only move the offsets still to come.
/// Lamp patterns are rendered by the same single timer, at their exact edge offsets.
public actor SessionRunner<C: Clock> where C.Duration == Duration {
    let clock: C
    /// Session time runs this many times faster than the clock (`--speed 60`: a minute per second).
    let speed: Int
    let output: any IndicatorOutput
    var machine: SessionStateMachine
    var origin: C.Instant?
    var script: [ScriptedCommand]
    var pendingCommands: [(at: Duration, command: SessionCommand)] = []
    var machineWake: Duration?
    var lamps = LampTimeline()
    /// The indicator output failed (cleared only by a new session).
    var outputFault = false
    /// The record could not be written (cleared by ``clearFault()`` once it can again).
    var recordFault = false
    var fault: Bool { outputFault || recordFault }
    var halted = false
    /// The patient is calling: the lamps show the call over the session's signal
    /// (``IndicatorSignal/withCall(_:)``), from this offset.
    var callSince: Duration?
    /// The signal whose patterns the lamps were last given.
    var displayed: IndicatorSignal = .idle
    var timer: (task: Task<Void, Never>, target: Duration)?
    /// On a ``PrecisionClock``: the timer thread's driver of the lamp and buzzer edges (the
    /// runner's own timer then wakes only for cues and commands).
    let edges: LampDriver?
    var generation = 0
    nonisolated let sender: ReportSender
    /// How many times the timer has woken the runner (for footprint measurements).
    public internal(set) var wakeCount = 0
    /// How many reports have been sent on ``reports`` so far.
    public var reportCount: Int { sender.count }
    /// Everything the runner does, in order; finishes when the session has ended.
    public nonisolated let reports: AsyncStream<RunnerReport>
    /// Where the runner's work runs: on a ``PrecisionClock`` the real-time runner thread, so a
    /// cue is handled as soon as the timer thread wakes it; on other clocks Swift's pool, as any
    /// actor's (an instant run then interleaves with whoever reads its reports).
    nonisolated let home: RunnerHome

    public nonisolated var unownedExecutor: UnownedSerialExecutor { home.executor }

    public init(
        machine: SessionStateMachine, clock: C, output: any IndicatorOutput, speed: Int = 1,
        script: [ScriptedCommand] = []
    ) {
        self.machine = machine
        self.clock = clock
        self.output = output
        self.speed = max(1, speed)
        self.script = script
        let (reports, continuation) = AsyncStream.makeStream(of: RunnerReport.self, bufferingPolicy: .unbounded)
        let sender = ReportSender(continuation)
        (self.reports, self.sender) = (reports, sender)
        home = clock is PrecisionClock ? .thread(.realtime) : .pool(PoolIsolation())
        edges = (clock as? PrecisionClock).map { precise in
            LampDriver(timer: precise.timer, output: output, speed: speed) { sender.send($0) }
        }
    }

    /// Starts the session now; the start instant is the origin of every later offset.
    public func start() throws(CommandRejection) {
        let now = clock.now
        if origin == nil { origin = now }
        beginEdges()
        try send(.start)
    }

    /// Takes over a session rebuilt from the record after a restart: `offset` is how far into
    /// the session it is now. The session is interrupted there (recorded), without firing what
    /// came due while nobody ran it: that happens if and when a therapist resumes it.
    public func adopt(at offset: Duration) throws(CommandRejection) {
        origin = clock.now.advanced(by: .zero - offset / speed)
        beginEdges()
        perform(try machine.handle(.interrupt, at: offset), lateness: nil)
        perform(machine.adopt(), lateness: nil)
        rearm()
    }

    /// Applies a command at the current time, after every deadline before it has fired.
    public func send(_ command: SessionCommand) throws(CommandRejection) {
        guard origin != nil else {
            let rejection = CommandRejection(
                command: command, phase: machine.phase, reason: "the session has not started yet")
            report(.rejected(rejection))
            throw rejection
        }
        let now = sessionOffset(of: clock.now)
        perform(machine.advance(to: now), lateness: nil)
        do throws(CommandRejection) {
            perform(try machine.handle(command, at: now), lateness: nil)
        } catch {
            report(.rejected(error))
            rearm()
            throw error
        }
        rearm()
    }

    /// Shows the fault signal (e.g. the record cannot be written); timing goes on unchanged.
    public func reportFault(_ message: String) {
        let now = origin == nil ? .zero : sessionOffset(of: clock.now)
        raiseFault(message, at: now, fromOutput: false)
        rearm()
    }

    /// The record can be written again: the fault reported through ``reportFault(_:)`` ends.
    /// The fault signal stays while the indicator output has failed too.
    public func clearFault() {
        guard recordFault else { return }
        recordFault = false
        guard !fault else { return }
        lamps.show(shownSignal.patterns(fault: false), since: lamps.anchor)
        displayed = shownSignal
        rearm()
    }

    /// The signal the lamps show: the session's, or the patient's call over it.
    var shownSignal: IndicatorSignal { machine.currentSignal.withCall(callSince != nil) }

    /// The patient calls (`true`) or the call was answered (`false`): the lamps show the call over
    /// the session's signal, or the session's signal again, from now. Timing is unchanged.
    public func showCall(_ calling: Bool) {
        guard !halted, calling != (callSince != nil) else { return }
        let now = origin == nil ? .zero : sessionOffset(of: clock.now)
        callSince = calling ? now : nil
        lamps.show(shownSignal.patterns(fault: fault), since: now)
        displayed = shownSignal
        rearm()
    }

    /// A patient call is shown.
    public var isCalling: Bool { callSince != nil }

    /// The offset from session start now (zero before the start).
    public var offsetNow: Duration { origin == nil ? .zero : sessionOffset(of: clock.now) }

    /// Stops driving outputs and firing cues (daemon shutdown); the session is left as it is, so
    /// a later start can see from the record that it never ended. Ends the report stream.
    public func halt() {
        timer?.task.cancel()
        timer = nil
        machineWake = nil
        pendingCommands = []
        halted = true
        edges?.stop()
        sender.finish()
    }

    /// Where the session stands, for panels and status pages.
    public func snapshot() -> SessionSnapshot {
        let now = origin == nil ? .zero : sessionOffset(of: clock.now)
        var snapshot = SessionSnapshot(machine: machine, at: now, lamps: edges?.levels ?? lamps.levels, fault: fault)
        snapshot.signal = shownSignal
        return snapshot
    }

    public var isFinished: Bool { machine.isFinished }

    /// The session offset the runner's single timer is set for, if any.
    public var nextWake: Duration? { timer?.target }

    func sessionOffset(of instant: C.Instant) -> Duration {
        guard let origin else { return .zero }
        return origin.duration(to: instant) * speed
    }

    func instant(at offset: Duration) -> C.Instant {
        (origin ?? clock.now).advanced(by: offset / speed)
    }
}

/// Where a runner's actor runs (``SessionRunner/home``).
enum RunnerHome: Sendable {
    /// A thread of its own; the runner's timer task prefers it too.
    case thread(RunnerExecutor)
    /// Swift's cooperative pool: the runner shares this default actor's executor.
    case pool(PoolIsolation)

    var executor: UnownedSerialExecutor {
        switch self {
        case .thread(let executor): executor.asUnownedSerialExecutor()
        case .pool(let actor): actor.unownedExecutor
        }
    }

    /// What the runner's timer task prefers to run on (nil: the pool).
    var taskExecutor: RunnerExecutor? {
        if case .thread(let executor) = self { executor } else { nil }
    }
}

/// An actor with nothing in it, whose executor (Swift's default, on the pool) a runner shares.
actor PoolIsolation {}
