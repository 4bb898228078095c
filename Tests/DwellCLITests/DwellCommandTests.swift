import DwellCore
import Foundation
import Testing

/// The `dwell` executable end to end, as a user or a script runs it.
struct DwellCommandTests {
    static let protocols =
        ((try? FileManager.default
        .contentsOfDirectory(atPath: DwellProcess.packageRoot.appendingPathComponent("Protocols").path)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.sorted()

    /// `simulate --instant --json` prints every step's start and end at the protocol's
    /// cumulative offsets, exactly, and the whole event vocabulary in order.
    @Test(arguments: protocols)
    func instantJSONTimelineEqualsCumulativeOffsets(_ file: String) throws {
        let result = try DwellProcess.run(["simulate", "Protocols/\(file)", "--instant", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let events = try result.stdout.split(separator: "\n").map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let steps = try stepDurations(of: "Protocols/\(file)")
        var expected: [String] = ["session.started@0"]
        var offset = 0
        for (index, (kind, milliseconds)) in steps.enumerated() {
            expected.append("step.started@\(offset)#\(index)")
            offset += milliseconds
            if kind == "site" { expected.append("step.warning") }
            expected.append("step.ended@\(offset)#\(index)")
        }
        let stepEvents = events.compactMap { event -> String? in
            guard let name = event["event"] as? String, let at = event["at_ms"] as? Int else { return nil }
            switch name {
            case "session.started": return "\(name)@\(at)"
            case "step.warning": return name
            case "step.started", "step.ended": return "\(name)@\(at)#\(event["step"] as? Int ?? -1)"
            default: return nil
            }
        }
        #expect(stepEvents == expected)
        #expect(events.allSatisfy { ($0["lateness_us"] as? Int) == 0 })
        let tail = events.suffix(3).compactMap { $0["event"] as? String }
        #expect(
            tail == ["observation.started", "observation.ended", "session.completed"]
                || tail.last == "session.completed")
        let sites = events.filter { ($0["kind"] as? String) == "site" }
        #expect(sites.allSatisfy { $0["site"] is String && $0["step"] is Int })
    }

    @Test func validateReportsEveryProblemAndExits65() async throws {
        try await offThePool {
            let folder = "Tests/DwellProtocolFilesTests/Fixtures/invalid"
            let result = try DwellProcess.run([
                "protocol", "validate", "\(folder)/unknown-step-key.yaml", "\(folder)/bare-number-duration.yaml",
                "Protocols",
            ])
            #expect(result.status == 65)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(
                lines == [
                    "\(folder)/unknown-step-key.yaml:10:5: error: steps[2].dwell: is required (how long the needles stay in, e.g. `5m`)",
                    "\(folder)/unknown-step-key.yaml:12:5: error: steps[2].dwel: `dwel` is not a field of a site step; did you mean `dwell`?",
                    "\(folder)/bare-number-duration.yaml:8:12: error: steps[0].dwell: `300` has no unit: add one, e.g. `300s` for seconds or `300m` for minutes",
                    "3 errors in 2 files",
                ])
        }
    }

    /// A file with more problems than are shown counts them all in the closing line.
    @Test func validateCountsTheProblemsACappedFileDoesNotShow() async throws {
        try await offThePool {
            let folder = NSTemporaryDirectory() + "dwell-validate-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let shipped = try String(contentsOfFile: "Protocols/knee-non-trigger-point.yaml", encoding: .utf8)
            let extra = (0..<200).map { "unknown\($0): 1" }.joined(separator: "\n")
            try (shipped + "\n" + extra + "\n").write(toFile: folder + "/many.yaml", atomically: true, encoding: .utf8)
            let result = try DwellProcess.run(["protocol", "validate", folder + "/many.yaml"])
            #expect(result.status == 65)
            let lines = result.stderr.split(separator: "\n").map(String.init)
            #expect(
                lines.count == 52 && lines[50].contains("… and 150 more problems in this file"), "\(lines.suffix(3))")
            #expect(lines.last == "200 errors in 1 file")
        }
    }

    @Test func validateAcceptsTheShippedProtocols() async throws {
        try await offThePool {
            let result = try DwellProcess.run(["protocol", "validate", "Protocols"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "\(Self.protocols.count) protocols valid\n")
            #expect(result.stderr.isEmpty)
        }
    }

    @Test func clinicLimitsAreSetOnTheCommandLine() async throws {
        try await offThePool {
            let result = try DwellProcess.run([
                "protocol", "validate", "--max-session", "12m", "Protocols/neck-shoulder-multisite.yaml",
            ])
            #expect(result.status == 65)
            #expect(
                result.stderr.contains(
                    "steps: the steps add up to 15m, outside the clinic's session length of 10m to 12m"))
        }
    }

    @Test func showPrintsTheTimelineAndAProportionalBar() async throws {
        try await offThePool {
            let result = try DwellProcess.run([
                "protocol", "show", "Protocols/neck-shoulder-multisite.yaml", "--width", "40",
            ])
            #expect(result.status == 0)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            #expect(lines.contains { $0.hasPrefix("1  0:00   3:00   3m") })
            #expect(lines.contains { $0.hasPrefix("░  15:00  20:00  5m") })
            let bar = try #require(lines.first { $0.hasPrefix("|") })
            // 15 minutes of steps and 5 of observation over 40 cells: 30 cells of steps, 10 of observation.
            #expect(bar.count == 42)
            #expect(bar.filter { $0 == "░" }.count == 10)
            #expect(bar.filter { $0 == "1" }.count == 6, "a 3-minute site is 3/20 of 40 cells")
        }
    }

    @Test func anInvalidProtocolIsNotSimulated() async throws {
        try await offThePool {
            let result = try DwellProcess.run([
                "simulate", "Tests/DwellProtocolFilesTests/Fixtures/invalid/zero-dwell.yaml", "--instant",
            ])
            #expect(result.status == 65)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("zero-dwell.yaml:8:12: error: steps[0].dwell: must be more than 0s"))
        }
    }

    @Test func linesReportEveryTransitionOfTheSimulatedBoard() async throws {
        try await offThePool {
            let result = try DwellProcess.run([
                "simulate", "Protocols/infraspinatus-pistoning.yaml", "--instant", "--json", "--lines", "--ack-after",
                "70s",
            ])
            #expect(result.status == 0)
            let lines = result.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let red = lines.filter { ($0["line"] as? String) == "bed1.red" }
            #expect(red.first?["at_ms"] as? Int == 660_000, "escalation 60 s after the 10-minute end")
            #expect(red.first?["value"] as? Int == 1)
            let escalated = lines.first { ($0["event"] as? String) == "session.escalated" }
            #expect(escalated?["at_ms"] as? Int == 660_000)
            #expect(
                lines.contains {
                    ($0["event"] as? String) == "session.acknowledged" && ($0["at_ms"] as? Int) == 670_000
                })
        }
    }

    @Test func speedAndInstantExcludeEachOther() async throws {
        try await offThePool {
            let result = try DwellProcess.run([
                "simulate", "Protocols/neck-shoulder-multisite.yaml", "--instant", "--speed", "10",
            ])
            #expect(result.status == 64)
            #expect(result.stderr.contains("--speed and --instant exclude each other"))
        }
    }

    /// The (kind, milliseconds) of each step, read independently of Dwell's own decoder.
    private func stepDurations(of path: String) throws -> [(String, Int)] {
        let text = try String(contentsOf: DwellProcess.packageRoot.appendingPathComponent(path), encoding: .utf8)
        var steps: [(String, Int)] = []
        for line in text.split(separator: "\n") {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("- rest:") {
                steps.append(("rest", try milliseconds(String(trimmed.dropFirst(7)))))
            } else if trimmed.hasPrefix("dwell:") {
                steps.append(("site", try milliseconds(String(trimmed.dropFirst(6)))))
            }
        }
        return steps
    }

    private func milliseconds(_ text: String) throws -> Int {
        Int(try Duration.parse(notation: text.trimmingCharacters(in: .whitespaces)).wholeMilliseconds)
    }
}
