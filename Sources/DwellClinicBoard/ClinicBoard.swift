import DwellHub
import Foundation
import Hummingbird
import Logging
import PostgresNIO

/// `dwell hub serve`: the read-only clinic page (every room's beds, alarms first, silent rooms
/// OFFLINE), `GET /api/clinic` (the snapshot) and `GET /api/clinic/stream` (Server-Sent Events,
/// one `clinic` event per change the hub is told of, fed by `LISTEN dwell_status`).
public struct ClinicBoard: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    let feed = ClinicFeed()

    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Serves until cancelled; `ready` is told the bound port.
    public func run(host: String, port: Int, ready: @escaping @Sendable (Int) -> Void) async throws {
        let router = Router()
        let (client, logger, feed) = (self.client, self.logger, self.feed)
        for (path, name, type) in ClinicPage.files {
            router.get(RouterPath(path)) { _, _ in try ClinicPage.serve(name, type: type) }
        }
        router.get("/api/clinic") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: ResponseBody(
                    byteBuffer: ByteBuffer(string: try await ClinicSnapshot.read(client: client, logger: logger))))
        }
        router.get("/api/clinic/stream") { _, _ in
            guard let wakes = feed.subscribe() else {
                return Response(
                    status: .serviceUnavailable,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "too many streams\n")))
            }
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: try await Self.event(client, logger)))
                for await _ in wakes {
                    try await writer.write(ByteBuffer(string: try await Self.event(client, logger)))
                }
                try await writer.finish(nil)
            }
            return Response(
                status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "dwell-hub"),
            onServerRunning: { channel in ready(channel.localAddress?.port ?? port) }, logger: logger)
        // The server ends on SIGTERM or SIGINT (gracefully); LISTEN and the tick end with it.
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            group.addTask { try await listen() }
            group.addTask {
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(2))
                    feed.wake()
                }
            }
            defer {
                feed.finish()
                group.cancelAll()
            }
            try await group.next()
        }
    }

    /// `LISTEN dwell_status` on a connection of its own, again after any failure.
    func listen() async throws {
        while !Task.isCancelled {
            do {
                try await client.withConnection { connection in
                    try await connection.listen(on: "dwell_status") { notifications in
                        for try await _ in notifications { feed.wake() }
                    }
                }
            } catch {
                logger.warning("clinic board: LISTEN failed: \(HubError.from(error)); again in 2 s")
                try await Task.sleep(for: .seconds(2))
            }
        }
    }

    static func event(_ client: PostgresClient, _ logger: Logger) async throws -> String {
        "event: clinic\ndata: " + (try await ClinicSnapshot.read(client: client, logger: logger)) + "\n\n"
    }
}

/// The page's files, from the module's resources.
enum ClinicPage {
    static let files: [(String, String, String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/board.css", "board.css", "text/css; charset=utf-8"),
        ("/board.js", "board.js", "text/javascript; charset=utf-8"),
    ]

    static func serve(_ name: String, type: String) throws -> Response {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Board"),
            let data = try? Data(contentsOf: url)
        else { throw HTTPError(.internalServerError, message: "\(name) is not installed next to dwell") }
        return Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
