@testable import DwellCore

// MARK: - Protocol factory

/// A site step with sensible defaults.
func site(
    _ id: String, _ dwell: Duration, needles: Int = 2, technique: Technique? = nil, cadence: Cadence? = nil
) -> Step {
    .site(SiteStep(site: id, needles: needles, dwell: dwell, technique: technique, cadence: cadence))
}

/// A rest step.
func rest(_ duration: Duration) -> Step { .rest(RestStep(duration: duration)) }

/// A protocol that passes every rule unless a test changes it: 12 minutes over three sites and
/// a rest (`a` 4m, rest 1m, `b` 4m, `c` 3m), warnings 30 s before each site ends, no observation.
func makeProtocol(
    id: String = "test-protocol",
    title: String = "Test protocol",
    version: Int = 1,
    technique: Technique = .deep,
    length: Duration? = nil,
    warnBefore: Duration = .seconds(30),
    observation: Duration = .zero,
    steps: [Step]? = nil
) -> TreatmentProtocol {
    TreatmentProtocol(
        id: id, title: title, version: version, technique: technique, length: length,
        warnBefore: warnBefore, observation: observation,
        steps: steps ?? [
            site("a", .seconds(240)),
            rest(.seconds(60)),
            site("b", .seconds(240)),
            site("c", .seconds(180)),
        ])
}

/// The start offset of every step of `treatment`, and the planned end as the last element.
func cumulativeOffsets(_ treatment: TreatmentProtocol) -> [Duration] {
    var end = Duration.zero
    var offsets = [end]
    for step in treatment.steps {
        end += step.duration
        offsets.append(end)
    }
    return offsets
}

// MARK: - Reading actions

extension Array where Element == SessionAction {
    /// The recorded events, in order.
    var events: [SessionEvent] {
        compactMap { if case .record(let event) = $0 { return event } else { return nil } }
    }

    /// The event kinds, in order.
    var kinds: [SessionEvent.Kind] { events.map(\.kind) }

    /// Every `.show` action as (signal, since).
    var shows: [(signal: IndicatorSignal, since: Duration)] {
        compactMap { if case .show(let signal, let since) = $0 { return (signal, since) } else { return nil } }
    }

    /// Every `.wake` action's offset (an inner `nil` means "never").
    var wakes: [Duration?] {
        compactMap { if case .wake(let at) = $0 { return at } else { return nil } }
    }
}

// MARK: - Driving the machine

extension SessionStateMachine {
    /// A machine for `treatment`, started at offset zero.
    static func started(
        _ treatment: TreatmentProtocol = makeProtocol(), limits: ClinicLimits = .standard
    ) throws -> SessionStateMachine {
        var machine = SessionStateMachine(treatment: treatment, limits: limits)
        _ = try machine.handle(.start, at: .zero)
        return machine
    }

    /// Advances to `time`, then applies `command` at the same time, as a runner does.
    @discardableResult
    mutating func command(_ command: SessionCommand, at time: Duration) throws -> [SessionAction] {
        var actions = advance(to: time)
        actions += try handle(command, at: time)
        return actions
    }

    /// Counts every needle still in out, then acknowledges the end (as a therapist does).
    @discardableResult
    mutating func countOutAndAcknowledge(at time: Duration) throws -> [SessionAction] {
        try command(.removeNeedles(count: nil, step: nil), at: time)
        return try handle(.acknowledge, at: time)
    }

    /// Keeps advancing to each deadline until none is left; returns every action produced.
    /// Stops after `limit` wake-ups so a broken machine cannot loop forever.
    mutating func runDeadlines(limit: Int = 1_000) -> [SessionAction] {
        var actions: [SessionAction] = []
        var count = 0
        while let deadline = nextDeadline, count < limit {
            actions += advance(to: deadline)
            count += 1
        }
        return actions
    }

    /// The current step's progress, if a step is running or paused.
    var progress: StepProgress? {
        switch state {
        case .step(let progress), .paused(let progress, _): return progress
        default: return nil
        }
    }
}

/// Shorthand for whole seconds.
func s(_ seconds: Int64) -> Duration { .seconds(seconds) }

/// Shorthand for whole minutes.
func m(_ minutes: Int64) -> Duration { .seconds(minutes * 60) }

/// Shorthand for milliseconds.
func ms(_ milliseconds: Int64) -> Duration { .milliseconds(milliseconds) }

// MARK: - Measuring patterns

/// Facts about a pattern measured by walking its edges with `level(at:)` and `nextChange(after:)`.
struct PatternWalk {
    /// Times (from when the pattern was shown) at which the output turns on, in order.
    var onsets: [Duration] = []
    /// Times at which the output turns off, in order.
    var offsets: [Duration] = []

    /// Walks `pattern` from 0 up to (not including) `window`.
    init(_ pattern: Pattern, window: Duration, maximumEdges: Int = 10_000) {
        var time = Duration.zero
        if pattern.level(at: time) { onsets.append(time) }
        var count = 0
        while let next = pattern.nextChange(after: time), next < window, count < maximumEdges {
            if pattern.level(at: next) { onsets.append(next) } else { offsets.append(next) }
            time = next
            count += 1
        }
    }

    /// Each pulse as (start, length), for pulses that ended inside the window.
    var pulses: [(start: Duration, length: Duration)] {
        zip(onsets, onsets.map { onset in offsets.first { $0 > onset } }).compactMap { start, end in
            end.map { (start, $0 - start) }
        }
    }

    /// Seconds as a Double, for frequencies and ratios.
    static func seconds(_ duration: Duration) -> Double { Double(duration.wholeMicroseconds) / 1_000_000 }

    /// The repetition frequency from the first two onsets, in hertz.
    var frequency: Double? {
        guard onsets.count >= 2 else { return nil }
        return 1 / Self.seconds(onsets[1] - onsets[0])
    }

    /// The on share of the first period, in percent.
    var dutyPercent: Double? {
        guard onsets.count >= 2, let first = pulses.first else { return nil }
        return 100 * Self.seconds(first.length) / Self.seconds(onsets[1] - onsets[0])
    }

    /// Pulse counts of consecutive groups: a new group starts when the off time before a pulse
    /// is longer than `spacing`.
    func groups(spacing: Duration) -> [Int] {
        var groups: [Int] = []
        var lastEnd: Duration?
        for pulse in pulses {
            if let lastEnd, pulse.start - lastEnd <= spacing { groups[groups.count - 1] += 1 } else { groups.append(1) }
            lastEnd = pulse.start + pulse.length
        }
        return groups
    }
}
