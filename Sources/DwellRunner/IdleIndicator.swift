import DwellCore

/// Drives a bed's lamps and buzzer while it has no session in progress (idle, or its last session
/// has ended), for the one signal such a bed can give: a patient call. Edges are scheduled as
/// `shown + offset` on one timer, as the session runner does. A bed's output is driven by this or
/// by its session's runner, never both: the bed starts no session while the call stands.
public actor IdleIndicator<C: Clock> where C.Duration == Duration {
    let clock: C
    let output: any IndicatorOutput
    private var lamps = LampTimeline()
    private var origin: C.Instant
    private var timer: Task<Void, Never>?
    private var generation = 0
    /// On a ``PrecisionClock``: the timer thread drives the edges (no timer task here).
    private let edges: LampDriver?
    /// The output failed while showing (the bed's status shows a fault).
    public private(set) var failed: String?

    public init(clock: C, output: any IndicatorOutput) {
        self.clock = clock
        self.output = output
        origin = clock.now
        edges = (clock as? PrecisionClock).map { LampDriver(timer: $0.timer, output: output, speed: 1) { _ in } }
    }

    /// Shows `signal` from now (``IndicatorSignal/idle``: every output off, the timer stopped).
    public func show(_ signal: IndicatorSignal) {
        origin = clock.now
        if let edges, let origin = origin as? PrecisionClock.Instant {
            edges.begin(origin: origin.nanoseconds) { [weak self] message, _ in
                Task { await self?.outputFailed(message) }
            }
            edges.show(signal.patterns(fault: failed != nil), since: .zero, upcoming: nil)
            return
        }
        lamps = LampTimeline(levels: lamps.levels)
        lamps.show(signal.patterns(fault: failed != nil), since: .zero)
        drive(at: .zero)
    }

    /// The levels the lamps were last driven to.
    public var levels: [Lamp: Bool] { edges?.levels ?? lamps.levels }

    private func outputFailed(_ message: String) { failed = message }

    private func drive(at offset: Duration) {
        let changes = lamps.changes(
            at: offset, lateness: max(.zero, origin.advanced(by: offset).duration(to: clock.now)))
        if !changes.isEmpty {
            do {
                try output.apply(changes)
            } catch {
                failed = error.message
            }
        }
        arm(after: offset)
    }

    private func arm(after offset: Duration) {
        timer?.cancel()
        timer = nil
        guard let next = lamps.nextEdge(after: offset) else { return }
        generation += 1
        let fired = generation
        let (clock, deadline) = (clock, origin.advanced(by: next))
        timer = Task {
            do {
                try await clock.sleep(until: deadline, tolerance: .zero)
            } catch {
                return
            }
            self.fire(fired, at: next)
        }
    }

    private func fire(_ fired: Int, at offset: Duration) {
        guard fired == generation else { return }
        drive(at: offset)
    }
}
