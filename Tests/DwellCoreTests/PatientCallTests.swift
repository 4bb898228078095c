import Testing

@testable import DwellCore

/// The patient call: a pure machine beside the session's, composed with its signal at the bed.
@Suite("Patient call")
struct PatientCallTests {
    @Test("a call stands until answered; a second press changes nothing; the answer gives the response time")
    func callAndAnswer() {
        var call = PatientCall()
        let unanswerable = call.answer(at: s(5))
        #expect(!call.isCalling && unanswerable == nil, "nothing to answer")
        let raised = call.call(at: s(10), from: .button)
        #expect(raised && call.isCalling && call.since == s(10) && call.source == .button)
        let again = call.call(at: s(20), from: .api)
        #expect(!again, "the patient pressed again: the first call stands")
        #expect(call.since == s(10) && call.source == .button)
        #expect(call.waiting(at: s(52)) == s(42))
        let waited = call.answer(at: s(52))
        #expect(waited == s(42))
        #expect(!call.isCalling && call.waiting(at: s(60)) == nil)
        #expect(PatientCall.answerNote(after: s(42)) == "patient call answered at the bed after 42s")
        #expect(PatientCall.callNote(.button) == "patient call from the bed's call button")
    }

    /// What each phase shows, and what it shows while the patient calls.
    @Test(
        "a call is shown in every phase, over every signal but an escalated high-priority alarm",
        arguments: PhaseCase.allCases)
    func callInEachPhase(phaseCase: PhaseCase) throws {
        let machine = try phaseCase.machine()
        let shown = machine.currentSignal.withCall(true)
        #expect(shown == .calling, "\(phaseCase): \(machine.currentSignal)")
        #expect(machine.currentSignal.withCall(false) == machine.currentSignal, "answered: the session's signal again")
    }

    @Test("idle (no session), and the escalated alarms that keep their own urgent pattern under a call")
    func idleAndEscalated() throws {
        #expect(IndicatorSignal.idle.withCall(true) == .calling, "an idle bed calls too")
        for urgent in [IndicatorSignal.unaccounted(escalated: true), .interrupted(escalated: true)] {
            #expect(urgent.withCall(true) == urgent, "\(urgent): its shorter bursts stay")
            #expect(urgent.priority > IndicatorSignal.calling.priority)
        }
        // Needles unaccounted, unanswered past escalate_after (790 + 60 s): the call does not hide it.
        var machine = try PhaseCase.unaccounted.machine()
        _ = machine.advance(to: s(900))
        #expect(machine.currentSignal == .unaccounted(escalated: true))
        #expect(machine.currentSignal.withCall(true) == .unaccounted(escalated: true))
    }

    @Test("calling: red flashes at 2 Hz, amber in turn (wig-wag), high-priority bursts; unlike any other signal")
    func callingPattern() throws {
        let lamps = IndicatorSignal.calling.patterns()
        let red = PatternWalk(lamps[.red] ?? .off, window: s(2))
        let amber = PatternWalk(lamps[.amber] ?? .off, window: s(2))
        #expect(red.onsets == [.zero, ms(500), s(1), ms(1_500)])
        #expect(red.offsets == [ms(250), ms(750), ms(1_250), ms(1_750)])
        #expect(amber.onsets == [ms(250), ms(750), ms(1_250), ms(1_750)], "amber lit while red is dark")
        let frequency = try #require(red.frequency)
        let duty = try #require(red.dutyPercent)
        #expect(
            (1.4...2.8).contains(frequency) && (20...60).contains(duty), "IEC high priority: \(frequency) Hz, \(duty) %"
        )
        #expect(lamps[.buzzer] == IndicatorSignal.highBursts)
        #expect(lamps[.green] == .off)
        #expect(IndicatorSignal.calling.priority == .high && IndicatorSignal.calling.name == "calling")
        let others: [IndicatorSignal] = [
            .idle, .running(cadence: nil), .warning, .rest, .paused, .pauseOverdue(escalated: false),
            .pauseOverdue(escalated: true), .observation, .attention, .attentionEscalated,
            .unaccounted(escalated: false), .unaccounted(escalated: true), .reconcile, .reconcileEscalated,
            .interrupted(escalated: false), .interrupted(escalated: true), .silenced, .checkDue, .sweep,
        ]
        for other in others { #expect(other.patterns() != lamps, "\(other)") }
    }
}
