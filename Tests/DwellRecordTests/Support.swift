import DwellRecord
import Foundation
import GRDB

func temporaryRecordPath() -> String {
    NSTemporaryDirectory() + "dwell-record-" + UUID().uuidString + "/record.sqlite"
}

func context(
    _ session: String = UUID().uuidString.lowercased(), bed: String = "1", patient: String? = "p-0042"
) -> SessionContext {
    SessionContext(
        sessionID: session, bed: bed, protocolID: "neck-shoulder", protocolVersion: 1,
        protocolTitle: "Neck and shoulder", protocolSHA256: String(repeating: "ab", count: 32),
        therapist: "t-17", patient: patient)
}

func event(
    _ type: String, _ session: SessionContext, at milliseconds: Int64, step: Int? = nil, site: String? = nil,
    label: String? = nil, wall: String = "2026-11-23T10:00:00.000Z", note: String? = nil
) -> RecordEvent {
    RecordEvent(
        session: session, type: type, step: step, site: site, siteLabel: label, plannedMs: milliseconds,
        monotonicUs: milliseconds * 1_000 + 120, wallTime: wall, latenessUs: 120, needles: site == nil ? nil : 2,
        note: note)
}

/// A record holding `count` events of one session.
func filledRecord(count: Int) async throws -> (RecordStore, RecordWriter) {
    let store = try RecordStore(path: temporaryRecordPath())
    let writer = try RecordWriter(store: store)
    let session = context()
    for index in 0..<count {
        try await writer.append(
            event("step.started", session, at: Int64(index) * 1_000, step: index, site: "site-\(index)"))
    }
    return (store, writer)
}

/// Raw SQL on the record file, bypassing Dwell, as someone tampering with it would.
func tamper(_ path: String, _ sql: String) throws {
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
        try db.execute(
            sql: "DROP TRIGGER IF EXISTS events_append_only_update; DROP TRIGGER IF EXISTS events_append_only_delete;")
        try db.execute(sql: sql)
    }
}
