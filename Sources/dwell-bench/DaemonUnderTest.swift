import DwellProbe
import DwellWire
import Foundation

/// A `dwelld --simulator` child with its own config, record and notification socket.
final class DaemonUnderTest {
    let process = Process()
    let port: Int
    let readyMilliseconds: Double
    private let notify: NotifySocket

    init(dwelld: String, beds: Int) throws {
        let folder = NSTemporaryDirectory() + "dwell-bench-daemon-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        port = freePort()
        let bedList = (1...beds).map { "\"\($0)\"" }.joined(separator: ", ")
        try
            "beds: [\(bedList)]\nprotocols: Protocols\nrecord: \(folder)/record.sqlite\nboard: simulator\nlisten: 127.0.0.1:\(port)\n"
            .write(toFile: folder + "/dwell.yaml", atomically: true, encoding: .utf8)
        notify = try NotifySocket(path: folder + "/notify")
        process.executableURL = URL(fileURLWithPath: dwelld)
        process.arguments = ["--config", folder + "/dwell.yaml"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while !(notify.receive(timeoutMilliseconds: 1_000)?.contains("READY=1") ?? false) {
            guard ContinuousClock.now < deadline else { throw BenchError("dwelld did not report READY=1 within 30 s") }
        }
        readyMilliseconds = (ContinuousClock.now - start).milliseconds
    }

    /// A start request with consent and the daemon's checklist answered "no" throughout.
    func startBody(protocol id: String) throws -> String {
        let connection = try RawHTTP(port: port)
        connection.send("GET", "/api/v1/checklist")
        let answer = connection.read(until: "\u{0}")
        guard let json = answer.range(of: "\r\n\r\n").map({ Data(answer[$0.upperBound...].utf8) }),
            let checklist = try? WireJSON.decoder().decode(ChecklistSummary.self, from: json)
        else {
            throw BenchError("GET /api/v1/checklist gave no checklist: \(answer.prefix(200))")
        }
        let start = StartRequest(
            protocol: id, consent: true,
            screening: Dictionary(uniqueKeysWithValues: checklist.codes.map { ($0, false) }),
            acknowledged: [])
        return try WireJSON.text(start)
    }

    func http(_ method: String, _ path: String, _ body: String) throws -> String {
        let connection = try RawHTTP(port: port)
        connection.send(method, path, body: body)
        return connection.read(until: "\r\n\r\n")
    }

    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return .nan }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    var peakRSSKiB: Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
    }

    func stop() {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
