import Foundation
import Testing

/// `dwell-bench` still builds, runs every measurement, and every section measured something:
/// each row is there with values in a plausible range (loose bounds, never a target: these
/// machines are shared and noisy; the real run is `--mode quick`). A section that silently
/// measured nothing (a refused start, a stream that never answered, an empty sample) fails it.
struct BenchSmokeTests {
    @Test func everyMeasurementRunsAndTheChartIsWritten() async throws {
        let (result, chart) = try await offThePool {
            let folder = DwellProcess.executable.deletingLastPathComponent()
            let svg = NSTemporaryDirectory() + "dwell-bench-" + UUID().uuidString + ".svg"
            defer { try? FileManager.default.removeItem(atPath: svg) }
            let result = try DwellProcess.run(
                ["--mode", "smoke", "--dwelld", folder.appendingPathComponent("dwelld").path, "--svg", svg],
                executable: folder.appendingPathComponent("dwell-bench"), killAfter: .seconds(600))
            return (result, (try? String(contentsOfFile: svg, encoding: .utf8)) ?? "")
        }
        #expect(!result.killed, "dwell-bench was still running after 600 s (killed): \(result.stderr)")
        try #require(result.status == 0, "dwell-bench failed: \(result.stderr)")
        let table = BenchOutput(result.stdout)
        for section in [
            "### Cue lateness", "### Lamp and buzzer edges", "### Drift", "### Footprint", "### Clinic record",
            "### The daemon", "### Other",
        ] {
            #expect(result.stdout.contains(section), "\(section) missing")
        }
        for load in ["idle", "both cores busy"] {
            for timer in ["Dwell, 1 bed", "Dwell, 8 beds", "Dwell, 64 beds", "naive relative sleep (C)"] {
                let row = table.row(load, timer)
                #expect(row.count >= 7, "no lateness row `\(load) | \(timer)`")
                // cues, p50, p99, p99.9, max: a count of samples, then latenesses in µs.
                let values = row.dropFirst(2).prefix(5).map { BenchOutput.numbers($0).first ?? .nan }
                #expect(values.count == 5 && values[0] > 0, "`\(load) | \(timer)` measured no cue: \(row)")
                #expect(values.allSatisfy { $0.isFinite && $0 >= 0 }, "`\(load) | \(timer)`: \(row)")
            }
            #expect(table.row(load, "C floor: clock_nanosleep ABSTIME").contains("200"))
            for timer in [
                "Dwell, 1 bed", "Dwell, 8 beds", "Dwell, 64 beds", "Dwell, 1 bed, runtime timer, normal priority",
            ] {
                let row = table.row(load, timer + ": the cue's buzzer edge")
                let values = row.dropFirst(2).prefix(5).map { BenchOutput.numbers($0).first ?? .nan }
                #expect(values.count == 5 && values[0] > 0, "`\(load) | \(timer)` switched no buzzer at a cue: \(row)")
                #expect(values.allSatisfy { $0.isFinite && $0 >= 0 }, "`\(load) | \(timer)` cue edges: \(row)")
            }
            #expect(table.row(load, "Dwell, 1 bed, runtime timer").contains("200"), "the runtime timer beside")
            #expect(table.row(load, "C floor, own thread").contains("200"), "the SCHED_FIFO floor")
            for beds in ["1", "8", "64"] {
                // beds, edges, p50, p99, p99.9, max, ratio, then the IEC shares as `inside/total (… %)`.
                let row = table.row(load, beds)
                #expect(row.count == 10, "no edge row `\(load) | \(beds)`: \(row)")
                guard row.count == 10 else { continue }
                let values = row[2...6].map { BenchOutput.numbers($0).first ?? .nan }
                #expect(values[0] > 0, "`\(load) | \(beds) beds` measured no edge: \(row)")
                #expect(values.allSatisfy { $0.isFinite && $0 >= 0 }, "`\(load) | \(beds) beds`: \(row)")
                for share in row[8...9] {
                    let counts = (share.split(separator: " ").first ?? "").split(separator: "/").compactMap { Int($0) }
                    #expect(counts.count == 2 && counts[1] > 0 && counts[0] <= counts[1], "IEC share: \(share)")
                }
            }
        }
        #expect(result.stdout.contains("Timer thread: "), "how the timer thread is scheduled")
        #expect(
            result.stdout.components(separatedBy: "Load average when the section began: ").count == 8,
            "a load average at the start of each of the 7 sections")
        let drift = table.numbers("Dwell runner (start + offset)", column: 2)
        #expect(drift.count == 1 && drift[0] >= 0 && drift[0] < 1_000_000, "drift error (µs): \(drift)")
        #expect(table.numbers("naive loop, `sleep 1` per tick", column: 2).first ?? 0 > 0)
        for beds in ["1", "8"] {
            let row = table.rows.first { $0.first == beds } ?? []
            #expect(row.count == 5 && BenchOutput.numbers(row[2]).count == 1, "footprint row for \(beds) beds: \(row)")
        }
        for measure in ["durable appends, one at a time", "durable appends, 64 callers", "`record verify`"] {
            #expect(table.numbers(measure, column: 3).first ?? 0 > 0, "\(measure): no rate")
        }
        #expect(result.stdout.contains("`record verify` of the whole chain (intact: true) | 1000 |"))

        let ready = table.numbers("start-up to READY=1", column: 2)
        #expect(ready.count == 2 && ready[0] > 0 && ready[1] < 5_000, "READY (median, max ms): \(ready)")
        let cpu = table.numbers("CPU of dwelld while 4 sessions run", column: 2)
        #expect(cpu.count == 1 && cpu[0] >= 0 && cpu[0] < 100, "dwelld CPU %: \(cpu)")
        for measure in ["API command → response", "API command → change pushed"] {
            // p50 and p99 in ms; the samples column says how many rounds answered.
            #expect(table.numbers(measure, column: 1) == [10], "\(measure): rounds")
            let latency = table.numbers(measure, column: 2)
            #expect(latency.count == 2 && latency[0] > 0 && latency[1] < 1_000, "\(measure) (p50, p99 ms): \(latency)")
        }
        let peak = table.numbers("peak RSS of dwelld", column: 2).first ?? .nan
        let anonymous = table.numbers("private memory of dwelld: anonymous pages", column: 2).first ?? .nan
        #expect(peak > 1 && peak < 1_024, "VmHWM (MiB): \(peak)")
        #expect(anonymous > 1 && anonymous < peak, "RssAnon (MiB): \(anonymous), VmHWM \(peak)")
        let resident = table.numbers("RSS of dwelld now", column: 2)
        #expect(
            resident.count == 4 && abs(resident[0] - resident[1] - resident[2] - resident[3]) < 0.5,
            "VmRSS = RssAnon + RssFile + RssShmem (MiB): \(resident)")
        #expect(table.numbers("private memory of dwelld: pages only it wrote", column: 2).first ?? 0 > 0)
        #expect(table.numbers("proportional share of dwelld", column: 2).first ?? 0 > 1)

        #expect(table.numbers("a 15-minute session", column: 2).first ?? 0 > 0, "virtual-clock session")
        for binary in ["dwelld", "dwell"] {
            #expect(table.numbers("stripped binary `\(binary)`", column: 2).first ?? 0 > 1, "\(binary) size")
        }
        #expect(
            chart.hasPrefix("<svg") && chart.contains("Dwell, 64 beds, loaded")
                && chart.contains("edges, 64 beds, loaded"))
    }
}

/// The Markdown tables `dwell-bench` prints, read by row.
struct BenchOutput {
    let rows: [[String]]

    init(_ text: String) {
        rows = text.split(separator: "\n").filter { $0.hasPrefix("| ") }.map { line in
            line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
        }
    }

    /// The first row whose first cells are `first` (the whole cells, or the start of the last one given).
    func row(_ first: String...) -> [String] {
        rows.first { row in
            row.count >= first.count && zip(row, first.dropLast()).allSatisfy(==)
                && row[first.count - 1].hasPrefix(first[first.count - 1])
        } ?? []
    }

    /// The numbers in `column` of the row whose first cell starts with `label`.
    func numbers(_ label: String, column: Int) -> [Double] {
        let row = row(label)
        return row.count > column ? Self.numbers(row[column]) : []
    }

    /// The words of `cell` that are numbers (`p99` is not; `3.86`, `0.15 %` and `1.0×` are).
    static func numbers(_ cell: String) -> [Double] {
        cell.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ",×%"))) }
    }
}
