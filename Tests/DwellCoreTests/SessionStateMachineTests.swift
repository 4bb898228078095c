import Testing

@testable import DwellCore

/// The default test protocol runs: `a` 0–240 s (warning 210), rest 240–300, `b` 300–540
/// (warning 510), `c` 540–720 (warning 690); overrun at 720, escalation at 780.
@Suite("Session state machine: time")
struct SessionStateMachineTests {
    @Test("a new machine is prepared, idle and asks for no wake-up")
    func initial() {
        let machine = SessionStateMachine(treatment: makeProtocol())
        #expect(machine.state == .prepare)
        #expect(machine.phase == .prepare)
        #expect(machine.currentSignal == .idle)
        #expect(machine.nextDeadline == nil)
        #expect(machine.now == .zero)
        #expect(machine.remaining(at: s(10)) == nil)
        #expect(!machine.isFinished)
    }

    @Test("start records the start and the first step, shows running and asks to wake at the warning")
    func start() throws {
        var machine = SessionStateMachine(treatment: makeProtocol())
        let actions = try machine.handle(.start, at: s(5))
        #expect(
            actions == [
                .record(SessionEvent(.sessionStarted, at: s(5), note: ClinicLimits.standard.recordNote)),
                .record(SessionEvent(.stepStarted, at: s(5), step: 0, stepKind: .site, site: "a", needles: 2)),
                .show(.running(cadence: nil), since: s(5)),
                .wake(at: s(215)),
            ])
        #expect(machine.phase == .running)
        #expect(machine.currentStepIndex == 0)
        #expect(machine.remaining(at: s(15)) == s(230))
    }

    @Test("a whole session without commands follows the protocol's offsets")
    func wholeSession() throws {
        let treatment = makeProtocol(observation: m(5))
        var machine = try SessionStateMachine.started(treatment)
        var events: [SessionEvent] = [
            SessionEvent(.sessionStarted, at: .zero, note: ClinicLimits.standard.recordNote),
            SessionEvent(.stepStarted, at: .zero, step: 0, stepKind: .site, site: "a", needles: 2),
        ]
        var shows: [(signal: IndicatorSignal, since: Duration)] = [(.running(cadence: nil), .zero)]
        var wakes: [Duration?] = [s(210)]
        // Step by step: wake exactly when asked, as a runner does.
        var wakeCount = 0
        while let deadline = machine.nextDeadline, wakeCount < 50 {
            let actions = machine.advance(to: deadline)
            #expect(actions.events.allSatisfy { $0.at == deadline }, "cues carry their deadline")
            #expect(actions.wakes.last == machine.nextDeadline, "each wake-up announces the next deadline")
            events += actions.events
            shows += actions.shows
            wakes += actions.wakes
            wakeCount += 1
        }

        // Expected events derived from the protocol's cumulative offsets…
        let offsets = cumulativeOffsets(treatment)
        var expected: [SessionEvent] = [
            SessionEvent(.sessionStarted, at: .zero, note: ClinicLimits.standard.recordNote)
        ]
        for (index, step) in treatment.steps.enumerated() {
            let kind = step.kind
            let id = step.site?.site
            let needles = step.site?.needles
            expected.append(
                SessionEvent(.stepStarted, at: offsets[index], step: index, stepKind: kind, site: id, needles: needles))
            if kind == .site {
                expected.append(
                    SessionEvent(
                        .stepWarning, at: offsets[index + 1] - treatment.warnBefore,
                        step: index, stepKind: kind, site: id))
            }
            expected.append(
                SessionEvent(
                    .stepEnded, at: offsets[index + 1], step: index, stepKind: kind, site: id, needles: needles))
        }
        expected.append(SessionEvent(.sessionOverrun, at: treatment.stepsTotal))
        expected.append(SessionEvent(.sessionEscalated, at: treatment.stepsTotal + ClinicLimits.standard.escalateAfter))
        #expect(events == expected)
        // …and, spelled out, the numbers themselves.
        #expect(events.filter { $0.kind == .stepWarning }.map(\.at) == [s(210), s(510), s(690)])
        #expect(events.filter { $0.kind == .stepEnded }.map(\.at) == [s(240), s(300), s(540), s(720)])
        #expect(events.suffix(2).map(\.at) == [s(720), s(780)])

        #expect(wakes == [s(210), s(240), s(300), s(510), s(540), s(690), s(720), s(780), nil])
        #expect(
            shows.map(\.signal) == [
                .running(cadence: nil), .warning, .rest, .running(cadence: nil), .warning,
                .running(cadence: nil), .warning, .attention, .attentionEscalated,
            ])
        #expect(shows.map(\.since) == [.zero, s(210), s(240), s(300), s(510), s(540), s(690), s(720), s(780)])
        #expect(machine.state == .overrun(since: s(720), escalated: true))

        // Acknowledged, the observation runs its length and the session completes.
        let acknowledged = try machine.countOutAndAcknowledge(at: s(800))
        #expect(acknowledged.shows.map(\.signal) == [.observation])
        #expect(acknowledged.shows.map(\.since) == [s(800)])
        #expect(acknowledged.wakes == [s(1_100)])
        let end = machine.advance(to: s(1_100))
        #expect(
            end == [
                .record(SessionEvent(.observationEnded, at: s(1_100), stepKind: .observation)),
                .record(SessionEvent(.sessionCompleted, at: s(1_100))),
                .show(.idle, since: s(1_100)),
                .wake(at: nil),
            ])
        #expect(machine.isFinished)
        #expect(machine.state == .completed(at: s(1_100)))
    }

    @Test("advancing before a deadline does nothing")
    func earlyAdvance() throws {
        var machine = try SessionStateMachine.started()
        let before = machine.state
        #expect(machine.advance(to: s(209)).isEmpty)
        #expect(machine.state == before)
        #expect(machine.now == s(209))
    }

    @Test("advancing far past several deadlines fires each in order at its own time")
    func lateAdvance() throws {
        var machine = try SessionStateMachine.started()
        let actions = machine.advance(to: s(1_000))
        #expect(
            actions.events.map(\.kind) == [
                .stepWarning, .stepEnded, .stepStarted, .stepEnded, .stepStarted, .stepWarning, .stepEnded,
                .stepStarted, .stepWarning, .stepEnded, .sessionOverrun, .sessionEscalated,
            ])
        #expect(
            actions.events.map(\.at) == [
                s(210), s(240), s(240), s(300), s(300), s(510), s(540), s(540), s(690), s(720), s(720), s(780),
            ])
        // Only the final signal is shown, anchored at the cue that caused it, not the late time.
        #expect(actions.shows.map(\.signal) == [.attentionEscalated])
        #expect(actions.shows.map(\.since) == [s(780)])
        #expect(actions.wakes == [nil])
        #expect(machine.now == s(1_000))
        #expect(machine.remaining(at: s(1_000)) == s(-280))
    }

    @Test("a late advance anchors the new signal at the deadline that caused it")
    func lateAdvanceAnchor() throws {
        var machine = try SessionStateMachine.started()
        let actions = machine.advance(to: s(520))
        #expect(actions.events.map(\.at).last == s(510))
        #expect(actions.shows.map(\.signal) == [.warning])
        #expect(actions.shows.map(\.since) == [s(510)])
        #expect(actions.wakes == [s(540)])
    }

    @Test("advance never goes back in time")
    func advanceBackwards() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(100))
        let state = machine.state
        #expect(machine.advance(to: s(50)).isEmpty)
        #expect(machine.now == s(100))
        #expect(machine.state == state)
    }

    @Test("a deadline fires exactly at its offset, not a moment before")
    func exactDeadline() throws {
        var machine = try SessionStateMachine.started()
        #expect(machine.advance(to: s(210) - .milliseconds(1)).isEmpty)
        #expect(machine.advance(to: s(210)).kinds == [.stepWarning])
    }

    @Test("pistoning sites signal their cadence; other sites run steady")
    func pistoningSignal() throws {
        let fast = Cadence(millihertz: 1_500)
        let treatment = makeProtocol(
            technique: .pistoning, warnBefore: s(30),
            steps: [
                site("a", m(4), cadence: fast),
                site("b", m(4)),  // pistoning, no cadence given
                site("c", m(2), technique: .deep),  // override to deep
                site("d", m(2), technique: .pistoning, cadence: Cadence(millihertz: 750)),
            ])
        var machine = try SessionStateMachine.started(treatment)
        #expect(machine.currentSignal == .running(cadence: fast))
        var running: [IndicatorSignal] = [machine.currentSignal]
        running += machine.runDeadlines().shows.map(\.signal).filter { $0.name == "running" }
        #expect(
            running == [
                .running(cadence: fast), .running(cadence: nil), .running(cadence: nil),
                .running(cadence: Cadence(millihertz: 750)),
            ])
    }

    @Test("a deep protocol ignores a cadence on a site that is not pistoning")
    func cadenceIgnoredWhenNotPistoning() throws {
        let treatment = makeProtocol(technique: .deep, steps: [site("a", m(12), cadence: Cadence(millihertz: 1_000))])
        #expect(try SessionStateMachine.started(treatment).currentSignal == .running(cadence: nil))
    }

    @Test("sites no longer than warn_before get no warning", arguments: [s(30), s(20)])
    func shortSites(dwell: Duration) throws {
        let treatment = makeProtocol(steps: [site("a", dwell), site("b", m(11))])
        var machine = try SessionStateMachine.started(treatment)
        #expect(machine.progress?.warning == SessionStateMachine.Warning.none)
        #expect(machine.nextDeadline == dwell)
        let actions = machine.advance(to: dwell)
        #expect(actions.kinds == [.stepEnded, .stepStarted])
        #expect(!actions.shows.contains { $0.signal == .warning })
    }

    @Test("a site just longer than warn_before is warned right after it starts")
    func barelyLongSite() throws {
        let treatment = makeProtocol(steps: [site("a", s(31)), site("b", m(11))])
        var machine = try SessionStateMachine.started(treatment)
        #expect(machine.nextDeadline == s(1))
        #expect(machine.advance(to: s(1)).kinds == [.stepWarning])
    }

    @Test("rests show the rest signal and have no warning")
    func restSignal() throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: s(240))
        #expect(machine.phase == .rest)
        #expect(machine.currentSignal == .rest)
        #expect(machine.progress?.warning == SessionStateMachine.Warning.none)
        #expect(machine.nextDeadline == s(300))
    }

    @Test("custom clinic limits change the escalation interval")
    func customEscalation() throws {
        let limits = ClinicLimits(escalateAfter: s(15))
        var machine = try SessionStateMachine.started(limits: limits)
        _ = machine.advance(to: s(720))
        #expect(machine.nextDeadline == s(735))
        #expect(machine.advance(to: s(735)).events == [SessionEvent(.sessionEscalated, at: s(735))])
    }

    @Test("remaining counts down in a step and up (negative) in overrun")
    func remaining() throws {
        var machine = try SessionStateMachine.started()
        #expect(machine.remaining(at: s(40)) == s(200))
        _ = machine.advance(to: s(730))
        #expect(machine.remaining(at: s(730)) == s(-10))
        #expect(machine.currentStepIndex == nil)
    }
}
