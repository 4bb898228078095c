import DwellProbe
import Foundation
import Testing

/// The kiosk page in a real headless Chromium, against a real dwelld, and the systemd unit.
@Suite(.serialized)
struct KioskBrowserTests {
    static func available(_ command: String) -> Bool {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/bin/sh")
        probe.arguments = ["-c", command]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        guard (try? probe.run()) != nil else { return false }
        probe.waitUntilExit()
        return probe.terminationStatus == 0
    }

    static let browserReady = available(
        "test -x /usr/bin/chromium && test -x /usr/bin/chromedriver && python3 -c 'import selenium'")

    /// Two sessions interrupted by a SIGKILL and restart: bed 2 resumable, bed 1 not (its protocol
    /// file changed while dwelld was down). The page shows both, resumes bed 2 and counts out and
    /// finishes bed 1; then the checklist, needle counting, the safety alarms, the timing views and
    /// the connection lost (Tests/Kiosk/link_proxy.py drops the stream, then the link), with
    /// screenshots at 800×480 and 1920×1080 in `artifacts/` (see Tests/Kiosk/README.md; .ci/run
    /// installs Chromium, its driver and Selenium; without them this test is skipped).
    @Test(.enabled(if: browserReady, "needs chromium, chromium-driver and python3 selenium (.ci/run installs them)"))
    func thePageDrivesARealDaemonInChromium() async throws {
        try await offThePool {
            let folder = try temporaryFolder()
            let record = folder + "/record.sqlite"
            let protocols = folder + "/protocols"
            try FileManager.default.copyItem(
                atPath: packageRoot.appendingPathComponent("Protocols").path, toPath: protocols)
            let killed = try DaemonProcess(arguments: ["--protocols", protocols], record: record)
            #expect(killed.awaitNotification("READY=1") != nil, "log:\n\(killed.log)")
            for (bed, id) in [("2", "knee-non-trigger-point"), ("1", "lateral-elbow-mixed")] {
                let start = try RawHTTP(port: killed.port)
                start.send(
                    "POST", "/api/v1/beds/\(bed)/session",
                    body: screened(#"{"protocol":"\#(id)","consent":true,"patient":"p-9"}"#))
                #expect(start.read(until: "}").hasPrefix("HTTP/1.1 201"), "bed \(bed)")
            }
            usleep(500_000)
            killed.signal(SIGKILL)
            #expect(killed.awaitExit(seconds: 5) == SIGKILL)
            let edited = try #require(FileHandle(forWritingAtPath: protocols + "/lateral-elbow-mixed.yaml"))
            try edited.seekToEnd()
            try edited.write(contentsOf: Data("# edited while dwelld was down: bed 1 cannot be resumed\n".utf8))
            try edited.close()

            // A short pause limit (the shortest a config allows), so the page can show a pause
            // that became an alarm.
            let config = folder + "/dwell.yaml"
            try "beds: [\"1\", \"2\"]\nprotocols: \(protocols)\nclinic:\n  pause_limit: 30s\n".write(
                toFile: config, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(
                arguments: ["--config", config, "--protocols", protocols], record: record)
            #expect(daemon.awaitNotification("READY=1") != nil, "log:\n\(daemon.log)")
            let (status, text) = try runCommand(
                ["python3", "Tests/Kiosk/kiosk_test.py"],
                environment: [
                    "DWELL_URL": "http://127.0.0.1:\(daemon.port)",
                    "DWELL_ARTIFACTS": packageRoot.appendingPathComponent("artifacts").path,
                    "DWELL_INTERRUPTED_BEDS": "2,1",
                    "DWELL_PAUSE_LIMIT_S": "30",
                ])
            print(text.split(separator: "\n").suffix(30).joined(separator: "\n"))
            #expect(status == 0, "\(text)")
            #expect(text.contains("kiosk: 28 passed, 0 failed") && !text.contains("SKIP"), "every check ran")
            #expect(
                text.contains("bed 2: resumed from the page")
                    && text.contains("bed 1: counted out and finished from the page"))
            daemon.signal(SIGTERM)
            #expect(daemon.awaitExit(seconds: 20) == 0, "log:\n\(daemon.log)")
        }
    }

    /// With a token (dwelld on every interface): handed over as `#token=` in the start URL, or
    /// typed once into the page, after which the stream and the commands carry it.
    @Test(.enabled(if: browserReady, "needs chromium, chromium-driver and python3 selenium (.ci/run installs them)"))
    func thePageWorksWithATokenHandedOverOrTyped() async throws {
        try await offThePool {
            let folder = try temporaryFolder()
            let token = "kiosk-token-0123456789"
            try token.write(toFile: folder + "/token", atomically: true, encoding: .utf8)
            chmod(folder + "/token", 0o600)
            let daemon = try DaemonProcess(arguments: ["--token-file", folder + "/token"], listenHost: "0.0.0.0")
            #expect(daemon.awaitNotification("READY=1") != nil, "log:\n\(daemon.log)")
            let (status, text) = try runCommand(
                ["python3", "Tests/Kiosk/token_test.py"],
                environment: [
                    "DWELL_URL": "http://127.0.0.1:\(daemon.port)", "DWELL_TOKEN": token,
                ])
            #expect(status == 0 && text.contains("token: 2 passed, 0 failed"), "\(text)")
            daemon.signal(SIGTERM)
            #expect(daemon.awaitExit(seconds: 5) == 0, "log:\n\(daemon.log)")
        }
    }

    @Test(.enabled(if: available("command -v systemd-analyze"), "needs systemd-analyze"))
    func theUnitFilePassesSystemdAnalyzeVerify() async throws {
        try await offThePool {
            let folder = try temporaryFolder()
            let unit = try String(
                contentsOf: packageRoot.appendingPathComponent("systemd/dwelld.service"), encoding: .utf8
            )
            .replacingOccurrences(of: "/usr/lib/dwell/dwelld", with: DaemonProcess.executable.path)
            try unit.write(toFile: folder + "/dwelld.service", atomically: true, encoding: .utf8)
            let (status, text) = try runCommand(["systemd-analyze", "verify", folder + "/dwelld.service"])
            #expect(status == 0 && text.isEmpty, "\(text)")
            #expect(
                unit.contains("Type=notify") && unit.contains("WatchdogSec=")
                    && unit.contains("DeviceAllow=char-gpiochip rw"))
            #expect(unit.contains("LimitNOFILE=16384"), "room for the daemon's connection cap")
            #expect(
                !unit.split(separator: "\n").contains { $0.hasPrefix("PrivateDevices") }, "it would hide /dev/gpiochip*"
            )
        }
    }
}
