/// An on/off pattern over time, as a lamp or buzzer renders it: segments of a level and a
/// length, played once or repeated. Elapsed time is measured from when the pattern was shown,
/// so every edge is an exact offset and a runner can schedule it as `shown + offset`.
public struct Pattern: Equatable, Hashable, Sendable {
    public struct Segment: Equatable, Hashable, Sendable {
        public var on: Bool
        public var length: Duration

        public init(on: Bool, length: Duration) {
            self.on = on
            self.length = length
        }
    }

    public var segments: [Segment]
    /// Repeats forever; otherwise the output is off after the last segment.
    public var repeats: Bool

    public init(segments: [Segment], repeats: Bool) {
        self.segments = segments.filter { $0.length > .zero }
        self.repeats = repeats && !self.segments.isEmpty
    }

    public static let off = Pattern(segments: [], repeats: false)
    public static let steady = Pattern(segments: [Segment(on: true, length: .seconds(3_600))], repeats: true)

    /// A flash at `period` with the given on-fraction (percent), starting with the on phase.
    public static func flash(period: Duration, dutyPercent: Int) -> Pattern {
        let on = period * dutyPercent / 100
        return Pattern(
            segments: [Segment(on: true, length: on), Segment(on: false, length: period - on)], repeats: true)
    }

    /// Bursts of pulses: `groups` of pulses `gap` apart, `groupGaps[i]` of silence after group i,
    /// the whole repeated every `every` (or played once when `every` is nil).
    public static func bursts(
        groups: [Int], pulse: Duration, gap: Duration, groupGaps: [Duration] = [], every: Duration?
    ) -> Pattern {
        var segments: [Segment] = []
        for (groupIndex, count) in groups.enumerated() {
            for pulseIndex in 0..<count {
                segments.append(Segment(on: true, length: pulse))
                if pulseIndex < count - 1 {
                    segments.append(Segment(on: false, length: gap))
                } else if groupIndex < groups.count - 1 {
                    segments.append(
                        Segment(on: false, length: groupIndex < groupGaps.count ? groupGaps[groupIndex] : gap))
                }
            }
        }
        let used = segments.reduce(Duration.zero) { $0 + $1.length }
        if let every { segments.append(Segment(on: false, length: every - used)) }
        return Pattern(segments: segments, repeats: every != nil)
    }

    /// The length of one play of the pattern.
    public var cycle: Duration { segments.reduce(.zero) { $0 + $1.length } }

    /// Whether the pattern is steady (never changes while shown).
    public var isConstant: Bool { Set(segments.map(\.on)).count <= 1 && (repeats || segments.isEmpty) }

    /// The output level `elapsed` after the pattern was shown.
    public func level(at elapsed: Duration) -> Bool {
        locate(elapsed)?.segment.on ?? false
    }

    /// The first elapsed time after `elapsed` at which the level changes, if it ever does.
    public func nextChange(after elapsed: Duration) -> Duration? {
        guard !isConstant, let (index, segmentStart) = locate(elapsed).map({ ($0.index, $0.start) }) else { return nil }
        let current = segments[index].on
        var time = segmentStart
        var position = index
        // At most one full cycle ahead, since the pattern holds both levels.
        for _ in 0...segments.count {
            time += segments[position].length
            position += 1
            if position == segments.count {
                guard repeats else { return current ? time : nil }
                position = 0
            }
            if segments[position].on != current { return time }
        }
        return nil
    }

    private func locate(_ elapsed: Duration) -> (index: Int, start: Duration, segment: Segment)? {
        guard !segments.isEmpty, elapsed >= .zero else { return nil }
        let cycle = self.cycle
        var offset = elapsed
        var base = Duration.zero
        if repeats {
            let cycles = Int64(elapsed.wholeMicroseconds / max(cycle.wholeMicroseconds, 1))
            base = cycle * cycles
            offset = elapsed - base
        } else if elapsed >= cycle {
            return nil
        }
        var start = Duration.zero
        for (index, segment) in segments.enumerated() {
            if offset < start + segment.length { return (index, base + start, segment) }
            start += segment.length
        }
        return (0, base + cycle, segments[0])
    }
}
