import Testing

@testable import DwellCore

/// Every signal a session can show, with a pistoning one.
let allSignals: [IndicatorSignal] = [
    .idle, .running(cadence: nil), .running(cadence: Cadence(millihertz: 1_500)), .warning, .rest, .paused,
    .observation, .attention, .attentionEscalated, .unaccounted(escalated: false), .unaccounted(escalated: true),
    .interrupted(escalated: false), .interrupted(escalated: true), .silenced, .pauseOverdue(escalated: false),
    .pauseOverdue(escalated: true),
]

@Suite("Indicator signal patterns")
struct IndicatorSignalPatternsTests {
    /// The gaps (off time) between consecutive pulses.
    private func gaps(_ walk: PatternWalk) -> [Duration] {
        zip(walk.pulses, walk.pulses.dropFirst()).map { $1.start - ($0.start + $0.length) }
    }

    @Test("every signal drives all four outputs", arguments: allSignals)
    func allLamps(signal: IndicatorSignal) {
        for fault in [false, true] {
            #expect(Set(signal.patterns(fault: fault).keys) == Set(Lamp.allCases))
        }
    }

    @Test("idle is all off")
    func idle() {
        #expect(IndicatorSignal.idle.patterns().values.allSatisfy { $0 == .off })
    }

    @Test("medium priority (attention) flashes amber at 0.4–0.8 Hz and buzzes 3-pulse bursts")
    func attention() throws {
        let lamps = IndicatorSignal.attention.patterns()
        let amber = PatternWalk(try #require(lamps[.amber]), window: .seconds(60))
        let frequency = try #require(amber.frequency)
        #expect((0.4...0.8).contains(frequency), "\(frequency) Hz")
        let duty = try #require(amber.dutyPercent)
        #expect((20...60).contains(duty), "\(duty) %")
        #expect(lamps[.red] == .off)
        #expect(lamps[.green] == .off)

        let buzzer = PatternWalk(try #require(lamps[.buzzer]), window: .seconds(60))
        let bursts = buzzer.groups(spacing: .seconds(1))
        #expect(bursts.count >= 2, "the bursts repeat")
        #expect(bursts.allSatisfy { $0 == 3 }, "\(bursts)")
        let repeatEvery = buzzer.onsets[3] - buzzer.onsets[0]
        #expect(repeatEvery <= .seconds(30))
        #expect(repeatEvery >= .milliseconds(2_500))
    }

    @Test("high priority (escalated) flashes red at 1.4–2.8 Hz, 20–60 % duty")
    func escalatedLamp() throws {
        let lamps = IndicatorSignal.attentionEscalated.patterns()
        let red = PatternWalk(try #require(lamps[.red]), window: .seconds(10))
        let frequency = try #require(red.frequency)
        #expect((1.4...2.8).contains(frequency), "\(frequency) Hz")
        let duty = try #require(red.dutyPercent)
        #expect((20...60).contains(duty), "\(duty) %")
        // Evenly, for the whole window.
        let periods = zip(red.onsets, red.onsets.dropFirst()).map { $1 - $0 }
        #expect(Set(periods).count == 1)
        #expect(lamps[.amber] == .off)
        #expect(lamps[.green] == .off)
    }

    @Test("high priority buzzes 10 pulses per burst, in groups 3+2+3+2, repeating within 15 s")
    func escalatedBuzzer() throws {
        let buzzer = PatternWalk(
            try #require(IndicatorSignal.attentionEscalated.patterns()[.buzzer]), window: .seconds(29))
        let bursts = buzzer.groups(spacing: .seconds(1))
        #expect(bursts.count >= 3, "\(bursts)")
        #expect(bursts.allSatisfy { $0 == 10 }, "\(bursts)")
        // Within a burst: the smallest gap separates pulses of a group.
        let firstBurst = Array(buzzer.pulses.prefix(10))
        let spacing = try #require(gaps(buzzer).prefix(9).min())
        var groups: [Int] = [1]
        for (previous, pulse) in zip(firstBurst, firstBurst.dropFirst()) {
            if pulse.start - (previous.start + previous.length) <= spacing {
                groups[groups.count - 1] += 1
            } else {
                groups.append(1)
            }
        }
        #expect(groups == [3, 2, 3, 2])
        let repeatEvery = buzzer.onsets[10] - buzzer.onsets[0]
        #expect(repeatEvery <= .seconds(15))
        #expect(buzzer.onsets[20] - buzzer.onsets[10] == repeatEvery)
    }

    @Test(
        "high-priority pulses and the gaps within a group sit inside IEC's 75–200 ms and 50–125 ms with 20 ms to spare",
        arguments: [IndicatorSignal.attentionEscalated, .unaccounted(escalated: true), .calling])
    func highPriorityPulsesKeepAMarginInsideTheIECRanges(signal: IndicatorSignal) throws {
        let buzzer = PatternWalk(try #require(signal.patterns()[.buzzer]), window: .seconds(20))
        let margin = Duration.milliseconds(20)
        #expect(buzzer.pulses.count >= 20)
        for pulse in buzzer.pulses {
            #expect(pulse.length >= .milliseconds(75) + margin && pulse.length <= .milliseconds(200) - margin)
        }
        // The gaps within a group: the shortest ones (group gaps and the pause between bursts are longer).
        let spacing = try #require(gaps(buzzer).min())
        #expect(spacing >= .milliseconds(50) + margin && spacing <= .milliseconds(125) - margin, "\(spacing)")
    }

    @Test("warning lights green and amber steadily with a single chirp")
    func warning() throws {
        let lamps = IndicatorSignal.warning.patterns()
        #expect(lamps[.green] == .steady)
        #expect(lamps[.amber] == .steady)
        #expect(lamps[.red] == .off)
        let buzzer = PatternWalk(try #require(lamps[.buzzer]), window: .seconds(3_600))
        #expect(buzzer.onsets == [.zero])
        #expect(buzzer.pulses.count == 1)
        let chirp = try #require(buzzer.pulses.first)
        #expect(chirp.length > .zero && chirp.length <= .milliseconds(500))
    }

    @Test("pistoning pulses green and ticks the buzzer at the cadence", arguments: [500, 750, 1_000, 1_500, 4_000])
    func pistoning(millihertz: Int) throws {
        let cadence = Cadence(millihertz: millihertz)
        let lamps = IndicatorSignal.running(cadence: cadence).patterns()
        let expectedHz = Double(millihertz) / 1_000
        for lamp in [Lamp.green, .buzzer] {
            let walk = PatternWalk(try #require(lamps[lamp]), window: .seconds(20))
            let frequency = try #require(walk.frequency)
            #expect(abs(frequency - expectedHz) < 0.001, "\(lamp): \(frequency) Hz")
            // The count over 20 s matches the cadence too (within one beat).
            #expect(abs(Double(walk.onsets.count) - 20 * expectedHz) <= 1, "\(lamp): \(walk.onsets.count) beats")
        }
        let green = PatternWalk(try #require(lamps[.green]), window: .seconds(20))
        #expect(abs(try #require(green.dutyPercent) - 50) < 0.1)
        let buzzer = PatternWalk(try #require(lamps[.buzzer]), window: .seconds(20))
        let tick = try #require(buzzer.pulses.first)
        #expect(tick.length < cadence.period / 2, "a short tick, not a tone")
        #expect(lamps[.amber] == .off)
        #expect(lamps[.red] == .off)
    }

    @Test("running without a cadence is steady green and silent")
    func runningSteady() {
        let lamps = IndicatorSignal.running(cadence: nil).patterns()
        #expect(lamps == [.green: .steady, .amber: .off, .red: .off, .buzzer: .off])
    }

    @Test(
        "information signals are quiet and never red",
        arguments: [
            IndicatorSignal.rest, .paused, .observation, .running(cadence: nil),
        ])
    func quietSignals(signal: IndicatorSignal) {
        let lamps = signal.patterns()
        #expect(lamps[.buzzer] == .off)
        #expect(lamps[.red] == .off)
    }

    @Test("rest blips green briefly, paused breathes amber slowly, observation flashes green slowly")
    func informationLamps() throws {
        let rest = PatternWalk(try #require(IndicatorSignal.rest.patterns()[.green]), window: .seconds(10))
        #expect(try #require(rest.dutyPercent) < 20)
        #expect(rest.onsets.count >= 2)
        #expect(IndicatorSignal.paused.patterns()[.amber] == IndicatorSignal.pausedBreath)
        #expect(IndicatorSignal.paused.patterns()[.green] == .off)
        let observation = PatternWalk(
            try #require(IndicatorSignal.observation.patterns()[.green]), window: .seconds(10))
        #expect((0.4...0.8).contains(try #require(observation.frequency)))
    }

    @Test("a fault lights red steadily on top of every signal that leaves red free", arguments: allSignals)
    func faultOverlay(signal: IndicatorSignal) {
        let plain = signal.patterns(fault: false)
        let faulted = signal.patterns(fault: true)
        if plain[.red] != .off {
            #expect(faulted[.red] == plain[.red], "an alarm that uses red keeps its own red")
        } else {
            #expect(plain[.red] == .off)
            #expect(faulted[.red] == .steady)
        }
        for lamp in [Lamp.green, .amber, .buzzer] { #expect(faulted[lamp] == plain[lamp], "\(lamp)") }
    }

    @Test(
        "needles unaccounted and interrupted are high priority; escalated, amber joins and bursts come sooner",
        arguments: [IndicatorSignal.unaccounted(escalated: false), .interrupted(escalated: false)])
    func safetyAlarms(signal: IndicatorSignal) throws {
        let high = signal.patterns()
        #expect(high[.red] == IndicatorSignal.fastFlash && high[.buzzer] == IndicatorSignal.highBursts)
        #expect(high[.amber] == .off && high[.green] == .off)
        let escalated =
            (signal == .interrupted(escalated: false)
            ? IndicatorSignal.interrupted(escalated: true) : .unaccounted(escalated: true)).patterns()
        let red = PatternWalk(try #require(escalated[.red]), window: .seconds(10))
        let amber = PatternWalk(try #require(escalated[.amber]), window: .seconds(10))
        #expect(
            red.frequency == 2 && red.dutyPercent == 50 && amber.onsets == red.onsets, "both flash at 2 Hz, together")
        let buzzer = PatternWalk(try #require(escalated[.buzzer]), window: .seconds(30))
        #expect(buzzer.groups(spacing: .milliseconds(300)) == Array(repeating: [3, 2], count: 10).flatMap { $0 })
        let bursts = buzzer.onsets.enumerated().filter { $0.offset.isMultiple(of: 10) }.map(\.element)
        #expect(zip(bursts, bursts.dropFirst()).allSatisfy { $1 - $0 == .milliseconds(6_100) }, "a burst every 6.1 s")
        let silence = bursts[1] - (buzzer.pulses[9].start + buzzer.pulses[9].length)
        #expect(silence == .milliseconds(2_500), "the shortest silence IEC 60601-1-8 allows")
    }

    @Test("a silenced alarm is steady amber and red with the buzzer quiet, unlike any other signal")
    func silenced() {
        let quiet = IndicatorSignal.silenced.patterns()
        #expect(quiet == [.green: .off, .amber: .steady, .red: .steady, .buzzer: .off])
        for other in allSignals where other != .silenced { #expect(other.patterns() != quiet, "\(other)") }
    }

    @Test("signals have stable names")
    func names() {
        #expect(
            allSignals.map(\.name) == [
                "idle", "running", "running", "warning", "rest", "paused", "observation", "attention",
                "attention-escalated",
                "needles-unaccounted", "needles-unaccounted-escalated", "interrupted", "interrupted-escalated",
                "silenced", "pause-overdue", "pause-overdue-escalated",
            ])
        #expect(IndicatorSignal.running(cadence: Cadence(millihertz: 1_500)).description == "running @1.5Hz")
        #expect(IndicatorSignal.running(cadence: nil).description == "running")
        #expect(Lamp.allCases.sorted() == [.green, .amber, .red, .buzzer])
    }
}
