import DwellBed
import DwellWire
import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem (`application/problem+json`, body ``ProblemBody``). Every API error is
/// one; none changes state.
public struct Problem: HTTPResponseError, Equatable {
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

    public var body: ProblemBody { ProblemBody(type: type, title: title, status: status.code, detail: detail) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try WireJSON.encoder().encode(body)
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if !allow.isEmpty { headers[.allow] = allow.map(\.rawValue).joined(separator: ", ") }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func methodNotAllowed(_ method: HTTPRequest.Method, _ path: String, allowed: [HTTPRequest.Method]) -> Problem
    {
        let methods = Set(allowed).sorted { $0.rawValue < $1.rawValue }
        let names = methods.map(\.rawValue)
        var problem = Problem(
            .methodNotAllowed, "Method not allowed",
            "`\(path)` takes \(names.joined(separator: " or ")), not \(method.rawValue)")
        problem.allow = methods
        return problem
    }
}

extension Problem {
    /// How the API answers a refusal of the bed layer.
    init(_ error: BedError) {
        let status: HTTPResponse.Status =
            switch error {
            case .unknownBed, .unknownProtocol: .notFound
            case .notPossible(let rejection) where rejection.needsReason: .unprocessableContent
            case .busy, .noSession, .notPossible, .cannotStart, .noRecordFault: .conflict
            case .screening, .invalid: .unprocessableContent
            case .recordUnavailable: .serviceUnavailable
            }
        self.init(status, error.title, error.detail)
    }

    /// A request whose fields are there but wrong.
    init(_ error: WireError) {
        self.init(.unprocessableContent, error.title, error.detail)
    }
}

// The bed layer and the wire types know nothing of HTTP; the server says how each of their
// errors is answered.
extension BedError: HTTPResponseError {
    public var status: HTTPResponse.Status { Problem(self).status }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try Problem(self).response(from: request, context: context)
    }
}

extension WireError: HTTPResponseError {
    public var status: HTTPResponse.Status { .unprocessableContent }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        try Problem(self).response(from: request, context: context)
    }
}
