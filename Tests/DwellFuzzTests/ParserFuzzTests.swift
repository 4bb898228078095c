import DwellCore
import DwellDaemon
import DwellGPIO
import DwellProtocolFiles
import DwellYAML
import Foundation
import Testing

/// Bounded fuzz of the three YAML parsers (issue 11): a seeded mutator over the committed corpus
/// in `Tests/Fuzz/corpus/{protocol,board,config}`, a fixed number of cases per parser and a
/// time budget. Each case must not crash, and a refusal must be diagnostics of the form
/// `path:line:column: error: …` with the line and column inside the file, at most
/// ``DiagnosticSink/maximumKept`` of them plus one "… and N more" line.
///
/// `DWELL_FUZZ_CASES` raises the number of cases and `DWELL_FUZZ_SEED` changes the seed; set
/// `DWELL_FUZZ_SAVE` to a folder to have every case written to `current.yaml` before it runs,
/// so the input of a crash is left behind (add it to the corpus once fixed).
struct ParserFuzzTests {
    static let corpusRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "../Fuzz/corpus"
    ).standardized
    static let environment = ProcessInfo.processInfo.environment
    static let cases = environment["DWELL_FUZZ_CASES"].flatMap(Int.init) ?? 2_000
    static let seed = environment["DWELL_FUZZ_SEED"].flatMap(UInt64.init) ?? 0x11_D3E11
    /// Cases stop (the count so far is kept) past this, so a slow machine cannot stall the run.
    static let budget: Duration = .seconds(90)

    static func corpus(_ kind: String) throws -> [String] {
        let folder = corpusRoot.appendingPathComponent(kind)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        return try names.map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
    }

    /// Why the diagnostics of a refused `text` break the rules, or nil.
    static func problem(_ diagnostics: [FileDiagnostic], text: String, path: String) -> String? {
        if diagnostics.isEmpty { return "refused without a diagnostic" }
        if diagnostics.count > DiagnosticSink.maximumKept + 1 {
            return "\(diagnostics.count) diagnostics, more than the cap"
        }
        // YAML also breaks lines at CR, NEL, LS and PS, so the bounds count those too.
        let breaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"]
        let lines = text.unicodeScalars.split(omittingEmptySubsequences: false) { breaks.contains($0) }
        let widest = lines.map(\.count).max() ?? 0
        for (index, diagnostic) in diagnostics.enumerated() {
            guard diagnostic.path == path,
                diagnostic.description.hasPrefix("\(path):\(diagnostic.line):\(diagnostic.column): error: ")
            else {
                return "not path:line:column: \(diagnostic)"
            }
            guard (1...max(1, lines.count)).contains(diagnostic.line) else {
                return "line outside the file (\(lines.count) lines): \(diagnostic)"
            }
            guard (1...widest + 1).contains(diagnostic.column) else {
                return "column past the widest line (\(widest)): \(diagnostic)"
            }
            if diagnostic.message.hasPrefix("… and ") && index != diagnostics.count - 1 {
                return "the summary is not last"
            }
        }
        return nil
    }

    /// Runs `parse` over mutated seeds of `kind`; returns how many cases ran and were refused.
    static func fuzz(
        _ kind: String, seed: UInt64, parse: (String, String) -> [FileDiagnostic]?
    ) throws -> (ran: Int, refused: Int) {
        var mutator = Mutator(seed: seed, corpus: try corpus(kind))
        #expect(!mutator.corpus.isEmpty, "no seeds in Tests/Fuzz/corpus/\(kind)")
        let save = environment["DWELL_FUZZ_SAVE"]
        let clock = ContinuousClock()
        let started = clock.now
        var (ran, refused) = (0, 0)
        for number in 0..<cases {
            guard clock.now - started < budget else { break }
            let text = mutator.next()
            if let save { try? text.write(toFile: save + "/current.yaml", atomically: false, encoding: .utf8) }
            let path = "\(kind)-\(number).yaml"
            ran += 1
            guard let diagnostics = parse(text, path) else { continue }
            refused += 1
            if let problem = problem(diagnostics, text: text, path: path) {
                Issue.record("case \(number) (seed \(seed)): \(problem)\n--- input ---\n\(text.prefix(2_000))")
                return (ran, refused)
            }
        }
        print("fuzz \(kind): \(ran) cases (\(refused) refused) in \(clock.now - started)")
        return (ran, refused)
    }

    @Test func protocolParserSurvivesMutatedFiles() throws {
        let (ran, refused) = try Self.fuzz("protocol", seed: Self.seed) { text, path in
            if case .failure(let failure) = ProtocolDecoder.decode(text, path: path, limits: .standard) {
                return failure.diagnostics
            }
            return nil
        }
        #expect(ran >= min(Self.cases, 200) && refused > 0)
    }

    @Test func boardParserSurvivesMutatedFiles() throws {
        let (ran, refused) = try Self.fuzz("board", seed: Self.seed &+ 1) { text, path in
            if case .failure(let failure) = BoardFile.decode(text, path: path) { return failure.diagnostics }
            return nil
        }
        #expect(ran >= min(Self.cases, 200) && refused > 0)
    }

    @Test func configParserSurvivesMutatedFiles() throws {
        let (ran, refused) = try Self.fuzz("config", seed: Self.seed &+ 2) { text, path in
            if case .failure(let failure) = DaemonConfig.parse(text, path: path) { return failure.diagnostics }
            return nil
        }
        #expect(ran >= min(Self.cases, 200) && refused > 0)
    }

    /// Files as bytes, through the loader (size limit, UTF-8 check): bytes flipped anywhere.
    @Test func protocolLoaderSurvivesMutatedBytes() throws {
        var random = SplitMix64(seed: Self.seed &+ 3)
        let seeds = try Self.corpus("protocol").map { Array($0.utf8) }
        let folder = NSTemporaryDirectory() + "dwell-fuzz-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        for number in 0..<min(Self.cases, 500) {
            var bytes = seeds[Int.random(in: 0..<seeds.count, using: &random)]
            for _ in 0..<Int.random(in: 1...4, using: &random) where !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let path = folder + "/case-\(number).yaml"
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            if case .failure(let failure) = ProtocolLibrary.loadFile(path) {
                let text = String(decoding: bytes, as: UTF8.self)
                if let problem = Self.problem(failure.diagnostics, text: text, path: path) {
                    Issue.record("byte case \(number): \(problem)")
                    return
                }
            }
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
