import DwellWire
import Foundation
import Hummingbird

/// The request context of every route: Hummingbird decodes bodies with ``APIDecoder`` (at most
/// 64 KiB) and encodes answers with ``APIEncoder`` (the wire's JSON set-up).
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { 64 * 1_024 }
    public var requestDecoder: APIDecoder { APIDecoder() }
    public var responseEncoder: APIEncoder { APIEncoder() }
}

/// Request bodies: a JSON object of the endpoint's fields with their types (400 naming the
/// field otherwise); no body at all is an empty object (commands without fields).
public struct APIDecoder: RequestDecoder {
    public func decode<T: Decodable>(
        _ type: T.Type, from request: Request, context: some RequestContext
    ) async throws -> T {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: context.maxUploadSize)
        } catch {
            throw Problem(
                .contentTooLarge, "Body too large", "request bodies are limited to \(context.maxUploadSize / 1_024) KiB"
            )
        }
        do {
            return try WireJSON.decoder().decode(
                T.self, from: body.readableBytes == 0 ? Data("{}".utf8) : Data(buffer: body))
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

/// Answers: JSON with the wire's encoder, `Content-Type: application/json`.
public struct APIEncoder: ResponseEncoder {
    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response
    {
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try WireJSON.encoder().encode(value))))
    }
}

/// The body of a POST that takes no fields: nothing, or a JSON object (`{}`) whatever its keys.
struct NoFields: Decodable {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: AnyKey.self)
    }
}

// The wire types are answered as they are.
extension BedStatus: ResponseEncodable {}
extension ProtocolSummary: ResponseEncodable {}
extension ChecklistSummary: ResponseEncodable {}
extension ReloadResult: ResponseEncodable {}
extension RecordStatus: ResponseEncodable {}
