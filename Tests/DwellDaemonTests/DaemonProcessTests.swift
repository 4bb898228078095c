import DwellProbe
import Foundation
import Testing

/// `dwelld` run as systemd runs it: readiness, watchdog, reload and shutdown, over real sockets.
@Suite(.serialized)
struct DaemonProcessTests {
    @Test func notifiesReadyFeedsTheWatchdogAndStopsCleanlyOnSIGTERM() async throws {
        try await offThePool {
            let daemon = try DaemonProcess(environment: ["WATCHDOG_USEC": "400000"])
            let ready = try #require(daemon.awaitNotification("READY=1"), "no READY=1; log:\n\(daemon.log)")
            #expect(ready.contains("STATUS=serving 2 beds on port \(daemon.port)"))
            // READY means the API answers.
            #expect(try RawHTTP.get("/api/v1/beds", port: daemon.port).hasPrefix("HTTP/1.1 200"))
            #expect(daemon.awaitNotification("WATCHDOG=1", seconds: 5) != nil)
            #expect(daemon.awaitNotification("WATCHDOG=1", seconds: 5) != nil, "fed repeatedly")
            daemon.signal(SIGTERM)
            #expect(daemon.awaitNotification("STOPPING=1", seconds: 2) != nil)
            #expect(daemon.awaitExit(seconds: 20) == 0, "exit 0 on SIGTERM; log:\n\(daemon.log)")
        }
    }

    @Test func sighupWithABrokenProtocolKeepsThePreviousProtocols() async throws {
        try await offThePool {
            let folder = try protocolsCopy()
            let daemon = try DaemonProcess(arguments: ["--protocols", folder])
            #expect(daemon.awaitNotification("READY=1") != nil, "log:\n\(daemon.log)")
            try "id: broken\ntitle: Broken\n".write(toFile: folder + "/broken.yaml", atomically: true, encoding: .utf8)
            daemon.signal(SIGHUP)
            var log = ""
            for _ in 0..<100 where !log.contains("keeping the 7 protocols") {
                usleep(50_000)
                log = daemon.log
            }
            #expect(log.contains("protocol reload refused: \(folder)/broken.yaml:1:1: error: version: is required"))
            #expect(log.contains("keeping the 7 protocols loaded before"))
            let response = try RawHTTP.get("/api/v1/protocols", port: daemon.port)
            #expect(response.hasPrefix("HTTP/1.1 200"))
            #expect(response.components(separatedBy: "\"id\":").count - 1 == 7)
            daemon.signal(SIGTERM)
            #expect(daemon.awaitExit(seconds: 20) == 0)
        }
    }

    @Test func theStreamPushesAChangeAsItHappens() async throws {
        try await offThePool {
            let daemon = try DaemonProcess()
            #expect(daemon.awaitNotification("READY=1") != nil, "log:\n\(daemon.log)")
            let stream = try RawHTTP(port: daemon.port)
            stream.send("GET", "/api/v1/stream")
            let initial = stream.read(until: "\"bed\":\"2\"")
            #expect(initial.contains("text/event-stream"))
            #expect(initial.contains("event: bed\ndata: {"))
            let command = try RawHTTP(port: daemon.port)
            command.send(
                "POST", "/api/v1/beds/1/session",
                body: screened(#"{"protocol":"knee-non-trigger-point","consent":true}"#))
            #expect(command.read(until: "}").hasPrefix("HTTP/1.1 201"))
            let pushed = stream.read(until: "\"state\":\"running\"")
            #expect(pushed.contains("\"state\":\"running\""), "the start was pushed on the stream")
            daemon.signal(SIGTERM)
            #expect(daemon.awaitExit(seconds: 20) == 0)
        }
    }

    /// The JSON body of a raw HTTP response.
    func json(_ response: String) -> [String: Any] {
        guard let start = response.range(of: "\r\n\r\n")?.upperBound else { return [:] }
        return (try? JSONSerialization.jsonObject(with: Data(response[start...].utf8))) as? [String: Any] ?? [:]
    }

    @Test func aSessionKilledMidwayIsFoundInterruptedWithItsElapsedTimeAfterARestart() async throws {
        try await offThePool {
            let record = try temporaryFolder() + "/record.sqlite"
            let first = try DaemonProcess(record: record)
            #expect(first.awaitNotification("READY=1") != nil, "log:\n\(first.log)")
            let requested = Date()
            let start = try RawHTTP(port: first.port)
            start.send(
                "POST", "/api/v1/beds/2/session",
                body: screened(#"{"protocol":"knee-non-trigger-point","consent":true,"patient":"p-7"}"#))
            #expect(start.read(until: "}").hasPrefix("HTTP/1.1 201"))
            let started = Date()
            usleep(1_500_000)
            first.signal(SIGKILL)
            #expect(first.awaitExit(seconds: 5) == SIGKILL)
            usleep(1_000_000)
            let relaunched = Date()
            let second = try DaemonProcess(record: record)
            #expect(second.awaitNotification("READY=1") != nil, "log:\n\(second.log)")
            let bed = json(try RawHTTP.get("/api/v1/beds/2", port: second.port))
            let answered = Date()
            #expect(bed["state"] as? String == "interrupted", "\(bed)")
            #expect(bed["patient"] as? String == "p-7")
            #expect(((bed["needles"] as? [String: Any])?["outstanding"] as? Int ?? 0) > 0)
            // How long ago the session started, by the record's wall time: bracketed by this test's own clock.
            let interruption = try #require(bed["interruption"] as? [String: Any])
            let since = Double(interruption["since_start_ms"] as? Int ?? -1) / 1_000
            #expect(
                since >= relaunched.timeIntervalSince(started) - 0.5 && since <= answered.timeIntervalSince(requested),
                "since_start \(since) s; killed \(relaunched.timeIntervalSince(started)) s after the start")
            #expect(interruption["resumable"] as? Bool == true)
            #expect(second.log.contains("bed 2: session \(bed["session"] as? String ?? "?") (Knee"))
            #expect(second.log.contains("never ended"))
            #expect(
                json(try RawHTTP.get("/api/v1/beds/1", port: second.port))["state"] as? String == "idle",
                "bed 1 had no session")

            let finish = try RawHTTP(port: second.port)
            finish.send("POST", "/api/v1/beds/2/finish")
            #expect(
                json(finish.read(until: "\u{0}", timeoutMilliseconds: 3_000))["state"] as? String == "unaccounted",
                "finishing still needs the needles counted out")
            let out = try RawHTTP(port: second.port)
            out.send("POST", "/api/v1/beds/2/needles-out")
            #expect(json(out.read(until: "\u{0}", timeoutMilliseconds: 3_000))["state"] as? String == "aborted")
            second.signal(SIGTERM)
            #expect(second.awaitExit(seconds: 20) == 0)
        }
    }

    @Test func badConfigurationIsRefusedAtStartWithAClearMessage() async throws {
        try await offThePool {
            let folder = try temporaryFolder()
            let config = folder + "/dwell.yaml"
            try "beds: [\"1\", \"1\"]\nlisten: nowhere\nbord: simulator\n".write(
                toFile: config, atomically: true, encoding: .utf8)
            let daemon = try DaemonProcess(arguments: ["--config", config])
            #expect(daemon.awaitExit(seconds: 10) == 78)
            let log = daemon.log
            #expect(
                log.contains(
                    "dwelld: cannot start: \(config):1:13: error: beds[1]: `1` is listed twice; bed names must be unique"
                ),
                "\(log)")
            #expect(log.contains("\(config):2:9: error: listen: `nowhere` is not HOST:PORT"))
            #expect(log.contains("\(config):3:1: error: bord: unknown key `bord`; did you mean `board`?"))

            let board = folder + "/board-config.yaml"
            try "beds: [\"1\"]\nprotocols: Protocols\nboard: \(folder)/missing-board.yaml\n".write(
                toFile: board, atomically: true, encoding: .utf8)
            let noBoard = try DaemonProcess(arguments: ["--config", board], simulator: false)
            #expect(noBoard.awaitExit(seconds: 10) == 78)
            #expect(
                noBoard.log.contains(
                    "dwelld: cannot start: \(board):3:8: error: board: no such board file \(folder)/missing-board.yaml"),
                "the error is placed at the config line naming the board file: \(noBoard.log)")

            let open = try DaemonProcess(arguments: ["--listen", "0.0.0.0:\(freePort())"])
            #expect(open.awaitExit(seconds: 10) == 78)
            #expect(open.log.contains("needs a bearer token"))
        }
    }
}
