import ArgumentParser
import DwellClinicBoard
import DwellHub
import DwellWire
import Foundation
import Logging

struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Set up the clinic hub: every room's record forwarded to one PostgreSQL database.",
        discussion: """
            Each room's dwelld forwards its record to PostgreSQL (config `hub:`) as its own role, \
            which may insert only its own rows. `migrate` creates or upgrades the schema; \
            `add-device` creates a room's role (run both as the database's owner). The URL is \
            libpq's: postgres://user@host:5432/dwell?sslmode=verify-full&sslrootcert=/etc/dwell/hub-ca.pem; \
            a password comes from the URL or PGPASSWORD.
            """,
        subcommands: [Migrate.self, AddDevice.self, Devices.self, Serve.self]
    )

    struct Connection: ParsableArguments {
        @Option(help: ArgumentHelp("The clinic hub's PostgreSQL URL.", valueName: "url"))
        var postgres: String

        /// Runs `body` with a pool on the URL; a bad URL or a refused connection exits 69
        /// (`EX_UNAVAILABLE`) with the reason.
        func run<Result: Sendable>(
            password: String? = nil, _ body: @escaping @Sendable (PostgresClientBox) async throws -> Result
        ) async throws -> Result {
            let logger = quietLogger(.error)
            do {
                let address = try HubAddress.parse(postgres).get()
                return try await HubClient.with(address, password: password, logger: logger) { client in
                    try await HubClient.within(.seconds(60), "\(address.redacted)") {
                        try await body(PostgresClientBox(client: client, logger: logger))
                    }
                }
            } catch let error as ExitCode {
                throw error
            } catch {
                printError("error: \(HubError.from(error))")
                throw ExitCode(69)
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create or upgrade the hub's schema (versioned; each version in one transaction).")

        @OptionGroup var connection: Connection

        func run() async throws {
            let applied = try await connection.run { box in try await HubSchema.migrate(box.client, logger: box.logger)
            }
            if applied.isEmpty {
                print("schema up to date (version \(HubSchema.latest))")
            } else {
                print(
                    "schema migrated to version \(HubSchema.latest) (applied \(applied.map(String.init).joined(separator: ", ")))"
                )
            }
        }
    }

    struct AddDevice: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-device",
            abstract: "Create a room's login role (or change its password); it may insert only its own rows.")

        @OptionGroup var connection: Connection

        @Option(help: ArgumentHelp("The room id, e.g. room-3 (lowercase letters, digits, -).", valueName: "id"))
        var device: String

        @Option(
            help: ArgumentHelp(
                "A file (mode 0600) holding the room's password, the one its dwelld reads.", valueName: "path"))
        var passwordFile: String

        func run() async throws {
            let password: String
            switch SecretFile.password.read(passwordFile) {
            case .success(let secret): password = secret
            case .failure(let problem):
                printError("error: \(problem)")
                throw ExitCode(66)
            }
            let device = self.device
            let outcome = try await connection.run { box in
                try await HubDevices.add(device, password: password, client: box.client, logger: box.logger)
            }
            switch outcome {
            case .added: print("device \(device) added (role \(HubSchema.role(of: device)))")
            case .passwordChanged: print("device \(device) exists: its password was changed")
            }
        }
    }

    struct Devices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the rooms the hub knows.")

        @OptionGroup var connection: Connection

        func run() async throws {
            for device in try await connection.run({ box in
                try await HubDevices.list(client: box.client, logger: box.logger)
            }) {
                print(device)
            }
        }
    }
}

extension HubCommand {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the read-only clinic board: every room's beds, alarms first, silent rooms OFFLINE.",
            discussion: """
                The page (GET /) shows each room's beds as its dwelld last reported them; a room not heard \
                from for 10 s is shown OFFLINE with its last known state. GET /api/clinic is the snapshot, \
                GET /api/clinic/stream the same as Server-Sent Events, fed by LISTEN dwell_status. Connect \
                as a role that may read dwell.devices and dwell.bed_status (the schema's owner, or one \
                granted SELECT on them).
                """)

        @OptionGroup var connection: Connection

        @Option(help: ArgumentHelp("Listen on HOST:PORT.", valueName: "host:port"))
        var listen = "127.0.0.1:8480"

        func run() async throws {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65_535).contains(port)
            else {
                printError("error: --listen `\(listen)` must be HOST:PORT, e.g. 0.0.0.0:8480")
                throw ExitCode(64)
            }
            let host = String(listen[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let logger = quietLogger(.warning)
            do {
                let address = try HubAddress.parse(connection.postgres).get()
                try await HubClient.with(address, logger: logger) { client in
                    try await ClinicBoard(client: client, logger: logger).run(host: host, port: port) { bound in
                        FileHandle.standardOutput.write(
                            Data("clinic board on http://\(host):\(bound)/ from \(address.redacted)\n".utf8))
                    }
                    return true
                }
            } catch {
                printError("error: \(HubError.from(error))")
                throw ExitCode(69)
            }
        }
    }
}

/// The hub commands' logger: only what is at `level` or worse (PostgreSQL's own chatter is below it).
func quietLogger(_ level: Logger.Level) -> Logger {
    var logger = Logger(label: "dwell.hub")
    logger.logLevel = level
    return logger
}
