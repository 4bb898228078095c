import DwellCore
import Yams

/// Reads the fields of one YAML mapping, recording where each value stood and every problem
/// (unknown keys with a hint, missing required keys, wrong types) instead of stopping at the first.
package struct FieldReader {
    package let mapping: Node.Mapping
    package let path: FieldPath
    package let diagnostics: DiagnosticSink

    package init(_ mapping: Node.Mapping, at path: FieldPath, known: [String], sink: DiagnosticSink, context: String? = nil) {
        self.mapping = mapping
        self.path = path
        self.diagnostics = sink
        for (key, _) in mapping {
            guard let name = key.string, key.scalar != nil else {
                sink.add(at: key.mark, path, "keys must be plain words")
                continue
            }
            sink.locate(path.appending(name), at: mapping[name]?.mark ?? key.mark)
            if !known.contains(name) {
                let what = context.map { "`\(name)` is not a field of \($0)" } ?? "unknown key `\(name)`"
                sink.add(at: key.mark, path.appending(name), what + Suggestion.hint(for: name, in: known))
            }
        }
    }

    package func node(_ key: String) -> Node? { mapping[key] }

    package func has(_ key: String) -> Bool { mapping[key] != nil }

    /// The raw scalar text of a field, or nil (with a diagnostic when it is required or not a scalar).
    package func scalar(_ key: String, required: String? = nil) -> (text: String, mark: Mark?)? {
        let field = path.appending(key)
        guard let node = mapping[key] else {
            if let required { diagnostics.add(at: mapping.mark, field, "is required (\(required))") }
            return nil
        }
        guard let scalar = node.scalar else {
            diagnostics.add(at: node.mark, field, "must be a single value, not a \(node.sequence != nil ? "list" : "mapping")")
            return nil
        }
        if node.null != nil || scalar.string.isEmpty {
            diagnostics.add(at: node.mark, field, "is empty" + (required.map { " (\($0))" } ?? ""))
            return nil
        }
        return (scalar.string, node.mark)
    }

    package func string(_ key: String, required: String? = nil) -> String? { scalar(key, required: required)?.text }

    package func integer(_ key: String, required: String? = nil) -> Int? {
        guard let (text, mark) = scalar(key, required: required) else { return nil }
        guard text.count <= 9, let value = Int(text) else {
            diagnostics.add(at: mark, path.appending(key), "`\(text)` is not a whole number")
            return nil
        }
        return value
    }

    package func duration(_ key: String, required: String? = nil) -> Duration? {
        guard let (text, mark) = scalar(key, required: required) else { return nil }
        do {
            return try Duration.parse(notation: text)
        } catch {
            diagnostics.add(at: mark, path.appending(key), error.description)
            return nil
        }
    }

    package func technique(_ key: String, required: String? = nil) -> Technique? {
        guard let (text, mark) = scalar(key, required: required) else { return nil }
        guard let technique = Technique(rawValue: text) else {
            let names = Technique.allCases.map(\.rawValue)
            diagnostics.add(at: mark, path.appending(key), "`\(text)` is not a technique" + Suggestion.hint(for: text, in: names))
            return nil
        }
        return technique
    }

    package func cadence(_ key: String) -> Cadence? {
        guard let (text, mark) = scalar(key) else { return nil }
        do {
            return try Cadence.parse(notation: text)
        } catch {
            diagnostics.add(at: mark, path.appending(key), error.description)
            return nil
        }
    }
}

/// Collects diagnostics and where each field's value stood, shared by the readers of one file.
package final class DiagnosticSink {
    package let path: String
    package private(set) var diagnostics: [ProtocolDiagnostic] = []
    private(set) var locations: [FieldPath: Mark] = [:]

    package init(path: String) { self.path = path }

    package func add(at mark: Mark?, _ field: FieldPath, _ message: String) {
        diagnostics.append(ProtocolDiagnostic(
            path: path, line: mark?.line ?? 1, column: mark?.column ?? 1, field: field, message: message))
    }

    package func locate(_ field: FieldPath, at mark: Mark?) {
        if let mark { locations[field] = mark }
    }

    /// The closest recorded location for a field: its own, or its nearest ancestor's.
    package func location(of field: FieldPath) -> Mark? {
        var current = field
        while true {
            if let mark = locations[current] { return mark }
            if current.components.isEmpty { return nil }
            current = current.parent
        }
    }

    /// Whether a field, or a mapping or list holding it, already has a decoding problem.
    package func hasProblem(atOrAbove field: FieldPath) -> Bool {
        diagnostics.contains { !$0.field.components.isEmpty && field.components.starts(with: $0.field.components) }
    }
}
