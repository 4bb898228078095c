import Yams

/// The one YAML document a file (protocol, board file, daemon config) holds, read the same way
/// for all of them: empty files, several documents, syntax errors, alias bombs and
/// non-mappings are diagnosed with their place.
package enum YAMLDocument {
    /// The single YAML document of a file, as a mapping; empty files, several documents, syntax
    /// errors and non-mappings are diagnosed. `needs` tells what the file should hold.
    package static func mapping(_ text: String, path: String, needs: String) -> Result<Node.Mapping, FileFailure> {
        let sink = DiagnosticSink(path: path, text: text)
        guard !text.allSatisfy(\.isWhitespace) else {
            return .failure(FileFailure([FileDiagnostic(path: path, message: "the file is empty; \(needs)")]))
        }
        // Far more nodes than bytes can only come from aliases; composing them would take
        // minutes (Yams hashes every key in full), so such a file is refused first.
        if let (line, column) = YAMLExpansion.firstAliasPast(text.utf8.count + 10_000, in: text) {
            return .failure(
                FileFailure([
                    FileDiagnostic(
                        path: path, line: line, column: column,
                        message:
                            "this alias makes the file expand to far more values than it holds; write the values out without `*` aliases"
                    )
                ]))
        }
        let root: Node
        do {
            var sequence = try Yams.compose_all(yaml: text)
            var documents: [Node] = []
            while documents.count < 2, let document = sequence.next() { documents.append(document) }
            if let error = sequence.error { throw error }
            guard documents.count <= 1 else {
                sink.add(at: documents[1].mark, .root, "the file holds more than one YAML document (`---`); keep one")
                return .failure(FileFailure(sink.diagnostics))
            }
            guard let first = documents.first else {
                return .failure(
                    FileFailure([FileDiagnostic(path: path, message: "the file holds only comments; \(needs)")]))
            }
            root = first
        } catch {
            return .failure(FileFailure([endOfFileClamped(syntaxDiagnostic(error, path: path), text: text)]))
        }
        guard let mapping = root.mapping else {
            sink.add(
                at: root.mark, .root,
                "expected a mapping of fields (`key: value`), not a \(root.sequence != nil ? "list" : "single value")")
            return .failure(FileFailure(sink.diagnostics))
        }
        return .success(mapping)
    }

    /// The line and column just past the last character, counting lines as YAML does (LF,
    /// CR, CR LF, NEL, LS, PS).
    package static func end(of text: String) -> (line: Int, column: Int) {
        var (lines, width, afterCR) = (1, 0, false)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n" where afterCR: break
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}": (lines, width) = (lines + 1, 0)
            default: width += 1
            }
            afterCR = scalar == "\r"
        }
        return (lines, width + 1)
    }

    /// libyaml places problems found at the end of a file that does not end with a line break
    /// on the line after the last; they are placed at the end of the last line instead, so every
    /// line:column names a place in the file.
    static func endOfFileClamped(_ diagnostic: FileDiagnostic, text: String) -> FileDiagnostic {
        let end = end(of: text)
        guard diagnostic.line > end.line else { return diagnostic }
        var placed = diagnostic
        (placed.line, placed.column) = end
        return placed
    }

    private static func syntaxDiagnostic(_ error: Error, path: String) -> FileDiagnostic {
        switch error {
        case YamlError.scanner(_, let problem, let mark, _), YamlError.parser(_, let problem, let mark, _),
            YamlError.composer(_, let problem, let mark, _):
            return FileDiagnostic(path: path, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return FileDiagnostic(
                path: path, line: context.mark.line, column: context.mark.column,
                message: "\(keys) appears more than once in the same mapping; keep one")
        case YamlError.reader(let problem, _, _, _):
            return FileDiagnostic(path: path, message: "YAML reader: \(problem)")
        default:
            return FileDiagnostic(path: path, message: "YAML: \(error)")
        }
    }
}
