import Testing

@testable import DwellCore

/// Count them in, count them out. Default protocol: `a` (2 needles) 0–240, rest 240–300,
/// `b` (2) 300–540, `c` (2) 540–720; overrun 720, escalation 780; 5 minutes of observation.
@Suite("Session state machine: needle accounting")
struct SessionStateMachineNeedleTests {
    func overrun() throws -> SessionStateMachine {
        var machine = try SessionStateMachine.started(makeProtocol(observation: m(5)))
        _ = machine.advance(to: s(730))
        return machine
    }

    @Test("each site's needles are counted in as it starts, and recorded with its start and end")
    func countedInAtStart() throws {
        var machine = try SessionStateMachine.started()
        #expect(machine.needles.placed == [0: 2])
        let events = machine.advance(to: s(540)).events
        #expect(machine.needles.placed == [0: 2, 2: 2, 3: 2])
        #expect(events.filter { $0.kind == .stepStarted }.map(\.needles) == [nil, 2, 2])
        #expect(events.filter { $0.kind == .stepEnded }.map(\.needles) == [2, nil, 2])
        #expect(machine.needles.totalPlaced == 6 && machine.needles.difference == 6)
    }

    @Test("the therapist corrects the count in, at the current site or a named one")
    func correctCountIn() throws {
        var machine = try SessionStateMachine.started()
        let placed = try machine.command(.placeNeedles(count: 3, step: nil), at: s(20))
        #expect(
            placed.events == [SessionEvent(.needlesPlaced, at: s(20), step: 0, stepKind: .site, site: "a", needles: 3)])
        _ = machine.advance(to: s(310))
        try machine.command(.placeNeedles(count: 0, step: 0), at: s(320))
        #expect(machine.needles.placed == [0: 0, 2: 2])
        #expect(machine.phase == .running, "a correction changes no timing")
    }

    @Test("needles out at a site, or anywhere: the sites are settled in order, the rest is surplus")
    func countedOut() throws {
        var machine = try overrun()
        let site = try machine.command(.removeNeedles(count: 1, step: 2), at: s(731))
        #expect(
            site.events == [SessionEvent(.needlesRemoved, at: s(731), step: 2, stepKind: .site, site: "b", needles: 1)])
        let anywhere = try machine.command(.removeNeedles(count: 4, step: nil), at: s(732))
        #expect(anywhere.events == [SessionEvent(.needlesRemoved, at: s(732), needles: 4)])
        #expect(machine.needles.removed == [0: 2, 2: 2, 3: 1])
        #expect(machine.needles.difference == 1)
        try machine.command(.removeNeedles(count: 2, step: nil), at: s(733))
        #expect(machine.needles.surplus == 1 && machine.needles.difference == -1)
        #expect(machine.phase == .overrun, "counting out is not acknowledging")
    }

    @Test("acknowledged with every needle out, the observation starts")
    func balancedAcknowledge() throws {
        var machine = try overrun()
        let actions = try machine.countOutAndAcknowledge(at: s(740))
        #expect(actions.kinds == [.sessionAcknowledged, .observationStarted])
        #expect(machine.phase == .observation)
    }

    @Test("a mismatch blocks completion: the high-priority alarm holds until the counts agree")
    func mismatchBlocksCompletion() throws {
        var machine = try overrun()
        try machine.command(.removeNeedles(count: 5, step: nil), at: s(735))
        let actions = try machine.command(.acknowledge, at: s(740))
        #expect(
            actions.events == [
                SessionEvent(.sessionAcknowledged, at: s(740)),
                SessionEvent(
                    .needlesUnaccounted, at: s(740), needles: 1,
                    note: "1 needle counted in but not out: may still be in the patient"),
            ])
        #expect(machine.state == .unaccounted(since: s(740), then: .observation, escalated: false))
        #expect(actions.shows.map(\.signal) == [.unaccounted(escalated: false)])
        #expect(machine.remaining(at: s(741)) == nil)
        // Time alone never ends it: it escalates, and stays.
        #expect(machine.advance(to: s(800)).kinds == [.sessionEscalated])
        #expect(machine.currentSignal == .unaccounted(escalated: true))
        #expect(machine.advance(to: s(100_000)).isEmpty)
        #expect(machine.phase == .unaccounted)
        // The missing needle found and counted out: the session goes on to observation.
        let found = try machine.command(.removeNeedles(count: 1, step: nil), at: s(100_010))
        #expect(found.kinds == [.needlesRemoved, .observationStarted])
        #expect(machine.state == .observation(startedAt: s(100_010), end: s(100_310)))
    }

    @Test("more counted out than in also blocks; correcting the count in settles it")
    func surplusBlocks() throws {
        var machine = try overrun()
        try machine.command(.removeNeedles(count: 7, step: nil), at: s(735))
        let actions = try machine.command(.acknowledge, at: s(740))
        #expect(actions.events.last?.note == "1 more needle counted out than in: correct the count in")
        #expect(actions.events.last?.needles == -1)
        #expect(
            try machine.command(.placeNeedles(count: 3, step: 3), at: s(750)).kinds == [
                .needlesPlaced, .observationStarted,
            ])
    }

    @Test("closing with a mismatch needs a reason and records a possible adverse event")
    func reasonedOverride() throws {
        var machine = try overrun()
        try machine.command(.acknowledge, at: s(740))
        #expect(throws: CommandRejection.self) { try machine.command(.closeWithMismatch(reason: " x "), at: s(750)) }
        let actions = try machine.command(
            .closeWithMismatch(reason: "  needle found in the sharps bin uncounted "), at: s(760))
        #expect(
            actions.events == [
                SessionEvent(
                    .mismatchClosed, at: s(760), needles: 6,
                    note: "possible adverse event: needle found in the sharps bin uncounted",
                    reason: "needle found in the sharps bin uncounted"),
                SessionEvent(.observationStarted, at: s(760), stepKind: .observation),
            ])
        #expect(machine.phase == .observation)
        #expect(machine.needles.difference == 6, "the counts are left as they were: the record shows the mismatch")
        // The closed mismatch does not sound again when the observation ends…
        #expect(machine.advance(to: s(1_060)).kinds == [.observationEnded, .sessionCompleted])
    }

    @Test("a closed mismatch that changes again raises the alarm again; a found needle settles it")
    func closedMismatchChanges() throws {
        var machine = try overrun()
        try machine.command(.acknowledge, at: s(740))
        try machine.command(.closeWithMismatch(reason: "two needles not found"), at: s(750))
        #expect(
            try machine.command(.placeNeedles(count: 3, step: 0), at: s(760)).kinds == [
                .needlesPlaced, .needlesUnaccounted,
            ])
        #expect(
            try machine.command(.removeNeedles(count: nil, step: nil), at: s(770)).kinds == [
                .needlesRemoved, .sessionCompleted,
            ])
    }

    @Test("abort with needles in stops the timing but ends only once they are out")
    func abortWithNeedlesIn() throws {
        var machine = try SessionStateMachine.started()
        let actions = try machine.command(.abort, at: s(100))
        #expect(actions.kinds == [.sessionStopped, .needlesUnaccounted])
        #expect(actions.events.first?.step == 0)
        #expect(machine.state == .unaccounted(since: s(100), then: .aborted(step: 0), escalated: false))
        #expect(machine.nextDeadline == s(160), "no step timing, only the escalation")
        #expect(
            try machine.command(.removeNeedles(count: 2, step: 0), at: s(120)).events.last
                == SessionEvent(.sessionAborted, at: s(120), step: 0))
    }

    @Test("abort during the unaccounted alarm changes how it ends, once")
    func abortWhileUnaccounted() throws {
        var machine = try overrun()
        try machine.command(.acknowledge, at: s(740))
        #expect(try machine.command(.abort, at: s(745)).kinds == [.sessionStopped])
        #expect(machine.state == .unaccounted(since: s(740), then: .aborted(step: nil), escalated: false))
        #expect(throws: CommandRejection.self) { try machine.command(.abort, at: s(746)) }
        #expect(
            try machine.command(.removeNeedles(count: nil, step: nil), at: s(750)).kinds == [
                .needlesRemoved, .sessionAborted,
            ])
    }

    @Test(
        "rapid removal stops timing at once and waits for the count; the count recovered ends the session",
        arguments: [s(100), s(250), s(730)])
    func rapidRemoval(at time: Duration) throws {
        var machine = try SessionStateMachine.started()
        _ = machine.advance(to: time)
        let inBefore = machine.needles.difference
        let step = machine.currentStepIndex
        let actions = try machine.command(.rapidRemoval, at: time)
        #expect(actions.kinds == [.rapidRemoval])
        #expect(actions.events.first?.needles == inBefore)
        #expect(actions.events.first?.note?.contains("needle shock or fainting") == true)
        #expect(actions.events.first?.note?.contains("every needle") == false, "it does not claim they are all out")
        #expect(machine.state == .reconcile(since: time, then: .aborted(step: step)))
        #expect(machine.needles.difference == inBefore, "nothing counted out yet")
        #expect(machine.currentSignal == .reconcile)
        // Counted before the reminder escalates.
        let counted = try machine.command(.reconcile(recovered: inBefore), at: time + s(30))
        #expect(counted.kinds == [.needlesReconciled, .sessionAborted])
        #expect(machine.needles.isBalanced)
        #expect(machine.state == .aborted(at: time + s(30)))
        #expect(machine.currentSignal == .idle)
    }

    @Test("a count that no longer agrees during observation raises the alarm")
    func observationRecheck() throws {
        var machine = try overrun()
        try machine.countOutAndAcknowledge(at: s(740))
        let actions = try machine.command(.placeNeedles(count: 3, step: 0), at: s(800))
        #expect(actions.kinds == [.needlesPlaced, .needlesUnaccounted])
        #expect(machine.state == .unaccounted(since: s(800), then: .completed, escalated: false))
    }

    @Test("impossible counts are refused and change nothing")
    func refusedCounts() throws {
        var machine = try overrun()
        let before = machine
        for command: SessionCommand in [
            .removeNeedles(count: 3, step: 0), .removeNeedles(count: 0, step: nil),
            .placeNeedles(count: -1, step: 0), .removeNeedles(count: 1, step: 1),
        ] {
            #expect(throws: CommandRejection.self) { try machine.handle(command, at: s(740)) }
        }
        try machine.command(.removeNeedles(count: 2, step: 0), at: s(741))
        let below = #expect(throws: CommandRejection.self) {
            try machine.handle(.placeNeedles(count: 1, step: 0), at: s(742))
        }
        #expect(below?.reason.contains("already counted out") == true)
        let empty = #expect(throws: CommandRejection.self) {
            try machine.handle(.removeNeedles(count: nil, step: 0), at: s(743))
        }
        #expect(empty?.reason.contains("nothing to remove") == true, "all out at a site already emptied")
        #expect(before.needles.difference == 6 && machine.needles.difference == 4)
    }
}
