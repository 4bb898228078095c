import Logging
import PostgresNIO

/// Device roles: each room's board logs in as its own role, a member of `dwell_device`, which
/// may insert only its own rows and upsert only its own beds' status (row-level security).
public enum HubDevices {
    public enum Outcome: Equatable, Sendable {
        case added
        /// The device was there already: its password was replaced.
        case passwordChanged
    }

    /// Creates the device and its login role, or changes the role's password when it exists.
    public static func add(
        _ device: String, password: String, client: PostgresClient, logger: Logger
    ) async throws -> Outcome {
        guard HubError.isDevice(device) else { throw HubError.badDevice(device) }
        guard password.count >= 12 else { throw HubError.badPassword("it is shorter than 12 characters") }
        guard password.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw HubError.badPassword("it holds a control character")
        }
        let role = HubSchema.role(of: device)
        // Utility statements take no parameters: the role name is checked above and the password
        // is written as a standard-conforming literal (quotes doubled).
        let literal = "'" + password.replacingOccurrences(of: "'", with: "''") + "'"
        return try await client.withTransaction(logger: logger) { connection in
            var exists = false
            for try await _ in try await connection.query(
                "SELECT 1 FROM pg_roles WHERE rolname = \(role)", logger: logger)
            {
                exists = true
            }
            if exists {
                try await connection.query(
                    PostgresQuery(unsafeSQL: "ALTER ROLE \(role) WITH LOGIN PASSWORD \(literal)"), logger: logger)
            } else {
                try await connection.query(
                    PostgresQuery(
                        unsafeSQL: "CREATE ROLE \(role) WITH LOGIN PASSWORD \(literal) IN ROLE \(HubSchema.deviceGroup)"
                    ),
                    logger: logger)
            }
            var added = false
            for try await _ in try await connection.query(
                """
                INSERT INTO dwell.devices (device, role) VALUES (\(device), \(role))
                ON CONFLICT (device) DO NOTHING RETURNING device
                """, logger: logger)
            {
                added = true
            }
            return added ? .added : .passwordChanged
        }
    }

    /// Every device the hub knows, by room id.
    public static func list(client: PostgresClient, logger: Logger) async throws -> [String] {
        var devices: [String] = []
        for try await device in try await client.query(
            "SELECT device FROM dwell.devices ORDER BY device", logger: logger
        ).decode(String.self) {
            devices.append(device)
        }
        return devices
    }
}
