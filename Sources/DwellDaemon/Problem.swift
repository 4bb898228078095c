import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem (`application/problem+json`). Every API error is one; none changes state.
public struct Problem: HTTPResponseError, Equatable, Codable {
    public var type: String
    public var title: String
    public var status: HTTPResponse.Status
    public var detail: String
    /// The methods a path does take, sent as `Allow` with a 405.
    public var allow: [HTTPRequest.Method] = []

    public init(_ status: HTTPResponse.Status, _ title: String, _ detail: String, type: String = "about:blank") {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
    }

    enum CodingKeys: String, CodingKey { case type, title, status, detail }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(status.code, forKey: .status)
        try container.encode(detail, forKey: .detail)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        title = try container.decode(String.self, forKey: .title)
        status = HTTPResponse.Status(code: try container.decode(Int.self, forKey: .status))
        detail = try container.decode(String.self, forKey: .detail)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if !allow.isEmpty { headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func methodNotAllowed(_ method: HTTPRequest.Method, _ path: String, allowed: [HTTPRequest.Method]) -> Problem {
        let methods = Set(allowed).sorted { $0.rawValue < $1.rawValue }
        let names = methods.map(\.rawValue)
        var problem = Problem(.methodNotAllowed, "Method not allowed",
                              "`\(path)` takes \(names.joined(separator: " or ")), not \(method.rawValue)")
        problem.allow = methods
        return problem
    }

    static func unknownBed(_ bed: String, known: [String]) -> Problem {
        Problem(.notFound, "Unknown bed", "there is no bed `\(bed)`; beds: \(known.joined(separator: ", "))")
    }

    static func unknownProtocol(_ id: String) -> Problem {
        Problem(.notFound, "Unknown protocol", "there is no protocol `\(id)`; GET /api/v1/protocols lists them")
    }
}
