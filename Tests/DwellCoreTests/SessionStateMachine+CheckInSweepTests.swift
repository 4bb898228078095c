import Testing

@testable import DwellCore

/// The check-in reminder (`check_every`) and the sweep gate (`sweep`), on the default protocol:
/// site `a` 0–240 s (warning at 210), rest 240–300, `b` 300–540, `c` 540–720; 2 needles a site.
@Suite("Session state machine: check-in reminder and sweep gate")
struct SessionStateMachineCheckInSweepTests {
    /// Check-ins every 4m30s: the first comes due at 270 s, in the rest.
    let limits = ClinicLimits(checkEvery: s(270))

    @Test("untouched for check_every: check.due recorded, the low-priority cue over the rest; time left goes negative")
    func checkInComesDue() throws {
        var machine = try SessionStateMachine.started(limits: limits)
        #expect(machine.checkInDeadline == s(270))
        #expect(machine.checkIn(at: s(100)) == s(170))
        let due = machine.advance(to: s(270))
        #expect(due.kinds == [.stepWarning, .stepEnded, .stepStarted, .checkDue])
        #expect(
            due.events.last
                == SessionEvent(
                    .checkDue, at: s(270), step: 1, needles: 2, note: "nobody has looked in on the patient for 4m30s"))
        #expect(due.shows.map(\.signal) == [.checkDue])
        #expect(due.shows.map(\.since) == [s(270)], "the cue's pattern starts at its deadline")
        #expect(due.wakes.last == s(300), "the rest's end; no check-in deadline while one is overdue")
        #expect(machine.checkIn(at: s(280)) == s(-10), "negative once overdue")
        // The next step keeps the cue (re-anchored at the step's start), and the session times on.
        let next = machine.advance(to: s(300))
        #expect(next.kinds == [.stepEnded, .stepStarted])
        #expect(next.shows.map(\.signal) == [.checkDue])
        #expect(next.shows.map(\.since) == [s(300)])
    }

    @Test("checked records the check, ends the cue and starts the timer over")
    func checkedResets() throws {
        var machine = try SessionStateMachine.started(limits: limits)
        _ = machine.advance(to: s(300))
        let actions = try machine.handle(.checked, at: s(320))
        #expect(
            actions.events == [
                SessionEvent(
                    .checkDone, at: s(320), step: 2,
                    note: "a therapist looked in on the patient (the check-in was overdue)")
            ])
        #expect(actions.shows.map(\.signal) == [.running(cadence: nil)])
        #expect(actions.shows.map(\.since) == [s(320)])
        #expect(machine.checkInDeadline == s(590))
        #expect(machine.nextDeadline == s(510), "b's warning comes before the next check-in")
        #expect(!machine.checkOverdue)
    }

    @Test("any other command on the bed starts the timer over, unrecorded as a check")
    func anyCommandTouches() throws {
        var machine = try SessionStateMachine.started(limits: limits)
        let actions = try machine.command(.extend(m(1)), at: s(100))
        #expect(!actions.kinds.contains(.checkDone))
        #expect(machine.checkInDeadline == s(370))
        try machine.command(.pause, at: s(200))
        #expect(machine.checkInDeadline == s(470), "the pause itself is a touch; the timer runs on while paused")
        // A rejected command changes nothing, not even the timer.
        #expect(throws: CommandRejection.self) { try machine.handle(.acknowledge, at: s(250)) }
        #expect(machine.checkInDeadline == s(470))
    }

    @Test("a louder alarm keeps its signal when the check-in comes due; the check is still recorded")
    func louderAlarmWins() throws {
        var machine = try SessionStateMachine.started(limits: ClinicLimits(checkEvery: s(725)))
        let actions = machine.advance(to: s(725))
        #expect(actions.kinds.suffix(3) == [.stepEnded, .sessionOverrun, .checkDue])
        #expect(machine.currentSignal == .attention, "the overrun's medium priority outranks the low cue")
        #expect(IndicatorSignal.checkDue.priority < IndicatorSignal.attention.priority)
        // Acknowledging touches the bed too: nothing is overdue any more.
        try machine.countOutAndAcknowledge(at: s(730))
        #expect(!machine.checkOverdue)
    }

    @Test("without check_every nothing comes due, checked is still recorded and check_in is nil")
    func noCheckEvery() throws {
        var machine = try SessionStateMachine.started()
        #expect(machine.checkInDeadline == nil)
        #expect(machine.checkIn(at: s(100)) == nil)
        let actions = try machine.command(.checked, at: s(100))
        #expect(actions.kinds == [.checkDone])
        #expect(actions.shows.isEmpty && actions.wakes.isEmpty, "nothing else changes")
    }

    @Test("no check-in timer before the start, while interrupted, in the sweep or after the end")
    func phasesWithoutCheckIn() throws {
        var idle = SessionStateMachine(treatment: makeProtocol(), limits: limits)
        #expect(idle.checkIn(at: .zero) == nil)
        _ = try idle.handle(.start, at: .zero)
        _ = idle.advance(to: s(100))
        _ = try idle.handle(.interrupt, at: s(100))
        #expect(idle.checkIn(at: s(100)) == nil && idle.checkInDeadline == nil)
        _ = try idle.handle(.resume, at: s(120))
        #expect(idle.checkInDeadline == s(390), "a resume starts the timer over")
    }

    @Test("the check-due cue: steady amber, 2 buzzer pulses every 30 s (IEC low priority), nothing else")
    func checkDuePattern() {
        let lamps = IndicatorSignal.checkDue.patterns()
        #expect(lamps[.amber] == .steady)
        #expect(lamps[.green] == .off && lamps[.red] == .off)
        let buzzer = PatternWalk(lamps[.buzzer] ?? .off, window: s(61))
        #expect(buzzer.onsets == [.zero, ms(300), s(30), s(30) + ms(300), s(60), s(60) + ms(300)])
        #expect(buzzer.pulses.allSatisfy { $0.length == ms(150) })
        #expect(buzzer.groups(spacing: s(1)) == [2, 2, 2])
        #expect(IndicatorSignal.checkDue.name == "check-due")
    }

    // MARK: Sweep

    @Test("with sweep on, the last needle out leads to sweep (low priority), swept to completed; both recorded")
    func sweepGate() throws {
        var machine = try SessionStateMachine.started(limits: ClinicLimits(sweep: true))
        let acknowledged = try machine.countOutAndAcknowledge(at: s(730))
        #expect(acknowledged.kinds.suffix(2) == [.sessionAcknowledged, .sweepStarted])
        #expect(
            acknowledged.events.last
                == SessionEvent(
                    .sweepStarted, at: s(730), needles: 6, note: "check the couch and floor for stray needles"))
        #expect(machine.state == .sweep(since: s(730), then: .completed))
        #expect(machine.phase == .sweep && !machine.isFinished)
        #expect(machine.currentSignal == .sweep)
        #expect(machine.nextDeadline == nil, "the reminder repeats in its pattern; it does not escalate")
        #expect(machine.advance(to: s(5_000)).isEmpty)
        let swept = try machine.handle(.swept, at: s(5_000))
        #expect(swept.kinds == [.sweepDone, .sessionCompleted])
        #expect(swept.events.first?.note == "couch and floor checked for stray needles")
        #expect(swept.shows.map(\.signal) == [.idle])
        #expect(machine.state == .completed(at: s(5_000)))
    }

    @Test("an abort with needles in ends through the sweep as aborted; an abort before any needle does not sweep")
    func sweepAfterAbort() throws {
        var machine = try SessionStateMachine.started(limits: ClinicLimits(sweep: true))
        try machine.command(.abort, at: s(100))
        let out = try machine.handle(.removeNeedles(count: nil, step: nil), at: s(110))
        #expect(out.kinds == [.needlesRemoved, .sweepStarted])
        #expect(machine.state == .sweep(since: s(110), then: .aborted(step: 0)))
        let swept = try machine.handle(.swept, at: s(200))
        #expect(swept.kinds == [.sweepDone, .sessionAborted])
        #expect(swept.events.last?.step == 0)

        var unstarted = SessionStateMachine(treatment: makeProtocol(), limits: ClinicLimits(sweep: true))
        let unstartedAbort = try unstarted.handle(.abort, at: .zero)
        #expect(unstartedAbort.kinds == [.sessionAborted])
    }

    @Test("a restart during the sweep keeps the bed waiting for it (no interrupted alarm), recorded")
    func interruptDuringSweep() throws {
        var machine = try SessionStateMachine.started(limits: ClinicLimits(sweep: true))
        try machine.countOutAndAcknowledge(at: s(730))
        let actions = try machine.handle(.interrupt, at: s(800))
        #expect(actions.kinds == [.sessionInterrupted])
        #expect(machine.state == .sweep(since: s(730), then: .completed))
        #expect(machine.currentSignal == .sweep)
    }

    @Test("a session with a check and a sweep replays from its recorded commands")
    func replay() throws {
        let limits = ClinicLimits(checkEvery: s(270), sweep: true)
        var live = SessionStateMachine(treatment: makeProtocol(), limits: limits)
        var recorded = try live.handle(.start, at: .zero).events
        recorded += try live.command(.checked, at: s(100)).events
        recorded += try live.command(.removeNeedles(count: nil, step: nil), at: s(730)).events
        recorded += try live.handle(.acknowledge, at: s(730)).events
        recorded += try live.command(.swept, at: s(800)).events
        let history = recorded.filter(\.kind.isCommand).compactMap { event -> SessionStateMachine.HistoryEntry? in
            switch event.kind {
            case .sessionStarted: return .init(at: event.at, command: .start)
            case .checkDone: return .init(at: event.at, command: .checked)
            case .needlesRemoved: return .init(at: event.at, command: .removeNeedles(count: event.needles, step: nil))
            case .sessionAcknowledged: return .init(at: event.at, command: .acknowledge)
            case .sweepDone: return .init(at: event.at, command: .swept)
            default: return nil
            }
        }
        let replayed = try SessionStateMachine.replaying(
            makeProtocol(), limits: limits, history: history, until: s(800),
            recorded: recorded.map { ($0.kind, $0.step) })
        #expect(recorded.map(\.kind).contains(.checkDue), "the check-in came due at 370 s and replays")
        #expect(replayed.state == live.state)
    }

    @Test("the sweep reminder: an amber blip every 2 s and 2 buzzer pulses every 30 s, unlike the check-in cue")
    func sweepPattern() {
        let lamps = IndicatorSignal.sweep.patterns()
        let amber = PatternWalk(lamps[.amber] ?? .off, window: s(6))
        #expect(amber.onsets == [.zero, s(2), s(4)])
        #expect(amber.pulses.allSatisfy { $0.length == ms(200) })
        #expect(lamps[.buzzer] == IndicatorSignal.lowBursts)
        #expect(lamps[.green] == .off && lamps[.red] == .off)
        #expect(lamps != IndicatorSignal.checkDue.patterns())
        #expect(IndicatorSignal.sweep.priority == .low)
    }
}
