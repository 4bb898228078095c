import DwellBed
import DwellCore
import DwellHub
import DwellWire
import Foundation
import HTTPTypes
import Hummingbird

/// The HTTP API (`/api/v1/...`, a contract for integrators: see `api/openapi.yaml`) and the
/// kiosk page. Bodies are the wire types (`DwellWire`), decoded and encoded by ``APIContext``;
/// every error is a problem+json document and changes nothing.
public enum APIRouter {
    /// The API and the kiosk page behind the gate (see ``APIGate``): what the daemon serves.
    public static func responder(
        beds: Beds, token: String?, hosts: HostPolicy, hub: HubForwardingState? = nil
    ) -> APIGate<RouterResponder<APIContext>> {
        let (router, routes) = build(beds: beds, hub: hub)
        return APIGate(inner: router.buildResponder(), routes: routes, token: token, hosts: hosts)
    }

    /// Every route the daemon serves (for tests that walk them all).
    public static func routes(beds: Beds) -> [RouteTable.Route] { build(beds: beds, hub: nil).1.routes }

    /// The routes, and the table that lists them for the gate.
    static func build(beds: Beds, hub: HubForwardingState?) -> (Router<APIContext>, RouteTable) {
        let router = Router(context: APIContext.self)
        var table = RouteTable()
        let api = router.group("api/v1")
        let on = Route { method, path, handler in
            table.add(method, "/api/v1/" + path)
            api.on(RouterPath(path), method: method, use: handler)
        }

        on(.get, "protocols") { _, _ in
            beds.protocols.map { ProtocolSummary($0.treatment) }
        }
        on(.post, "protocols/reload") { request, context in
            _ = try await request.decode(as: NoFields.self, context: context)
            switch await beds.reloadProtocols() {
            case .success(let count): return ReloadResult(loaded: count)
            case .failure(let error):
                throw Problem(
                    .unprocessableContent, "Protocols not reloaded",
                    "the previous protocols stay active; fix: \(error.description)")
            }
        }
        on(.get, "checklist") { _, _ in ChecklistSummary(beds.settings.checklist) }
        on(.get, "therapists") { _, _ in beds.settings.therapists }
        on(.get, "beds") { _, _ in await beds.statuses() }
        on(.get, "beds/:bed") { _, context in
            try await beds.status(bed: try context.parameters.require("bed"))
        }
        on(.post, "beds/:bed/session") { request, context in
            let bed = try context.parameters.require("bed")
            try beds.check(bed: bed)  // an unknown bed is a 404 whatever the body
            let start = try await request.decode(as: StartRequest.self, context: context)
            return EditedResponse(status: .created, response: try await beds.start(start, on: bed))
        }
        on(.post, "beds/:bed/:command") { request, context in
            let bed = try context.parameters.require("bed")
            try beds.check(bed: bed)
            let word = try context.parameters.require("command")
            guard let name = CommandName(rawValue: word) else {
                throw Problem(.notFound, "Unknown command", "`\(word)`: use \(CommandName.list)")
            }
            let fields = try await request.decode(as: CommandBody.self, context: context)
            // The patient's call is the bed's, with or without a session.
            if name == .call { return try await beds.call(bed: bed, from: .api) }
            return try await beds.command(try name.command(fields), bed: bed)
        }
        on(.get, "stream") { _, _ in try stream(beds) }
        addRecordRoutes(beds: beds, on: on)
        addHealthRoute(beds: beds, hub: hub, on: on)
        Kiosk.addRoutes(to: router, table: &table)
        return (router, table)
    }
}

/// Registers a handler for `method /api/v1/path`, in the router and in the gate's table.
struct Route {
    let add: (HTTPRequest.Method, String, @escaping @Sendable (Request, APIContext) async throws -> Response) -> Void

    init(
        _ add:
            @escaping (HTTPRequest.Method, String, @escaping @Sendable (Request, APIContext) async throws -> Response)
            -> Void
    ) {
        self.add = add
    }

    /// Any answer Hummingbird can turn into a response: a wire type, an edited one, a response.
    func callAsFunction<Output: ResponseGenerator>(
        _ method: HTTPRequest.Method, _ path: String,
        _ handler: @escaping @Sendable (Request, APIContext) async throws -> Output
    ) {
        add(method, path) { request, context in
            try await handler(request, context).response(from: request, context: context)
        }
    }
}
