import DwellBed
import DwellCore
import DwellDaemon
import DwellRecord
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Rapid removal through the API: out now, count later. The 15m neck-shoulder protocol's first
/// site has 2 needles.
@Suite(.serialized)
struct APIRouterReconcileTests {
    func post(
        _ client: some TestClientProtocol, _ path: String, _ json: String = "{}"
    ) async throws -> (Int, [String: Any]) {
        try await client.execute(
            uri: "/api/v1/beds/1/\(path)", method: .post, headers: jsonHeaders, body: body(json)
        ) { response in
            (Int(response.status.code), try object(response))
        }
    }

    func records(_ beds: Beds) async throws -> [RecordEntry] {
        await beds.shutdown()
        return try RecordStore(path: beds.settings.record, options: .init(readOnly: true)).entries()
    }

    @Test func rapidRemovalStopsTimingAndAMatchingCountEndsTheSession() async throws {
        let beds = try makeBeds()
        try await app(beds).test(.router) { client in
            _ = try await post(client, "session", startBody)
            let (refused, early) = try await post(client, "reconcile", #"{"recovered":2}"#)
            #expect(refused == 409 && (early["detail"] as? String)?.contains("only after a rapid removal") == true)
            let (status, bed) = try await post(client, "rapid-removal")
            #expect(status == 200 && bed["state"] as? String == "reconcile" && bed["signal"] as? String == "reconcile")
            #expect(bed["remaining_ms"] is NSNull, "timing has stopped")
            #expect((bed["needles"] as? [String: Any])?["outstanding"] as? Int == 2, "not counted out yet")
            #expect((bed["current"] as? String)?.contains("how many were recovered") == true, "\(bed)")
            let (missing, problem) = try await post(client, "reconcile")
            #expect(missing == 422 && problem["title"] as? String == "Recovered count required", "\(problem)")
            let (bad, range) = try await post(client, "reconcile", #"{"recovered":1000}"#)
            #expect(bad == 422 && range["title"] as? String == "Invalid recovered count", "\(range)")
            let (again, busy) = try await post(client, "abort")
            #expect(again == 409 && (busy["detail"] as? String)?.contains("enter how many") == true, "\(busy)")
            let (counted, done) = try await post(client, "reconcile", #"{"recovered":2}"#)
            #expect(counted == 200 && done["state"] as? String == "aborted")
            #expect((done["needles"] as? [String: Any])?["outstanding"] as? Int == 0)
        }
        let rows = try await records(beds)
        let rapid = try #require(rows.first { $0.type == "needles.rapid-removal" })
        #expect(rapid.needles == 2)
        #expect(
            rapid.note == "needle shock or fainting: the 2 needles still counted in were removed at once, to be counted"
        )
        #expect(rapid.note?.contains("every needle") == false, "it no longer claims every needle was removed")
        let reconciled = try #require(rows.first { $0.type == "needles.reconciled" })
        #expect(
            reconciled.needles == 2 && reconciled.note == "2 of the 2 needles removed at once recovered and counted out"
        )
        #expect(rows.last?.type == "session.aborted")
    }

    @Test func aMismatchAfterRapidRemovalNeedsTheCountOrAReason() async throws {
        let beds = try makeBeds()
        try await app(beds).test(.router) { client in
            _ = try await post(client, "session", startBody)
            _ = try await post(client, "rapid-removal")
            let (_, unaccounted) = try await post(client, "reconcile", #"{"recovered":1}"#)
            #expect(unaccounted["state"] as? String == "unaccounted")
            #expect(unaccounted["signal"] as? String == "needles-unaccounted")
            let (refused, problem) = try await post(client, "rapid-removal")
            #expect(refused == 409, "rapid removal no longer clears a mismatch")
            #expect((problem["detail"] as? String)?.contains("does not settle the needle counts") == true, "\(problem)")
            let (closed, after) = try await post(client, "close", #"{"reason":"one needle not found on the floor"}"#)
            #expect(closed == 200 && after["state"] as? String == "aborted")
        }
        let types = try await records(beds).map(\.type).filter { $0.hasPrefix("needles.") || $0.hasPrefix("session.a") }
        #expect(
            types == [
                "needles.rapid-removal", "needles.reconciled", "needles.unaccounted", "needles.mismatch-closed",
                "session.aborted",
            ])
    }

    @Test func aRestartMidReconcileComesBackInterruptedAndResumesToTheCount() async throws {
        let protocols = try protocolsCopy()
        let first = try makeBeds(protocols: protocols)
        try await app(first).test(.router) { client in
            _ = try await post(client, "session", startBody)
            _ = try await post(client, "rapid-removal")
        }
        await first.shutdown()
        let second = try makeBeds(protocols: protocols, record: first.settings.record)
        #expect(try await second.restoreInterrupted() == ["1"])
        try await app(second).test(.router) { client in
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let bed = try object(response)
                #expect(bed["state"] as? String == "interrupted")
                #expect((bed["needles"] as? [String: Any])?["outstanding"] as? Int == 2, "not counted: still 2")
            }
            let (_, resumed) = try await post(client, "resume")
            #expect(resumed["state"] as? String == "reconcile", "\(resumed)")
            let (_, done) = try await post(client, "reconcile", #"{"recovered":2}"#)
            #expect(done["state"] as? String == "aborted")
        }
        await second.shutdown()
    }
}
