import DwellBed
import DwellCore
import DwellDaemon
import DwellRunner
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    .standardized

func temporaryFolder() throws -> String {
    let path = NSTemporaryDirectory() + "dwelld-tests-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Runs a command (through `env`, so found on PATH or by path) from the package root; returns
/// its status and its stdout and stderr together.
func runCommand(_ arguments: [String], environment extra: [String: String] = [:]) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
}

/// A copy of the shipped protocols in a folder of its own, so a test can break it.
func protocolsCopy() throws -> String {
    let folder = try temporaryFolder() + "/protocols"
    try FileManager.default.copyItem(atPath: packageRoot.appendingPathComponent("Protocols").path, toPath: folder)
    return folder
}

/// Beds 1 and 2 on simulated boards, with a fresh record (or `record`) and the shipped protocols.
func makeBeds(
    protocols: String? = nil, record: String? = nil, hub: StateHub = StateHub(),
    limits: ClinicLimits = DaemonConfig.simulatorDefaults.limits
) throws -> Beds {
    var config = DaemonConfig.simulatorDefaults
    config.limits = limits
    config.protocols = try protocols ?? protocolsCopy()
    config.record = try record ?? temporaryFolder() + "/record.sqlite"
    let outputs = Dictionary(
        uniqueKeysWithValues: config.beds.map { ($0, SimulatedBoard(bed: $0) as any IndicatorOutput) })
    return try Beds(settings: config.bedSettings, outputs: outputs, logger: Logger(label: "test"), hub: hub)
}

/// The daemon's HTTP side in process: the gate and the routes, on loopback (the router test
/// client sends `Host: localhost`), with the daemon's connection limits.
func app(_ beds: Beds, token: String? = nil, limits: ServerLimits = .standard) -> some ApplicationProtocol {
    Application(
        responder: APIRouter.responder(beds: beds, token: token, hosts: HostPolicy(listen: .loopbackDefault)),
        server: DaemonApplication.server(limits), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
}

func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

func object(_ response: TestResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any] ?? [:]
}

func array(_ response: TestResponse) throws -> [[String: Any]] {
    try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [[String: Any]] ?? []
}

/// The checklist answered: every item `no` except those named `yes` (acknowledged when `acknowledged`).
func screening(yes: [String] = [], acknowledged: [String] = []) -> String {
    let answers = Checklist.standard.items.map { "\"\($0.code)\":\(yes.contains($0.code))" }.joined(separator: ",")
    return #""screening":{"# + answers + #"},"acknowledged":["#
        + acknowledged.map { "\"\($0)\"" }.joined(separator: ",") + "]"
}

/// A start request's JSON object with the checklist answered (all `no`) added.
func screened(_ json: String) -> String { String(json.dropLast()) + "," + screening() + "}" }

let startBody = screened(
    #"{"protocol":"neck-shoulder-multisite","therapist":"t-17","patient":"p-0042","consent":true}"#)

/// What every POST carries: dwelld refuses any other content type (415).
let jsonHeaders: HTTPFields = [.contentType: "application/json"]

/// Runs blocking work (a child process, a socket read, a browser script) on a thread of its own,
/// never on the concurrency pool: the pool has one thread per core (two here), and a test that
/// blocks it for tens of seconds starves every other suite's async work meanwhile.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { done in
        Thread { done.resume(with: Result { try body() }) }.start()
    }
}
