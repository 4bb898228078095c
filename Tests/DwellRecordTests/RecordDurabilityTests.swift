import Foundation
import Testing

@testable import DwellRecord

/// Every commit is synced before the writer answers: `synchronous = FULL` must be what the
/// writer connection runs with, not only what was asked for (GRDB's pool set-up resets it).
struct RecordDurabilityTests {
    @Test func theWriterSyncsEveryCommitFromTheStart() throws {
        let store = try RecordStore(path: temporaryRecordPath())
        defer { store.close() }
        #expect(try store.synchronousLevel() == RecordStore.fullSynchronous)
    }

    @Test func theWriterStillSyncsEveryCommitAfterRowsAndAReopen() async throws {
        let (store, writer) = try await filledRecord(count: 3)
        try await writer.append(event("step.started", context(), at: 4))
        #expect(try store.synchronousLevel() == RecordStore.fullSynchronous)
        store.close()
        let reopened = try RecordStore(path: store.path)
        defer { reopened.close() }
        #expect(try reopened.synchronousLevel() == RecordStore.fullSynchronous)
    }
}
