import DwellBed
import DwellCore
import DwellDaemon
import DwellRecord
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The safety gates through the API, with what each leaves in the clinic record.
@Suite(.serialized)
struct APIRouterSafetyTests {
    func post(
        _ client: some TestClientProtocol, _ path: String, _ json: String? = nil
    ) async throws -> (Int, [String: Any]) {
        try await client.execute(
            uri: "/api/v1/beds/1/\(path)", method: .post, headers: jsonHeaders, body: json.map(body)
        ) { response in
            (Int(response.status.code), try object(response))
        }
    }

    /// The record once every reported event is in (as at a shutdown: nothing is ended).
    func records(_ beds: Beds) async throws -> [RecordEntry] {
        await beds.shutdown()
        return try RecordStore(path: beds.settings.record, options: .init(readOnly: true)).entries()
    }

    @Test func theChecklistListsTheClinicsItemsAndAnAbsoluteContraindicationBlocksTheStart() async throws {
        let beds = try makeBeds()
        try await app(beds).test(.router) { client in
            try await client.execute(uri: "/api/v1/checklist", method: .get) { response in
                let json = try object(response)
                let absolute = (json["absolute"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
                #expect(absolute == ["no-consent", "medical-emergency", "local-infection", "lymphedema"])
                #expect((json["relative"] as? [[String: Any]])?.count == 12)
            }
            let start =
                #"{"protocol":"neck-shoulder-multisite","therapist":"t-17","patient":"p-0042","consent":true,"#
                + screening(yes: ["lymphedema"], acknowledged: ["lymphedema"]) + "}"
            let (status, problem) = try await post(client, "session", start)
            #expect(status == 422 && problem["title"] as? String == "Contraindicated")
            #expect((problem["detail"] as? String)?.contains("Lymphedema in the area or limb (`lymphedema`)") == true)
            let (incomplete, missing) = try await post(
                client, "session", #"{"protocol":"neck-shoulder-multisite","consent":true}"#)
            #expect(
                incomplete == 422
                    && (missing["detail"] as? String)?.contains("unanswered: no-consent, medical-emergency") == true)
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let bed = try object(response)
                #expect(bed["state"] as? String == "idle")
            }
        }
        // Each refusal leaves a record-level row: bed, therapist, protocol, why; never the patient.
        let rows = try await records(beds)
        #expect(rows.map(\.type) == [RecordStore.refusedStartType, RecordStore.refusedStartType], "no session row")
        #expect(
            rows.map(\.note) == [
                "Contraindicated: lymphedema",
                "Checklist incomplete: " + Checklist.standard.items.map(\.code).joined(separator: ", "),
            ])
        #expect(rows.map(\.bed) == ["1", "1"] && rows.map(\.therapist) == ["t-17", nil])
        #expect(rows.allSatisfy { $0.patient == nil && $0.sessionID == RecordStore.recordSessionID })
        #expect(rows.first?.protocolID == "neck-shoulder-multisite")
        // A refusal is no session: after a restart the bed is idle, not interrupted.
        let again = try makeBeds(protocols: beds.settings.protocols, record: beds.settings.record)
        #expect(try await again.restoreInterrupted().isEmpty)
        #expect(try await again.status(bed: "1").state == .idle)
        await again.shutdown()
    }

    @Test func aRefusalWithANameForATherapistCodeDoesNotWriteTheName() async throws {
        let beds = try makeBeds()
        try await app(beds).test(.router) { client in
            let (status, _) = try await post(
                client, "session", #"{"protocol":"no-such-protocol","therapist":"Jane Doe","consent":false}"#)
            #expect(status == 422)
            let (unknown, _) = try await post(
                client, "session",
                #"{"protocol":"knee-non-trigger-point","consent":true,"screening":{"Mrs Smith\u0000":true}}"#)
            #expect(unknown == 422)
        }
        let rows = try await records(beds)
        #expect(
            rows.map(\.note) == ["Consent required", "Checklist incomplete: 1 unknown code"],
            "a client's own text is not copied")
        #expect(
            rows.first?.therapist == nil && rows.first?.protocolID == "-", "neither a name nor an unknown id is written"
        )
    }

    @Test func relativeContraindicationsStartOnlyAcknowledgedAndTheAnswersAreRecorded() async throws {
        let beds = try makeBeds()
        try await app(beds).test(.router) { client in
            let unacknowledged =
                #"{"protocol":"knee-non-trigger-point","consent":true,"#
                + screening(yes: ["diabetes", "bleeding"], acknowledged: ["diabetes"]) + "}"
            let (refused, problem) = try await post(client, "session", unacknowledged)
            #expect(refused == 422 && problem["title"] as? String == "Acknowledgement required")
            #expect((problem["detail"] as? String)?.contains("`bleeding`") == true)
            let acknowledged =
                #"{"protocol":"knee-non-trigger-point","consent":true,"#
                + screening(yes: ["diabetes", "bleeding"], acknowledged: ["diabetes", "bleeding"]) + "}"
            let (started, bed) = try await post(client, "session", acknowledged)
            #expect(started == 201 && bed["state"] as? String == "running")
        }
        let rows = try await records(beds)
        #expect(
            rows.map(\.type).prefix(4) == [
                RecordStore.refusedStartType, "checklist", "session.started", "step.started",
            ])
        let answers = try #require(rows.first { $0.type == "checklist" }?.note)
        #expect(answers.hasPrefix("consent=yes; no-consent=no;"))
        #expect(answers.contains("bleeding=yes (acknowledged)") && answers.contains("diabetes=yes (acknowledged)"))
        #expect(answers.contains("epilepsy=no"))
        #expect(rows.dropFirst().first?.sessionID == rows.last?.sessionID, "the checklist row is the session's")
        #expect(rows.first?.note == "Acknowledgement required: bleeding", "the refusal before it names the item")
    }

    @Test func aMismatchBlocksCompletionUntilAReasonedCloseWhichIsRecorded() async throws {
        let beds = try makeBeds()
        try await app(beds).test(.router) { client in
            _ = try await post(client, "session", startBody)
            let (placed, corrected) = try await post(client, "needles-in", #"{"count":3}"#)
            #expect(placed == 200)
            #expect((corrected["needles"] as? [String: Any])?["placed"] as? Int == 3)
            var bed: [String: Any] = [:]
            for _ in 0..<8 where bed["state"] as? String != "overrun" { (_, bed) = try await post(client, "skip") }
            #expect(bed["state"] as? String == "overrun")
            let needles = try #require(bed["needles"] as? [String: Any])
            #expect(needles["placed"] as? Int == 9 && needles["outstanding"] as? Int == 9)
            _ = try await post(client, "needles-out", #"{"count":8}"#)
            let (_, unaccounted) = try await post(client, "ack")
            #expect(unaccounted["state"] as? String == "unaccounted")
            #expect(unaccounted["signal"] as? String == "needles-unaccounted")
            #expect((unaccounted["current"] as? String)?.contains("1 needle counted in but not out") == true)
            // The lamps flash: which is lit when the answer is read depends on the moment (a loaded
            // host answered in the off-phase once); the signal names the pattern.
            let (noReason, _) = try await post(client, "close")
            #expect(noReason == 422)
            let (stillBlocked, _) = try await post(client, "skip")
            #expect(stillBlocked == 409)
            let (silenced, quiet) = try await post(client, "silence")
            #expect(
                silenced == 200 && quiet["signal"] as? String == "silenced" && (quiet["silenced_ms"] as? Int ?? 0) > 0)
            let (closed, after) = try await post(
                client, "close", #"{"reason":"one needle not found after a thorough search"}"#)
            #expect(closed == 200 && after["state"] as? String == "observation")
            #expect((after["aftercare"] as? String)?.contains("Drink water") == true)
        }
        let rows = try await records(beds)
        let needles = rows.filter { $0.type.hasPrefix("needles.") }.map {
            "\($0.type) \($0.needles.map(String.init) ?? "-")"
        }
        #expect(
            needles == ["needles.placed 3", "needles.removed 8", "needles.unaccounted 1", "needles.mismatch-closed 1"])
        #expect(
            rows.first { $0.type == "needles.mismatch-closed" }?.note
                == "possible adverse event: one needle not found after a thorough search")
        #expect(rows.contains { $0.type == "alarm.silenced" })
    }

    @Test func abortWithNeedlesInLeavesThemUnaccounted() async throws {
        try await app(try makeBeds()).test(.router) { client in
            _ = try await post(client, "session", startBody)
            let (_, bed) = try await post(client, "abort")
            #expect(bed["state"] as? String == "unaccounted")
            let (_, done) = try await post(client, "needles-out", #"{"count":2,"step":0}"#)
            #expect(done["state"] as? String == "aborted")
        }
    }

    @Test func aRestartRebuildsTheUnfinishedSessionAsInterruptedAndResumeCatchesUp() async throws {
        let protocols = try protocolsCopy()
        let first = try makeBeds(protocols: protocols)
        try await app(first).test(.router) { client in
            _ = try await post(client, "session", startBody)
            _ = try await post(client, "needles-in", #"{"count":4}"#)
            _ = try await post(client, "pause")
            _ = try await post(client, "resume")
        }
        await first.shutdown()
        // The same record and protocols, as dwelld finds them when it starts again.
        let second = try makeBeds(protocols: protocols, record: first.settings.record)
        let restored = try await second.restoreInterrupted()
        #expect(restored == ["1"])
        try await app(second).test(.router) { client in
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let bed = try object(response)
                #expect(bed["state"] as? String == "interrupted" && bed["signal"] as? String == "interrupted")
                #expect((bed["needles"] as? [String: Any])?["placed"] as? Int == 4, "counts rebuilt from the record")
                let interruption = try #require(bed["interruption"] as? [String: Any])
                #expect(interruption["resumable"] as? Bool == true)
                #expect(interruption["previous_state"] as? String == "running", "what the needles were doing")
                #expect(interruption["uncertain"] is Bool && interruption["started_at"] is String)
            }
            let (_, resumed) = try await post(client, "resume")
            #expect(resumed["state"] as? String == "running" && resumed["step"] as? Int == 0)
            #expect((resumed["remaining_ms"] as? Int ?? 0) < 180_000)
        }
        let types = try await records(second).map(\.type)
        #expect(types.suffix(2) == ["session.interrupted", "interruption.resumed"])
    }

    @Test func aRestartReplaysTheSessionWithTheLimitsItStartedWithNotTodays() async throws {
        let protocols = try protocolsCopy()
        // Started while the clinic allowed 30m sessions: 10m more on the 15m protocol needs no reason.
        let roomy = ClinicLimits(sessionLength: .seconds(600)...Duration.seconds(1_800), hardLimit: .seconds(3_600))
        let first = try makeBeds(protocols: protocols, limits: roomy)
        try await app(first).test(.router) { client in
            _ = try await post(client, "session", startBody)
            let (status, _) = try await post(client, "extend", #"{"by":"10m"}"#)
            #expect(status == 200)
        }
        await first.shutdown()
        let started = try #require(try await records(first).first { $0.type == "session.started" })
        #expect(started.note == roomy.recordNote)
        // The config went back to 15m before the restart: replayed with today's limits, the
        // extension would be refused and the session could only be finished.
        let second = try makeBeds(protocols: protocols, record: first.settings.record)
        try await second.restoreInterrupted()
        try await app(second).test(.router) { client in
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let interruption = try #require(try object(response)["interruption"] as? [String: Any])
                #expect(interruption["resumable"] as? Bool == true, "\(interruption["reason"] ?? "")")
            }
            let (_, resumed) = try await post(client, "resume")
            #expect(resumed["state"] as? String == "running")
            #expect((resumed["remaining_ms"] as? Int ?? 0) > 600_000, "the first site's 10m extension kept")
            let (status, _) = try await post(client, "extend", #"{"by":"5m"}"#)
            #expect(status == 200, "the session goes on under the limits it started with")
        }
    }

    @Test func aSessionWhoseProtocolChangedCanOnlyBeFinished() async throws {
        let protocols = try protocolsCopy()
        let first = try makeBeds(protocols: protocols)
        try await app(first).test(.router) { client in _ = try await post(client, "session", startBody) }
        await first.shutdown()
        let path = protocols + "/neck-shoulder-multisite.yaml"
        try (try String(contentsOfFile: path, encoding: .utf8) + "\n# edited\n").write(
            toFile: path, atomically: true, encoding: .utf8)
        let second = try makeBeds(protocols: protocols, record: first.settings.record)
        try await second.restoreInterrupted()
        try await app(second).test(.router) { client in
            let (refused, problem) = try await post(client, "resume")
            #expect(refused == 409 && (problem["detail"] as? String)?.contains("finish it instead") == true)
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let interruption = try object(response)["interruption"] as? [String: Any]
                #expect(interruption?["resumable"] as? Bool == false)
                #expect((interruption?["reason"] as? String)?.contains("no longer loaded as it was") == true)
            }
            let (_, finishing) = try await post(client, "finish")
            #expect(
                finishing["state"] as? String == "unaccounted", "the 2 needles of the first site are still counted in")
            let (_, done) = try await post(client, "needles-out")
            #expect(done["state"] as? String == "aborted")
        }
    }

    /// The 15m neck-shoulder protocol sits at the clinic's longest session (15m; hard limit 30m).
    @Test func anExtensionPastTheLongestSessionNeedsAReasonAndPastTheHardLimitIsRefused() async throws {
        let beds = try makeBeds()
        try await app(beds).test(.router) { client in
            _ = try await post(client, "session", startBody)
            let (asked, problem) = try await post(client, "extend", #"{"by":"2m"}"#)
            #expect(asked == 422 && problem["title"] as? String == "Reason required", "\(problem)")
            #expect((problem["detail"] as? String)?.contains("17m of needle time") == true, "\(problem)")
            let (tooShort, _) = try await post(client, "extend", #"{"by":"2m","reason":"ok"}"#)
            #expect(tooShort == 422, "a reason under 3 characters")
            let (taken, bed) = try await post(
                client, "extend", #"{"by":"2m","reason":"patient asked to keep them in"}"#)
            #expect(taken == 200 && bed["state"] as? String == "running")
            let (refused, limit) = try await post(client, "extend", #"{"by":"14m","reason":"longer still"}"#)
            #expect(refused == 409 && limit["title"] as? String == "Not possible now", "\(limit)")
            #expect((limit["detail"] as? String)?.contains("hard limit of 30m") == true, "\(limit)")
        }
        let extended = try await records(beds).filter { $0.type == "step.extended" }
        #expect(extended.count == 1, "only the extension taken is recorded")
        #expect(extended.first?.reason == "patient asked to keep them in" && extended.first?.amountMs == 120_000)
        #expect(extended.first?.note?.contains("past the clinic's longest session of 15m") == true)
    }
}
