import DwellCore
import Testing
import Yams

@testable import DwellYAML

/// The field readers every YAML file of Dwell goes through: what each reads, and the message and
/// place of each problem.
@Suite("YAML: field reader")
struct FieldReaderTests {
    /// The mapping of `text`, read with `known` keys into a fresh sink.
    func reader(_ text: String, known: [String], context: String? = nil) throws -> (FieldReader, DiagnosticSink) {
        let mapping = try YAMLDocument.mapping(text, path: "f.yaml", needs: "fields").get()
        let sink = DiagnosticSink(path: "f.yaml", text: text)
        return (FieldReader(mapping, at: .root, known: known, sink: sink, context: context), sink)
    }

    func lines(_ sink: DiagnosticSink) -> [String] { sink.diagnostics.map(\.description) }

    @Test func unknownKeysGetAHintOrTheListOfKnownKeys() throws {
        let (_, sink) = try reader("titel: a\nzzz: b\nsteps: c\n", known: ["title", "steps"])
        #expect(
            lines(sink) == [
                "f.yaml:1:1: error: titel: unknown key `titel`; did you mean `title`?",
                "f.yaml:2:1: error: zzz: unknown key `zzz`; expected one of `title`, `steps`",
            ])
    }

    @Test func unknownKeysNameTheirContextWhenGiven() throws {
        let (_, sink) = try reader("dwel: 5m\n", known: ["dwell"], context: "a site step")
        #expect(lines(sink) == ["f.yaml:1:1: error: dwel: `dwel` is not a field of a site step; did you mean `dwell`?"])
    }

    @Test func keysThatAreNotWordsAreRefused() throws {
        let (_, sink) = try reader("? [a, b]\n: 1\n", known: ["a"])
        #expect(lines(sink) == ["f.yaml:1:3: error: (document): keys must be plain words"])
    }

    @Test func scalarsReportMissingListsMappingsAndEmptyValues() throws {
        let text = "list: [1]\nmap: {a: 1}\nempty:\nquoted: ''\nname: x\n"
        let (fields, sink) = try reader(text, known: ["list", "map", "empty", "quoted", "name", "gone"])
        #expect(fields.string("name") == "x")
        #expect(fields.string("absent") == nil)
        #expect(fields.string("list") == nil)
        #expect(fields.string("map") == nil)
        #expect(fields.string("empty", required: "a word") == nil)
        #expect(fields.string("quoted") == nil)
        #expect(fields.string("gone", required: "a name") == nil)
        #expect(
            lines(sink) == [
                "f.yaml:1:1: error: gone: is required (a name)",
                "f.yaml:1:7: error: list: must be a single value, not a list",
                "f.yaml:2:6: error: map: must be a single value, not a mapping",
                "f.yaml:3:7: error: empty: is empty (a word)",
                "f.yaml:4:9: error: quoted: is empty",
            ])
        #expect(fields.has("empty") && !fields.has("absent"))
    }

    @Test func integersAreWholeNumbersOfAtMostNineDigits() throws {
        let (fields, sink) = try reader("a: 12\nb: 1.5\nc: 1234567890\n", known: ["a", "b", "c"])
        #expect(fields.integer("a") == 12)
        #expect(fields.integer("b") == nil)
        #expect(fields.integer("c") == nil)
        #expect(
            lines(sink) == [
                "f.yaml:2:4: error: b: `1.5` is not a whole number",
                "f.yaml:3:4: error: c: `1234567890` is not a whole number",
            ])
    }

    @Test func durationsUseTheNotationAndRangesAreChecked() throws {
        let (fields, sink) = try reader("a: 1m30s\nb: soon\nc: 2h\nd: 30s\n", known: ["a", "b", "c", "d"])
        #expect(fields.duration("a") == .seconds(90))
        #expect(fields.duration("b") == nil)
        #expect(fields.duration("c", within: .seconds(10)...Duration.seconds(600)) == nil)
        let within = try #require(fields.duration("d", within: .seconds(10)...Duration.seconds(600)))
        #expect(within.value == .seconds(30))
        #expect(within.mark.map { [$0.line, $0.column] } == [4, 4])
        let found = lines(sink)
        #expect(found.count == 2)
        #expect(found.first?.hasPrefix("f.yaml:2:4: error: b: ") == true, "\(found)")
        #expect(found.last == "f.yaml:3:4: error: c: 2h is outside the allowed 10s to 10m")
    }

    @Test func choicesSuggestTheClosestNameOrListThemAll() throws {
        let (fields, sink) = try reader("a: deap\nb: sideways\nc: deep\n", known: ["a", "b", "c"])
        #expect(fields.choice("c", Technique.self, named: "a technique") == .deep)
        #expect(fields.choice("a", Technique.self, named: "a technique") == nil)
        #expect(fields.choice("b", Technique.self, named: "a technique") == nil)
        let names = Technique.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
        #expect(
            lines(sink) == [
                "f.yaml:1:4: error: a: `deap` is not a technique; did you mean `deep`?",
                "f.yaml:2:4: error: b: `sideways` is not a technique; expected one of \(names)",
            ])
    }

    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    @Test func valuesInAnyNotationReportTheParsersReason() throws {
        let (fields, sink) = try reader("odd: 3\neven: 4\n", known: ["odd", "even"])
        func even(_ text: String) throws(Refusal) -> Int {
            guard let number = Int(text), number % 2 == 0 else { throw Refusal(description: "`\(text)` is not even") }
            return number
        }
        #expect(fields.value("even", parsedBy: even) == 4)
        #expect(fields.value("odd", parsedBy: even) == nil)
        #expect(fields.value("none", required: "an even number", parsedBy: even) == nil)
        #expect(
            lines(sink) == [
                "f.yaml:1:1: error: none: is required (an even number)",
                "f.yaml:1:6: error: odd: `3` is not even",
            ])
    }

    @Test func eachValueIsLocatedForLaterChecks() throws {
        let (_, sink) = try reader("a: 1\nnested:\n  b: 2\n", known: ["a", "nested"])
        #expect(sink.location(of: .key("a")).map { [$0.line, $0.column] } == [1, 4])
        #expect(sink.location(of: .key("nested")).map { [$0.line, $0.column] } == [3, 3])
        // A field never read is placed at its nearest located ancestor.
        #expect(sink.location(of: FieldPath.key("nested").appending("b")).map { [$0.line, $0.column] } == [3, 3])
        #expect(sink.location(of: .key("missing")) == nil)
    }
}
