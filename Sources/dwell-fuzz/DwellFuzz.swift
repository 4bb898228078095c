import DwellGPIO
import DwellProtocolFiles
import DwellYAML
import Foundation

/// One input through the protocol and board parsers, checking what the in-test fuzz checks:
/// every refusal is `path:line:column` diagnostics inside the text, capped. A broken rule
/// stops the process (libFuzzer then keeps the input as a crash).
enum FuzzTarget {
    static func check(_ text: String) -> String? {
        let results: [[FileDiagnostic]] = [
            {
                if case .failure(let failure) = ProtocolDecoder.decode(text, path: "fuzz.yaml", limits: .standard) {
                    failure.diagnostics
                } else {
                    []
                }
            }(),
            {
                if case .failure(let failure) = BoardFile.decode(text, path: "fuzz.yaml") {
                    failure.diagnostics
                } else {
                    []
                }
            }(),
        ]
        let end = YAMLDocument.end(of: text)
        for diagnostics in results {
            if diagnostics.count > DiagnosticSink.maximumKept + 1 { return "\(diagnostics.count) diagnostics" }
            if let outside = diagnostics.first(where: { $0.line < 1 || $0.line > end.line || $0.column < 1 }) {
                return "outside the text (ends at \(end.line):\(end.column)): \(outside)"
            }
        }
        return nil
    }
}

#if FUZZING
    /// libFuzzer's entry point: one input (its runtime needs the symbol even when driven from `main`).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        let bytes =
            data.map { UnsafeBufferPointer(start: $0, count: size) } ?? UnsafeBufferPointer(start: nil, count: 0)
        if let problem = FuzzTarget.check(String(decoding: bytes, as: UTF8.self)) {
            FileHandle.standardError.write(Data("dwell-fuzz: \(problem)\n".utf8))
            abort()
        }
        return 0
    }
#endif

/// libFuzzer's driver, for a program with a `main` of its own (SwiftPM gives every executable
/// one, so libFuzzer's own `main` is not linked in).
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

@main
struct DwellFuzz {
    static func main() {
        #if FUZZING
            // Built with `-sanitize=fuzzer -D FUZZING` (see README "Test it"): libFuzzer drives.
            var argc = CommandLine.argc
            var argv = CommandLine.unsafeArgv
            exit(runFuzzerDriver(&argc, &argv) { data, size in fuzzOneInput(data, size) })
        #else
            replay(Array(CommandLine.arguments.dropFirst()))
        #endif
    }

    /// Without libFuzzer: replays files (a crash input, the corpus) through the same checks.
    static func replay(_ paths: [String]) {
        guard !paths.isEmpty else {
            FileHandle.standardError.write(
                Data("usage: dwell-fuzz FILE...  (replays inputs through the protocol and board parsers)\n".utf8))
            exit(64)
        }
        var failed = false
        for path in paths {
            guard let data = FileManager.default.contents(atPath: path) else {
                print("\(path): cannot read")
                failed = true
                continue
            }
            let problem = FuzzTarget.check(String(decoding: data, as: UTF8.self))
            print("\(path): \(problem ?? "ok")")
            failed = failed || problem != nil
        }
        exit(failed ? 1 : 0)
    }
}
