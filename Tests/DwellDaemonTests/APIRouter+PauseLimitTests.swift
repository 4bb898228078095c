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

/// A pause with needles in becomes an alarm on the daemon's real beds: on its clock, through the
/// bed's published states, and in the record. The clinic's limits are shortened (the pause limit
/// and the escalation a fraction of a second) so the test waits on states, never on a sleep.
@Suite(.serialized)
struct APIRouterPauseLimitTests {
    static let limits = ClinicLimits(escalateAfter: .milliseconds(300), pauseLimit: .milliseconds(300))

    func makeShortLimitBeds(hub: StateHub) throws -> Beds {
        var config = DaemonConfig.simulatorDefaults
        config.protocols = try protocolsCopy()
        config.record = try temporaryFolder() + "/record.sqlite"
        config.limits = Self.limits
        let outputs = Dictionary(
            uniqueKeysWithValues: config.beds.map { ($0, SimulatedBoard(bed: $0) as any IndicatorOutput) })
        return try Beds(settings: config.bedSettings, outputs: outputs, logger: Logger(label: "test"), hub: hub)
    }

    func post(_ client: some TestClientProtocol, _ path: String) async throws -> (Int, [String: Any]) {
        try await client.execute(
            uri: "/api/v1/beds/1/\(path)", method: .post, headers: jsonHeaders, body: body("{}")
        ) { response in
            (Int(response.status.code), try object(response))
        }
    }

    @Test func aPauseWithNeedlesInBecomesAnAlarmEscalatesAndEndsOnResume() async throws {
        let hub = StateHub()
        let beds = try makeShortLimitBeds(hub: hub)
        let states = try #require(hub.subscribe())
        try await app(beds).test(.router) { client in
            let start = try await client.execute(
                uri: "/api/v1/beds/1/session", method: .post, headers: jsonHeaders, body: body(startBody)
            ) { Int($0.status.code) }
            #expect(start == 201)
            let (paused, bed) = try await post(client, "pause")
            #expect(paused == 200 && bed["state"] as? String == "paused")
            let escalated = try await firstState(of: states, bed: "1", within: .seconds(60)) {
                $0.signal == IndicatorSignal.pauseOverdue(escalated: true).name
            }
            #expect(escalated?.state == .session(.paused), "still paused: the alarm is the pause's own")
            let (silenced, problem) = try await post(client, "silence")
            #expect(silenced == 409 && (problem["detail"] as? String)?.contains("resumes") == true, "\(problem)")
            let (resumed, running) = try await post(client, "resume")
            #expect(resumed == 200 && running["state"] as? String == "running")
            #expect(running["signal"] as? String == "running")
        }
        await beds.shutdown()
        let rows = try RecordStore(path: beds.settings.record, options: .init(readOnly: true)).entries()
        let types = rows.map(\.type)
        let pausedAt = try #require(types.firstIndex(of: "session.paused"))
        #expect(
            Array(types[pausedAt...].prefix(4)) == [
                "session.paused", "session.pause-overdue", "session.escalated", "session.resumed",
            ], "\(types)")
        let overdue = try #require(rows.first { $0.type == "session.pause-overdue" })
        #expect(
            overdue.needles == 2 && overdue.note?.contains("pause limit") == true, "\(String(describing: overdue.note))"
        )
    }
}

/// The first published state of `bed` that `matches`, or nil after `within` (a deadline that
/// fails the test with a reason, never a timed assertion of when it came).
func firstState(
    of states: AsyncStream<StateHub.Message>, bed: String, within: Duration,
    where matches: @escaping @Sendable (BedStatus) -> Bool
) async throws -> BedStatus? {
    let found = await withTaskGroup(of: BedStatus?.self) { group in
        group.addTask {
            for await message in states {
                if case .bed(let status) = message, status.bed == bed, matches(status) { return status }
            }
            return nil
        }
        group.addTask {
            try? await Task.sleep(for: within)
            return nil
        }
        let first = await group.next() ?? nil
        group.cancelAll()
        return first
    }
    #expect(found != nil, "no state of bed \(bed) matched within \(within)")
    return found
}
