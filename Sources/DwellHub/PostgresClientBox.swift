import Logging
import PostgresNIO

/// A pool and the logger to use with it, handed to a command's work.
public struct PostgresClientBox: Sendable {
    public let client: PostgresClient
    public let logger: Logger

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }
}
