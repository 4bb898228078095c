import DwellCore
import Foundation
import Testing

@testable import DwellProtocolFiles

/// One failing file per rule in `Fixtures/invalid/`: each must produce exactly the expected
/// diagnostics (line, column, field path, and the key words of the message), and nothing else.
struct InvalidProtocolFixtureTests {
    struct Expected: CustomStringConvertible, Sendable {
        let file: String
        let diagnostics: [(line: Int, column: Int, field: String, says: String)]
        var description: String { file }
    }

    static let cases: [Expected] = [
        .init(file: "empty", diagnostics: [(1, 1, "(document)", "the file is empty")]),
        .init(file: "comments-only", diagnostics: [(1, 1, "(document)", "only comments")]),
        .init(file: "syntax-error", diagnostics: [(9, 9, "(document)", "YAML syntax")]),
        .init(file: "not-utf8", diagnostics: [(2, 11, "(document)", "not valid UTF-8")]),
        .init(file: "not-a-mapping", diagnostics: [(1, 1, "(document)", "expected a mapping of fields")]),
        .init(file: "two-documents", diagnostics: [(14, 1, "(document)", "more than one YAML document")]),
        .init(file: "duplicate-key", diagnostics: [(3, 1, "(document)", "`version` appears more than once")]),
        .init(file: "unknown-key", diagnostics: [(3, 1, "titel", "did you mean `title`?")]),
        .init(
            file: "unknown-step-key",
            diagnostics: [
                (10, 5, "steps[2].dwell", "is required"),
                (12, 5, "steps[2].dwel", "did you mean `dwell`?"),
            ]),
        .init(file: "field-in-rest-step", diagnostics: [(10, 5, "steps[1].dwell", "not a field of a rest step")]),
        .init(
            file: "missing-required",
            diagnostics: [
                (1, 1, "id", "is required"), (1, 1, "title", "is required"),
                (1, 1, "version", "is required"), (1, 1, "technique", "is required"),
            ]),
        .init(file: "bad-id", diagnostics: [(1, 5, "id", "only lowercase letters")]),
        .init(file: "empty-title", diagnostics: [(2, 8, "title", "is empty")]),
        .init(file: "version-zero", diagnostics: [(3, 10, "version", "must be 1 or more")]),
        .init(file: "version-not-integer", diagnostics: [(3, 10, "version", "not a whole number")]),
        .init(file: "bad-technique", diagnostics: [(4, 12, "technique", "did you mean `superficial`?")]),
        .init(file: "bare-number-duration", diagnostics: [(8, 12, "steps[0].dwell", "has no unit: add one")]),
        .init(file: "malformed-duration", diagnostics: [(8, 12, "steps[0].dwell", "is not a duration")]),
        .init(file: "empty-value", diagnostics: [(8, 11, "steps[0].dwell", "is empty")]),
        .init(file: "zero-dwell", diagnostics: [(8, 12, "steps[0].dwell", "must be more than 0s")]),
        .init(file: "length-mismatch", diagnostics: [(5, 9, "length", "is 10m but the steps add up to 12m")]),
        .init(
            file: "session-too-short",
            diagnostics: [(6, 3, "steps", "add up to 9m, outside the clinic's session length of 10m to 15m")]),
        .init(file: "session-too-long", diagnostics: [(6, 3, "steps", "add up to 16m, outside")]),
        .init(file: "warn-before-zero", diagnostics: [(5, 14, "warn_before", "must be more than 0s")]),
        .init(file: "steps-not-list", diagnostics: [(5, 8, "steps", "must be a list")]),
        .init(file: "no-steps", diagnostics: [(5, 8, "steps", "needs at least one site step")]),
        .init(file: "step-not-mapping", diagnostics: [(9, 5, "steps[1]", "each step is a mapping")]),
        .init(file: "site-and-rest", diagnostics: [(9, 5, "steps[1]", "either a `site` or a `rest`, not both")]),
        .init(
            file: "step-without-kind", diagnostics: [(9, 5, "steps[1]", "needs `site:` (a needling site) or `rest:`")]),
        .init(file: "rest-first", diagnostics: [(6, 5, "steps[0]", "starts with a site step")]),
        .init(file: "rest-last", diagnostics: [(13, 5, "steps[3]", "ends with a site step")]),
        .init(file: "two-rests", diagnostics: [(10, 5, "steps[2]", "two rests in a row")]),
        .init(file: "zero-rest", diagnostics: [(9, 11, "steps[1].rest", "must be more than 0s")]),
        .init(file: "duplicate-site", diagnostics: [(10, 11, "steps[2].site", "already used by steps[0]")]),
        .init(file: "bad-site-id", diagnostics: [(10, 11, "steps[2].site", "only lowercase letters")]),
        .init(file: "needles-zero", diagnostics: [(11, 14, "steps[2].needles", "must be 1 to 30, not 0")]),
        .init(file: "needles-too-many", diagnostics: [(11, 14, "steps[2].needles", "must be 1 to 30, not 31")]),
        .init(file: "needles-not-number", diagnostics: [(11, 14, "steps[2].needles", "not a whole number")]),
        .init(
            file: "cadence-not-pistoning",
            diagnostics: [(13, 14, "steps[2].cadence", "only pistoning sites have a cadence")]),
        .init(file: "cadence-out-of-range", diagnostics: [(13, 14, "steps[2].cadence", "6Hz is outside 0.5Hz to 4Hz")]),
        .init(file: "cadence-malformed", diagnostics: [(13, 14, "steps[2].cadence", "is not a cadence")]),
        .init(file: "value-is-list", diagnostics: [(2, 8, "title", "must be a single value, not a list")]),
    ]

    @Test(arguments: cases)
    func reportsExactlyTheExpectedDiagnostics(_ expected: Expected) throws {
        let path = try #require(
            Bundle.module.path(forResource: expected.file, ofType: "yaml", inDirectory: "Fixtures/invalid"))
        let library = ProtocolLibrary.load([path])
        #expect(library.protocols.isEmpty)
        #expect(library.diagnostics.count == expected.diagnostics.count, "\(library.diagnostics)")
        for (diagnostic, want) in zip(library.diagnostics, expected.diagnostics) {
            #expect(diagnostic.path == path)
            #expect(diagnostic.line == want.line && diagnostic.column == want.column, "\(diagnostic)")
            #expect(diagnostic.field.description == want.field, "\(diagnostic)")
            #expect(diagnostic.message.contains(want.says), "\(diagnostic)")
            #expect(diagnostic.description.hasPrefix("\(path):\(want.line):\(want.column): error: \(want.field): "))
        }
    }

    @Test func everyFixtureFileIsCovered() throws {
        let folder = try #require(Bundle.module.path(forResource: "invalid", ofType: nil, inDirectory: "Fixtures"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).map {
            ($0 as NSString).deletingPathExtension
        }
        #expect(Set(files) == Set(Self.cases.map(\.file)))
    }
}
