import DwellBed
import DwellWire
import Foundation
import Hummingbird

extension APIRouter {
    /// `GET /api/v1/stream`: Server-Sent Events, one `bed` event per bed on connect, then one
    /// whenever a bed changes (and every second while a session runs).
    static func stream(_ beds: Beds) throws(Problem) -> Response {
        guard let updates = beds.hub.subscribe() else {
            throw Problem(
                .serviceUnavailable, "Too many streams",
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
        return Response(
            status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"], body: body)
    }

    static func event(_ status: BedStatus) -> ByteBuffer {
        ByteBuffer(string: "event: bed\ndata: " + ((try? WireJSON.text(status)) ?? "{}") + "\n\n")
    }
}
