import DwellProbe
import Foundation

/// A throwaway PostgreSQL cluster for the clinic hub tests: `initdb` in a temporary folder as
/// the unprivileged `postgres` user (tests run as root here; PostgreSQL refuses root), then
/// `pg_ctl` on a loopback port with its socket in that folder. Stopped and removed by `close()`
/// and, should a test fail before that, by `deinit`.
final class PostgresCluster: @unchecked Sendable {
    enum Failure: Error, CustomStringConvertible {
        case missing(String)
        case command([String], Int32, String)

        var description: String {
            switch self {
            case .missing(let what): return what
            case .command(let arguments, let status, let output):
                return "`\(arguments.joined(separator: " "))` exited \(status): \(output)"
            }
        }
    }

    /// `.ci/run` sets it: a missing PostgreSQL then fails the hub tests instead of skipping them.
    static let isRequired = ProcessInfo.processInfo.environment["DWELL_REQUIRE_POSTGRES"] == "1"

    /// The folder holding `initdb` and `pg_ctl`: Debian's (`/usr/lib/postgresql/N/bin`), then PATH's.
    static let binaries: String? = {
        var candidates = ["/usr/lib/postgresql/15/bin"]
        if let versions = try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql") {
            candidates += versions.sorted().reversed().map { "/usr/lib/postgresql/\($0)/bin" }
        }
        candidates += (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return candidates.first { folder in
            FileManager.default.isExecutableFile(atPath: folder + "/initdb")
                && FileManager.default.isExecutableFile(atPath: folder + "/pg_ctl")
        }
    }()

    /// Whether the hub tests run: PostgreSQL is here, or it is required (and its absence fails).
    static var shouldRun: Bool { binaries != nil || isRequired }

    static let adminUser = "dwell_admin"
    static let adminPassword = "admin-secret-0123456789"

    let folder: String
    let port: Int
    private(set) var isRunning = false
    private let asRoot = getuid() == 0

    /// The owner's URL (the schema's owner: migrate, add-device, verify, export).
    var adminURL: String { url(user: Self.adminUser, password: Self.adminPassword) }

    func url(user: String, password: String? = nil, port: Int? = nil) -> String {
        let credentials = password.map { "\(user):\($0)" } ?? user
        return "postgres://\(credentials)@127.0.0.1:\(port ?? self.port)/postgres?sslmode=disable"
    }

    init() throws {
        guard let binaries = Self.binaries else {
            throw Failure.missing(
                "PostgreSQL's initdb and pg_ctl were not found (Debian: apt-get install postgresql-15)")
        }
        folder = NSTemporaryDirectory() + "dwell-hub-" + UUID().uuidString
        port = freePort()
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let passwordFile = folder + "/admin-password"
        try Self.adminPassword.write(toFile: passwordFile, atomically: true, encoding: .utf8)
        if asRoot { try run(["chown", "-R", "postgres:postgres", folder], asPostgres: false) }
        try run(
            [
                binaries + "/initdb", "-D", folder + "/data", "-U", Self.adminUser, "--pwfile=" + passwordFile,
                "--auth=scram-sha-256", "--no-sync", "--no-instructions",
            ], asPostgres: true)
        try start()
    }

    func start() throws {
        guard let binaries = Self.binaries else { return }
        try run(
            [
                binaries + "/pg_ctl", "-D", folder + "/data", "-l", folder + "/server.log", "-w", "-t", "30", "-o",
                "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start",
            ], asPostgres: true)
        isRunning = true
    }

    /// Stops the server at once (`immediate`: as a crash or a pulled cable would).
    func stop() throws {
        guard let binaries = Self.binaries, isRunning else { return }
        isRunning = false
        try run([binaries + "/pg_ctl", "-D", folder + "/data", "-m", "immediate", "-w", "stop"], asPostgres: true)
    }

    var log: String { (try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "" }

    /// One SQL statement through psql as the owner; its unaligned output.
    @discardableResult
    func sql(_ statement: String, user: String = adminUser, password: String = adminPassword) throws -> String {
        try run(
            ["psql", "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", statement, url(user: user)],
            asPostgres: false, environment: ["PGPASSWORD": password])
    }

    func close() {
        try? stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    deinit { close() }

    @discardableResult
    private func run(_ arguments: [String], asPostgres: Bool, environment: [String: String] = [:]) throws -> String {
        let command = asPostgres && asRoot ? ["runuser", "-u", "postgres", "--"] + arguments : arguments
        // A file, not a pipe: the server pg_ctl starts inherits the descriptors and keeps them
        // open, so a pipe would never reach its end. posix_spawn and waitpid rather than
        // Foundation's Process, whose exit watch missed runuser's exit after `pg_ctl start`.
        let outputPath = NSTemporaryDirectory() + "dwell-hub-command-" + UUID().uuidString
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let argv = command.map { strdup($0) } + [nil]
        let envp = variables.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawnp(&pid, command[0], &actions, nil, argv, envp)
        guard spawned == 0 else { throw Failure.command(arguments, -1, String(cString: strerror(spawned))) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exited == 0 else { throw Failure.command(arguments, exited, text) }
        return text
    }
}
