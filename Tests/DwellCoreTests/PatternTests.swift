import Testing

@testable import DwellCore

@Suite("Pattern")
struct PatternTests {
    @Test("off is always off and never changes")
    func off() {
        for time in [Duration.zero, .seconds(1), .seconds(86_400)] {
            #expect(!Pattern.off.level(at: time))
            #expect(Pattern.off.nextChange(after: time) == nil)
        }
        #expect(Pattern.off.isConstant)
        #expect(Pattern.off.cycle == .zero)
    }

    @Test("steady is always on and never changes, however long it is shown")
    func steady() {
        for time in [Duration.zero, .milliseconds(1), .seconds(3_599), .seconds(3_600), .seconds(100_000)] {
            #expect(Pattern.steady.level(at: time))
            #expect(Pattern.steady.nextChange(after: time) == nil)
        }
        #expect(Pattern.steady.isConstant)
    }

    @Test("nothing is shown before the pattern starts")
    func beforeStart() {
        #expect(!Pattern.steady.level(at: .milliseconds(-1)))
        #expect(Pattern.flash(period: .seconds(1), dutyPercent: 50).nextChange(after: .milliseconds(-1)) == nil)
    }

    @Test("a flash starts on, switches off after the duty share and repeats")
    func flashLevels() {
        let flash = Pattern.flash(period: .seconds(2), dutyPercent: 25)
        #expect(flash.segments == [.init(on: true, length: ms(500)), .init(on: false, length: ms(1_500))])
        #expect(flash.repeats)
        #expect(flash.cycle == .seconds(2))
        #expect(!flash.isConstant)
        let samples: [(Duration, Bool)] = [
            (.zero, true), (ms(499), true), (ms(500), false), (ms(1_999), false),
            (ms(2_000), true), (ms(2_499), true), (ms(2_500), false), (ms(20_250), true), (ms(20_750), false),
        ]
        for (time, level) in samples { #expect(flash.level(at: time) == level, "at \(time)") }
    }

    @Test("a flash's next change is the next edge, strictly after the given time")
    func flashNextChange() {
        let flash = Pattern.flash(period: .seconds(2), dutyPercent: 25)
        let expected: [(Duration, Duration)] = [
            (.zero, ms(500)), (ms(100), ms(500)), (ms(500), ms(2_000)), (ms(1_999), ms(2_000)),
            (ms(2_000), ms(2_500)), (ms(100_600), ms(102_000)),
        ]
        for (time, next) in expected { #expect(flash.nextChange(after: time) == next, "after \(time)") }
    }

    @Test("walking nextChange alternates levels with no gaps or repeats")
    func walkAlternates() {
        let flash = Pattern.flash(period: ms(700), dutyPercent: 40)
        var time = Duration.zero
        var level = flash.level(at: time)
        for _ in 0..<100 {
            guard let next = flash.nextChange(after: time) else {
                Issue.record("flash stopped")
                return
            }
            #expect(next > time)
            #expect(flash.level(at: next) != level)
            #expect(flash.level(at: next - .nanoseconds(1_000)) == level, "no earlier edge")
            time = next
            level = !level
        }
        #expect(time == ms(35_000), "50 cycles of 700 ms")
    }

    @Test("a single non-repeating pulse goes off for good")
    func singlePulse() {
        let chirp = Pattern.bursts(groups: [1], pulse: ms(200), gap: .zero, every: nil)
        #expect(!chirp.repeats)
        #expect(!chirp.isConstant)
        #expect(chirp.level(at: .zero))
        #expect(chirp.level(at: ms(199)))
        #expect(!chirp.level(at: ms(200)))
        #expect(!chirp.level(at: .seconds(60)))
        #expect(chirp.nextChange(after: .zero) == ms(200))
        #expect(chirp.nextChange(after: ms(150)) == ms(200))
        #expect(chirp.nextChange(after: ms(200)) == nil)
    }

    @Test("non-repeating bursts play their pulses once")
    func onceBursts() {
        let bursts = Pattern.bursts(groups: [2, 1], pulse: ms(100), gap: ms(50), groupGaps: [ms(300)], every: nil)
        #expect(bursts.segments.map(\.on) == [true, false, true, false, true])
        #expect(bursts.cycle == ms(650))
        var edges: [Duration] = []
        var time = Duration.zero
        while let next = bursts.nextChange(after: time) {
            edges.append(next)
            time = next
        }
        #expect(edges == [ms(100), ms(150), ms(250), ms(550), ms(650)])
        #expect(!bursts.level(at: ms(650)))
        #expect(!bursts.level(at: ms(5_000)))
    }

    @Test("repeating bursts are padded to their interval and repeat")
    func repeatingBursts() {
        let bursts = Pattern.bursts(groups: [2], pulse: ms(100), gap: ms(100), every: .seconds(1))
        #expect(bursts.repeats)
        #expect(bursts.cycle == .seconds(1))
        #expect(bursts.nextChange(after: ms(300)) == ms(1_000))
        #expect(bursts.level(at: ms(1_000)))
        #expect(bursts.level(at: ms(1_250)))
        #expect(!bursts.level(at: ms(1_350)))
    }

    @Test("a non-repeating off-only pattern never changes")
    func offOnly() {
        let silent = Pattern(segments: [.init(on: false, length: .seconds(1))], repeats: false)
        #expect(!silent.level(at: .zero))
        #expect(silent.nextChange(after: .zero) == nil)
    }

    @Test("zero-length segments are dropped, and an empty pattern never repeats")
    func normalisation() {
        let pattern = Pattern(
            segments: [.init(on: true, length: .zero), .init(on: false, length: .zero)], repeats: true)
        #expect(pattern.segments.isEmpty)
        #expect(!pattern.repeats)
        #expect(pattern == .off)
        let full = Pattern.flash(period: .seconds(1), dutyPercent: 100)
        #expect(full.segments == [.init(on: true, length: .seconds(1))])
        #expect(full.isConstant)
        #expect(full.nextChange(after: ms(10)) == nil)
    }

    @Test("a repeating pattern whose segments share a level is constant")
    func constantRepeating() {
        let pattern = Pattern(
            segments: [.init(on: true, length: ms(10)), .init(on: true, length: ms(20))], repeats: true)
        #expect(pattern.isConstant)
        #expect(pattern.nextChange(after: .zero) == nil)
        #expect(pattern.level(at: .seconds(9)))
    }
}
