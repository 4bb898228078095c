import Foundation
import Testing

@testable import DwellYAML

/// A file's one YAML document, read the same way for protocols, board files and the config.
@Suite("YAML: document")
struct YAMLDocumentTests {
    func problems(_ text: String) -> [String] {
        guard case .failure(let failure) = YAMLDocument.mapping(text, path: "f.yaml", needs: "it needs `a`") else {
            return []
        }
        return failure.diagnostics.map(\.description)
    }

    @Test func aMappingIsRead() throws {
        let mapping = try YAMLDocument.mapping("a: 1\nb: [2]\n", path: "f.yaml", needs: "").get()
        #expect(mapping["a"]?.string == "1")
        #expect(mapping["b"]?.sequence?.count == 1)
    }

    @Test func emptyAndCommentOnlyFilesSayWhatTheyNeed() {
        #expect(problems(" \n\n") == ["f.yaml:1:1: error: (document): the file is empty; it needs `a`"])
        #expect(
            problems("# nothing\n") == ["f.yaml:1:1: error: (document): the file holds only comments; it needs `a`"])
    }

    @Test func listsAndSingleValuesAreNotMappings() {
        #expect(
            problems("- a\n") == [
                "f.yaml:1:1: error: (document): expected a mapping of fields (`key: value`), not a list"
            ])
        #expect(
            problems("word\n") == [
                "f.yaml:1:1: error: (document): expected a mapping of fields (`key: value`), not a single value"
            ])
    }

    @Test func aSecondDocumentIsRefused() {
        let found = problems("a: 1\n---\nb: 2\n")
        #expect(found.count == 1)
        #expect(
            found.first?.hasSuffix("error: (document): the file holds more than one YAML document (`---`); keep one")
                == true, "\(found)")
    }

    @Test func duplicateKeysAndSyntaxErrorsHaveAPlace() {
        #expect(
            problems("a: 1\na: 2\n").first?.contains("`a` appears more than once in the same mapping; keep one") == true
        )
        let syntax = problems("a: 1\nb: [1, 2")
        #expect(syntax.count == 1)
        #expect(syntax.first?.contains("YAML syntax") == true)
        // libyaml reports the unclosed list past the end of the file; it is placed inside it.
        #expect(syntax.first?.hasPrefix("f.yaml:2:") == true, "\(syntax)")
    }

    @Test func aliasesThatExpandFarBeyondTheTextAreRefusedWhereTheyStand() {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        for (previous, name) in zip("abcde", "bcdef") {
            lines.append(
                "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]")
        }
        let found = problems(lines.joined(separator: "\n") + "\n")
        #expect(found.count == 1)
        #expect(
            found.first?.contains("this alias makes the file expand to far more values than it holds") == true,
            "\(found)")
        #expect(YAMLExpansion.firstAliasPast(10_000, in: "a: &a [x, x]\nb: [*a, *a]\n") == nil)
        #expect(
            YAMLExpansion.firstAliasPast(0, in: "a: &a [x, x]\nb: [*a, *a]\n").map { [$0.line, $0.column] } == [2, 5])
    }

    @Test func filesAreReadWhole() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dwell-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("a.yaml").path
        try Data("a: é\n".utf8).write(to: URL(fileURLWithPath: path))
        let file = try YAMLDocument.read(path, kind: "a test file").get()
        #expect(file.text == "a: é\n")
        #expect(file.data == Data("a: é\n".utf8))
        func refusal(_ path: String) -> String? {
            guard case .failure(let failure) = YAMLDocument.read(path, kind: "a test file") else { return nil }
            return failure.diagnostics.map(\.description).joined(separator: "\n")
        }
        #expect(refusal(folder.path) == "\(folder.path):1:1: error: (document): not a regular file")
        #expect(refusal(folder.appendingPathComponent("none.yaml").path)?.contains("cannot read the file") == true)
        try (Data("a: 1\nb: x".utf8) + [0xFF]).write(to: URL(fileURLWithPath: path))
        #expect(
            refusal(path)
                == "\(path):2:5: error: (document): the file is not valid UTF-8 text (first bad byte here); save it as UTF-8"
        )
    }

    @Test func theEndCountsEveryYAMLLineBreak() {
        func end(_ text: String) -> [Int] { [YAMLDocument.end(of: text).line, YAMLDocument.end(of: text).column] }
        #expect(end("") == [1, 1])
        #expect(end("ab") == [1, 3])
        #expect(end("a\r\nb") == [2, 2])
        #expect(end("a\rb\u{2028}cd\n") == [4, 1])
    }
}
