import DwellCore
import DwellYAML
import Yams

/// Turns the text of a protocol file into a ``TreatmentProtocol``, reporting every problem with
/// its line, column and field path: shape and type problems while reading, then the semantic
/// rules of ``TreatmentProtocol/violations(limits:)`` placed at the field they are about.
public enum ProtocolDecoder {
    static let topLevelKeys = [
        "id", "title", "version", "technique", "length", "warn_before", "observation", "notes", "aftercare", "steps",
    ]
    static let siteKeys = ["site", "label", "needles", "dwell", "technique", "cadence"]
    static let restKeys = ["rest", "label"]

    public struct Decoded: Sendable {
        public var treatment: TreatmentProtocol
        /// Where the `id` value stands, for reporting duplicate ids across a folder.
        public var idLine: Int
        public var idColumn: Int
    }

    public static func decode(_ text: String, path: String, limits: ClinicLimits) -> Result<Decoded, FileFailure> {
        let sink = DiagnosticSink(path: path, text: text)
        let mapping: Node.Mapping
        switch YAMLDocument.mapping(
            text, path: path, needs: "a protocol needs `id`, `title`, `version`, `technique` and `steps`")
        {
        case .success(let root): mapping = root
        case .failure(let failure): return .failure(failure)
        }
        let fields = FieldReader(mapping, at: .root, known: topLevelKeys, sink: sink)
        let id = fields.string("id", required: "a short name such as `neck-shoulder`")
        let title = fields.string("title", required: "the name therapists see")
        let version = fields.integer("version", required: "1 for a new protocol")
        let technique = fields.choice(
            "technique", Technique.self, named: "a technique",
            required: Technique.allCases.map(\.rawValue).joined(separator: ", "))
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
        guard sink.isEmpty else { return .failure(FileFailure(sink.diagnostics)) }
        let idMark = sink.location(of: .key("id"))
        return .success(Decoded(treatment: treatment, idLine: idMark?.line ?? 1, idColumn: idMark?.column ?? 1))
    }
}
