import Logging
import PostgresNIO

/// The clinic hub's schema, in versioned migrations: `dwell hub migrate` applies those a
/// database lacks, each in its own transaction, under an advisory lock so two never race.
public enum HubSchema {
    /// Each migration: its version and its statements, in order.
    static let migrations: [(version: Int, statements: [String])] = [(1, version1)]

    public static var latest: Int { migrations.last?.version ?? 0 }

    /// Applies what is missing; returns the versions applied (none when up to date).
    public static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [Int] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7431017)", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS public.dwell_schema_version (
                    version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """, logger: logger)
            var current = 0
            for try await version in try await connection.query(
                "SELECT coalesce(max(version), 0) FROM public.dwell_schema_version", logger: logger
            ).decode(Int.self) {
                current = version
            }
            guard current <= latest else { throw HubError.schemaTooNew(current, known: latest) }
            var applied: [Int] = []
            for migration in migrations where migration.version > current {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO public.dwell_schema_version (version) VALUES (\(migration.version))", logger: logger)
                applied.append(migration.version)
            }
            return applied
        }
    }

    /// The group role every device role is a member of.
    public static let deviceGroup = "dwell_device"

    /// The role a device connects as: `dwell_dev_` and its room id, `-` written `_`.
    public static func role(of device: String) -> String {
        "dwell_dev_" + device.replacingOccurrences(of: "-", with: "_")
    }
}
