import DwellCore
import Testing

@testable import DwellYAML

/// The sink every reader of a file reports to: problems in file order, a cap per file with one
/// "… and N more" line that counts the rest, the alias work budget, places kept inside the text.
@Suite("YAML: diagnostic sink")
struct DiagnosticSinkTests {
    func problem(line: Int, column: Int = 2) -> FileDiagnostic {
        FileDiagnostic(path: "x.yaml", line: line, column: column, field: .key("k\(line)"), message: "problem \(line)")
    }

    @Test func theFirstProblemsAreKeptInFileOrderAndTheRestCounted() {
        let sink = DiagnosticSink(path: "x.yaml")
        for line in (1...60).reversed() { sink.add(problem(line: line)) }
        let shown = sink.diagnostics
        #expect(sink.count == 60)
        #expect(shown.count == DiagnosticSink.maximumKept + 1)
        #expect(DiagnosticSink.maximumKept == 50)
        // Lines 60 down to 11 came first and are kept, shown from the top of the file down.
        #expect(shown.dropLast().map(\.line) == Array(11...60))
        #expect(
            shown.last?.description
                == "x.yaml:10:2: error: (document): … and 10 more problems in this file (the first 50 are shown)")
        #expect(shown.last?.problems == 10)
        #expect(shown.map(\.problems).reduce(0, +) == 60, "every problem is stood for by one line")
    }

    @Test func aFewProblemsAreShownWithoutASummary() {
        let sink = DiagnosticSink(path: "x.yaml")
        sink.add(problem(line: 3, column: 9))
        sink.add(problem(line: 3, column: 1))
        sink.add(at: nil, .key("whole"), "placed at the top")
        #expect(
            sink.diagnostics.map(\.description) == [
                "x.yaml:1:1: error: whole: placed at the top",
                "x.yaml:3:1: error: k3: problem 3",
                "x.yaml:3:9: error: k3: problem 3",
            ])
        #expect(!sink.isEmpty && sink.count == 3)
    }

    @Test func messagesOfProblemsOnlyCountedAreNeverBuilt() {
        let sink = DiagnosticSink(path: "x.yaml")
        var built = 0
        func message() -> String {
            built += 1
            return "built"
        }
        for _ in 0..<(DiagnosticSink.maximumKept + 5) { sink.add(at: nil, .root, message()) }
        #expect(built == DiagnosticSink.maximumKept)
        #expect(sink.count == DiagnosticSink.maximumKept + 5)
    }

    @Test func aSpentBudgetIsReportedOnceAndAlwaysShown() {
        let sink = DiagnosticSink(path: "x.yaml", budget: 3)
        for line in 1...DiagnosticSink.maximumKept { sink.add(problem(line: line)) }
        #expect(sink.spend(2))
        #expect(!sink.spend(2))
        #expect(!sink.spend(1))
        #expect(sink.exhausted)
        let shown = sink.diagnostics
        #expect(shown.count == DiagnosticSink.maximumKept + 1)
        #expect(shown.filter { $0.message.contains("through `*` aliases") }.count == 1)
        // The last kept problem made room for it and is counted in the summary instead.
        #expect(!shown.contains { $0.message == "problem \(DiagnosticSink.maximumKept)" })
        #expect(
            shown.last?.description.hasPrefix("x.yaml:\(DiagnosticSink.maximumKept):2: error: (document): … and 1 more")
                == true,
            "\(shown.last?.description ?? "")")
    }

    @Test func placesPastTheEndOfTheTextAreKeptInsideIt() {
        let sink = DiagnosticSink(path: "x.yaml", text: "a: 1\nb:")
        sink.add(problem(line: 3, column: 1))
        sink.add(at: nil, .key("a"), "at the top")
        #expect(sink.diagnostics.map { [$0.line, $0.column] } == [[1, 1], [2, 3]])
    }

    @Test func hasProblemLooksUpTheFieldAndItsAncestors() {
        let sink = DiagnosticSink(path: "x.yaml")
        sink.add(at: nil, FieldPath.key("steps").appending(index: 3), "bad step")
        #expect(sink.hasProblem(atOrAbove: FieldPath.key("steps").appending(index: 3).appending("dwell")))
        #expect(sink.hasProblem(atOrAbove: FieldPath.key("steps").appending(index: 3)))
        #expect(!sink.hasProblem(atOrAbove: FieldPath.key("steps").appending(index: 2).appending("dwell")))
        #expect(!sink.hasProblem(atOrAbove: .key("steps")))
    }
}
