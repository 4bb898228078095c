import DwellCore
import DwellProtocolFiles
import Foundation
import HTTPTypes
import Hummingbird

/// The HTTP API (`/api/v1/...`, a contract for integrators: see `api/openapi.yaml`) and the
/// kiosk page. Every error is a problem+json document and changes nothing.
public enum APIRouter {
    public static func build(beds: DaemonBeds, token: String?) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        if let token { router.add(middleware: BearerTokenMiddleware(token: token)) }
        let api = router.group("api/v1")

        api.get("protocols") { _, _ in
            try json(beds.protocols.map(ProtocolInfo.init))
        }
        api.post("protocols/reload") { _, _ in
            switch beds.reloadProtocols() {
            case .success(let count): return try json(["loaded": count])
            case .failure(let error):
                throw Problem(.unprocessableContent, "Protocols not reloaded",
                              "the previous protocols stay active; fix: \(error.description)")
            }
        }
        api.get("beds") { _, _ in try json(await beds.states()) }
        api.get("beds/:bed") { _, context in
            try json(await beds.controller(try context.parameters.require("bed")).state())
        }
        api.post("beds/:bed/session") { request, context in
            let controller = try beds.controller(try context.parameters.require("bed"))
            let start = try await decode(StartRequest.self, from: request)
            try start.validate()
            let loaded = try beds.loaded(start.protocol)
            return try json(try await controller.start(loaded, therapist: start.therapist, patient: start.patient), status: .created)
        }
        api.post("beds/:bed/:command") { request, context in
            let controller = try beds.controller(try context.parameters.require("bed"))
            let name = try context.parameters.require("command")
            let command: SessionCommand
            switch name {
            case "pause": command = .pause
            case "resume": command = .resume
            case "skip": command = .skip
            case "abort": command = .abort
            case "ack", "acknowledge": command = .acknowledge
            case "extend": command = .extend(try await extensionAmount(request))
            default:
                throw Problem(.notFound, "Unknown command", "`\(name)`: use pause, resume, extend, skip, abort or ack")
            }
            return try json(try await controller.command(command))
        }
        api.get("stream") { _, _ in stream(beds) }
        Kiosk.addRoutes(to: router)
        return router
    }

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
            throw Problem(.badRequest, "Malformed JSON", "`\(field)` has the wrong type: \(context.debugDescription)")
        } catch {
            throw Problem(.badRequest, "Malformed JSON", "the body is not the JSON object this endpoint takes")
        }
    }

    static func extensionAmount(_ request: Request) async throws -> Duration {
        let body = try await body(of: request)
        guard body.readableBytes > 0 else { return SessionCommand.defaultExtension }
        struct Extend: Decodable { var by: String? }
        let extend = try decode(Extend.self, from: body)
        guard let text = extend.by else { return SessionCommand.defaultExtension }
        do {
            return try Duration.parse(notation: text)
        } catch {
            throw Problem(.unprocessableContent, "Bad extension", "`by`: \(error.description)")
        }
    }
}

/// `POST /api/v1/beds/{bed}/session`.
struct StartRequest: Decodable {
    var `protocol`: String
    var therapist: String?
    var patient: String?
    var consent: Bool?

    /// Consent must be confirmed; ids are short pseudonymous codes, never names.
    func validate() throws(Problem) {
        guard consent == true else {
            throw Problem(.unprocessableContent, "Consent required",
                          "confirm the patient's informed consent (\"consent\": true) before starting; nothing was started")
        }
        for (field, value) in [("therapist", therapist), ("patient", patient)] {
            guard let value else { continue }
            guard (1...64).contains(value.count), value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
                throw Problem(.unprocessableContent, "Invalid \(field)",
                              "`\(field)` must be a code of letters, digits, `-`, `_` or `.` (at most 64), e.g. `p-0042`; Dwell never stores names")
            }
        }
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
