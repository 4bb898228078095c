import DwellCore
import DwellRecord
import Foundation
import Testing

/// Replay beside the recorder: a session recorded through ``SessionRecorder`` reads back from its
/// rows as the commands given, the needle counts and what a restart needs.
struct RecordedSessionTests {
    /// Sessions that between them give every command a therapist (or the daemon) can.
    enum Scenario: String, CaseIterable, Sendable {
        case pauseExtendSkipAndNeedles, overrunSilencedAndAcknowledged, closedWithAMismatch, abortedWithNeedlesIn,
            rapidRemoval, interruptedResumedAndFinished, pausedTooLongInterruptedAndResumed

        var commands: [SessionStateMachine.HistoryEntry] {
            switch self {
            case .pauseExtendSkipAndNeedles:
                return [
                    .at(0, .start), .at(20, .placeNeedles(count: 3, step: 0)), .at(180, .extend(.seconds(120))),
                    .at(210, .pause), .at(250, .resume), .at(480, .skip), .at(540, .removeNeedles(count: 3, step: 0)),
                ]
            case .overrunSilencedAndAcknowledged:
                return [
                    .at(0, .start), .at(725, .silence), .at(730, .removeNeedles(count: 7, step: nil)),
                    .at(740, .acknowledge),
                ]
            case .closedWithAMismatch:
                return [
                    .at(0, .start), .at(730, .removeNeedles(count: 6, step: nil)), .at(740, .acknowledge),
                    .at(760, .closeWithMismatch(reason: "one needle not found; patient checked, none in the skin")),
                ]
            case .abortedWithNeedlesIn:
                return [.at(0, .start), .at(100, .abort), .at(120, .removeNeedles(count: 2, step: 0))]
            case .rapidRemoval:
                return [
                    .at(0, .start), .at(30, .removeNeedles(count: 1, step: 0)), .at(60, .rapidRemoval),
                    .at(90, .reconcile(recovered: 1)),
                ]
            case .pausedTooLongInterruptedAndResumed:
                // Past the pause limit (3m) with needles in, escalated (one of a's 2 needles
                // counted out at 390 s), then a restart: the resumed pause keeps its alarm,
                // recorded once.
                return [
                    .at(0, .start), .at(100, .pause), .at(390, .removeNeedles(count: 1, step: 0)), .at(400, .interrupt),
                    .at(500, .resume),
                ]
            case .interruptedResumedAndFinished:
                return [
                    .at(0, .start), .at(100, .interrupt), .at(400, .resume), .at(500, .interrupt), .at(520, .finish),
                    .at(530, .removeNeedles(count: 5, step: nil)),
                ]
            }
        }
    }

    /// Records `commands` in a new record and reads the session back.
    func recorded(
        _ commands: [SessionStateMachine.HistoryEntry], until: Duration? = nil
    )
        async throws -> (RecordedSession, SessionStateMachine, RecordStore)
    {
        let store = try RecordStore(path: temporaryRecordPath())
        let session = context()
        let recorder = SessionRecorder(
            writer: try RecordWriter(store: store), context: session, treatment: replayTreatment)
        let machine = try await recordSession(commands, until: until, recorder: recorder)
        let rows = try store.entries(session: session.sessionID)
        return (try #require(RecordedSession(rows: rows)), machine, store)
    }

    @Test(arguments: Scenario.allCases)
    func everyCommandRoundTripsThroughTheRecord(_ scenario: Scenario) async throws {
        let (session, machine, _) = try await recorded(scenario.commands)
        #expect(try session.history() == scenario.commands)
        let replayed = try session.replay(replayTreatment, limits: .standard)
        #expect(replayed.state == machine.state, "\(scenario)")
        #expect(replayed.needles == machine.needles, "\(scenario)")
        #expect(session.events.map(\.kind.rawValue) == session.rows.map(\.type))
    }

    @Test func aPauseAlarmIsRecordedOnceAcrossARestart() async throws {
        let (session, _, _) = try await recorded(Scenario.pausedTooLongInterruptedAndResumed.commands)
        #expect(session.rows.filter { $0.type == "session.pause-overdue" }.count == 1)
        let escalations = session.rows.filter { $0.type == "session.escalated" }.map { $0.note ?? "" }
        #expect(escalations == ["paused too long with 2 needles in", "interrupted session"], "each alarm's own, once")
        let replayed = try session.replay(replayTreatment, limits: .standard)
        #expect(replayed.currentSignal == .pauseOverdue(escalated: true))
    }

    @Test func theScenariosGiveEveryCommand() {
        let given = Set(Scenario.allCases.flatMap(\.commands).map(\.command.name))
        let every: [SessionCommand] = [
            .start, .pause, .resume, .extend(.seconds(1)), .skip, .abort, .acknowledge,
            .placeNeedles(count: 1, step: nil), .removeNeedles(count: 1, step: nil), .rapidRemoval,
            .reconcile(recovered: 1),
            .closeWithMismatch(reason: "why"), .silence, .interrupt, .finish,
        ]
        #expect(given == Set(every.map(\.name)))
    }

    @Test func theExtensionAmountAndTheMismatchReasonHaveColumnsOfTheirOwn() async throws {
        let (extended, _, _) = try await recorded(Scenario.pauseExtendSkipAndNeedles.commands)
        let extendedRow = try #require(extended.rows.first { $0.type == "step.extended" })
        #expect(extendedRow.format == RecordChain.currentFormat && extendedRow.amountMs == 120_000)
        #expect(extendedRow.note == "extended by 2m", "the note still says it in words")
        #expect(extended.rows.filter { $0.type != "step.extended" }.allSatisfy { $0.amountMs == nil })
        let (closed, _, _) = try await recorded(Scenario.closedWithAMismatch.commands)
        let close = try #require(closed.rows.first { $0.type == "needles.mismatch-closed" })
        #expect(close.reason == "one needle not found; patient checked, none in the skin")
        #expect(close.note == "possible adverse event: one needle not found; patient checked, none in the skin")
        #expect(closed.rows.filter { $0.type != "needles.mismatch-closed" }.allSatisfy { $0.reason == nil })
    }

    @Test func theLedgerIsCountedFromTheRows() async throws {
        // One out at a, then rapid removal of the rest and the 1 recovered counted after: the counts
        // the rows hold.
        let (rapid, machine, _) = try await recorded(Scenario.rapidRemoval.commands)
        #expect(rapid.needles.placed == [0: 2] && rapid.needles.removed == [0: 2] && rapid.needles.isBalanced)
        #expect(rapid.needles == machine.needles)
        #expect(!rapid.stepsDone)
        // Running at c: a corrected to 3 and counted out, b (skipped) and c placed as the protocol says.
        let (running, runningMachine, _) = try await recorded(
            Scenario.pauseExtendSkipAndNeedles.commands, until: .seconds(570))
        #expect(running.needles.placed == [0: 3, 2: 3, 3: 2] && running.needles.removed == [0: 3])
        #expect(running.needles == runningMachine.needles)
        #expect(
            running.lastOffset == .microseconds(540_000_000),
            "the last row is the last command; no cue came due after it")
        let (overrun, _, _) = try await recorded([.at(0, .start)], until: .seconds(725))
        #expect(overrun.stepsDone && overrun.needles.difference == 7)
    }

    @Test func aSessionRecordedOnAnotherProtocolDoesNotReplayButStillCountsItsNeedles() async throws {
        let (session, machine, _) = try await recorded(
            Scenario.pauseExtendSkipAndNeedles.commands, until: .seconds(570))
        var changed = replayTreatment
        changed.steps.removeLast()
        #expect(throws: SessionStateMachine.ReplayMismatch.self) { try session.replay(changed, limits: .standard) }
        #expect(session.needles == machine.needles)
    }

    @Test func aChecklistOnlySessionWasNeverStarted() async throws {
        let store = try RecordStore(path: temporaryRecordPath())
        let session = context()
        let recorder = SessionRecorder(
            writer: try RecordWriter(store: store), context: session, treatment: replayTreatment)
        try await recorder.recordChecklist("bleeding=no,consent=yes")
        let recorded = try #require(RecordedSession(rows: try store.entries(session: session.sessionID)))
        #expect(recorded.isChecklistOnly && recorded.started == nil)
        #expect(try recorded.history().isEmpty && recorded.events.isEmpty && recorded.needles == NeedleLedger())
        #expect(RecordedSession(rows: []) == nil)
    }

    @Test func aSessionWhoseStartRowIsMissingIsNotChecklistOnlyAndDoesNotReplay() async throws {
        let (whole, machine, _) = try await recorded(Scenario.pauseExtendSkipAndNeedles.commands, until: .seconds(570))
        let session = try #require(RecordedSession(rows: whole.rows.filter { $0.type != "session.started" }))
        #expect(session.started == nil && !session.isChecklistOnly)
        #expect(throws: SessionStateMachine.ReplayMismatch.self) {
            try session.replay(replayTreatment, limits: .standard)
        }
        #expect(session.needles == machine.needles, "the needle rows are all there")
        #expect(session.lastOffset == whole.lastOffset && session.first.type == "step.started")
    }

    @Test func theContextIsTheFirstRowsOnTheBedGiven() async throws {
        let (session, _, _) = try await recorded([.at(0, .start)])
        let first = try #require(session.rows.first)
        #expect(session.context.sessionID == first.sessionID && session.context.bed == first.bed)
        #expect(session.context.protocolSHA256 == first.protocolSHA256 && session.context.patient == "p-0042")
        let moved = try #require(RecordedSession(rows: session.rows, bed: "4"))
        #expect(moved.context.bed == "4" && moved.context.therapist == "t-17")
        #expect(session.started?.seq == first.seq && session.last.seq == session.rows.last?.seq)
    }

    @Test func aCommandRowLackingWhatItsCommandNeedsIsNamed() async throws {
        let store = try RecordStore(path: temporaryRecordPath())
        let writer = try RecordWriter(store: store)
        let session = context()
        try await writer.append(
            RecordEvent(
                session: session, type: "session.started", monotonicUs: 0,
                wallTime: "2026-11-23T10:00:00.000Z"))
        let bare = try await writer.append(
            RecordEvent(
                session: session, type: "step.extended", step: 0, monotonicUs: 60_000_000,
                wallTime: "2026-11-23T10:01:00.000Z", note: "extended by 2m"))
        let recorded = try #require(RecordedSession(rows: try store.entries()))
        let error = #expect(throws: SessionStateMachine.ReplayMismatch.self) { try recorded.history() }
        #expect(
            error?.description == "the recorded step.extended (seq \(bare.seq)) holds no amount (amount_ms)",
            "a format-2 row is never read from its note")
    }
}
