import DwellBed
import DwellCore
import DwellRunner
import Foundation
import GRDB
import Synchronization
import Testing

@testable import DwellRecord

struct RecordedReportsTests {
    static let treatment = TreatmentProtocol(
        id: "short", title: "Short", version: 1, technique: .deep, warnBefore: .seconds(30), observation: .seconds(60),
        steps: [
            .site(SiteStep(site: "a", label: "Site A", needles: 2, dwell: .seconds(300))),
            .rest(RestStep(duration: .seconds(60))),
            .site(SiteStep(site: "b", needles: 1, dwell: .seconds(300))),
        ])

    static let expectedTimeline = [
        "session.started@0", "step.started@0", "step.warning@270000", "step.ended@300000", "step.started@300000",
        "step.ended@360000", "step.started@360000", "step.warning@630000", "step.ended@660000",
        "session.overrun@660000",
        "needles.removed@660000", "session.acknowledged@660000", "observation.started@660000",
        "observation.ended@720000", "session.completed@720000",
    ]

    final class Collected<C: Clock>: Sendable where C.Duration == Duration {
        let outcomes = Mutex<[RecordedReports<C>.Outcome]>([])
        var delivered: [RunnerReport] {
            outcomes.withLock {
                $0.compactMap { if case .delivered(let report, _) = $0 { return report } else { return nil } }
            }
        }
        var unrecorded: [RunnerReport] {
            outcomes.withLock {
                $0.compactMap { if case .unrecorded(let report, _) = $0 { return report } else { return nil } }
            }
        }
    }

    /// An instant clock that holds the session at its first deadline until ``open()``: an instant
    /// run otherwise races to its end before the record's first refusal has been handled, and
    /// the fault it raises comes after the last report (seen in 7 of 10 runs of the test alone).
    final class GatedClock: Clock, Sendable {
        typealias Instant = VirtualClock.Instant
        let inner = VirtualClock()
        let opened = Atomic<Bool>(false)

        var now: Instant { inner.now }
        var minimumResolution: Duration { inner.minimumResolution }

        func open() { opened.store(true, ordering: .sequentiallyConsistent) }

        func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
            let limit = ContinuousClock.now + .seconds(20)
            while !opened.load(ordering: .sequentiallyConsistent) {
                guard ContinuousClock.now < limit else {
                    Issue.record("the gate was not opened within 20 s: the record refused nothing")
                    open()
                    break
                }
                try await Task.sleep(for: .milliseconds(1))
            }
            try await inner.sleep(until: deadline, tolerance: tolerance)
        }
    }

    func play(
        store: RecordStore, therapist: String? = nil
    ) async throws -> (runner: SessionRunner<VirtualClock>, collected: Collected<VirtualClock>, left: Int) {
        try await play(store: store, therapist: therapist, clock: VirtualClock())
    }

    /// Plays the session on `clock`; a ``GatedClock`` is opened once the record refuses a report.
    func play<C: Clock>(
        store: RecordStore, therapist: String? = nil, clock: C
    ) async throws -> (runner: SessionRunner<C>, collected: Collected<C>, left: Int) where C.Duration == Duration {
        let runner = SessionRunner(
            machine: SessionStateMachine(treatment: Self.treatment), clock: clock,
            output: SimulatedBoard(), script: ScriptedCommand.countOutAndAcknowledge(after: .zero))
        let context = SessionContext(
            sessionID: UUID().uuidString, bed: "1", protocolID: "short", protocolVersion: 1,
            protocolTitle: "Short", protocolSHA256: "00", therapist: therapist, patient: nil)
        let recorder = SessionRecorder(
            writer: try RecordWriter(store: store), context: context, treatment: Self.treatment)
        let collected = Collected<C>()
        try await runner.start()
        let left = await RecordedReports(runner: runner, recorder: recorder).run { outcome in
            collected.outcomes.withLock { $0.append(outcome) }
            if case .unrecorded = outcome { (clock as? GatedClock)?.open() }
        }
        return (runner, collected, left)
    }

    @Test func everyEventIsCommittedBeforeItIsPassedOn() async throws {
        let store = try RecordStore(path: NSTemporaryDirectory() + UUID().uuidString + "/record.sqlite")
        let (_, collected, left) = try await play(store: store)
        #expect(left == 0 && collected.unrecorded.isEmpty)
        let recorded = try store.entries().map { "\($0.type)@\($0.plannedMs ?? -1)" }
        #expect(recorded == Self.expectedTimeline)
        let entries = collected.outcomes.withLock {
            $0.compactMap { if case .delivered(_, let entry?) = $0 { return entry } else { return nil } }
        }
        #expect(entries.map(\.seq) == Array(1...Int64(Self.expectedTimeline.count)))
        #expect(try store.entries().first { $0.type == "step.started" }?.siteLabel == "Site A")
    }

    @Test func aReadOnlyRecordFaultsButTheSessionKeepsItsTiming() async throws {
        let path = NSTemporaryDirectory() + UUID().uuidString + "/record.sqlite"
        _ = try RecordStore(path: path)
        let (runner, collected, left) = try await play(
            store: try RecordStore(path: path, options: .init(readOnly: true)), clock: GatedClock())
        let timeline = collected.unrecorded.compactMap { report -> String? in
            if case .event(let event, _) = report { return "\(event.kind.rawValue)@\(event.at.wholeMilliseconds)" }
            return nil
        }
        #expect(timeline == Self.expectedTimeline, "every cue still came, on time")
        #expect(await runner.snapshot().fault)
        #expect(
            collected.unrecorded.contains {
                if case .fault(let message, _) = $0 { return message.contains("read-only") } else { return false }
            })
        #expect(left > 0, "the events wait in the writer; they are not thrown away")
    }

    @Test func aDiskFillingUpMidSessionFaultsAfterTheLastCommittedEvent() async throws {
        let path = NSTemporaryDirectory() + UUID().uuidString + "/record.sqlite"
        _ = try RecordStore(path: path)
        let pages = try DatabaseQueue(path: path).inDatabase { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 0
        // Room for the migration check and one more page of events, then the "disk" is full.
        let store = try RecordStore(path: path, options: .init(maximumPageCount: pages + 2))
        // Rows of about 1 KiB: a page holds a few, so the session outgrows the room it has.
        let (runner, collected, left) = try await play(store: store, therapist: String(repeating: "t", count: 1_000))
        let committed = try store.entries().count
        #expect(committed > 0 && committed < Self.expectedTimeline.count, "\(committed)")
        #expect(try store.verify().isIntact)
        #expect(await runner.isFinished)
        #expect(await runner.snapshot().fault)
        #expect(left > 0)
        #expect(collected.delivered.count + collected.unrecorded.count == collected.outcomes.withLock { $0.count })
    }

    @Test func theFaultClearsOnceARetriedWriteSucceeds() async throws {
        let path = NSTemporaryDirectory() + UUID().uuidString + "/record.sqlite"
        _ = try RecordStore(path: path)
        let pages = try DatabaseQueue(path: path).inDatabase { try Int.fetchOne($0, sql: "PRAGMA page_count") } ?? 0
        let store = try RecordStore(path: path, options: .init(maximumPageCount: pages + 2))
        let runner = SessionRunner(
            machine: SessionStateMachine(treatment: Self.treatment), clock: VirtualClock(),
            output: SimulatedBoard(), script: ScriptedCommand.countOutAndAcknowledge(after: .zero))
        let context = SessionContext(
            sessionID: UUID().uuidString, bed: "1", protocolID: "short", protocolVersion: 1,
            protocolTitle: "Short", protocolSHA256: "00", therapist: String(repeating: "t", count: 1_000), patient: nil)
        let recorder = SessionRecorder(
            writer: try RecordWriter(store: store), context: context, treatment: Self.treatment)
        let sawFault = Mutex(false)
        try await runner.start()
        let left = await RecordedReports(runner: runner, recorder: recorder).run { outcome in
            guard case .unrecorded = outcome, !sawFault.withLock({ $0 }) else { return }
            #expect(await runner.snapshot().fault)
            sawFault.withLock { $0 = true }
            // Room again (the disk was cleaned up): the next write takes the queued events first.
            _ = try? await store.database.write { db in try Int.fetchOne(db, sql: "PRAGMA max_page_count = 1000000") }
        }
        #expect(sawFault.withLock { $0 }, "the disk did fill up")
        #expect(left == 0)
        #expect(await !runner.snapshot().fault, "a later write succeeded: the record fault is gone")
        #expect(try store.verify().isIntact && store.entries().count >= Self.expectedTimeline.count)
    }

    @Test func theEventsLeftOverAreThisSessionsNotEveryBeds() async throws {
        let path = NSTemporaryDirectory() + UUID().uuidString + "/record.sqlite"
        _ = try RecordStore(path: path)
        let writer = try RecordWriter(store: try RecordStore(path: path, options: .init(readOnly: true)))
        // Another bed's session already has three events waiting for the record.
        let other = SessionContext(
            sessionID: "other", bed: "2", protocolID: "short", protocolVersion: 1,
            protocolTitle: "Short", protocolSHA256: "00", therapist: nil, patient: nil)
        for index in 0..<3 {
            _ = try? await writer.append(
                RecordEvent(
                    session: other, type: "step.started", monotonicUs: Int64(index),
                    wallTime: "2026-11-23T10:00:00.000Z"))
        }
        let runner = SessionRunner(
            machine: SessionStateMachine(treatment: Self.treatment), clock: VirtualClock(),
            output: SimulatedBoard(), script: ScriptedCommand.countOutAndAcknowledge(after: .zero))
        let context = SessionContext(
            sessionID: "mine", bed: "1", protocolID: "short", protocolVersion: 1,
            protocolTitle: "Short", protocolSHA256: "00", therapist: nil, patient: nil)
        let collected = Collected<VirtualClock>()
        try await runner.start()
        let left = await RecordedReports(
            runner: runner, recorder: SessionRecorder(writer: writer, context: context, treatment: Self.treatment)
        ).run { outcome in
            collected.outcomes.withLock { $0.append(outcome) }
        }
        let mine = collected.unrecorded.filter { report in
            switch report {
            case .event, .fault: return true
            default: return false
            }
        }.count
        #expect(left == mine, "this session's \(mine) events, not the other bed's 3 as well")
        #expect(await writer.retry(session: "other") == 3)
        #expect(await writer.retry() == mine + 3)
    }
}
