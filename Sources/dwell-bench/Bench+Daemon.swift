import DwellCore
import DwellProbe
import DwellRunner
import Foundation

/// `dwelld` as a process: start-up to READY=1, memory and CPU with 4 beds running, and the
/// time from an API command to its response and to the change on the event stream.
extension Bench {
    func daemonTable(dwelld: String) async throws -> String {
        var table = Table("measure", "samples", "result")
        var ready: [Double] = []
        for _ in 0..<mode.startups {
            let daemon = try DaemonUnderTest(dwelld: dwelld, beds: 1)
            ready.append(daemon.readyMilliseconds)
            daemon.stop()
        }
        let startup = Sample(ready)
        table.add(
            "start-up to READY=1 (record open, board ready, API listening)", "\(startup.count)",
            "median \(format(startup.median, digits: 1)) ms, max \(format(startup.largest, digits: 1)) ms")

        let daemon = try DaemonUnderTest(dwelld: dwelld, beds: 4)
        defer { daemon.stop() }
        let start = try daemon.startBody(protocol: "neck-shoulder-multisite")
        for bed in 1...4 {
            let answer = try daemon.http("POST", "/api/v1/beds/\(bed)/session", start)
            guard answer.hasPrefix("HTTP/1.1 201") else {
                throw BenchError("bed \(bed) did not start: \(answer.prefix(200))")
            }
        }
        let cpuBefore = daemon.cpuSeconds
        try await Task.sleep(for: .seconds(mode.daemonCPUSeconds))
        let cpu = (daemon.cpuSeconds - cpuBefore) / mode.daemonCPUSeconds
        table.add(
            "CPU of dwelld while 4 sessions run", "\(format(mode.daemonCPUSeconds))s",
            format(cpu * 100, digits: 2) + " % of one core")

        let stream = try RawHTTP(port: daemon.port)
        stream.send("GET", "/api/v1/stream")
        guard stream.read(until: "\"bed\":\"4\"").contains("\"bed\":\"4\"") else {
            throw BenchError("the event stream sent no beds within 5 s")
        }
        var responses: [Double] = []
        var pushes: [Double] = []
        for round in 0..<mode.apiRounds {
            let (command, state) = round.isMultiple(of: 2) ? ("pause", "paused") : ("resume", "running")
            let sent = ContinuousClock.now
            let answer = try daemon.http("POST", "/api/v1/beds/1/\(command)", "")
            responses.append((ContinuousClock.now - sent).milliseconds)
            guard answer.hasPrefix("HTTP/1.1 200") else {
                throw BenchError("\(command) was refused: \(answer.prefix(200))")
            }
            guard stream.read(until: "\"state\":\"\(state)\"").contains("\"state\":\"\(state)\"") else {
                throw BenchError("the stream did not show bed 1 \(state) within 5 s (round \(round))")
            }
            pushes.append((ContinuousClock.now - sent).milliseconds)
        }
        let response = Sample(responses)
        let push = Sample(pushes)
        table.add(
            "API command → response (lamps already driven)", "\(response.count)",
            "p50 \(format(response.median, digits: 2)) ms, p99 \(format(response.percentile(99), digits: 2)) ms")
        table.add(
            "API command → change pushed on /api/v1/stream (after the record commit)", "\(push.count)",
            "p50 \(format(push.median, digits: 2)) ms, p99 \(format(push.percentile(99), digits: 2)) ms")
        table.add(
            "peak RSS of dwelld, 4 beds running (VmHWM)", "1", format(daemon.peakRSSKiB / 1_024, digits: 1) + " MiB")
        return table.markdown
    }

    /// A whole 15-minute session on the virtual clock, and the stripped binaries' sizes.
    func miscTable(binaries: [String]) async throws -> String {
        var table = Table("measure", "samples", "result")
        var times: [Double] = []
        for _ in 0..<mode.virtualRuns {
            let start = ContinuousClock.now
            let runner = SessionRunner(
                machine: SessionStateMachine(treatment: Self.demoProtocol, limits: Self.anyLength),
                clock: VirtualClock(), output: SimulatedBoard(),
                script: ScriptedCommand.countOutAndAcknowledge(after: .zero))
            try await runner.start()
            for await _ in runner.reports {}
            times.append((ContinuousClock.now - start).milliseconds)
        }
        let virtual = Sample(times)
        table.add(
            "a 15-minute session (+5 min observation) on the virtual clock", "\(virtual.count)",
            "median \(format(virtual.median, digits: 1)) ms")
        for binary in binaries where FileManager.default.fileExists(atPath: binary) {
            let stripped = NSTemporaryDirectory() + "dwell-bench-stripped-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: stripped) }
            let strip = Process()
            strip.executableURL = URL(fileURLWithPath: "/usr/bin/strip")
            strip.arguments = ["-o", stripped, binary]
            try strip.run()
            strip.waitUntilExit()
            let size = (try? FileManager.default.attributesOfItem(atPath: stripped)[.size] as? Int) ?? 0
            table.add(
                "stripped binary `\((binary as NSString).lastPathComponent)`", "1",
                format(Double(size) / 1_048_576, digits: 1) + " MiB")
        }
        return table.markdown
    }
}
