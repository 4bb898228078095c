import DwellRecord
import Foundation

/// Durable record throughput, verify time, and a whole session on the virtual clock.
extension Bench {
    func recordTable() async throws -> String {
        let folder = NSTemporaryDirectory() + "dwell-bench-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let context = SessionContext(
            sessionID: UUID().uuidString, bed: "1", protocolID: "bench", protocolVersion: 1,
            protocolTitle: "Bench", protocolSHA256: String(repeating: "0", count: 64),
            therapist: "t-1", patient: "p-1")
        let event: @Sendable (Int) -> RecordEvent = { index in
            RecordEvent(
                session: context, type: "step.started", step: index % 8, site: "site-\(index % 8)",
                plannedMs: Int64(index),
                monotonicUs: Int64(index) * 1_000, wallTime: "2026-11-23T10:00:00.000Z", latenessUs: 80, needles: 2)
        }
        var table = Table("measure", "events", "time", "rate")

        let sequential = try RecordWriter(store: RecordStore(path: folder + "/sequential.sqlite"))
        let count = mode.recordEvents
        var start = ContinuousClock.now
        for index in 0..<count { _ = try await sequential.append(event(index)) }
        var elapsed = (ContinuousClock.now - start).seconds
        table.add(
            "durable appends, one at a time (each waits for its fsync)", "\(count)", format(elapsed, digits: 2) + " s",
            format(Double(count) / elapsed) + " events/s")

        let store = try RecordStore(path: folder + "/grouped.sqlite")
        let grouped = try RecordWriter(store: store)
        start = ContinuousClock.now
        try await append(count, to: grouped, event)
        elapsed = (ContinuousClock.now - start).seconds
        table.add(
            "durable appends, 64 callers at once (group commit)", "\(count)", format(elapsed, digits: 2) + " s",
            format(Double(count) / elapsed) + " events/s")

        try await append(mode.verifyEvents - count, to: grouped, event)
        start = ContinuousClock.now
        let report = try store.verify()
        elapsed = (ContinuousClock.now - start).seconds
        table.add(
            "`record verify` of the whole chain (intact: \(report.isIntact))", "\(report.count)",
            format(elapsed, digits: 2) + " s",
            format(Double(report.count) / elapsed) + " rows/s")
        return table.markdown
    }

    private func append(
        _ count: Int, to writer: RecordWriter, _ event: @escaping @Sendable (Int) -> RecordEvent
    ) async throws {
        guard count > 0 else { return }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<64 {
                group.addTask {
                    for index in stride(from: lane, to: count, by: 64) { _ = try await writer.append(event(index)) }
                }
            }
            try await group.waitForAll()
        }
    }
}
