import DwellCore
import DwellRecord
import Foundation
import GRDB
import Testing

/// Row formats: a record the release before formats wrote (format 1, `Fixtures/record-format1.sqlite`)
/// still verifies and replays, and gets format-2 rows appended after its own.
struct RecordFormatTests {
    /// A copy of the fixture in a new folder (opening it for writing migrates it; the fixture stays as it is).
    static func fixtureCopy() throws -> String {
        let fixture = try #require(
            Bundle.module.path(forResource: "record-format1", ofType: "sqlite", inDirectory: "Fixtures"))
        let path = temporaryRecordPath()
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture, toPath: path)
        return path
    }

    static let rows = 36
    static let head = "7a0e98602dd651d54a55805f1fbd697553ca9b9353d695246fce351e60d92a24"
    static let unfinishedSession = "9d3e7b12-4f6a-4e8b-a1c2-7f5e0d9b8a64"
    static let completedSession = "5b0c2f4e-8a51-4c1e-9f0b-2d7e6a1c3b90"

    @Test func theFormerReleasesRecordVerifiesBeforeAndAfterItIsMigrated() async throws {
        let path = try Self.fixtureCopy()
        let reader = try RecordStore(path: path, options: .init(readOnly: true))
        let before = try reader.verify()
        #expect(before.isIntact && before.count == Self.rows && before.headHash == Self.head, "\(before)")
        #expect(before.formats == [1: Self.rows])
        #expect(try reader.entries().allSatisfy { $0.format == 1 && $0.amountMs == nil && $0.reason == nil })
        reader.close()

        let store = try RecordStore(path: path)
        #expect(try store.verify() == before, "the migration changes no row")
        let session = context()
        let recorder = SessionRecorder(
            writer: try RecordWriter(store: store), context: session, treatment: replayTreatment)
        try await recordSession([.at(0, .start), .at(60, .extend(.seconds(90)))], recorder: recorder)
        let after = try store.verify()
        let added = try store.entries(session: session.sessionID)
        #expect(
            after.isIntact && after.count == Self.rows + added.count && after.formats == [1: Self.rows, 2: added.count])
        #expect(added.first?.prevHash == Self.head, "the new rows chain on from the old head")
        #expect(added.first { $0.type == "step.extended" }?.amountMs == 90_000)
        #expect(try store.check().isIntact)
    }

    @Test func theFormerReleasesUnfinishedSessionReplaysWithTheAmountFromItsNote() throws {
        let reader = try RecordStore(path: try Self.fixtureCopy(), options: .init(readOnly: true))
        let unfinished = try reader.unfinishedSessions()
        #expect(Array(unfinished.keys) == ["1"])
        let rows = try #require(unfinished["1"])
        let session = try #require(RecordedSession(rows: rows))
        #expect(session.context.sessionID == Self.unfinishedSession && session.context.patient == "p-0042")
        #expect(session.rows.first { $0.type == "step.extended" }?.note == "extended by 2m")
        #expect(
            try session.history() == [
                .at(0, .start), .at(20, .placeNeedles(count: 3, step: 0)), .at(180, .extend(.seconds(120))),
                .at(210, .pause),
                .at(250, .resume), .at(480, .skip), .at(540, .removeNeedles(count: 3, step: 0)),
            ])
        let machine = try session.replay(replayTreatment, limits: .standard)
        #expect(machine.phase == .running && machine.currentStepIndex == 3)
        #expect(machine.needles == session.needles && session.needles.placed == [0: 3, 2: 3, 3: 2])
        #expect(!session.stepsDone && session.started?.wallTime == "2026-11-23T09:00:00.000Z")
    }

    @Test func theFormerReleasesMismatchReasonIsReadFromItsNote() throws {
        let reader = try RecordStore(path: try Self.fixtureCopy(), options: .init(readOnly: true))
        let session = try #require(RecordedSession(rows: try reader.entries(session: Self.completedSession)))
        let history = try session.history()
        #expect(
            history.last
                == .at(760, .closeWithMismatch(reason: "one needle not found; patient checked, none in the skin")))
        #expect(
            history.map(\.command.name) == [
                "start", "silence", "remove needles", "acknowledge", "close with a mismatch",
            ])
        #expect(try session.replay(replayTreatment, limits: .standard).phase == .completed)
    }

    /// Changing a row's format, or giving a format-1 row a column of format 2, breaks the chain there.
    @Test(arguments: [
        (
            "UPDATE events SET amount_ms = 60000 WHERE seq = 5",
            "the row has format 1 but holds amount_ms, which that format does not have"
        ),
        (
            "UPDATE events SET reason = 'none' WHERE seq = 5",
            "the row has format 1 but holds reason, which that format does not have"
        ),
        ("UPDATE events SET format = 2 WHERE seq = 5", "the row's content does not match its hash: it was changed"),
        (
            "UPDATE events SET format = 3 WHERE seq = 5",
            "the row has format 3, which this release does not know (it reads 1 to 2)"
        ),
    ])
    func aRowsFormatIsPartOfWhatItsHashCovers(_ change: String, _ problem: String) throws {
        let path = try Self.fixtureCopy()
        try RecordStore(path: path).close()  // migrated: the format columns exist
        try tamper(path, change)
        let report = try RecordStore(path: path, options: .init(readOnly: true)).verify()
        #expect(report.firstBad == 5 && report.count == 4, "\(report)")
        #expect(report.problem == problem)
    }

    @Test func aNewRowOfFormatOneWouldBeFoundToo() async throws {
        // A format-2 row turned into format 1 with its new columns cleared and rehashed the old way:
        // the next row's link gives it away.
        let (store, _) = try await filledRecord(count: 3)
        var second = try #require(try store.entries().first { $0.seq == 2 })
        second.format = 1
        second.hash = try RecordChain.hash(of: second, after: second.prevHash)
        try tamper(store.path, "UPDATE events SET format = 1, hash = '\(second.hash)' WHERE seq = 2")
        #expect(try store.verify().firstBad == 3)
    }
}
