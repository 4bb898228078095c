import DwellGPIO
import Testing

@Suite("Debouncing buttons with explicit timestamps")
struct DebouncerTests {
    let ms: UInt64 = 1_000_000

    @Test func cleanPressAndReleaseAreReportedAfterTheInterval() {
        var debouncer = Debouncer(interval: .milliseconds(30))
        #expect(debouncer.edge(active: true, at: 1_000 * ms) == nil)
        #expect(debouncer.deadline == 1_030 * ms)
        #expect(debouncer.advance(to: 1_029 * ms) == nil)
        #expect(debouncer.advance(to: 1_030 * ms) == .pressed)
        #expect(debouncer.stable)
        #expect(debouncer.deadline == nil)
        #expect(debouncer.edge(active: false, at: 1_200 * ms) == nil)
        #expect(debouncer.advance(to: 1_231 * ms) == .released)
    }

    @Test func bounceGivesOnePress() {
        var debouncer = Debouncer(interval: .milliseconds(30))
        var transitions: [Debouncer.Transition] = []
        // Contact bounce: five edges within 8 ms, then the contact holds.
        for (index, time) in [0, 2, 3, 5, 8].enumerated() {
            if let transition = debouncer.edge(active: index % 2 == 0, at: UInt64(time) * ms) {
                transitions.append(transition)
            }
            if let transition = debouncer.advance(to: UInt64(time) * ms) { transitions.append(transition) }
        }
        #expect(debouncer.deadline == 38 * ms)  // timed from the last edge to "pressed"
        if let transition = debouncer.advance(to: 40 * ms) { transitions.append(transition) }
        #expect(transitions == [.pressed])
    }

    @Test func glitchShorterThanTheIntervalIsIgnored() {
        var debouncer = Debouncer(interval: .milliseconds(30))
        #expect(debouncer.edge(active: true, at: 100 * ms) == nil)
        #expect(debouncer.edge(active: false, at: 110 * ms) == nil)
        #expect(debouncer.deadline == nil)
        #expect(debouncer.advance(to: 500 * ms) == nil)
        #expect(!debouncer.stable)
    }

    @Test func lateEdgeReadingStillCounts() {
        // The reader was busy: the edge is seen only after the interval has already passed.
        var debouncer = Debouncer(interval: .milliseconds(30))
        #expect(debouncer.edge(active: true, at: 0) == nil)
        #expect(debouncer.edge(active: true, at: 50 * ms) == .pressed)
    }

    @Test func repeatedEdgeToTheSameLevelKeepsTheEarlierStart() {
        var debouncer = Debouncer(interval: .milliseconds(30))
        _ = debouncer.edge(active: true, at: 10 * ms)
        _ = debouncer.edge(active: true, at: 20 * ms)
        #expect(debouncer.deadline == 40 * ms)
    }

    @Test func zeroIntervalReportsAtOnce() {
        var debouncer = Debouncer(interval: .zero)
        #expect(debouncer.edge(active: true, at: 5) == .pressed)
        #expect(debouncer.edge(active: false, at: 6) == .released)
    }

    @Test func buttonHeldAtStartIsNotAPress() {
        var debouncer = Debouncer(interval: .milliseconds(30), initial: true)
        #expect(debouncer.edge(active: true, at: 0) == nil)
        #expect(debouncer.advance(to: 100 * ms) == nil)
        #expect(debouncer.edge(active: false, at: 100 * ms) == nil)
        #expect(debouncer.advance(to: 130 * ms) == .released)
    }

    @Test func intervalIsKeptInNanoseconds() {
        #expect(Debouncer(interval: .milliseconds(30)).interval == 30 * ms)
        #expect(Debouncer(interval: .microseconds(1_500)).interval == 1_500_000)
    }
}
