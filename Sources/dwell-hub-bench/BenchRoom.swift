import DwellHub
import DwellRecord
import Foundation
import Logging
import Synchronization

/// One simulated room: a real record file and writer, its beds' rows written at a steady rate,
/// and when each row was committed (to measure how long the hub took to acknowledge it).
final class BenchRoom: Sendable {
    let device: String
    let store: RecordStore
    let writer: RecordWriter
    let beds: Int
    private let committed = Mutex<[Int64: ContinuousClock.Instant]>([:])

    init(device: String, folder: String, beds: Int) throws {
        self.device = device
        self.beds = beds
        store = try RecordStore(path: "\(folder)/\(device)/record.sqlite")
        writer = try RecordWriter(store: store)
    }

    /// Appends `count` rows spread over the beds; `timed`: remember when each was committed.
    func write(_ count: Int, timed: Bool) async throws {
        for index in 0..<count {
            let bed = String(index % beds + 1)
            let context = SessionContext(
                sessionID: "\(device)-bed-\(bed)", bed: bed, protocolID: "neck-shoulder", protocolVersion: 1,
                protocolTitle: "Neck and shoulder", protocolSHA256: String(repeating: "ab", count: 32),
                therapist: "t-17", patient: "p-0042")
            let entry = try await writer.append(
                RecordEvent(
                    session: context, type: "step.started", step: index % 8, site: "site-\(index % 8)",
                    plannedMs: Int64(index) * 1_000, monotonicUs: Int64(index) * 1_000_000,
                    wallTime: RecordTime.string(from: Date()), latenessUs: 120, needles: 2))
            if timed { committed.withLock { $0[entry.seq] = .now } }
        }
    }

    /// The commit time of `seq`, taken (each row is measured once).
    func takeCommitTime(_ seq: Int64) -> ContinuousClock.Instant? {
        committed.withLock { $0.removeValue(forKey: seq) }
    }

    var acknowledged: Int64 { (try? store.hubAcknowledged()?.seq) ?? 0 }
    var head: Int64 { (try? store.headRow().seq) ?? 0 }

    /// The room's forwarder, logging in as the room's own role (as a board does).
    func forwarder(address: HubAddress, password: String) -> HubForwarder {
        var own = address
        own.user = HubSchema.role(of: device)
        own.password = nil
        return HubForwarder(
            store: store, settings: HubSettings(address: own, passwordFile: "-", device: device),
            password: password, state: HubForwardingState(device: device),
            logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
    }
}
