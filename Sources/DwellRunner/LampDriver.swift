import DwellCore
import Synchronization

/// Plays one bed's lamp and buzzer patterns from the ``TimerThread``: each edge is written to the
/// output when it comes due, on that thread, with no hop onto the runner's actor. The runner tells
/// it what to show (``show(_:since:upcoming:)``), including a pattern change it already knows is
/// coming at the next cue, so that change is made on time too. Reports its changes (and an
/// output's failure) on the runner's report stream.
final class LampDriver: Sendable {
    struct Upcoming: Equatable {
        /// When the change comes (the runner's next wake-up).
        var at: Duration
        var patterns: [Lamp: Pattern]
        /// The patterns' anchor (from the cue's event).
        var since: Duration
    }

    private struct State {
        var timeline = LampTimeline()
        var upcoming: Upcoming?
        var origin: Int64
        var stopped = false
        /// The offset the timer is set for.
        var armed: Duration?
        var onFault: (@Sendable (String, Duration) -> Void)?
    }

    private let timer: TimerThread
    private let owner: Int
    private let output: any IndicatorOutput
    private let speed: Int
    private let report: @Sendable (RunnerReport) -> Void
    private let state: Mutex<State>

    init(
        timer: TimerThread, output: any IndicatorOutput, speed: Int, report: @escaping @Sendable (RunnerReport) -> Void
    ) {
        self.timer = timer
        owner = timer.makeOwner()
        self.output = output
        self.speed = max(1, speed)
        self.report = report
        state = Mutex(State(origin: TimerThread.now()))
    }

    /// Offsets count from `origin` (ns on CLOCK_MONOTONIC) from now on, the lines standing where
    /// they are; `onFault` hears of a failed output.
    func begin(origin: Int64, onFault: @escaping @Sendable (String, Duration) -> Void) {
        state.withLock { state in
            timer.cancel(owner: owner)
            state.timeline = LampTimeline(levels: state.timeline.levels)
            state.upcoming = nil
            state.armed = nil
            state.origin = origin
            state.onFault = onFault
        }
    }

    /// The level each line was last driven to.
    var levels: [Lamp: Bool] { state.withLock { $0.timeline.levels } }

    /// Shows `patterns` from `since` (nothing changes when they are already shown from there), and
    /// `upcoming` when the next cue comes; drives the lines to their levels now.
    func show(_ patterns: [Lamp: Pattern], since: Duration, upcoming: Upcoming?) {
        state.withLock { state in
            guard !state.stopped else { return }
            let same = state.timeline.patterns == patterns && state.timeline.anchor == since
            guard !same || state.upcoming != upcoming else { return }
            if !same { state.timeline.show(patterns, since: since) }
            state.upcoming = upcoming
            drive(&state, now: TimerThread.now())
        }
    }

    /// Stops driving the lines (they stay where they are) and drops every scheduled edge.
    func stop() {
        state.withLock { state in
            state.stopped = true
            state.upcoming = nil
            timer.cancel(owner: owner)
        }
    }

    private func offset(_ nanoseconds: Int64, origin: Int64) -> Duration {
        .nanoseconds(nanoseconds - origin) * speed
    }

    private func deadline(_ offset: Duration, origin: Int64) -> Int64 {
        origin + (offset / speed).nanosecondCount
    }

    /// With the lock held: the lines to their levels at `planned` (the edge the timer was set
    /// for; for a change the runner asked for, now), the upcoming change taken when it is due,
    /// then the timer set for the next edge or change.
    private func drive(_ state: inout State, now: Int64, planned: Duration? = nil) {
        let at = max(planned ?? offset(now, origin: state.origin), state.timeline.lastDriven)
        if let upcoming = state.upcoming, upcoming.at <= at {
            state.timeline.show(upcoming.patterns, since: upcoming.since)
            state.upcoming = nil
        }
        let lateness =
            planned.map { max(Duration.zero, Duration.nanoseconds(now - deadline($0, origin: state.origin))) } ?? .zero
        let changes = state.timeline.changes(at: at, lateness: lateness)
        if !changes.isEmpty {
            do throws(IndicatorError) {
                try output.apply(changes)
            } catch {
                state.onFault?(error.message, at)
            }
            report(.lamps(changes))
        }
        timer.cancel(owner: owner)
        state.armed = [state.timeline.nextEdge(after: at), state.upcoming?.at].compactMap { $0 }.min()
        guard let next = state.armed else { return }
        timer.schedule(at: deadline(next, origin: state.origin), owner: owner) { [weak self] in self?.fire() }
    }

    private func fire() {
        state.withLock { state in
            guard !state.stopped, let armed = state.armed else { return }
            drive(&state, now: TimerThread.now(), planned: armed)
        }
    }
}
