import Logging
import PostgresNIO

/// A `PostgresClient` pool run for the length of a piece of work (a `dwell hub` command, the
/// forwarder's life), and a deadline for each piece of work on it.
public enum HubClient {
    /// Tries one connection first (so a wrong password or a closed port is reported at once, in
    /// the server's words), then runs `client.run()` beside `body` and stops the pool when
    /// `body` returns or throws.
    public static func with<Result: Sendable>(
        _ address: HubAddress, password: String? = nil, logger: Logger,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let configuration = try address.configuration(password: password)
        try await address.probe(password: password, logger: logger)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }

    /// `body`, or `HubError.timedOut(what)` when it has not finished within `limit` (it is cancelled).
    public static func within<Result: Sendable>(
        _ limit: Duration, _ what: String, _ body: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else { throw HubError.timedOut(what) }
            return result
        }
    }
}
