import DwellCore
import DwellWire
import DwellYAML
import Foundation
import Yams

/// `clinic.therapists`: whom the kiosk offers to pick when a session starts, so a therapist
/// taps her name instead of typing her code on a screen without a keyboard.
extension DaemonConfig {
    static let therapistKeys = ["code", "name"]

    /// `[{code: t-17, name: Anna}]`: codes as a start sends them (letters, digits, `-`, `_`,
    /// `.`), each listed once; names short enough for a tile, on one line.
    static func therapists(_ node: Node, sink: DiagnosticSink) -> [TherapistEntry] {
        let field = FieldPath.key("clinic").appending("therapists")
        guard let sequence = node.sequence else {
            sink.add(at: node.mark, field, "must be a list of {code, name}, e.g. `[{code: t-17, name: Anna}]`")
            return []
        }
        guard sequence.count <= TherapistEntry.maxCount else {
            sink.add(
                at: node.mark, field,
                "lists \(sequence.count) therapists; the kiosk shows at most \(TherapistEntry.maxCount)")
            return []
        }
        var codes: Set<String> = []
        var list: [TherapistEntry] = []
        for (index, element) in sequence.enumerated() {
            guard sink.spend(1) else { break }
            let path = field.appending(index: index)
            guard let mapping = element.mapping else {
                sink.add(at: element.mark, path, "must be a mapping with code and name, not \(describe(element))")
                continue
            }
            let reader = FieldReader(mapping, at: path, known: therapistKeys, sink: sink)
            let code = reader.scalar("code", required: "the therapist's code, e.g. `t-17`")
            let name = reader.scalar("name", required: "what the kiosk's tile shows, e.g. `Anna`")
            guard let code, let name else { continue }
            guard StartRequest.isCode(code.text) else {
                sink.add(
                    at: code.mark, path.appending("code"),
                    "`\(code.text)` must be 1 to 64 letters, digits, `-`, `_` or `.` (a code, never a name)")
                continue
            }
            guard codes.insert(code.text).inserted else {
                sink.add(at: code.mark, path.appending("code"), "`\(code.text)` is listed twice; codes must be unique")
                continue
            }
            let trimmed = name.text.trimmingCharacters(in: CharacterSet.whitespaces)
            guard (1...TherapistEntry.maxNameLength).contains(trimmed.count),
                !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
            else {
                sink.add(
                    at: name.mark, path.appending("name"),
                    "`\(name.text)` must be 1 to \(TherapistEntry.maxNameLength) characters on one line")
                continue
            }
            list.append(TherapistEntry(code: code.text, name: trimmed))
        }
        return list
    }
}
