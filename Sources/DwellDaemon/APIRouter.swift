import DwellCore
import DwellProtocolFiles
import Foundation
import HTTPTypes
import Hummingbird

/// The HTTP API (`/api/v1/...`, a contract for integrators: see `api/openapi.yaml`) and the
/// kiosk page. Every error is a problem+json document and changes nothing.
public enum APIRouter {
    /// The API and the kiosk page behind the gate (see ``APIGate``): what the daemon serves.
    public static func responder(beds: DaemonBeds, token: String?, hosts: HostPolicy) -> APIGate<RouterResponder<BasicRequestContext>> {
        let (router, routes) = build(beds: beds)
        return APIGate(inner: router.buildResponder(), routes: routes, token: token, hosts: hosts)
    }

    /// Every route the daemon serves (for tests that walk them all).
    public static func routes(beds: DaemonBeds) -> [RouteTable.Route] { build(beds: beds).1.routes }

    /// The routes, and the table that lists them for the gate.
    static func build(beds: DaemonBeds) -> (Router<BasicRequestContext>, RouteTable) {
        let router = Router(context: BasicRequestContext.self)
        var table = RouteTable()
        let api = router.group("api/v1")
        func on(_ method: HTTPRequest.Method, _ path: String,
                _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) {
            table.add(method, "/api/v1/" + path)
            api.on(RouterPath(path), method: method, use: handler)
        }

        on(.get, "protocols") { _, _ in
            try json(beds.protocols.map(ProtocolInfo.init))
        }
        on(.post, "protocols/reload") { request, _ in
            _ = try await decodeIfPresent(NoFields.self, from: request)
            switch await beds.reloadProtocols() {
            case .success(let count): return try json(["loaded": count])
            case .failure(let error):
                throw Problem(.unprocessableContent, "Protocols not reloaded",
                              "the previous protocols stay active; fix: \(error.description)")
            }
        }
        on(.get, "checklist") { _, _ in
            try json(ChecklistInfo(beds.config.checklist))
        }
        on(.get, "beds") { _, _ in try json(await beds.states()) }
        on(.get, "beds/:bed") { _, context in
            try json(await beds.controller(try context.parameters.require("bed")).state())
        }
        on(.post, "beds/:bed/session") { request, context in
            let controller = try beds.controller(try context.parameters.require("bed"))
            let start = try await decode(StartRequest.self, from: request)
            let checklist = try start.validate(against: beds.config.checklist)
            let loaded = try beds.loaded(start.protocol)
            return try json(try await controller.start(loaded, therapist: start.therapist, patient: start.patient,
                                                       checklist: checklist, aftercare: beds.config.aftercare), status: .created)
        }
        on(.post, "beds/:bed/:command") { request, context in
            let controller = try beds.controller(try context.parameters.require("bed"))
            let fields = try await decodeIfPresent(CommandBody.self, from: request) ?? CommandBody()
            return try json(try await controller.command(try fields.command(try context.parameters.require("command"))))
        }
        on(.get, "stream") { _, _ in try stream(beds) }
        addRecordRoutes(beds: beds, on: on)
        Kiosk.addRoutes(to: router, table: &table)
        return (router, table)
    }

    /// Registers a handler for `method /api/v1/path`, in the router and in the gate's table.
    typealias Route = (HTTPRequest.Method, String, @escaping @Sendable (Request, BasicRequestContext) async throws -> Response) -> Void

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        try decode(type, from: try await body(of: request))
    }

    /// The body decoded as `T`, or nil when there is none: a body that is there must be right.
    static func decodeIfPresent<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T? {
        let body = try await body(of: request)
        return body.readableBytes == 0 ? nil : try decode(type, from: body)
    }

    /// The request body, refused when over 64 KiB.
    static func body(of request: Request) async throws -> ByteBuffer {
        do {
            return try await request.body.collect(upTo: 64 * 1_024)
        } catch {
            throw Problem(.contentTooLarge, "Body too large", "request bodies are limited to 64 KiB")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from body: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch DecodingError.keyNotFound(let key, _) {
            throw Problem(.badRequest, "Malformed JSON", "the field `\(key.stringValue)` is missing")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            let what = field.isEmpty ? "the body" : "`\(field)`"
            throw Problem(.badRequest, "Malformed JSON", "\(what) has the wrong type: \(context.debugDescription)")
        } catch {
            throw Problem(.badRequest, "Malformed JSON", "the body is not the JSON object this endpoint takes")
        }
    }
}

/// `POST /api/v1/beds/{bed}/session`.
struct StartRequest: Decodable {
    var `protocol`: String
    var therapist: String?
    var patient: String?
    var consent: Bool?
    /// Every checklist item's code, answered true (present) or false.
    var screening: [String: Bool]?
    /// The relative contraindications present that the therapist has weighed.
    var acknowledged: [String]?

    /// Consent and the checklist must pass; ids are short pseudonymous codes, never names.
    /// Returns the checklist's answers for the record.
    func validate(against checklist: Checklist) throws(Problem) -> String {
        let summary: String
        do throws(ScreeningRefusal) {
            summary = try checklist.screen(consent: consent == true, answers: screening ?? [:], acknowledged: Set(acknowledged ?? []))
        } catch {
            throw Problem(.unprocessableContent, error.title, error.description)
        }
        for (field, value) in [("therapist", therapist), ("patient", patient)] {
            guard let value else { continue }
            guard (1...64).contains(value.count), value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw Problem(.unprocessableContent, "Invalid \(field)",
                              "`\(field)` must be a code of letters, digits, `-`, `_` or `.` (at most 64), e.g. `p-0042`; Dwell never stores names")
            }
        }
        return summary
    }
}

/// `GET /api/v1/checklist`: the items a start answers, by severity.
struct ChecklistInfo: Encodable {
    struct Item: Encodable {
        var code: String
        var label: String
    }

    var absolute: [Item]
    var relative: [Item]

    init(_ checklist: Checklist) {
        absolute = checklist.absolute.map { Item(code: $0.code, label: $0.label) }
        relative = checklist.relative.map { Item(code: $0.code, label: $0.label) }
    }
}

/// `GET /api/v1/protocols`.
struct ProtocolInfo: Encodable {
    var id: String
    var title: String
    var version: Int
    var technique: String
    var length_ms: Int64
    var observation_ms: Int64
    var sites: [String]

    init(_ loaded: LoadedProtocol) {
        let treatment = loaded.treatment
        id = treatment.id
        title = treatment.title
        version = treatment.version
        technique = treatment.technique.rawValue
        length_ms = treatment.stepsTotal.wholeMilliseconds
        observation_ms = treatment.observation.wholeMilliseconds
        sites = treatment.steps.compactMap { $0.site?.displayName }
    }
}
