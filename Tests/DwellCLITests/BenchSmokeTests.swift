import Foundation
import Testing

/// `dwell-bench` still builds and runs every measurement (smoke mode: no assertion on any
/// figure, since these machines are shared and noisy; the real run is `--mode quick`).
struct BenchSmokeTests {
    @Test func everyMeasurementRunsAndTheChartIsWritten() async throws {
        try await offThePool {
            let folder = DwellProcess.executable.deletingLastPathComponent()
            let svg = NSTemporaryDirectory() + "dwell-bench-" + UUID().uuidString + ".svg"
            defer { try? FileManager.default.removeItem(atPath: svg) }
            let result = try DwellProcess.run(
                ["--mode", "smoke", "--dwelld", folder.appendingPathComponent("dwelld").path, "--svg", svg],
                executable: folder.appendingPathComponent("dwell-bench"))
            #expect(result.status == 0, "\(result.stderr)")
            for section in [
                "### Cue lateness", "### Drift", "### Footprint", "### Clinic record", "### The daemon", "### Other",
            ] {
                #expect(result.stdout.contains(section), "\(section) missing")
            }
            #expect(result.stdout.contains("| idle | C floor: clock_nanosleep ABSTIME | 200 |"))
            #expect(result.stdout.contains("`record verify` of the whole chain (intact: true) | 1000 |"))
            let chart = try String(contentsOfFile: svg, encoding: .utf8)
            #expect(chart.hasPrefix("<svg") && chart.contains("Dwell, 64 beds, loaded"))
        }
    }
}
