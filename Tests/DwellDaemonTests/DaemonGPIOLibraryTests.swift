import Foundation
import Testing

/// dwelld loads libgpiod at run time (issue 15): a board file without a loadable libgpiod is
/// refused with one line naming the Debian package and exit 69 (EX_UNAVAILABLE), before any
/// chip is looked at; the simulator needs no libgpiod at all.
struct DaemonGPIOLibraryTests {
    static let missing = ["DWELL_LIBGPIOD": "/nonexistent/libgpiod.so.2"]

    @Test func aBoardFileWithoutLibgpiodIsRefusedWithExit69NamingThePackage() async throws {
        try await offThePool {
            let folder = try temporaryFolder()
            let board = packageRoot.appendingPathComponent("Simulators/boards/gpio-sim.yaml").path
            let config = folder + "/dwell.yaml"
            try "beds: [\"1\"]\nprotocols: Protocols\nboard: \(board)\n".write(
                toFile: config, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(
                arguments: ["--config", config], environment: Self.missing, simulator: false)
            let status = daemon.awaitExit(seconds: 30)
            if status == nil { daemon.signal(SIGKILL) }
            let log = daemon.log
            #expect(status == 69, "dwelld must refuse with 69 (nil: still running after 30 s): \(log)")
            let lines = log.split(separator: "\n").filter { $0.contains("libgpiod") }
            #expect(lines.count == 1, "one line: \(log)")
            #expect(
                lines.first?.hasPrefix(
                    "dwelld: cannot start: board \(board): cannot load the libgpiod DWELL_LIBGPIOD names: "
                        + "/nonexistent/libgpiod.so.2: cannot open shared object file") == true, "\(log)")
            #expect(
                lines.first?.hasSuffix(
                    "install the Debian package libgpiod2 (Debian 12 / bookworm) or libgpiod3 (Debian 13 / trixie)")
                    == true,
                "\(log)")
            #expect(!log.contains("gpiochip") && !log.contains("sim-bank0"), "about the library, not chips: \(log)")
        }
    }

    @Test func theSimulatorNeedsNoLibgpiod() async throws {
        try await offThePool {
            let daemon = try DaemonProcess(environment: Self.missing)
            let ready = daemon.awaitNotification("READY=1", seconds: 60)
            daemon.signal(SIGTERM)
            let status = daemon.awaitExit(seconds: 30)
            if status == nil { daemon.signal(SIGKILL) }
            #expect(ready != nil, "dwelld --simulator did not report READY=1 within 60 s: \(daemon.log)")
            #expect(!daemon.log.contains("libgpiod"), "\(daemon.log)")
        }
    }
}
