import DwellRecord
import Foundation
import Testing

struct RecordFailureTests {
    @Test func aFullDiskFailsTheWriteKeepsTheEventAndLeavesTheChainIntact() async throws {
        let path = temporaryRecordPath()
        _ = try RecordStore(path: path)
        let store = try RecordStore(path: path, options: .init(maximumPageCount: 12))
        let writer = try RecordWriter(store: store)
        let session = context()
        var committed = 0
        var failure: RecordError?
        for index in 0..<2_000 {
            do {
                try await writer.append(
                    event("step.started", session, at: Int64(index), note: String(repeating: "n", count: 200)))
                committed += 1
            } catch {
                failure = error
                break
            }
        }
        let error = try #require(failure)
        #expect(error.description.contains("the disk is full"))
        #expect(error.description.contains("kept in memory and retried"))
        #expect(await writer.backlog == 1, "the failed event waits for a retry")
        #expect(await writer.retry() == 1, "still full: still waiting, never dropped")
        let report = try store.verify()
        #expect(report.isIntact && report.count == committed)
    }

    @Test func aReadOnlyStoreFailsEveryWriteWithAClearError() async throws {
        let path = temporaryRecordPath()
        _ = try RecordStore(path: path)
        let writer = try RecordWriter(store: try RecordStore(path: path, options: .init(readOnly: true)))
        await #expect { try await writer.append(event("session.started", context(), at: 0)) } throws: { error in
            (error as? RecordError)?.description.contains("read-only") == true
        }
    }

    @Test func aFullQueueRefusesNewEventsLoudly() async throws {
        let path = temporaryRecordPath()
        _ = try RecordStore(path: path)
        let writer = try RecordWriter(store: try RecordStore(path: path, options: .init(readOnly: true)), capacity: 2)
        for index in 0..<2 { _ = try? await writer.append(event("step.started", context(), at: Int64(index))) }
        #expect(await writer.backlog == 2)
        await #expect(throws: RecordError.queueFull(2)) {
            try await writer.append(event("step.ended", context(), at: 9))
        }
    }

    @Test func openingSomethingThatIsNotARecordSaysSo() throws {
        let path = NSTemporaryDirectory() + "not-a-record-" + UUID().uuidString
        try Data("this is not sqlite".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try RecordStore(path: path) } throws: { error in
            (error as? RecordError)?.description.hasPrefix("cannot open the clinic record \(path):") == true
        }
        #expect(throws: RecordError.missing("/nonexistent/record.sqlite")) {
            try RecordStore(path: "/nonexistent/record.sqlite", options: .init(readOnly: true))
        }
    }

    @Test func theDefaultLocationFollowsSystemdThenXDG() {
        #expect(
            RecordStore.defaultPath(environment: ["STATE_DIRECTORY": "/var/lib/dwell", "HOME": "/root"])
                == "/var/lib/dwell/record.sqlite")
        #expect(
            RecordStore.defaultPath(environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/home/t"])
                == "/x/state/dwell/record.sqlite")
        #expect(RecordStore.defaultPath(environment: ["HOME": "/home/t"]) == "/home/t/.local/state/dwell/record.sqlite")
    }
}
