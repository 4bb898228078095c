import DwellProbe
import Foundation
import Testing

/// `dwelld` run as systemd runs it: readiness, watchdog, reload and shutdown, over real sockets.
@Suite(.serialized)
struct DaemonProcessTests {
    @Test func notifiesReadyFeedsTheWatchdogAndStopsCleanlyOnSIGTERM() throws {
        let daemon = try DaemonProcess(environment: ["WATCHDOG_USEC": "400000"])
        let ready = try #require(daemon.awaitNotification("READY=1"), "no READY=1; log:\n\(daemon.log)")
        #expect(ready.contains("STATUS=serving 2 beds on port \(daemon.port)"))
        // READY means the API answers.
        #expect(try RawHTTP.get("/api/v1/beds", port: daemon.port).hasPrefix("HTTP/1.1 200"))
        #expect(daemon.awaitNotification("WATCHDOG=1", seconds: 5) != nil)
        #expect(daemon.awaitNotification("WATCHDOG=1", seconds: 5) != nil, "fed repeatedly")
        daemon.signal(SIGTERM)
        #expect(daemon.awaitNotification("STOPPING=1", seconds: 2) != nil)
        #expect(daemon.awaitExit(seconds: 2) == 0, "exit 0 within 2 s of SIGTERM; log:\n\(daemon.log)")
    }

    @Test func sighupWithABrokenProtocolKeepsThePreviousProtocols() throws {
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
        #expect(daemon.awaitExit(seconds: 2) == 0)
    }

    @Test func theStreamPushesAChangeAsItHappens() throws {
        let daemon = try DaemonProcess()
        #expect(daemon.awaitNotification("READY=1") != nil, "log:\n\(daemon.log)")
        let stream = try RawHTTP(port: daemon.port)
        stream.send("GET", "/api/v1/stream")
        let initial = stream.read(until: "\"bed\":\"2\"")
        #expect(initial.contains("text/event-stream"))
        #expect(initial.contains("event: bed\ndata: {"))
        let command = try RawHTTP(port: daemon.port)
        command.send("POST", "/api/v1/beds/1/session", body: #"{"protocol":"knee-non-trigger-point","consent":true}"#)
        #expect(command.read(until: "}").hasPrefix("HTTP/1.1 201"))
        let pushed = stream.read(until: "\"state\":\"running\"")
        #expect(pushed.contains("\"state\":\"running\""), "the start was pushed on the stream")
        daemon.signal(SIGTERM)
        #expect(daemon.awaitExit(seconds: 2) == 0)
    }

    @Test func badConfigurationIsRefusedAtStartWithAClearMessage() throws {
        let folder = try temporaryFolder()
        let config = folder + "/dwell.yaml"
        try "beds: [\"1\", \"1\"]\nlisten: nowhere\nbord: simulator\n".write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess(arguments: ["--config", config])
        #expect(daemon.awaitExit(seconds: 10) == 78)
        let log = daemon.log
        #expect(log.contains("dwelld: cannot start: \(config):1:7: error: beds: bed names must be unique"))
        #expect(log.contains("\(config):2:9: error: listen: `nowhere` is not HOST:PORT"))
        #expect(log.contains("\(config):3:1: error: bord: unknown key `bord`; did you mean `board`?"))

        let board = folder + "/board-config.yaml"
        try "beds: [\"1\"]\nprotocols: Protocols\nboard: \(folder)/missing-board.yaml\n".write(toFile: board, atomically: true, encoding: .utf8)
        let noBoard = try DaemonProcess(arguments: ["--config", board], simulator: false)
        #expect(noBoard.awaitExit(seconds: 10) == 78)
        #expect(noBoard.log.contains("dwelld: cannot start: board: \(folder)/missing-board.yaml:1:1: error: (document): cannot read the board file"),
                "\(noBoard.log)")

        let open = try DaemonProcess(arguments: ["--listen", "0.0.0.0:\(freePort())"])
        #expect(open.awaitExit(seconds: 10) == 78)
        #expect(open.log.contains("needs a bearer token"))
    }
}
