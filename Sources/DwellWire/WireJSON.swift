import Foundation

/// The one JSON set-up of the API: the server's responses and stream events, the CLI's requests
/// and the tests all use it (keys sorted, so answers compare byte for byte; `/` not escaped).
public enum WireJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder { JSONDecoder() }

    /// One value as JSON text (for a stream event's `data:` line).
    public static func text(_ value: some Encodable) throws -> String {
        String(decoding: try encoder().encode(value), as: UTF8.self)
    }
}
