import DwellCore
import Yams

/// Turns the text of a protocol file into a ``TreatmentProtocol``, reporting every problem with
/// its line, column and field path: shape and type problems while reading, then the semantic
/// rules of ``TreatmentProtocol/violations(limits:)`` placed at the field they are about.
public enum ProtocolDecoder {
    static let topLevelKeys = ["id", "title", "version", "technique", "length", "warn_before", "observation", "notes", "aftercare", "steps"]
    static let siteKeys = ["site", "label", "needles", "dwell", "technique", "cadence"]
    static let restKeys = ["rest", "label"]

    public struct Decoded: Sendable {
        public var treatment: TreatmentProtocol
        /// Where the `id` value stands, for reporting duplicate ids across a folder.
        public var idLine: Int
        public var idColumn: Int
    }

    public static func decode(_ text: String, path: String, limits: ClinicLimits) -> Result<Decoded, ProtocolFailure> {
        let sink = DiagnosticSink(path: path, text: text)
        let mapping: Node.Mapping
        switch document(text, path: path, needs: "a protocol needs `id`, `title`, `version`, `technique` and `steps`") {
        case .success(let root): mapping = root
        case .failure(let failure): return .failure(failure)
        }
        let fields = FieldReader(mapping, at: .root, known: topLevelKeys, sink: sink)
        let id = fields.string("id", required: "a short name such as `neck-shoulder`")
        let title = fields.string("title", required: "the name therapists see")
        let version = fields.integer("version", required: "1 for a new protocol")
        let technique = fields.technique("technique", required: Technique.allCases.map(\.rawValue).joined(separator: ", "))
        let length = fields.duration("length")
        let warnBefore = fields.duration("warn_before")
        let observation = fields.duration("observation")
        let notes = fields.string("notes")
        let aftercare = fields.string("aftercare")
        let steps = decodeSteps(fields, protocolTechnique: technique, sink: sink)

        let treatment = TreatmentProtocol(
            id: id ?? "", title: title ?? "-", version: version ?? 1, technique: technique ?? .superficial,
            length: length, warnBefore: warnBefore ?? TreatmentProtocol.defaultWarnBefore,
            observation: observation ?? .zero, notes: notes, aftercare: aftercare, steps: steps.steps)
        let stepsIncomplete = steps.incomplete
        for violation in sink.exhausted ? [] : treatment.violations(limits: limits) {
            // A field that failed to decode holds a stand-in value: judge only what was read.
            if sink.hasProblem(atOrAbove: violation.field) { continue }
            if stepsIncomplete && (violation.field == .key("length") || violation.field == .key("steps")) { continue }
            if id == nil && violation.field == .key("id") { continue }
            sink.add(at: sink.location(of: violation.field), violation.field, violation.message)
        }
        guard sink.isEmpty else { return .failure(ProtocolFailure(sink.diagnostics)) }
        let idMark = sink.location(of: .key("id"))
        return .success(Decoded(treatment: treatment, idLine: idMark?.line ?? 1, idColumn: idMark?.column ?? 1))
    }

    /// The single YAML document of a file, as a mapping; empty files, several documents, syntax
    /// errors and non-mappings are diagnosed. `needs` tells what the file should hold.
    package static func document(_ text: String, path: String, needs: String) -> Result<Node.Mapping, ProtocolFailure> {
        let sink = DiagnosticSink(path: path, text: text)
        guard !text.allSatisfy(\.isWhitespace) else {
            return .failure(ProtocolFailure([ProtocolDiagnostic(path: path, message: "the file is empty; \(needs)")]))
        }
        // Far more nodes than bytes can only come from aliases; composing them would take
        // minutes (Yams hashes every key in full), so such a file is refused first.
        if let (line, column) = YAMLExpansion.firstAliasPast(text.utf8.count + 10_000, in: text) {
            return .failure(ProtocolFailure([ProtocolDiagnostic(
                path: path, line: line, column: column,
                message: "this alias makes the file expand to far more values than it holds; write the values out without `*` aliases")]))
        }
        let root: Node
        do {
            var sequence = try Yams.compose_all(yaml: text)
            var documents: [Node] = []
            while documents.count < 2, let document = sequence.next() { documents.append(document) }
            if let error = sequence.error { throw error }
            guard documents.count <= 1 else {
                sink.add(at: documents[1].mark, .root, "the file holds more than one YAML document (`---`); keep one")
                return .failure(ProtocolFailure(sink.diagnostics))
            }
            guard let first = documents.first else {
                return .failure(ProtocolFailure([ProtocolDiagnostic(path: path, message: "the file holds only comments; \(needs)")]))
            }
            root = first
        } catch {
            return .failure(ProtocolFailure([endOfFileClamped(syntaxDiagnostic(error, path: path), text: text)]))
        }
        guard let mapping = root.mapping else {
            sink.add(at: root.mark, .root, "expected a mapping of fields (`key: value`), not a \(root.sequence != nil ? "list" : "single value")")
            return .failure(ProtocolFailure(sink.diagnostics))
        }
        return .success(mapping)
    }

    /// libyaml places problems found at the end of a file that does not end with a line break
    /// on the line after the last; they are placed at the end of the last line instead, so every
    /// line:column names a place in the file.
    static func endOfFileClamped(_ diagnostic: ProtocolDiagnostic, text: String) -> ProtocolDiagnostic {
        let end = end(of: text)
        guard diagnostic.line > end.line else { return diagnostic }
        var placed = diagnostic
        (placed.line, placed.column) = end
        return placed
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

    private static func syntaxDiagnostic(_ error: Error, path: String) -> ProtocolDiagnostic {
        switch error {
        case YamlError.scanner(_, let problem, let mark, _), YamlError.parser(_, let problem, let mark, _),
             YamlError.composer(_, let problem, let mark, _):
            return ProtocolDiagnostic(path: path, line: mark.line, column: mark.column, message: "YAML syntax: \(problem)")
        case YamlError.duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "`\($0)`" }.joined(separator: ", ")
            return ProtocolDiagnostic(path: path, line: context.mark.line, column: context.mark.column,
                                      message: "\(keys) appears more than once in the same mapping; keep one")
        case YamlError.reader(let problem, _, _, _):
            return ProtocolDiagnostic(path: path, message: "YAML reader: \(problem)")
        default:
            return ProtocolDiagnostic(path: path, message: "YAML: \(error)")
        }
    }
}

/// Every problem found in one file.
public struct ProtocolFailure: Error, Sendable {
    public var diagnostics: [ProtocolDiagnostic]

    public init(_ diagnostics: [ProtocolDiagnostic]) { self.diagnostics = diagnostics }
}
