import DwellCore
import Yams

/// Collects diagnostics and where each field's value stood, shared by the readers of one file.
/// Every operation is constant time (or proportional to a field path's depth), so a file with
/// thousands of problems is judged in time linear in its size; only the first
/// ``maximumKept`` problems are kept, the rest counted into one "… and N more" line.
package final class DiagnosticSink {
    /// Problems kept per file; beyond this they are only counted.
    package static let maximumKept = 50

    package let path: String
    private var kept: [FileDiagnostic] = []
    /// Every problem found, kept or only counted.
    package private(set) var count = 0
    /// Where the first problem that was only counted stands.
    private var firstDropped: (line: Int, column: Int)?
    /// Every field with a problem, so ``hasProblem(atOrAbove:)`` looks up instead of scanning.
    private var fieldsWithProblems: Set<FieldPath> = []
    private(set) var locations: [FieldPath: Mark] = [:]
    /// Mapping entries the readers may still visit: YAML aliases (`*name`) can make a small file
    /// name the same large mapping thousands of times, so the work is bounded by the file's size.
    private var budget: Int
    package private(set) var exhausted = false

    /// The last place in the file: libyaml puts what it finds at the end of a file that does
    /// not end with a line break (an empty value, say) on the line after the last.
    private let end: (line: Int, column: Int)?

    /// `budget`: how many mapping entries the readers may visit (about the file's size in bytes).
    package init(path: String, budget: Int = .max) {
        self.path = path
        self.budget = budget
        end = nil
    }

    /// A sink for the problems in `text`: a budget in proportion to its size, and every place
    /// kept inside it.
    package convenience init(path: String, text: String) {
        self.init(path: path, budget: text.utf8.count + 1_000, end: YAMLDocument.end(of: text))
    }

    private init(path: String, budget: Int, end: (line: Int, column: Int)) {
        self.path = path
        self.budget = budget
        self.end = end
    }

    package var isEmpty: Bool { count == 0 }

    /// `message` is only built for problems that are kept.
    package func add(at mark: Mark?, _ field: FieldPath, _ message: @autoclosure () -> String) {
        var (line, column) = (mark?.line ?? 1, mark?.column ?? 1)
        if let end, line > end.line { (line, column) = end }
        count += 1
        if !field.components.isEmpty { fieldsWithProblems.insert(field) }
        guard kept.count < Self.maximumKept else {
            if firstDropped == nil { firstDropped = (line, column) }
            return
        }
        kept.append(FileDiagnostic(path: path, line: line, column: column, field: field, message: message()))
    }

    /// A problem found elsewhere (e.g. a check over the whole decoded file), counted and capped alike.
    package func add(_ diagnostic: FileDiagnostic) {
        var diagnostic = diagnostic
        if let end, diagnostic.line > end.line { (diagnostic.line, diagnostic.column) = end }
        count += 1
        if !diagnostic.field.components.isEmpty { fieldsWithProblems.insert(diagnostic.field) }
        guard kept.count < Self.maximumKept else {
            if firstDropped == nil { firstDropped = (diagnostic.line, diagnostic.column) }
            return
        }
        kept.append(diagnostic)
    }

    /// The kept problems in file order, then "… and N more problems in this file" when some were
    /// only counted (placed where the first of those stands).
    package var diagnostics: [FileDiagnostic] {
        var sorted = kept.enumerated()
            .sorted {
                ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset)
            }
            .map(\.element)
        if count > kept.count {
            let place = firstDropped ?? (1, 1)
            var summary = FileDiagnostic(
                path: path, line: place.line, column: place.column,
                message: "… and \(count - kept.count) more problems in this file (the first \(kept.count) are shown)")
            summary.problems = count - kept.count
            sorted.append(summary)
        }
        return sorted
    }

    /// Takes `entries` from the budget; false (with one diagnostic) once it is spent.
    package func spend(_ entries: Int) -> Bool {
        guard !exhausted else { return false }
        budget -= entries
        if budget < 0 {
            exhausted = true
            // Always shown: it explains why the file was not read to its end.
            count += 1
            if kept.count >= Self.maximumKept {
                let dropped = kept.removeLast()
                if firstDropped == nil { firstDropped = (dropped.line, dropped.column) }
            }
            kept.append(
                FileDiagnostic(
                    path: path,
                    message:
                        "the file expands (through `*` aliases) to far more fields than it holds; write the fields out without aliases"
                ))
            return false
        }
        return true
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
        var current = field
        while !current.components.isEmpty {
            if fieldsWithProblems.contains(current) { return true }
            current = current.parent
        }
        return false
    }
}
