import Foundation
import GRDB
import Testing

@testable import DwellRecord

/// The start-up check (quick_check, the chain from the checkpoint), the recovery from a damaged
/// record, and the record's file permissions.
@Suite(.serialized)
struct RecordCheckTests {
    /// A record of `count` rows, closed (its `-wal` folded into the main file).
    func closedRecord(count: Int) async throws -> String {
        let (store, writer) = try await filledRecord(count: count)
        await writer.retry()
        store.close()
        return store.path
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func theStartUpCheckWalksOnlyTheRowsAfterItsCheckpointAndAdvancesIt() async throws {
        let path = try await closedRecord(count: 10)
        let first = try RecordStore.openChecked(path: path)
        #expect(first.damage == nil && first.check.checkedFrom == 0 && first.check.walked == 10)
        #expect(try first.store.checkpoint()?.seq == 10)
        let writer = try RecordWriter(store: first.store)
        for index in 0..<5 { try await writer.append(event("step.started", context(), at: Int64(index))) }
        first.store.close()
        let second = try RecordStore.openChecked(path: path)
        #expect(second.damage == nil)
        #expect(second.check.checkedFrom == 10 && second.check.walked == 5, "\(second.check)")
        #expect(try second.store.checkpoint()?.seq == 15)
        #expect(try second.store.verify().isIntact, "the checkpoint table is not part of the chain")
        // The checkpoint table is writable; the events stay append-only.
        second.store.close()
        let queue = try DatabaseQueue(path: path)
        #expect(throws: DatabaseError.self) {
            try queue.write { try $0.execute(sql: "UPDATE events SET bed = '9' WHERE seq = 2") }
        }
    }

    @Test func aTamperBeforeTheCheckpointIsLeftToAFullVerifyButTheCheckpointRowItselfIsChecked() async throws {
        let path = try await closedRecord(count: 10)
        try RecordStore.openChecked(path: path).store.close()
        try tamper(path, "UPDATE events SET needles = 1 WHERE seq = 3")
        let unnoticed = try RecordStore.openChecked(path: path)
        #expect(unnoticed.damage == nil, "start-up walks only the rows after the checkpoint (README says so)")
        #expect(try unnoticed.store.verify().firstBad == 3, "a full verify finds it")
        unnoticed.store.close()
        try tamper(path, "UPDATE events SET needles = 1 WHERE seq = 10")
        let caught = try RecordStore.openChecked(path: path)
        let damage = try #require(caught.damage)
        #expect(damage.problem.contains("last verified position (seq 10) was changed"), "\(damage.problem)")
        #expect(damage.lastVerifiedSeq == 2, "a full walk finds the first break after a checkpoint mismatch")
    }

    @Test func aBrokenChainMovesTheFileAsideAndStartsARecordThatNamesIt() async throws {
        let path = try await closedRecord(count: 10)
        let before = try #require(
            try RecordStore(path: path, options: .init(readOnly: true)).entries().first { $0.seq == 5 })
        try tamper(path, "UPDATE events SET needles = 7 WHERE seq = 6")
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let opened = try RecordStore.openChecked(path: path)
        let damage = try #require(opened.damage)
        #expect(damage.lastVerifiedSeq == 5 && damage.lastVerifiedHash == before.hash)
        #expect(damage.problem.contains("breaks at seq 6"), "\(damage.problem)")
        #expect(damage.movedTo.hasPrefix(path + ".damaged-") && damage.movedTo.hasSuffix("Z"))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: damage.movedTo)) == original, "the damaged file is kept as it was"
        )
        let rows = try opened.store.entries()
        #expect(rows.count == 1 && rows.first?.type == RecordStore.recoveredType && rows.first?.seq == 1)
        let note = try #require(RecoveryNote(note: rows.first?.note))
        #expect(note.movedTo == damage.movedTo && note.lastVerifiedSeq == 5 && note.lastVerifiedHash == before.hash)
        #expect(try opened.store.verify().isIntact)
        #expect(try opened.store.lastRecovery()?.acknowledged == false)
        #expect(try opened.store.sessions().isEmpty, "the recovery row is no session")
    }

    @Test func malformedPagesAndAFileThatIsNoDatabaseAreDamageToo() async throws {
        let (store, writer) = try await filledRecord(count: 0)
        let session = context()
        for index in 0..<300 {
            try await writer.append(
                event("step.started", session, at: Int64(index), note: String(repeating: "n", count: 100)))
        }
        store.close()
        let path = store.path
        try overwriteMiddlePage(path)
        let malformed = try RecordStore.openChecked(path: path)
        let damage = try #require(malformed.damage)
        #expect(damage.problem.contains("malformed") || damage.problem.contains("quick_check"), "\(damage.problem)")
        #expect(!damage.allRowsVerified)
        malformed.store.close()
        let other = NSTemporaryDirectory() + "not-a-record-" + UUID().uuidString
        try Data(repeating: 0x41, count: 8_192).write(to: URL(fileURLWithPath: other))
        let notDatabase = try RecordStore.openChecked(path: other)
        #expect(notDatabase.damage?.problem.contains("cannot be opened as a database") == true)
        #expect(notDatabase.damage?.lastVerifiedSeq == 0 && notDatabase.damage?.lastVerifiedHash == RecordChain.genesis)
        #expect(try notDatabase.store.entries().first?.type == RecordStore.recoveredType)
    }

    @Test func anExistingWorldReadableRecordAndItsWALAndSHMAreMadePrivate() async throws {
        let (store, writer) = try await filledRecord(count: 3)
        try await writer.append(event("step.ended", context(), at: 9))
        let files = [store.path, store.path + "-wal", store.path + "-shm"]
        for file in files {
            #expect(FileManager.default.fileExists(atPath: file), "\(file) exists while the store is open")
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        }
        let reopened = try RecordStore(path: store.path)
        for file in files { #expect(try mode(file) == 0o600, "\(file)") }
        reopened.close()
    }

    @Test func aRecordThatCannotBeMadePrivateIsRefusedNamingPathAndMode() async throws {
        let path = try await closedRecord(count: 1)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        guard chattr("+i", path) else {
            // No chattr (or not root): a file owned by someone else would do; nothing to test here.
            return
        }
        defer { _ = chattr("-i", path) }
        #expect { try RecordStore(path: path) } throws: { error in
            let text = (error as? DwellRecord.RecordError)?.description ?? ""
            return text.contains(path) && text.contains("mode 0644") && text.contains("cannot be made private")
        }
    }

    @Test func aRecordOnReadOnlyMediaCanBeVerifiedAndRead() async throws {
        let path = try await closedRecord(count: 4)
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: folder)
        let immutableFolder = chattr("+i", folder)
        defer { if immutableFolder { _ = chattr("-i", folder) } }
        // As root, permission bits do not stop writes; an immutable folder does: no -shm can be
        // created there. Without chattr, the immutable open is forced instead.
        let readOnly = try RecordStore(path: path, options: .init(readOnly: true, immutable: !immutableFolder))
        #expect(readOnly.isImmutable, "the ordinary read-only open failed, the immutable one was used")
        #expect(!FileManager.default.fileExists(atPath: path + "-shm"))
        let report = try readOnly.verify()
        #expect(report.isIntact && report.count == 4)
        #expect(try readOnly.sessions().count == 1 && readOnly.entries().count == 4)
    }
}

/// `chattr` on a path; false when it is unavailable or refused.
func chattr(_ flag: String, _ path: String) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["chattr", flag, path]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}

/// Overwrites the first 64 bytes (the b-tree page header and cell pointers) of a page in the middle of the file.
func overwriteMiddlePage(_ path: String) throws {
    let size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
    let pages = size / 4_096
    guard pages >= 4 else { throw CocoaError(.fileReadCorruptFile) }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seek(toOffset: UInt64(pages / 2) * 4_096)
    try handle.write(contentsOf: Data(repeating: 0xA5, count: 64))
    try handle.close()
}
