import Foundation
import Testing

/// `dwell reconcile` against a running dwelld: after a rapid removal, the count recovered.
@Suite(.serialized)
struct ClientReconcileTests {
    func dwell(_ arguments: [String], port: Int) throws -> (status: Int32, output: String) {
        try runCommand([ClientCommandTests.dwell.path] + arguments + ["--daemon", "http://127.0.0.1:\(port)"])
    }

    @Test func rapidRemovalThenReconcileFromTheCommandLine() async throws {
        try await offThePool {
            let daemon = try DaemonProcess()
            #expect(daemon.awaitNotification("READY=1") != nil, "log:\n\(daemon.log)")
            let port = daemon.port
            let started = try dwell(
                [
                    "start", "--bed", "1", "--protocol", "knee-non-trigger-point", "--patient", "p-3", "--consent",
                    "--screened",
                ], port: port)
            #expect(started.status == 0, "\(started.output)")
            let removed = try dwell(["rapid-removal", "--bed", "1"], port: port)
            #expect(removed.status == 0 && removed.output.contains("bed 1  RECONCILE"), "\(removed.output)")
            #expect(removed.output.contains("(3 still in)"), "\(removed.output)")
            let missing = try dwell(["reconcile", "--bed", "1"], port: port)
            #expect(missing.status != 0 && missing.output.contains("--recovered"), "\(missing.output)")
            let short = try dwell(["reconcile", "--bed", "1", "--recovered", "2"], port: port)
            #expect(short.status == 0 && short.output.contains("bed 1  UNACCOUNTED"), "\(short.output)")
            let found = try dwell(["needles", "--bed", "1", "--all-out"], port: port)
            #expect(found.status == 0 && found.output.contains("bed 1  ABORTED"), "\(found.output)")
            daemon.signal(SIGTERM)
            #expect(daemon.awaitExit(seconds: 20) == 0)
        }
    }
}
