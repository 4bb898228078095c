import DwellBed
import DwellCore
import DwellGPIO
import DwellRecord
import DwellWire
import Logging
import Testing

/// Board buttons through the one set of rules, on the daemon's real beds (dwelld and
/// `dwell simulate --board` both deliver presses through `Board.deliver`).
struct BoardButtonTests {
    let logger = Logger(label: "test")

    func press(_ role: ButtonRole, _ beds: Beds) async {
        await Board.deliver(.pressed(role), bed: "1", to: beds, logger: logger)
    }

    @Test func aButtonNeverStartsASessionButPausesResumesAndExtendsOne() async throws {
        let beds = try makeBeds()
        await press(.startPause, beds)
        #expect(try await beds.status(bed: "1").state == .idle, "no session is started by a button")

        // 12 minutes of steps: a button's extension (no reason) fits under the clinic's 15m.
        let start = StartRequest(
            protocol: "upper-trapezius-superficial", consent: true,
            screening: Dictionary(uniqueKeysWithValues: Checklist.standard.items.map { ($0.code, false) }),
            acknowledged: [])
        let started = try await beds.start(start, on: "1")
        #expect(started.state == .session(.running))
        await press(.startPause, beds)
        #expect(try await beds.status(bed: "1").state == .session(.paused))
        await press(.startPause, beds)
        #expect(try await beds.status(bed: "1").state == .session(.running))
        let before = try #require(try await beds.status(bed: "1").remainingMs)
        await press(.extend, beds)
        let after = try #require(try await beds.status(bed: "1").remainingMs)
        #expect(after > before + 50_000, "extend adds the default minute: \(before) → \(after) ms")
        await beds.shutdown()
    }

    @Test func aButtonThatCannotBeReadShowsAFaultOnTheBedsSession() async throws {
        let beds = try makeBeds()
        await Board.deliver(
            .failed(.acknowledge, "gpiochip0 line 5: No such device"), bed: "1", to: beds, logger: logger)
        #expect(try await beds.status(bed: "1").fault == false, "no session: nothing to show it on")
        let start = StartRequest(
            protocol: "neck-shoulder-multisite", consent: true,
            screening: Dictionary(uniqueKeysWithValues: Checklist.standard.items.map { ($0.code, false) }),
            acknowledged: [])
        _ = try await beds.start(start, on: "1")
        await Board.deliver(
            .failed(.acknowledge, "gpiochip0 line 5: No such device"), bed: "1", to: beds, logger: logger)
        let status = try await beds.status(bed: "1")
        #expect(status.fault && status.state == .session(.running), "the fault is shown, timing goes on")
        await beds.shutdown()
    }

    @Test func theExtendButtonStaysWithinTheLongestSession() async throws {
        let beds = try makeBeds()
        let start = StartRequest(
            protocol: "neck-shoulder-multisite", consent: true,
            screening: Dictionary(uniqueKeysWithValues: Checklist.standard.items.map { ($0.code, false) }),
            acknowledged: [])
        let started = try await beds.start(start, on: "1")  // 15m: at the clinic's longest session
        await press(.extend, beds)
        let before = try #require(started.remainingMs)
        let after = try #require(try await beds.status(bed: "1").remainingMs)
        #expect(after <= before, "a button gives no reason, so it cannot extend past max_session")
        await beds.shutdown()
    }

    @Test func theCallButtonCallsOnAnIdleBedAndDuringASessionAndTheAcknowledgeButtonAnswers() async throws {
        let beds = try makeBeds()
        await press(.call, beds)
        let calling = try await beds.status(bed: "1")
        #expect(calling.state == .idle && calling.signal == "calling" && calling.call != nil, "\(calling)")
        #expect(calling.lamps["red"] != calling.lamps["amber"], "the call's lamps on the idle bed: \(calling.lamps)")
        await press(.acknowledge, beds)
        let answered = try await beds.status(bed: "1")
        #expect(answered.call == nil && answered.signal == "idle" && !answered.lamps.values.contains(true))

        let start = StartRequest(
            protocol: "upper-trapezius-superficial", consent: true,
            screening: Dictionary(uniqueKeysWithValues: Checklist.standard.items.map { ($0.code, false) }),
            acknowledged: [])
        _ = try await beds.start(start, on: "1")
        await press(.call, beds)
        await press(.call, beds)  // pressed again: the first call stands
        let during = try await beds.status(bed: "1")
        #expect(during.state == .session(.running) && during.signal == "calling" && during.call != nil)
        await press(.acknowledge, beds)
        let after = try await beds.status(bed: "1")
        #expect(after.call == nil && after.signal == "running" && after.state == .session(.running))
        await beds.shutdown()
        let types = try RecordStore(path: beds.settings.record, options: .init(readOnly: true)).entries().map(\.type)
        #expect(
            types.filter { $0.contains("call") } == [
                RecordStore.patientCallType, RecordStore.callAnsweredType, RecordStore.patientCallType,
                RecordStore.callAnsweredType,
            ], "two calls from the button, each answered once: \(types)")
        let notes = try RecordStore(path: beds.settings.record, options: .init(readOnly: true)).entries()
            .filter { $0.type == RecordStore.patientCallType }.map(\.note)
        #expect(notes.allSatisfy { $0 == "patient call from the bed's call button" })
    }
}
