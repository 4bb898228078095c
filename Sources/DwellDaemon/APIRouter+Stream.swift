import DwellBed
import DwellWire
import Foundation
import Hummingbird

extension APIRouter {
    /// `GET /api/v1/stream`: Server-Sent Events, one `bed` event per bed on connect, then one
    /// whenever a bed changes (and every second while a session runs).
    static func stream(_ beds: Beds) throws(Problem) -> Response {
        guard let updates = beds.hub.subscribe() else {
            throw Problem(.serviceUnavailable, "Too many streams",
                          "\(beds.hub.capacity) streams are open already; close one, or poll GET /api/v1/beds")
        }
        let body = ResponseBody { writer in
            for status in await beds.statuses() { try await writer.write(event(status)) }
            for await message in updates {
                switch message {
                case .bed(let status): try await writer.write(event(status))
                case .heartbeat: try await writer.write(ByteBuffer(string: ": heartbeat\n\n"))
                }
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    static func event(_ status: BedStatus) -> ByteBuffer {
        ByteBuffer(string: "event: bed\ndata: " + ((try? WireJSON.text(status)) ?? "{}") + "\n\n")
    }
}

/// The kiosk page's files, served from the module's resources.
enum Kiosk {
    static let files: [(path: String, name: String, type: String)] = [
        ("/", "index.html", "text/html; charset=utf-8"),
        ("/kiosk.css", "kiosk.css", "text/css; charset=utf-8"),
        ("/kiosk.js", "kiosk.js", "text/javascript; charset=utf-8"),
    ]

    static func addRoutes(to router: Router<APIContext>, table: inout RouteTable) {
        for file in files {
            table.add(.get, file.path, isPublic: true)
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
