import DwellRecord
import Foundation
import GRDB
import Testing

struct RecordChainTests {
    @Test func appendedEventsFormAnIntactChain() async throws {
        let (store, _) = try await filledRecord(count: 20)
        let report = try store.verify()
        #expect(report.isIntact && report.count == 20)
        let entries = try store.entries()
        #expect(entries.map(\.seq) == Array(1...20))
        #expect(entries.first?.prevHash == RecordChain.genesis)
        for (previous, entry) in zip(entries, entries.dropFirst()) {
            #expect(entry.prevHash == previous.hash)
            #expect(try entry.hash == RecordChain.hash(of: entry, after: previous.hash))
        }
        #expect(report.headHash == entries.last?.hash)
    }

    @Test func theRecordFileIsPrivateToItsOwner() async throws {
        let (store, _) = try await filledRecord(count: 1)
        let attributes = try FileManager.default.attributesOfItem(atPath: store.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let folder = try FileManager.default.attributesOfItem(
            atPath: (store.path as NSString).deletingLastPathComponent)
        #expect((folder[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        let journal = try DatabaseQueue(path: store.path).inDatabase {
            try String.fetchOne($0, sql: "PRAGMA journal_mode")
        }
        #expect(journal == "wal")
    }

    @Test func updatesAndDeletesAreRefusedByTheDatabase() async throws {
        let (store, _) = try await filledRecord(count: 3)
        let queue = try DatabaseQueue(path: store.path)
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE events SET bed = '9' WHERE seq = 2") }
        }
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "DELETE FROM events WHERE seq = 2") }
        }
        #expect(try store.verify().isIntact)
    }

    enum Tampering: String, CaseIterable, Sendable {
        case changed, deleted, inserted, reordered, truncatedTail, rehashedChange
    }

    @Test(arguments: Tampering.allCases.filter { $0 != .truncatedTail })
    func everyKindOfTamperingIsFoundAtTheFirstBadRow(_ kind: Tampering) async throws {
        let (store, _) = try await filledRecord(count: 10)
        switch kind {
        case .changed:
            try tamper(store.path, "UPDATE events SET needles = 1 WHERE seq = 4")
        case .deleted:
            try tamper(store.path, "DELETE FROM events WHERE seq = 4")
        case .inserted:
            // Make room at 4 and insert a forged row whose own link and hash are correct.
            let third = try #require(try store.entries().first { $0.seq == 3 })
            try tamper(
                store.path,
                "UPDATE events SET seq = seq + 100 WHERE seq >= 4; UPDATE events SET seq = seq - 99 WHERE seq >= 104")
            var forged = third
            forged.seq = 4
            forged.type = "session.acknowledged"
            forged.prevHash = third.hash
            forged.hash = try RecordChain.hash(of: forged, after: third.hash)
            let row = forged
            try DatabaseQueue(path: store.path).inDatabase { try row.insert($0) }
        case .reordered:
            try tamper(
                store.path,
                """
                UPDATE events SET seq = -4 WHERE seq = 4; UPDATE events SET seq = 4 WHERE seq = 5;
                UPDATE events SET seq = 5 WHERE seq = -4
                """)
        case .rehashedChange:
            // Change a row and recompute its own hash: the next row's link gives it away.
            var fourth = try #require(try store.entries().first { $0.seq == 4 })
            fourth.needles = 1
            fourth.hash = try RecordChain.hash(of: fourth, after: fourth.prevHash)
            try tamper(store.path, "UPDATE events SET needles = 1, hash = '\(fourth.hash)' WHERE seq = 4")
        case .truncatedTail:
            return
        }
        let report = try store.verify()
        let expected: Int64 = kind == .rehashedChange || kind == .inserted ? 5 : 4
        #expect(report.firstBad == expected, "\(kind): \(report)")
        #expect(report.count == 3 + (expected == 5 ? 1 : 0))
        #expect(report.problem != nil)
    }

    @Test func aTruncatedTailIsFoundAgainstANotedHead() async throws {
        let (store, _) = try await filledRecord(count: 10)
        let noted = try store.verify().headHash
        try tamper(store.path, "DELETE FROM events WHERE seq >= 9")
        let report = try store.verify()
        #expect(report.isIntact && report.count == 8, "the remaining chain is consistent")
        #expect(report.headHash != noted, "but its head no longer matches the head noted earlier")
    }

    @Test func concurrentAppendsAreNumberedOnceAndChained() async throws {
        let store = try RecordStore(path: temporaryRecordPath())
        let writer = try RecordWriter(store: store)
        let sessions = (0..<4).map { context(bed: "\($0 + 1)") }
        let sequences = try await withThrowingTaskGroup(of: Int64.self) { group in
            for index in 0..<200 {
                group.addTask {
                    try await writer.append(event("step.started", sessions[index % 4], at: Int64(index))).seq
                }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(Set(sequences) == Set(1...200))
        let report = try store.verify()
        let head = try store.entries().last?.hash
        #expect(report.isIntact && report.count == 200 && report.headHash == head)
    }
}
