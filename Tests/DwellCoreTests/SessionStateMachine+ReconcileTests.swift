import Testing

@testable import DwellCore

/// Rapid removal (needle shock, fainting) means "out now, count later": timing stops at once, the
/// bed waits in `reconcile` (a medium-priority reminder, high priority after `escalate_after`:
/// 60 s, so at 560 s here) for how many needles were recovered; a match ends the session, a
/// mismatch goes through "needles unaccounted" (count, or close with a reason). The default
/// protocol's site `a` has 2 needles and runs 0–240 s.
@Suite("Session state machine: reconcile after rapid removal")
struct SessionStateMachineReconcileTests {
    /// Site `a` (2 needles) and `b` (3 needles corrected in) have needles in: 5 still in at 500 s.
    func removedAtOnce() throws -> SessionStateMachine {
        var machine = try SessionStateMachine.started()
        try machine.command(.placeNeedles(count: 3, step: 2), at: s(400))
        try machine.command(.rapidRemoval, at: s(500))
        return machine
    }

    @Test("rapid removal stops timing at once, records how many were in, and waits for the count")
    func rapidRemovalWaitsForTheCount() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.placeNeedles(count: 3, step: 2), at: s(400))
        let actions = try machine.command(.rapidRemoval, at: s(500))
        #expect(
            actions.events == [
                SessionEvent(
                    .rapidRemoval, at: s(500), step: 2, needles: 5,
                    note: "needle shock or fainting: the 5 needles still counted in were removed at once, to be counted"
                )
            ])
        #expect(machine.state == .reconcile(since: s(500), then: .aborted(step: 2)))
        #expect(machine.phase == .reconcile)
        #expect(machine.needles.difference == 5, "nothing is counted out until the therapist counts")
        #expect(actions.shows.map(\.signal) == [.reconcile])
        #expect(actions.shows.map(\.since) == [s(500)])
        #expect(actions.wakes == [s(560)], "no step runs on: only the reminder's escalation is due")
        #expect(machine.remaining(at: s(600)) == nil && machine.currentStepIndex == nil)
    }

    @Test("unanswered for escalate_after, the reminder escalates to high priority, recorded, once")
    func escalation() throws {
        var machine = try removedAtOnce()
        #expect(machine.advance(to: s(559)).isEmpty)
        let escalated = machine.advance(to: s(600))
        #expect(
            escalated.events == [
                SessionEvent(
                    .sessionEscalated, at: s(560), needles: 5, note: "needles removed at once not yet counted")
            ])
        #expect(escalated.shows.map(\.signal) == [.reconcileEscalated])
        #expect(escalated.shows.map(\.since) == [s(560)])
        #expect(escalated.wakes == [nil])
        #expect(machine.state == .reconcile(since: s(500), then: .aborted(step: 2), escalated: true))
        #expect(machine.advance(to: s(5_000)).isEmpty, "it escalates once")
        #expect(IndicatorSignal.reconcileEscalated.patterns() == IndicatorSignal.attentionEscalated.patterns())
        #expect(IndicatorSignal.reconcileEscalated.name == "reconcile-escalated")
        let counted = try machine.command(.reconcile(recovered: 5), at: s(5_010))
        #expect(counted.kinds == [.needlesReconciled, .sessionAborted])
    }

    @Test("the reminder is medium priority: amber 0.5 Hz and 3-pulse bursts, like an unanswered overrun")
    func reminderSignal() {
        #expect(IndicatorSignal.reconcile.patterns() == IndicatorSignal.attention.patterns())
        #expect(IndicatorSignal.reconcile.patterns()[.amber] == IndicatorSignal.slowFlash)
        #expect(IndicatorSignal.reconcile.patterns()[.buzzer] == IndicatorSignal.mediumBursts)
        #expect(IndicatorSignal.reconcile.name == "reconcile")
    }

    @Test("every needle recovered: the counts agree and the session ends as rapid removal ends it")
    func match() throws {
        var machine = try removedAtOnce()
        let actions = try machine.command(.reconcile(recovered: 5), at: s(540))
        #expect(
            actions.events == [
                SessionEvent(
                    .needlesReconciled, at: s(540), needles: 5,
                    note: "5 of the 5 needles removed at once recovered and counted out"),
                SessionEvent(.sessionAborted, at: s(540), step: 2),
            ])
        #expect(machine.state == .aborted(at: s(540)))
        #expect(machine.needles.isBalanced)
        #expect(actions.shows.map(\.signal) == [.idle])
    }

    @Test("fewer recovered: needles unaccounted (high priority) until counted or closed with a reason")
    func mismatchThenClose() throws {
        var machine = try removedAtOnce()
        let actions = try machine.command(.reconcile(recovered: 4), at: s(540))
        #expect(actions.kinds == [.needlesReconciled, .needlesUnaccounted])
        #expect(
            actions.events.first?.note
                == "4 of the 5 needles removed at once recovered and counted out: 1 not found")
        #expect(machine.state == .unaccounted(since: s(540), then: .aborted(step: 2), escalated: false))
        #expect(actions.shows.map(\.signal) == [.unaccounted(escalated: false)])
        #expect(throws: CommandRejection.self, "rapid removal does not clear the mismatch") {
            try machine.handle(.rapidRemoval, at: s(545))
        }
        let closed = try machine.command(
            .closeWithMismatch(reason: "one needle not found on couch or floor"), at: s(550))
        #expect(closed.kinds == [.mismatchClosed, .sessionAborted])
        #expect(machine.state == .aborted(at: s(550)))
    }

    @Test("fewer recovered, then the missing needle found and counted out: the session ends")
    func mismatchThenCounted() throws {
        var machine = try removedAtOnce()
        try machine.command(.reconcile(recovered: 3), at: s(540))
        let found = try machine.command(.removeNeedles(count: 2, step: nil), at: s(555))  // before it escalates
        #expect(found.kinds == [.needlesRemoved, .sessionAborted])
        #expect(machine.state == .aborted(at: s(555)))
    }

    @Test("more recovered than were in: unaccounted, more out than in")
    func moreThanIn() throws {
        var machine = try removedAtOnce()
        let actions = try machine.command(.reconcile(recovered: 6), at: s(540))
        #expect(actions.kinds == [.needlesReconciled, .needlesUnaccounted])
        #expect(machine.needles.difference == -1)
        #expect(actions.events.first?.note?.hasSuffix("1 more than were counted in") == true)
    }

    @Test("rapid removal with no needle counted in records it and ends the session at once")
    func nothingIn() throws {
        var machine = try SessionStateMachine.started()
        try machine.command(.removeNeedles(count: nil, step: nil), at: s(100))
        let actions = try machine.command(.rapidRemoval, at: s(120))
        #expect(actions.kinds == [.rapidRemoval, .sessionAborted])
        #expect(actions.events.first?.needles == 0)
        #expect(machine.state == .aborted(at: s(120)))
    }

    @Test(
        "in reconcile only the count, silence and an interruption are taken; each refusal says why",
        arguments: [
            (SessionCommand.rapidRemoval, "enter how many"),
            (.abort, "enter how many"),
            (.acknowledge, "enter how many"),
            (.removeNeedles(count: 1, step: nil), "enter how many"),
            (.placeNeedles(count: 1, step: 0), "enter how many"),
            (.extend(m(1)), "enter how many"),
            (.closeWithMismatch(reason: "not needed here"), "enter how many"),
            (.reconcile(recovered: -1), "0 to 999"),
            (.reconcile(recovered: 1_000), "0 to 999"),
        ])
    func refusals(command: SessionCommand, phrase: String) throws {
        var machine = try removedAtOnce()
        let before = machine
        #expect {
            try machine.handle(command, at: s(600))
        } throws: { error in
            (error as? CommandRejection)?.reason.contains(phrase) == true
        }
        #expect(machine.state == before.state && machine.needles == before.needles)
    }

    @Test("reconcile is refused outside reconcile, with a reason")
    func reconcileElsewhere() throws {
        var machine = try SessionStateMachine.started()
        #expect {
            try machine.handle(.reconcile(recovered: 2), at: s(10))
        } throws: { error in
            (error as? CommandRejection)?.reason.contains("only after a rapid removal") == true
        }
    }

    @Test("silence quiets the reminder for a while; it comes back")
    func silence() throws {
        var machine = try removedAtOnce()
        let quiet = try machine.command(.silence, at: s(520))
        #expect(quiet.shows.map(\.signal) == [.silenced])
        let back = machine.advance(to: s(640))
        #expect(back.kinds == [.sessionEscalated], "the escalation that came due meanwhile happens as it lapses")
        #expect(back.shows.map(\.signal) == [.reconcileEscalated])
    }

    @Test("a restart mid-reconcile comes back interrupted; resume returns to the count, finish to the mismatch")
    func interruption() throws {
        var machine = try removedAtOnce()
        _ = try machine.handle(.interrupt, at: s(700))
        var resumed = machine
        _ = try resumed.handle(.resume, at: s(800))
        #expect(resumed.state == .reconcile(since: s(500), then: .aborted(step: 2), escalated: true), "caught up")
        #expect(resumed.currentSignal == .reconcileEscalated)
        var finished = machine
        let actions = try finished.handle(.finish, at: s(800))
        #expect(actions.kinds == [.interruptionFinished, .needlesUnaccounted])
        #expect(finished.state == .unaccounted(since: s(800), then: .aborted(step: 2), escalated: false))
    }

    @Test("interrupted mid-step, rapid removal is taken: the needles still in come out at once")
    func rapidRemovalInterruptedStep() throws {
        var machine = try SessionStateMachine.started()
        _ = try machine.handle(.interrupt, at: s(100))
        let actions = try machine.handle(.rapidRemoval, at: s(150))
        #expect(actions.kinds == [.rapidRemoval])
        #expect(machine.phase == .reconcile)
    }

    @Test(
        "interrupted with the needles already out or being counted, rapid removal is refused as it is there",
        arguments: ["reconcile", "unaccounted", "observation"])
    func rapidRemovalInterruptedRefused(previous: String) throws {
        var machine: SessionStateMachine
        let phrase: String
        switch previous {
        case "reconcile":
            machine = try removedAtOnce()
            phrase = "enter how many"
        case "unaccounted":
            machine = try removedAtOnce()
            try machine.command(.reconcile(recovered: 4), at: s(600))
            phrase = "does not settle the needle counts"
        default:
            machine = try SessionStateMachine.started(makeProtocol(observation: m(5)))
            try machine.countOutAndAcknowledge(at: s(730))
            #expect(machine.phase == .observation)
            phrase = "already out"
        }
        _ = try machine.handle(.interrupt, at: s(800))
        let before = machine
        #expect {
            try machine.handle(.rapidRemoval, at: s(810))
        } throws: { error in
            (error as? CommandRejection)?.reason.contains(phrase) == true
        }
        #expect(machine.state == before.state && machine.needles == before.needles)
    }

    @Test("a replayed history gives back reconcile, and a replayed count gives back its outcome")
    func replay() throws {
        let history: [SessionStateMachine.HistoryEntry] = [
            .init(at: .zero, command: .start), .init(at: s(400), command: .placeNeedles(count: 3, step: 2)),
            .init(at: s(500), command: .rapidRemoval),
        ]
        var original = try removedAtOnce()
        let recorded: [(kind: SessionEvent.Kind, step: Int?)] = [
            (.sessionStarted, nil), (.stepStarted, 0), (.stepWarning, 0), (.stepEnded, 0), (.stepStarted, 1),
            (.stepEnded, 1), (.stepStarted, 2), (.needlesPlaced, 2), (.rapidRemoval, 2),
        ]
        var replayed = try SessionStateMachine.replaying(
            makeProtocol(), limits: .standard, history: history, until: s(900), recorded: recorded)
        var later = original
        _ = later.advance(to: s(900))
        #expect(replayed.state == later.state && replayed.needles == later.needles)
        #expect(replayed.state == .reconcile(since: s(500), then: .aborted(step: 2), escalated: true))
        #expect(replayed.adopt().shows.map(\.signal) == [.reconcileEscalated])

        let counted = try SessionStateMachine.replaying(
            makeProtocol(), limits: .standard,
            history: history + [.init(at: s(600), command: .reconcile(recovered: 4))],
            until: s(620),
            recorded: recorded + [(.sessionEscalated, nil), (.needlesReconciled, nil), (.needlesUnaccounted, nil)])
        _ = try original.command(.reconcile(recovered: 4), at: s(600))
        _ = original.advance(to: s(620))
        #expect(counted.state == original.state && counted.needles.difference == 1)
    }
}
