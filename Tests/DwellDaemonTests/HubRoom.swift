import DwellProbe
import Foundation

/// Every wait in the hub drills: polls `condition` until it holds or `seconds` pass, then throws
/// naming what it waited for and the last value it saw.
struct WaitFailure: Error, CustomStringConvertible {
    var description: String
}

func waitFor(
    _ what: String, seconds: Double, every interval: Double = 0.1, _ condition: () throws -> (Bool, String)
)
    throws
{
    let deadline = Date().addingTimeInterval(seconds)
    var last = ""
    while Date() < deadline {
        let (done, seen) = try condition()
        if done { return }
        last = seen
        usleep(UInt32(interval * 1_000_000))
    }
    throw WaitFailure(description: "waited \(Int(seconds)) s for \(what); last seen: \(last)")
}

/// The built `dwell` command (beside the test bundle, as SwiftPM builds it).
func dwellExecutable() throws -> String {
    let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("dwell")
    return FileManager.default.isExecutableFile(atPath: besideTests.path)
        ? besideTests.path : packageRoot.appendingPathComponent(".build/debug/dwell").path
}

/// Runs the built `dwell` command; its status and its stdout and stderr together.
func dwell(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
    try runCommand([try dwellExecutable()] + arguments, environment: environment)
}

/// A clinic hub for one drill: a throwaway cluster, the schema, and one role per room.
final class HubFixture: @unchecked Sendable {
    let cluster: PostgresCluster
    let devices: [String]

    init(devices: [String]) throws {
        cluster = try PostgresCluster()
        self.devices = devices
        let migrated = try dwell(["hub", "migrate", "--postgres", cluster.adminURL])
        guard migrated.status == 0 else { throw WaitFailure(description: "migrate failed: \(migrated.output)") }
        for device in devices {
            let added = try dwell(
                [
                    "hub", "add-device", "--postgres", cluster.adminURL, "--device", device, "--password-file",
                    try passwordFile(device),
                ])
            guard added.status == 0 else { throw WaitFailure(description: "add-device failed: \(added.output)") }
        }
    }

    static func password(_ device: String) -> String { "secret-of-\(device)-0123" }

    /// A private (0600) file holding the device's password.
    func passwordFile(_ device: String) throws -> String {
        let path = cluster.folder + "-\(device)-password"
        FileManager.default.createFile(
            atPath: path, contents: Data(Self.password(device).utf8), attributes: [.posixPermissions: 0o600])
        return path
    }

    /// The hub's rows of a device: how many, and the highest seq.
    func stored(_ device: String) throws -> (count: Int, last: Int) {
        let text = try cluster.sql(
            "SELECT count(*), coalesce(max(seq), 0) FROM dwell.events WHERE device = '\(device)'")
        let parts = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|").compactMap { Int($0) }
        guard parts.count == 2 else { throw WaitFailure(description: "unreadable count: \(text)") }
        return (parts[0], parts[1])
    }

    func close() {
        cluster.close()
        for device in devices { try? FileManager.default.removeItem(atPath: cluster.folder + "-\(device)-password") }
    }
}

/// One room: dwelld on the simulator forwarding its record to the hub as `device`.
final class HubRoom: @unchecked Sendable {
    let device: String
    let record: String
    let folder: String
    private(set) var daemon: DaemonProcess

    /// `port`: where the room looks for the hub (a closed port cuts it off).
    init(_ device: String, fixture: HubFixture, port: Int? = nil, batchRows: Int? = nil) throws {
        self.device = device
        folder = try temporaryFolder()
        record = folder + "/record.sqlite"
        try Self.writeConfig(folder, device: device, fixture: fixture, port: port, batchRows: batchRows)
        daemon = try DaemonProcess(arguments: ["--config", folder + "/dwell.yaml"], record: record)
        try ready()
    }

    static func writeConfig(_ folder: String, device: String, fixture: HubFixture, port: Int?, batchRows: Int?) throws {
        let url = fixture.cluster.url(user: "dwell_dev_" + device.replacingOccurrences(of: "-", with: "_"), port: port)
        var text =
            "hub:\n  postgres: \(url)\n  password_file: \(try fixture.passwordFile(device))\n  device: \(device)\n"
        if let batchRows { text += "  batch_rows: \(batchRows)\n" }
        try text.write(toFile: folder + "/dwell.yaml", atomically: true, encoding: .utf8)
    }

    func ready() throws {
        guard daemon.awaitNotification("READY=1") != nil else {
            throw WaitFailure(description: "\(device): no READY=1; log:\n\(daemon.log)")
        }
    }

    /// Stops dwelld (SIGTERM, or SIGKILL as a crash) and starts it again on the same record,
    /// optionally looking for the hub elsewhere.
    func restart(signal: Int32 = SIGTERM, fixture: HubFixture, port: Int? = nil, batchRows: Int? = nil) throws {
        daemon.signal(signal)
        guard daemon.awaitExit(seconds: 20) != nil else { throw WaitFailure(description: "\(device) did not exit") }
        try Self.writeConfig(folder, device: device, fixture: fixture, port: port, batchRows: batchRows)
        daemon = try DaemonProcess(arguments: ["--config", folder + "/dwell.yaml"], record: record)
        try ready()
    }

    func post(_ path: String, _ body: String = "{}") throws -> String {
        let connection = try RawHTTP(port: daemon.port)
        connection.send("POST", path, body: body)
        return connection.read(until: "}")
    }

    /// Starts a session on `bed`.
    func start(bed: String) throws {
        let answer = try post("/api/v1/beds/\(bed)/session", startBody)
        guard answer.hasPrefix("HTTP/1.1 201") else { throw WaitFailure(description: "start refused: \(answer)") }
    }

    /// `cycles` patient calls answered on `bed`: two record rows each.
    func callAndAnswer(bed: String, cycles: Int) throws {
        for _ in 0..<cycles {
            for command in ["call", "ack"] {
                let answer = try post("/api/v1/beds/\(bed)/\(command)")
                guard answer.hasPrefix("HTTP/1.1 200") else {
                    throw WaitFailure(description: "\(command) refused: \(answer)")
                }
            }
        }
    }

    /// `GET /api/v1/health` as a dictionary (its `hub` object flattened in).
    func health() throws -> [String: Any] {
        let response = try RawHTTP.get("/api/v1/health", port: daemon.port)
        guard let start = response.range(of: "\r\n\r\n")?.upperBound,
            let object = try JSONSerialization.jsonObject(with: Data(response[start...].utf8)) as? [String: Any]
        else { throw WaitFailure(description: "no health: \(response)") }
        var flat = object
        for (key, value) in object["hub"] as? [String: Any] ?? [:] { flat["hub." + key] = value }
        return flat
    }

    func number(_ health: [String: Any], _ key: String) -> Int { (health[key] as? NSNumber)?.intValue ?? -1 }

    /// Waits until the hub has acknowledged every row of the record.
    func awaitForwarded(seconds: Double = 60) throws {
        try waitFor("\(device) to forward every row", seconds: seconds) {
            let health = try self.health()
            let done = number(health, "hub.unsent_rows") == 0 && number(health, "record_seq") > 0
            return (done, "\(health)")
        }
    }

    func stop() {
        daemon.signal(SIGTERM)
        _ = daemon.awaitExit(seconds: 20)
    }
}
