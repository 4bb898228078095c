import DwellCore
import DwellYAML
import Foundation
import Testing

@testable import DwellProtocolFiles

/// A file with thousands of problems: every one is counted, only the first are kept, and the
/// rest are summed up in one last line (issue 11, finding 6). The time taken is not asserted
/// (shared machines); the cap and the counting are.
struct DiagnosticCapTests {
    static let head = "id: many\ntitle: Many\nversion: 1\ntechnique: superficial\n"

    /// 10,000 steps naming the same site (through a YAML alias, as a 70 KB file).
    static var duplicateSites: String {
        head + "steps:\n  - &s {site: a, needles: 1, dwell: 1s}\n" + String(repeating: "  - *s\n", count: 10_000)
    }

    /// One valid step and 10,000 unknown top-level keys.
    static var unknownKeys: String {
        head + "steps:\n  - {site: a, needles: 1, dwell: 10m}\n" + (0..<10_000).map { "k\($0): 1\n" }.joined()
    }

    func failure(_ text: String) throws -> [FileDiagnostic] {
        guard case .failure(let failure) = ProtocolDecoder.decode(text, path: "many.yaml", limits: .standard) else {
            Issue.record("a file with 10,000 problems was accepted")
            return []
        }
        return failure.diagnostics
    }

    /// "… and N more problems in this file", N read back.
    func more(_ diagnostic: FileDiagnostic?) -> Int? {
        guard let message = diagnostic?.message, message.hasPrefix("… and "),
            let number = message.dropFirst(6).split(separator: " ").first
        else { return nil }
        return Int(number)
    }

    @Test func tenThousandDuplicateSitesAreCappedWithACount() throws {
        let diagnostics = try failure(Self.duplicateSites)
        #expect(diagnostics.count == DiagnosticSink.maximumKept + 1)
        let kept = diagnostics.dropLast()
        #expect(
            kept.allSatisfy { $0.message.contains("is already used by steps[0]") || $0.field == .key("steps") },
            "\(kept.prefix(3))")
        // steps[1] … steps[10000] each repeat the site of steps[0], plus the session-length rule
        // over all the steps: 10,001 problems, 50 shown.
        #expect(more(diagnostics.last) == 10_001 - DiagnosticSink.maximumKept, "\(diagnostics.last?.description ?? "")")
        #expect(diagnostics.last?.description.hasPrefix("many.yaml:") == true)
        #expect(
            diagnostics.last.map { $0.line > 1 && $0.line <= 10_007 } == true,
            "placed where the first uncounted problem is")
    }

    @Test func tenThousandUnknownKeysAreCappedWithACount() throws {
        let diagnostics = try failure(Self.unknownKeys)
        #expect(diagnostics.count == DiagnosticSink.maximumKept + 1)
        #expect(
            diagnostics.first?.description.hasPrefix("many.yaml:7:1: error: k0: unknown key `k0`; expected one of `id`")
                == true)
        #expect(more(diagnostics.last) == 10_000 - DiagnosticSink.maximumKept, "\(diagnostics.last?.description ?? "")")
        #expect(
            diagnostics.map(\.problems).reduce(0, +) == 10_000, "the summary line stands for the problems it counts")
    }

    @Test func aFewProblemsAreAllShownWithoutASummary() throws {
        let text =
            Self.head + "steps:\n  - {site: a, needles: 1, dwell: 10m}\n" + (0..<3).map { "k\($0): 1\n" }.joined()
        let diagnostics = try failure(text)
        #expect(diagnostics.count == 3)
        #expect(diagnostics.allSatisfy { !$0.message.hasPrefix("…") })
    }

    /// A small file naming one large mapping thousands of times through aliases is stopped by
    /// the work budget (proportional to the file's size) instead of being read thousands of times.
    @Test func aliasesCannotMultiplyTheWork() throws {
        let keys = (0..<2_000).map { "k\($0): 1" }.joined(separator: ", ")
        let text =
            Self.head + "steps:\n  - &s {site: a, needles: 1, dwell: 1s, \(keys)}\n"
            + String(repeating: "  - *s\n", count: 2_000)
        let diagnostics = try failure(text)
        #expect(diagnostics.count <= DiagnosticSink.maximumKept + 1)
        #expect(diagnostics.contains { $0.message.contains("`*` aliases") }, "\(diagnostics.suffix(2))")
    }

    /// "Billion laughs": nine levels of ten aliases, the last used as a mapping key. Composing
    /// it hashes 10⁹ nodes; the expansion is counted from the event stream and refused first.
    @Test(.timeLimit(.minutes(1)))
    func nestedAliasesAreRefusedBeforeTheyExpand() throws {
        var lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
        for (previous, name) in zip("abcdefgh", "bcdefghi") {
            lines.append(
                "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]")
        }
        let diagnostics = try failure(lines.joined(separator: "\n") + "\n? *i\n: 1\n")
        #expect(diagnostics.count == 1)
        #expect(
            diagnostics.first?.message.contains("expand to far more values than it holds") == true, "\(diagnostics)")
        #expect(diagnostics.first.map { $0.line <= 11 } == true)
    }

    /// Found by the fuzz: libyaml places an empty value at the very end of a file without a
    /// final line break on the line after the last; the diagnostic is kept inside the file.
    @Test func anEmptyValueAtTheEndOfTheFileIsPlacedInsideIt() throws {
        let text =
            "id: eof\ntitle: T\nversion: 1\ntechnique: deep\nsteps:\n  - site: a\n    needles: 1\n    dwell: 10m\n  - site:"
        let diagnostics = try failure(text)
        #expect(!diagnostics.isEmpty && diagnostics.allSatisfy { $0.line <= 9 }, "\(diagnostics)")
        #expect(
            diagnostics.contains { $0.description.hasPrefix("many.yaml:9:10: error: steps[1].site: is empty") },
            "\(diagnostics)")
    }
}
