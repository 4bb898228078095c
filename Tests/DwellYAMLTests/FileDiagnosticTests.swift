import DwellCore
import Testing

@testable import DwellYAML

/// `path:line:column: error: field: message`, the one shape every YAML problem is printed in.
@Suite("YAML: file diagnostic")
struct FileDiagnosticTests {
    @Test func printsLikeACompiler() {
        let diagnostic = FileDiagnostic(
            path: "p/neck.yaml", line: 3, column: 7,
            field: FieldPath.key("steps").appending(index: 2).appending("dwell"), message: "is empty")
        #expect(diagnostic.description == "p/neck.yaml:3:7: error: steps[2].dwell: is empty")
        #expect(diagnostic.problems == 1)
    }

    @Test func aProblemWithTheWholeFileStandsAtItsStart() {
        let diagnostic = FileDiagnostic(path: "board.yaml", message: "no such file")
        #expect(diagnostic.description == "board.yaml:1:1: error: (document): no such file")
    }

    @Test func suggestionsAllowAFewEditsByLength() {
        #expect(Suggestion.closest(to: "titel", in: ["title", "steps"]) == "title")
        #expect(Suggestion.closest(to: "bed", in: ["beds", "chip"]) == "beds")
        #expect(Suggestion.closest(to: "invert", in: ["chip", "line", "active_low"]) == nil)
        #expect(Suggestion.distance("titel", "title") == 1)
        #expect(Suggestion.hint(for: "zz", in: ["a", "b"]) == "; expected one of `a`, `b`")
    }
}
