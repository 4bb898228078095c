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
        addRecordRoutes(to: api, beds: beds)

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
        api.get("checklist") { _, _ in
            try json(ChecklistInfo(beds.config.checklist))
        }
        api.get("beds") { _, _ in try json(await beds.states()) }
        api.get("beds/:bed") { _, context in
            try json(await beds.controller(try context.parameters.require("bed")).state())
        }
        api.post("beds/:bed/session") { request, context in
            let controller = try beds.controller(try context.parameters.require("bed"))
            let start = try await decode(StartRequest.self, from: request)
            let checklist = try start.validate(against: beds.config.checklist)
            let loaded = try beds.loaded(start.protocol)
            return try json(try await controller.start(loaded, therapist: start.therapist, patient: start.patient,
                                                       checklist: checklist, aftercare: beds.config.aftercare), status: .created)
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
            case "silence": command = .silence
            case "finish": command = .finish
            case "rapid-removal": command = .rapidRemoval
            case "needles-in", "needles-out", "close": command = try await needleCommand(name, request)
            default:
                throw Problem(.notFound, "Unknown command", """
                    `\(name)`: use pause, resume, extend, skip, abort, ack, needles-in, needles-out, rapid-removal, \
                    silence, close or finish
                    """)
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

    /// `needles-in {"count", "step"?}`, `needles-out {"count"?, "step"?}`, `close {"reason"}`.
    static func needleCommand(_ name: String, _ request: Request) async throws -> SessionCommand {
        struct Counted: Decodable {
            var count: Int?
            var step: Int?
            var reason: String?
        }
        let body = try await body(of: request)
        let fields = body.readableBytes > 0 ? try decode(Counted.self, from: body) : Counted()
        switch name {
        case "needles-in":
            guard let count = fields.count else {
                throw Problem(.unprocessableContent, "Count required", "`count`: how many needles are in at the site (0 to \(NeedleLedger.maximumPerSite))")
            }
            return .placeNeedles(count: count, step: fields.step)
        case "needles-out":
            return .removeNeedles(count: fields.count, step: fields.step)
        default:
            guard let reason = fields.reason else {
                throw Problem(.unprocessableContent, "Reason required",
                              "`reason`: why the session closes with the needle counts differing (recorded as a possible adverse event)")
            }
            return .closeWithMismatch(reason: reason)
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
