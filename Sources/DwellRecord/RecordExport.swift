import Foundation

/// The formats a clinic system takes.
public enum RecordExportFormat: String, CaseIterable, Sendable {
    case csv
    case jsonl
    case fhir
}

public enum RecordExport {
    /// CSV (RFC 4180) with a header row of the column names.
    public static func csv(_ entries: [RecordEntry]) -> String {
        var text = RecordEntry.columns.joined(separator: ",") + "\r\n"
        for entry in entries {
            text += entry.values.map { $0.map(quoted) ?? "" }.joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// One JSON object per line, keys as the column names.
    public static func jsonLines(_ entries: [RecordEntry]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try entries.map { String(decoding: try encoder.encode($0), as: UTF8.self) + "\n" }.joined()
    }

    /// CSV of several rooms' rows: a `device` column first, then the record's columns.
    public static func csv(_ rows: [(device: String, entry: RecordEntry)]) -> String {
        var text = (["device"] + RecordEntry.columns).joined(separator: ",") + "\r\n"
        for row in rows {
            text += ([row.device] + row.entry.values).map { $0.map(quoted) ?? "" }.joined(separator: ",") + "\r\n"
        }
        return text
    }

    /// JSON lines of several rooms' rows: each object has a `device` key beside the columns.
    public static func jsonLines(_ rows: [(device: String, entry: RecordEntry)]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try rows.map {
            String(decoding: try encoder.encode(DeviceEntry(device: $0.device, entry: $0.entry)), as: UTF8.self) + "\n"
        }.joined()
    }

    /// A row with the room it came from, encoded as one flat object.
    struct DeviceEntry: Encodable {
        enum Key: String, CodingKey { case device }
        var device: String
        var entry: RecordEntry

        func encode(to encoder: any Encoder) throws {
            try entry.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(device, forKey: .device)
        }
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
