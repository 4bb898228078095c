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
            try daemon.stop()
        }
        let startup = try Sample(ready, of: "start-ups to READY=1")
        table.add(
            "start-up to READY=1 (record open, board ready, API listening)", "\(startup.count)",
            "median \(format(startup.median, digits: 1)) ms, max \(format(startup.largest, digits: 1)) ms")

        let daemon = try DaemonUnderTest(dwelld: dwelld, beds: 4)
        defer { try? daemon.stop() }
        let start = try daemon.startBody(protocol: "neck-shoulder-multisite")
        for bed in 1...4 { try daemon.request("POST", "/api/v1/beds/\(bed)/session", start) }
        let cpuBefore = try daemon.cpuSeconds()
        try await Task.sleep(for: .seconds(mode.daemonCPUSeconds))
        let cpu = (try daemon.cpuSeconds() - cpuBefore) / mode.daemonCPUSeconds
        table.add(
            "CPU of dwelld while 4 sessions run", "\(format(mode.daemonCPUSeconds))s",
            format(cpu * 100, digits: 2) + " % of one core")

        let stream = try BedStream(port: daemon.port)
        var seen: Set<String> = []
        try stream.next("an open session on each of beds 1–4") { bed in
            if bed.state.hasOpenSession { seen.insert(bed.bed) }
            return seen.isSuperset(of: ["1", "2", "3", "4"])
        }
        var responses: [Double] = []
        var pushes: [Double] = []
        for round in 0..<mode.apiRounds {
            let (command, state) = round.isMultiple(of: 2) ? ("pause", "paused") : ("resume", "running")
            let sent = ContinuousClock.now
            try daemon.request("POST", "/api/v1/beds/1/\(command)")
            responses.append((ContinuousClock.now - sent).milliseconds)
            try stream.next("bed 1 \(state) after `\(command)` (round \(round + 1))") {
                $0.bed == "1" && $0.state.description == state
            }
            pushes.append((ContinuousClock.now - sent).milliseconds)
        }
        let response = try Sample(responses, of: "API command answers")
        let push = try Sample(pushes, of: "stream pushes")
        table.add(
            "API command → response (after the record commit)", "\(response.count)",
            "p50 \(format(response.median, digits: 2)) ms, p99 \(format(response.percentile(99), digits: 2)) ms")
        table.add(
            "API command → change pushed on /api/v1/stream (after the record commit)", "\(push.count)",
            "p50 \(format(push.median, digits: 2)) ms, p99 \(format(push.percentile(99), digits: 2)) ms")
        let memory = try daemon.memory()
        func mib(_ kib: Double) -> String { format(kib / 1_024, digits: 1) + " MiB" }
        table.add("peak RSS of dwelld, 4 beds running (VmHWM)", "1", mib(memory.peak))
        table.add(
            "RSS of dwelld now (VmRSS = RssAnon + RssFile + RssShmem)", "1",
            "\(mib(memory.resident)) = \(mib(memory.anonymous)) + \(mib(memory.file)) + \(mib(memory.sharedMemory))")
        table.add("private memory of dwelld: anonymous pages (RssAnon)", "1", mib(memory.anonymous))
        table.add("private memory of dwelld: pages only it wrote (Private_Dirty)", "1", mib(memory.privateDirty))
        table.add(
            "proportional share of dwelld (Pss: shared pages split among their users)", "1", mib(memory.proportional))
        try daemon.stop()
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
            try await Self.within(.seconds(60), "a session on the virtual clock") {
                for await _ in runner.reports {}
            }
            times.append((ContinuousClock.now - start).milliseconds)
        }
        let virtual = try Sample(times, of: "sessions on the virtual clock")
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
            try strip.wait(for: "strip \(binary)", within: .seconds(60))
            guard strip.terminationStatus == 0,
                let size = try FileManager.default.attributesOfItem(atPath: stripped)[.size] as? Int, size > 0
            else { throw BenchError("strip \(binary) failed (status \(strip.terminationStatus))") }
            table.add(
                "stripped binary `\((binary as NSString).lastPathComponent)`", "1",
                format(Double(size) / 1_048_576, digits: 1) + " MiB")
        }
        return table.markdown
    }
}
