import DwellProbe
import Foundation

/// `dwelld` as a child process with a fake `$NOTIFY_SOCKET`, as systemd would run it.
final class DaemonProcess {
    let process = Process()
    let notify: NotifySocket
    let port: Int
    let logPath: String

    static let executable: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("dwelld")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return packageRoot.appendingPathComponent(".build/debug/dwelld")
    }()

    /// Starts dwelld with a fresh record in a folder of its own, or on `record` (a restart).
    /// `listenHost`: the address to bind (the tests always talk to it over loopback).
    init(
        arguments: [String] = [], environment: [String: String] = [:], simulator: Bool = true, record: String? = nil,
        listenHost: String = "127.0.0.1"
    ) throws {
        let folder = try temporaryFolder()
        notify = try NotifySocket(path: folder + "/notify")
        port = freePort()
        logPath = folder + "/dwelld.log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = Self.executable
        process.currentDirectoryURL = packageRoot
        process.arguments =
            (simulator ? ["--simulator"] : []) + [
                "--listen", "\(listenHost):\(port)", "--record", record ?? folder + "/record.sqlite",
            ] + arguments
        var env = ProcessInfo.processInfo.environment
        env["NOTIFY_SOCKET"] = notify.path
        for (key, value) in environment { env[key] = value }
        process.environment = env
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// Waits (up to `seconds`) for a notification containing `text`.
    func awaitNotification(_ text: String, seconds: Double = 20) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let message = notify.receive(timeoutMilliseconds: 200), message.contains(text) { return message }
        }
        return nil
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for exit; returns the status, or nil when it had not exited in time.
    func awaitExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
