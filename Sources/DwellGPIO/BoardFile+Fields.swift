import DwellCore
import DwellProtocolFiles
import Yams

/// Small readers for board file fields; every problem goes to the sink with its line and column.
extension BoardFile {
    static func checkKeys(_ mapping: Node.Mapping, known: [String], at field: FieldPath, sink: DiagnosticSink) {
        guard sink.spend(mapping.count) else { return }
        for (key, _) in mapping {
            guard let name = key.string, key.scalar != nil else {
                sink.add(at: key.mark, field, "keys must be plain words")
                continue
            }
            if !known.contains(name) {
                let names = known.map { "`\($0)`" }.joined(separator: ", ")
                sink.add(at: key.mark, field.appending(name), "unknown key `\(name)`; expected one of \(names)")
            }
        }
    }

    /// The text of an optional scalar field (nil when absent or not a single value, with a diagnostic).
    static func scalar(_ mapping: Node.Mapping, _ key: String, at field: FieldPath, sink: DiagnosticSink) -> String? {
        guard let node = mapping[key] else { return nil }
        guard let scalar = node.scalar, node.null == nil, !scalar.string.isEmpty else {
            sink.add(at: node.mark, field.appending(key), "must be a single value")
            return nil
        }
        return scalar.string
    }

    static func duration(_ mapping: Node.Mapping, _ key: String, at field: FieldPath, sink: DiagnosticSink) -> Duration? {
        guard let text = scalar(mapping, key, at: field, sink: sink) else { return nil }
        do {
            let value = try Duration.parse(notation: text)
            guard value <= .seconds(5) else {
                sink.add(at: mapping[key]?.mark, field.appending(key), "\(text) is too long; at most 5s")
                return nil
            }
            return value
        } catch {
            sink.add(at: mapping[key]?.mark, field.appending(key), error.description)
            return nil
        }
    }

    /// A line written the same way twice (same chip, same offset or name) is refused where it
    /// appears the second time. Lines that are the same only once resolved (an offset and the
    /// name of that offset) are caught by ``resolve(against:)``.
    static func duplicates(_ lines: [LineSpec], path: String) -> [ProtocolDiagnostic] {
        var seen: [String: FieldPath] = [:]
        var problems: [ProtocolDiagnostic] = []
        for line in lines {
            let key = "\(line.chip)|\(line.line)"
            if let first = seen[key] {
                problems.append(line.diagnostic(path: path, "\(line.line) of chip \(line.chip) is already used by \(first)"))
                continue
            }
            seen[key] = line.field
        }
        return problems
    }
}

extension LineSpec {
    /// A problem with this line, reported where the line is written.
    func diagnostic(path: String, _ message: String) -> ProtocolDiagnostic {
        ProtocolDiagnostic(path: path, line: lineNumber, column: column, field: field, message: message)
    }
}
