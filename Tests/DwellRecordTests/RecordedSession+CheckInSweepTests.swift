import DwellCore
import DwellRecord
import Foundation
import Testing

/// A check (and the check-in that came due before it) and a sweep read back from the record as
/// the commands given, and replay to the same state.
struct RecordedSessionCheckInSweepTests {
    @Test func aCheckAndASweepRoundTripThroughTheRecord() async throws {
        let limits = ClinicLimits(checkEvery: .seconds(270), sweep: true)
        let store = try RecordStore(path: temporaryRecordPath())
        let session = context()
        let recorder = SessionRecorder(
            writer: try RecordWriter(store: store), context: session, treatment: replayTreatment)
        let commands: [SessionStateMachine.HistoryEntry] = [
            .at(0, .start), .at(100, .checked), .at(730, .removeNeedles(count: 7, step: nil)), .at(740, .acknowledge),
            .at(800, .swept),
        ]
        var machine = SessionStateMachine(treatment: replayTreatment, limits: limits)
        for entry in commands {
            var actions = machine.advance(to: entry.at)
            actions += try machine.handle(entry.command, at: entry.at)
            for case .record(let event) in actions { try await recorder.record(event, lateness: nil) }
        }
        let rows = try store.entries(session: session.sessionID)
        let types = rows.map(\.type)
        #expect(
            ["check.done", "check.due", "sweep.started", "sweep.done", "session.completed"].allSatisfy(types.contains),
            "\(types)")
        let recorded = try #require(RecordedSession(rows: rows))
        #expect(try recorded.history() == commands, "check.done and sweep.done are commands; check.due is not")
        let replayed = try recorded.replay(replayTreatment, limits: limits)
        #expect(replayed.state == machine.state && machine.state == .completed(at: .seconds(800)))
    }
}
