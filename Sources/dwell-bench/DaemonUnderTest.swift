import DwellCore
import DwellProbe
import DwellWire
import Foundation

/// A `dwelld --simulator` child with its own config, record and notification socket. Every
/// request checks its status and every wait has a deadline: what went wrong stops the run.
final class DaemonUnderTest {
    let process = Process()
    let port: Int
    let readyMilliseconds: Double
    private let folder: String
    private let notify: NotifySocket

    init(dwelld: String, beds: Int) throws {
        let folder = NSTemporaryDirectory() + "dwell-bench-daemon-" + UUID().uuidString
        self.folder = folder
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        port = freePort()
        let bedList = (1...beds).map { "\"\($0)\"" }.joined(separator: ", ")
        try
            "beds: [\(bedList)]\nprotocols: Protocols\nrecord: \(folder)/record.sqlite\nboard: simulator\nlisten: 127.0.0.1:\(port)\n"
            .write(toFile: folder + "/dwell.yaml", atomically: true, encoding: .utf8)
        notify = try NotifySocket(path: folder + "/notify")
        FileManager.default.createFile(atPath: folder + "/dwelld.log", contents: nil)
        process.executableURL = URL(fileURLWithPath: dwelld)
        process.arguments = ["--config", folder + "/dwell.yaml"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = notify.path
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: folder + "/dwelld.log")
        let start = ContinuousClock.now
        try process.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while !(notify.receive(timeoutMilliseconds: 100)?.contains("READY=1") ?? false) {
            guard process.isRunning else {
                throw BenchError(
                    "dwelld exited (status \(process.terminationStatus)) before READY=1: \(Self.logTail(of: folder))")
            }
            guard ContinuousClock.now < deadline else {
                kill(process.processIdentifier, SIGKILL)
                throw BenchError("dwelld did not report READY=1 within 30 s: \(Self.logTail(of: folder))")
            }
        }
        readyMilliseconds = (ContinuousClock.now - start).milliseconds
    }

    /// The end of dwelld's log, for errors.
    static func logTail(of folder: String) -> String {
        let log = (try? String(contentsOfFile: folder + "/dwelld.log", encoding: .utf8)) ?? ""
        return log.isEmpty ? "(its log is empty)" : String(log.suffix(400))
    }

    /// A start request with consent and the daemon's checklist answered "no" throughout.
    func startBody(protocol id: String) throws -> String {
        let answer = try request("GET", "/api/v1/checklist")
        let checklist: ChecklistSummary
        do {
            checklist = try WireJSON.decoder().decode(ChecklistSummary.self, from: Data(answer.body))
        } catch {
            throw BenchError("GET /api/v1/checklist gave no checklist (\(error)): \(answer.text.prefix(200))")
        }
        guard !checklist.codes.isEmpty else { throw BenchError("GET /api/v1/checklist listed no items") }
        let start = StartRequest(
            protocol: id, consent: true,
            screening: Dictionary(uniqueKeysWithValues: checklist.codes.map { ($0, false) }),
            acknowledged: [])
        return try WireJSON.text(start)
    }

    /// One request on a fresh connection; an answer outside 2xx is an error naming the request,
    /// the status and the problem's title and detail.
    @discardableResult
    func request(_ method: String, _ path: String, _ body: String = "") throws -> HTTPAnswer {
        let connection = try RawHTTP(port: port)
        connection.send(method, path, body: body)
        let answer = try connection.answer(to: "\(method) \(path)")
        guard (200..<300).contains(answer.status) else {
            throw BenchError("\(method) \(path) answered \(answer.status): \(answer.problem)")
        }
        return answer
    }

    func cpuSeconds() throws -> Double {
        let path = "/proc/\(process.processIdentifier)/stat"
        let stat = try String(contentsOfFile: path, encoding: .utf8)
        guard let close = stat.lastIndex(of: ")") else { throw BenchError("\(path) has no `)`: \(stat.prefix(100))") }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw BenchError("\(path) has no utime and stime: \(stat.prefix(200))")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func memory() throws -> DaemonMemory { try DaemonMemory(pid: process.processIdentifier) }

    /// SIGINT, then up to 10 s for dwelld to exit (killed after that, and an error); removes its folder.
    func stop() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        guard process.isRunning else { return }
        process.interrupt()
        try process.wait(for: "dwelld after SIGINT", within: .seconds(10))
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
