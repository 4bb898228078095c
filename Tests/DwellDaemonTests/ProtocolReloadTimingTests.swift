import DwellCore
import DwellDaemon
import DwellIndicators
import DwellRecord
import Foundation
import HummingbirdTesting
import Logging
import Testing

/// A protocol reload is read and checked on a thread of its own, so it never delays a bed's
/// cues or the API (issue 11, finding 6: three concurrent reloads of a pathological file held
/// the two threads of Swift's cooperative pool, blocked `GET /beds/1` for 26.8 s and made a
/// `step.warning` fire 25.5 s late).
struct ProtocolReloadTimingTests {
    /// A 16 s protocol of 2 s steps (each with a warning 1 s before its end): a cue every second.
    static let quick = """
        id: quick
        title: Quick
        version: 1
        technique: superficial
        warn_before: 1s
        steps:
        \((0..<8).map { "  - {site: s\($0), needles: 1, dwell: 2s}" }.joined(separator: "\n"))
        """

    /// About 1 MiB of problems (unknown keys, each answered with a hint): slow to read and
    /// check however it is done, so the reload is still running while cues come due.
    static func pathological(_ index: Int) -> String {
        "id: bad-\(index)\ntitle: Bad\nversion: 1\ntechnique: superficial\nsteps:\n  - {site: a, needles: 1, dwell: 10m}\n"
            + (0..<60_000).map { "stepz\($0): 1\n" }.joined()
    }

    func makeQuickBeds() throws -> (DaemonBeds, folder: String, record: String) {
        let folder = try temporaryFolder() + "/protocols"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Self.quick.write(toFile: folder + "/quick.yaml", atomically: true, encoding: .utf8)
        var config = DaemonConfig.simulatorDefaults
        config.protocols = folder
        config.record = try temporaryFolder() + "/record.sqlite"
        config.limits.sessionLength = .seconds(10)...Duration.seconds(60)
        let outputs = Dictionary(uniqueKeysWithValues: config.beds.map { ($0, SimulatedBoard(bed: $0) as any IndicatorOutput) })
        return (try DaemonBeds(config: config, outputs: outputs, logger: Logger(label: "test")), folder, config.record)
    }

    /// Waits (up to `seconds`) for `condition`; false when it never held.
    func eventually(_ seconds: Double, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test(.timeLimit(.minutes(3)))
    func aReloadOfAPathologicalFolderNeitherDelaysCuesNorTheAPI() async throws {
        let (beds, folder, record) = try makeQuickBeds()
        // The bad files are made before the session starts (building them is work of its own
        // on the test's threads) and moved into the folder once it runs.
        let staging = try temporaryFolder()
        for index in 0..<4 {
            try Self.pathological(index).write(toFile: staging + "/bad-\(index).yaml", atomically: true, encoding: .utf8)
        }
        try await app(beds).test(.router) { client in
            let start = screened(#"{"protocol":"quick","therapist":"t-1","patient":"p-1","consent":true}"#)
            try await client.execute(uri: "/api/v1/beds/1/session", method: .post, body: body(start)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            for index in 0..<4 {
                try FileManager.default.moveItem(atPath: staging + "/bad-\(index).yaml", toPath: folder + "/bad-\(index).yaml")
            }
            // Three reloads at once, as in the report: they share one run on the reload thread.
            let reloads = Task {
                await withTaskGroup(of: Bool.self) { group in
                    for _ in 0..<3 { group.addTask { if case .failure = await beds.reloadProtocols() { true } else { false } } }
                    return await group.reduce(true) { $0 && $1 }
                }
            }
            let running = await eventually(10) { beds.isReloadingProtocols }
            #expect(running, "the reload never started")
            let answered = try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                (try object(response)["state"] as? String) == "running"
            }
            #expect(answered, "GET /beds/1 answers (a running session) while the reload runs")
            #expect(beds.isReloadingProtocols, "the reload was still running when the GET answered (make the files slower to check if not)")
            let clock = ContinuousClock()
            let waited = clock.now
            let refused = await reloads.value
            print("reload timing: the reloads ended \(clock.now - waited) after GET /beds/1 answered")
            #expect(refused, "every reload refused the bad files")
            #expect(beds.protocols.map(\.treatment.id) == ["quick"], "the previous protocols stay")
        }
        // The clinic record: every timed cue of the session so far, with its lateness.
        let store = try RecordStore(path: record)
        let done = await eventually(40) { ((try? store.entries())?.contains { $0.type == "step.ended" && $0.step == 7 }) == true }
        #expect(done, "the session's last step ended")
        let timed = try store.entries().filter { $0.latenessUs != nil }
        #expect(timed.count >= 16, "warnings and step ends were recorded: \(timed.count)")
        // The bug delayed a cue by 25 s; a cue late by more than 2 s (about a thousand times its
        // usual lateness, yet far less than any reload of these files) means the reload held the
        // beds' threads again. The bound is loose because the machine is shared and noisy.
        let worst = timed.map { $0.latenessUs ?? 0 }.max() ?? 0
        print("reload timing: \(timed.count) timed cues, worst lateness \(worst) µs")
        await beds.shutdown()
        #expect(worst < 2_000_000, "a cue was \(Double(worst) / 1e6) s late: \(timed.map { "\($0.type) \($0.latenessUs ?? 0)" })")
    }
}
