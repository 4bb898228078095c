import DwellBed
import DwellCore
import DwellDaemon
import DwellRecord
import DwellRunner
import DwellWire
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// The patient call, the check-in reminder and the sweep gate through the API, on the daemon's
/// real beds: status codes, problem titles, and what the record holds after each.
@Suite(.serialized)
struct APIRouterCallTests {
    func post(
        _ client: some TestClientProtocol, _ path: String, _ json: String = "{}"
    ) async throws -> (
        Int, [String: Any]
    ) {
        try await client.execute(
            uri: "/api/v1/beds/1/\(path)", method: .post, headers: jsonHeaders, body: body(json)
        ) { response in
            (Int(response.status.code), try object(response))
        }
    }

    func rows(_ beds: Beds) throws -> [RecordEntry] {
        try RecordStore(path: beds.settings.record, options: .init(readOnly: true)).entries()
    }

    @Test func anIdleBedCallsUntilAckAnswersItAndNoSessionStartsMeanwhile() async throws {
        let beds = try makeBeds(limits: .standard)
        try await app(beds).test(.router) { client in
            let (called, bed) = try await post(client, "call")
            #expect(called == 200 && bed["state"] as? String == "idle" && bed["signal"] as? String == "calling")
            let call = try #require(bed["call"] as? [String: Any], "\(bed)")
            #expect((call["since"] as? String)?.hasSuffix("Z") == true && (call["waiting_ms"] as? Int ?? -1) >= 0)
            let lamps = try #require(bed["lamps"] as? [String: Bool])
            #expect(lamps["red"] != lamps["amber"], "red and amber in turn: \(lamps)")
            #expect(bed["check_in_ms"] is NSNull)
            let (again, still) = try await post(client, "call")
            #expect(again == 200 && (still["call"] as? [String: Any])?["since"] as? String == call["since"] as? String)

            let (start, busy) = try await post(client, "session", startBody)
            #expect(start == 409 && busy["title"] as? String == "Bed busy")
            #expect((busy["detail"] as? String)?.contains("calling") == true, "\(busy)")
            for word in ["checked", "swept"] {
                let (status, problem) = try await post(client, word)
                #expect(status == 409 && problem["title"] as? String == "No session", "\(word): \(problem)")
            }

            let (answered, idle) = try await post(client, "ack")
            #expect(answered == 200 && idle["call"] is NSNull && idle["signal"] as? String == "idle")
            #expect((idle["lamps"] as? [String: Bool])?.values.contains(true) == false, "every output off again")
            let (ack, none) = try await post(client, "ack")
            #expect(ack == 409 && none["title"] as? String == "No session", "nothing left to answer: \(none)")
        }
        await beds.shutdown()
        let calls = try rows(beds).filter { $0.type.hasPrefix("record.") && $0.type.contains("call") }
        #expect(
            calls.map(\.type) == [RecordStore.patientCallType, RecordStore.callAnsweredType], "one call, one answer")
        #expect(calls.allSatisfy { $0.sessionID == RecordStore.recordSessionID && $0.bed == "1" })
        #expect(calls.first?.note == "patient call through the API")
        let answer = try #require(calls.last)
        #expect(
            (answer.amountMs ?? -1) >= 0 && answer.note?.hasPrefix("patient call answered at the bed after") == true)
        #expect(try rows(beds).contains { $0.type == "session.started" } == false, "the refused start left no session")
    }

    @Test func aCallStandingWhenDwelldStoppedStandsAgainAfterTheRestartAndItsAnswerCountsTheWholeWait()
        async throws
    {
        let first = try makeBeds(limits: .standard)
        try await app(first).test(.router) { client in
            let (called, _) = try await post(client, "call")
            #expect(called == 200)
        }
        await first.shutdown()
        let second = try makeBeds(record: first.settings.record, limits: .standard)
        let call = try #require(try rows(second).last { $0.type == RecordStore.patientCallType })
        try await second.restoreInterrupted()
        try await app(second).test(.router) { client in
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let bed = try object(response)
                #expect(bed["signal"] as? String == "calling", "the call stands again: \(bed)")
                let standing = try #require(bed["call"] as? [String: Any])
                let since = try #require(RecordTime.date(from: standing["since"] as? String ?? ""))
                let recorded = try #require(RecordTime.date(from: call.wallTime))
                #expect(abs(since.timeIntervalSince(recorded)) < 0.002, "waiting since the recorded call")
            }
            let (answered, idle) = try await post(client, "ack")
            #expect(answered == 200 && idle["call"] is NSNull)
        }
        await second.shutdown()
        let calls = try rows(second).filter { $0.type.hasPrefix("record.") && $0.type.contains("call") }
        #expect(
            calls.map { $0.type } == [RecordStore.patientCallType, RecordStore.callAnsweredType],
            "the restored call is not recorded twice")
        // A third start finds nothing standing.
        let third = try makeBeds(record: first.settings.record, limits: .standard)
        try await third.restoreInterrupted()
        try await app(third).test(.router) { client in
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let bed = try object(response)
                #expect(bed["call"] is NSNull, "an answered call does not come back: \(bed)")
            }
        }
        await third.shutdown()
    }

    @Test func aCallDuringASessionIsAnsweredBeforeTheSessionsOwnAcknowledgement() async throws {
        let beds = try makeBeds(limits: .standard)
        try await app(beds).test(.router) { client in
            let (started, session) = try await post(client, "session", startBody)
            #expect(started == 201)
            let (called, bed) = try await post(client, "call")
            #expect(called == 200 && bed["state"] as? String == "running" && bed["signal"] as? String == "calling")
            #expect(bed["call"] is [String: Any])
            let (answered, running) = try await post(client, "ack")
            #expect(answered == 200 && running["call"] is NSNull, "the ack answered the call")
            #expect(running["state"] as? String == "running" && running["signal"] as? String == "running")
            let (ack, problem) = try await post(client, "ack")
            #expect(
                ack == 409 && problem["title"] as? String == "Not possible now", "then the session's own: \(problem)")
            #expect(session["session"] is String)
        }
        await beds.shutdown()
        let all = try rows(beds)
        let session = try #require(all.first { $0.type == "session.started" }?.sessionID)
        let calls = all.filter { $0.type == RecordStore.patientCallType || $0.type == RecordStore.callAnsweredType }
        #expect(calls.count == 2 && calls.allSatisfy { $0.sessionID == session && $0.therapist == "t-17" }, "\(calls)")
        #expect(!all.contains { $0.type == "session.acknowledged" }, "the session was not acknowledged")
    }

    @Test func theCheckInComesDueAndCheckedRecordsItAndStartsOver() async throws {
        let hub = StateHub()
        let beds = try makeBeds(hub: hub, limits: ClinicLimits(checkEvery: .seconds(3)))
        let states = try #require(hub.subscribe())
        try await app(beds).test(.router) { client in
            let (started, bed) = try await post(client, "session", startBody)
            #expect(started == 201 && (bed["check_in_ms"] as? Int).map { $0 > 0 && $0 <= 3_000 } == true, "\(bed)")
            let due = try await firstState(of: states, bed: "1", within: .seconds(60)) { $0.signal == "check-due" }
            #expect(due?.state == .session(.running) && (due?.checkInMs ?? 1) <= 0)
            let (checked, running) = try await post(client, "checked")
            #expect(checked == 200 && running["signal"] as? String == "running", "\(running)")
        }
        await beds.shutdown()
        let types = try rows(beds).map(\.type)
        let dueAt = try #require(types.firstIndex(of: "check.due"))
        #expect(types[dueAt...].contains("check.done"), "\(types)")
    }

    @Test func withTheSweepOnTheLastNeedleOutWaitsForSweptBeforeTheSessionEnds() async throws {
        let beds = try makeBeds(limits: ClinicLimits(sweep: true))
        try await app(beds).test(.router) { client in
            #expect(try await post(client, "session", startBody).0 == 201)
            let (aborted, stopping) = try await post(client, "abort")
            #expect(aborted == 200 && stopping["state"] as? String == "unaccounted")
            let (out, sweep) = try await post(client, "needles-out")
            #expect(out == 200 && sweep["state"] as? String == "sweep" && sweep["signal"] as? String == "sweep")
            let (ack, problem) = try await post(client, "ack")
            #expect(ack == 409 && problem["title"] as? String == "Not possible now")
            #expect((problem["detail"] as? String)?.contains("couch and floor") == true, "\(problem)")
            let (start, busy) = try await post(client, "session", startBody)
            #expect(start == 409 && busy["title"] as? String == "Bed busy", "the bed is not free before the sweep")
            let (swept, ended) = try await post(client, "swept")
            #expect(swept == 200 && ended["state"] as? String == "aborted" && ended["signal"] as? String == "idle")
            let (again, over) = try await post(client, "swept")
            #expect(again == 409 && (over["detail"] as? String)?.contains("ended") == true, "\(over)")
        }
        await beds.shutdown()
        let types = try rows(beds).map(\.type)
        #expect(Array(types.suffix(3)) == ["sweep.started", "sweep.done", "session.aborted"], "\(types)")
    }
}
