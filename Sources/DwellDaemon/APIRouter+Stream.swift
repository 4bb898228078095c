import Foundation
import Hummingbird

extension APIRouter {
    /// `GET /api/v1/stream`: Server-Sent Events, one `bed` event per bed on connect, then one
    /// whenever a bed changes (and every second while a session runs).
    static func stream(_ beds: DaemonBeds) -> Response {
        let updates = beds.hub.subscribe()
        let body = ResponseBody { writer in
            for state in await beds.states() { try await writer.write(event(state)) }
            for await state in updates { try await writer.write(event(state)) }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    static func event(_ state: BedState) -> ByteBuffer {
        let data = (try? encoder.encode(state)) ?? Data("{}".utf8)
        return ByteBuffer(string: "event: bed\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n")
    }
}

/// Requires `Authorization: Bearer <token>` on the API when the daemon listens beyond loopback.
struct BearerTokenMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let token: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        let header = request.headers[.authorization] ?? ""
        let expected = "Bearer \(token)"
        guard header.utf8.count == expected.utf8.count, zip(header.utf8, expected.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw Problem(.unauthorized, "Unauthorized", "send `Authorization: Bearer <token>` with the token from the daemon's token file")
        }
        return try await next(request, context)
    }
}

/// The kiosk page's files, served from the module's resources.
enum Kiosk {
    static let files: [(path: String, name: String, type: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/kiosk.css", "kiosk.css", "text/css; charset=utf-8"),
        ("/kiosk.js", "kiosk.js", "text/javascript; charset=utf-8"),
    ]

    static func addRoutes(to router: Router<BasicRequestContext>) {
        for file in files {
            router.get(RouterPath(file.path)) { _, _ in
                guard let url = Bundle.module.url(forResource: file.name, withExtension: nil, subdirectory: "Kiosk"),
                      let data = try? Data(contentsOf: url) else {
                    throw Problem(.internalServerError, "Kiosk page missing", "\(file.name) is not installed next to dwelld")
                }
                return Response(status: .ok, headers: [.contentType: file.type, .cacheControl: "no-cache"],
                                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
            }
        }
    }
}
