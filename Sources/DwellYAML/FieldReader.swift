import DwellCore
import Yams

/// Reads the fields of one YAML mapping, recording where each value stood and every problem
/// (unknown keys with a hint, missing required keys, wrong types) instead of stopping at the first.
/// Protocol files, board files and the daemon config all read their mappings through it.
package struct FieldReader {
    package let mapping: Node.Mapping
    package let path: FieldPath
    package let diagnostics: DiagnosticSink

    package init(
        _ mapping: Node.Mapping, at path: FieldPath, known: [String], sink: DiagnosticSink, context: String? = nil
    ) {
        self.mapping = mapping
        self.path = path
        self.diagnostics = sink
        // Each key and value once (looking a key up in a Yams mapping is a scan of its pairs).
        guard sink.spend(mapping.count) else { return }
        for (key, value) in mapping {
            guard let name = key.string, key.scalar != nil else {
                sink.add(at: key.mark, path, "keys must be plain words")
                continue
            }
            sink.locate(path.appending(name), at: value.mark ?? key.mark)
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
            diagnostics.add(
                at: node.mark, field, "must be a single value, not a \(node.sequence != nil ? "list" : "mapping")")
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

    /// A duration in the notation of ``Duration/parse(notation:)`` (`30ms`, `5m`, `1m30s`).
    package func duration(_ key: String, required: String? = nil) -> Duration? {
        value(key, required: required, parsedBy: Duration.parse(notation:))
    }

    /// A duration within `range`, with where it stands; nil (with a diagnostic at its value)
    /// when it cannot be read or lies outside.
    package func duration(_ key: String, within range: ClosedRange<Duration>) -> (value: Duration, mark: Mark?)? {
        guard let (text, mark) = scalar(key) else { return nil }
        let field = path.appending(key)
        let value: Duration
        do {
            value = try Duration.parse(notation: text)
        } catch {
            diagnostics.add(at: mark, field, error.description)
            return nil
        }
        guard range.contains(value) else {
            diagnostics.add(
                at: mark, field,
                "\(text) is outside the allowed \(range.lowerBound.notation) to \(range.upperBound.notation)")
            return nil
        }
        return (value, mark)
    }

    /// A value written in some notation (a cadence, a duration): `parse` either reads it or
    /// throws an error whose description says why not.
    package func value<Value, Failure: Error & CustomStringConvertible>(
        _ key: String, required: String? = nil, parsedBy parse: (String) throws(Failure) -> Value
    ) -> Value? {
        guard let (text, mark) = scalar(key, required: required) else { return nil }
        do throws(Failure) {
            return try parse(text)
        } catch {
            diagnostics.add(at: mark, path.appending(key), error.description)
            return nil
        }
    }

    /// One of a fixed set of names (`Choice`'s raw values): `named` says what it is, e.g.
    /// "a technique", for "`x` is not a technique; did you mean …?".
    package func choice<Choice: CaseIterable & RawRepresentable<String>>(
        _ key: String, _ type: Choice.Type, named: String, required: String? = nil
    ) -> Choice? {
        guard let (text, mark) = scalar(key, required: required) else { return nil }
        guard let choice = Choice(rawValue: text) else {
            let names = Choice.allCases.map(\.rawValue)
            diagnostics.add(
                at: mark, path.appending(key), "`\(text)` is not \(named)" + Suggestion.hint(for: text, in: names))
            return nil
        }
        return choice
    }
}
