import Foundation
import Testing

/// The `dwell` client commands against a running dwelld: the checklist, a start, needle counts.
@Suite(.serialized)
struct ClientCommandTests {
    static let dwell = DaemonProcess.executable.deletingLastPathComponent().appendingPathComponent("dwell")

    /// Runs `dwell ARGS --daemon URL`; returns the exit status and stdout + stderr.
    func dwell(_ arguments: [String], port: Int) throws -> (status: Int32, output: String) {
        try runCommand([Self.dwell.path] + arguments + ["--daemon", "http://127.0.0.1:\(port)"])
    }

    @Test func startNeedsTheChecklistAndTheNeedlesAreCountedFromTheCommandLine() async throws {
        try await offThePool {
            let daemon = try DaemonProcess()
            #expect(daemon.awaitNotification("READY=1") != nil, "log:\n\(daemon.log)")
            let port = daemon.port
            let start = [
                "start", "--bed", "1", "--protocol", "knee-non-trigger-point", "--patient", "p-3", "--consent",
            ]

            let listed = try dwell(["checklist"], port: port)
            #expect(
                listed.status == 0 && listed.output.contains("absolute (blocks the start):")
                    && listed.output.contains("  lymphedema "))

            let unscreened = try dwell(start, port: port)
            #expect(unscreened.status != 0 && unscreened.output.contains("--screened"), "\(unscreened.output)")
            let blocked = try dwell(start + ["--screened", "--present", "local-infection"], port: port)
            #expect(blocked.status == 1 && blocked.output.contains("Contraindicated (422)"), "\(blocked.output)")
            let unacknowledged = try dwell(start + ["--screened", "--present", "diabetes"], port: port)
            #expect(
                unacknowledged.status == 1 && unacknowledged.output.contains("Acknowledgement required"),
                "\(unacknowledged.output)")
            let started = try dwell(
                start + ["--screened", "--present", "diabetes", "--acknowledge", "diabetes"], port: port)
            #expect(started.status == 0 && started.output.contains("bed 1  RUNNING"), "\(started.output)")
            #expect(started.output.contains("needles in 3 out 0 (3 still in)"), "the knee protocol's first site has 3")

            let corrected = try dwell(["needles", "--bed", "1", "--in", "4"], port: port)
            #expect(
                corrected.status == 0 && corrected.output.contains("needles in 4 out 0 (4 still in)"),
                "\(corrected.output)"
            )
            let both = try dwell(["needles", "--bed", "1", "--in", "3", "--all-out"], port: port)
            #expect(both.status != 0 && both.output.contains("exactly one of"))
            let aborted = try dwell(["abort", "--bed", "1"], port: port)
            #expect(aborted.output.contains("bed 1  UNACCOUNTED"), "abort with needles in: \(aborted.output)")
            let out = try dwell(["needles", "--bed", "1", "--all-out"], port: port)
            #expect(
                out.status == 0 && out.output.contains("bed 1  ABORTED") && out.output.contains("needles in 4 out 4"),
                "\(out.output)")
            daemon.signal(SIGTERM)
            #expect(daemon.awaitExit(seconds: 20) == 0)
        }
    }
}
