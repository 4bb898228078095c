import DwellProbe
import Foundation
import Testing

/// `dwell hub serve` against a real PostgreSQL fed by real rooms, in headless Chromium
/// (Tests/Kiosk/clinic_test.py) at 1920×1080 and 800×480.
@Suite(
    .serialized,
    .enabled(
        if: PostgresCluster.shouldRun && KioskBrowserTests.browserReady,
        "needs PostgreSQL, chromium, chromium-driver and python3 selenium (.ci/run installs them)"))
struct HubClinicBoardTests {
    @Test func theClinicBoardShowsAlarmsFirstAndASilentRoomOffline() async throws {
        try await offThePool {
            let fixture = try HubFixture(devices: ["room-1", "room-2", "room-3"])
            defer { fixture.close() }
            let rooms = try fixture.devices.map { try HubRoom($0, fixture: fixture) }
            defer { for room in rooms { room.stop() } }
            _ = try rooms[0].post("/api/v1/beds/2/call")
            let port = freePort()
            let server = Process()
            server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            server.arguments = [
                try dwellExecutable(), "hub", "serve", "--postgres", fixture.cluster.adminURL, "--listen",
                "127.0.0.1:\(port)",
            ]
            server.standardOutput = FileHandle.nullDevice
            try server.run()
            defer { server.terminate() }
            try waitFor("room-3 to report its beds", seconds: 30) {
                let snapshot = (try? RawHTTP.get("/api/clinic", port: port)) ?? ""
                return (
                    snapshot.contains(#""device":"room-3","silent_s""#) && snapshot.contains(#""offline":false"#),
                    snapshot
                )
            }
            rooms[2].stop()
            try waitFor("room-3 to be OFFLINE", seconds: 40) {
                let snapshot = (try? RawHTTP.get("/api/clinic", port: port)) ?? ""
                return (
                    snapshot.contains(#""device":"room-3""#)
                        && snapshot.range(
                            of: #""device":"room-3","silent_s":[0-9.]+,"offline":true"#, options: .regularExpression)
                            != nil,
                    snapshot
                )
            }
            let (status, text) = try runCommand(
                ["python3", "Tests/Kiosk/clinic_test.py"],
                environment: [
                    "DWELL_CLINIC_URL": "http://127.0.0.1:\(port)",
                    "DWELL_ARTIFACTS": packageRoot.appendingPathComponent("artifacts/clinic").path,
                    "PYTHONPATH": packageRoot.appendingPathComponent("Tests/Kiosk").path,
                ])
            #expect(status == 0, "\(text)")
            #expect(text.contains("clinic: 14 passed, 0 failed"), "\(text)")
        }
    }
}
