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

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
