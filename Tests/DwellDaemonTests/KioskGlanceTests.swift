import DwellProbe
import Foundation
import Testing

/// The glance layout of the kiosk page in headless Chromium against two real dwelld (2 beds and
/// 4 beds): every state in Tests/Kiosk/glance_test.py's table at 800×480, 720×1280 and
/// 1920×1080, measured from the DOM, with screenshots in `artifacts/kiosk/`; a double click on
/// Abort, an escalated bed losing its stream, the start page while dwelld is down, axe-core, and a
/// session started by touch with its taps counted (see Tests/Kiosk/README.md).
@Suite(.serialized)
struct KioskGlanceTests {
    /// A protocol whose first step warns at once (warn_before just under its dwell), so the
    /// warning state can be shown without waiting.
    static let warningProtocol = """
        id: glance-warning
        title: Glance test, warning at once
        version: 1
        technique: superficial
        warn_before: 5m58s
        steps:
          - site: glance-a
            label: Glance site A
            needles: 2
            dwell: 6m
          - site: glance-b
            label: Glance site B
            needles: 2
            dwell: 6m
        """

    /// A daemon with `beds` beds whose sessions were all interrupted (SIGKILL mid-session, restarted).
    static func interruptedDaemon(beds: Int, folder: String) throws -> DaemonProcess {
        let protocols = folder + "/protocols"
        try FileManager.default.copyItem(
            atPath: packageRoot.appendingPathComponent("Protocols").path, toPath: protocols)
        try warningProtocol.write(toFile: protocols + "/glance-warning.yaml", atomically: true, encoding: .utf8)
        let names = (1...beds).map { "\"\($0)\"" }.joined(separator: ", ")
        let config = folder + "/dwell.yaml"
        try """
        beds: [\(names)]
        protocols: \(protocols)
        clinic:
          escalate_after: 10s
          check_every: 1m
          sweep: true
          therapists:
            - { code: t-17, name: Anna }
            - { code: t-03, name: Ben }
            - { code: t-21, name: Chidi }
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let record = folder + "/record.sqlite"
        let first = try DaemonProcess(arguments: ["--config", config], record: record)
        guard first.awaitNotification("READY=1") != nil else { throw StagingFailed(log: first.log) }
        for bed in 1...beds {
            let start = try RawHTTP(port: first.port)
            start.send(
                "POST", "/api/v1/beds/\(bed)/session",
                body: screened(#"{"protocol":"knee-non-trigger-point","consent":true,"therapist":"t-17"}"#))
            guard start.read(until: "}").hasPrefix("HTTP/1.1 201") else { throw StagingFailed(log: first.log) }
        }
        usleep(300_000)
        first.signal(SIGKILL)
        _ = first.awaitExit(seconds: 5)
        let daemon = try DaemonProcess(arguments: ["--config", config], record: record)
        guard daemon.awaitNotification("READY=1") != nil else { throw StagingFailed(log: daemon.log) }
        return daemon
    }

    struct StagingFailed: Error { var log: String }

    static let ready =
        KioskBrowserTests.browserReady && KioskBrowserTests.available("python3 -c 'import axe_selenium_python'")

    @Test(.enabled(if: ready, "needs chromium, chromium-driver, python3 selenium and axe-selenium-python (.ci/run)"))
    func theGlanceLayoutHoldsAtEveryScreenAndState() async throws {
        try await offThePool {
            let two = try Self.interruptedDaemon(beds: 2, folder: try temporaryFolder())
            let four = try Self.interruptedDaemon(beds: 4, folder: try temporaryFolder())
            let started = Date()
            let (status, text) = try runCommand(
                ["python3", "Tests/Kiosk/glance_test.py"],
                environment: [
                    "DWELL_URL_2": "http://127.0.0.1:\(two.port)",
                    "DWELL_URL_4": "http://127.0.0.1:\(four.port)",
                    "DWELL_ARTIFACTS": packageRoot.appendingPathComponent("artifacts/kiosk").path,
                    "DWELL_START_PAGE": packageRoot.appendingPathComponent("systemd/kiosk-start.html").path,
                ])
            print(text.split(separator: "\n").suffix(60).joined(separator: "\n"))
            print("glance test: \(Int(Date().timeIntervalSince(started))) s")
            #expect(status == 0, "\(text)")
            #expect(text.contains("glance: ") && text.contains(" 0 failed") && !text.contains("SKIP"), "\(text)")
            for daemon in [two, four] {
                daemon.signal(SIGTERM)
                #expect(daemon.awaitExit(seconds: 5) == 0, "log:\n\(daemon.log)")
            }
        }
    }

    /// The kiosk unit: valid for systemd (with cage replaced by a stand-in, which CI lacks), after
    /// dwelld, Chromium in kiosk mode with its own profile, opening the shipped start page.
    @Test(.enabled(if: KioskBrowserTests.available("command -v systemd-analyze"), "needs systemd-analyze"))
    func theKioskUnitStartsChromiumAfterDwelld() async throws {
        try await offThePool {
            let folder = try temporaryFolder()
            let unit = try String(
                contentsOf: packageRoot.appendingPathComponent("systemd/dwell-kiosk.service"), encoding: .utf8)
            try unit.replacingOccurrences(of: "/usr/bin/cage", with: "/bin/true").write(
                toFile: folder + "/dwell-kiosk.service", atomically: true, encoding: .utf8)
            let (status, text) = try runCommand(["systemd-analyze", "verify", folder + "/dwell-kiosk.service"])
            #expect(status == 0 && text.isEmpty, "\(text)")
            #expect(unit.contains("After=dwelld.service") && unit.contains("Wants=dwelld.service"))
            #expect(unit.contains("--kiosk") && unit.contains("--user-data-dir=/var/lib/dwell-kiosk/chromium"))
            #expect(unit.contains("file:///usr/share/dwell/kiosk-start.html"))
            let page = try String(
                contentsOf: packageRoot.appendingPathComponent("systemd/kiosk-start.html"), encoding: .utf8)
            #expect(page.contains("location.replace") && page.contains("check every bed in person"))
        }
    }
}
