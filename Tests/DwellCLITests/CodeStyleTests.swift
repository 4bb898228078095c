import Foundation
import Testing

/// The source tree keeps the layout `.swift-format` describes: `swift format lint --strict` finds
/// nothing in Sources, Tests and Package.swift. To fix a failure, run from the package root
/// `swift format format --in-place --recursive --parallel Sources Tests Package.swift`, then
/// change by hand what the lint still names (README, "Code style").
struct CodeStyleTests {
    /// The `swift` driver on PATH, when its toolchain has `swift format` (Swift 6 toolchains do).
    static let swift: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let found = path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("swift") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        guard let found, let probe = try? DwellProcess.run(["format", "--version"], executable: found),
            probe.status == 0
        else { return nil }
        return found
    }()

    static let lint = ["format", "lint", "--strict", "--recursive", "Sources", "Tests", "Package.swift"]

    /// Runs `swift` on a thread of its own: the lint takes seconds, and blocking one of the
    /// cooperative pool's threads (two on these machines) for that long stalls the suites beside it.
    static func run(_ arguments: [String], _ swift: URL) async throws -> DwellProcess.Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Swift.Result { try DwellProcess.run(arguments, executable: swift) }) }
                .start()
        }
    }

    @Test(.enabled(if: swift != nil, "needs `swift format` (part of the Swift 6 toolchain) on PATH"))
    func lintFindsNothingInTheTree() async throws {
        let swift = try #require(Self.swift)
        let result = try await Self.run(Self.lint, swift)
        #expect(
            result.status == 0 && result.stderr.isEmpty,
            """
            `swift \(Self.lint.joined(separator: " "))` failed (status \(result.status)); run \
            `swift format format --in-place --recursive --parallel Sources Tests Package.swift` and fix by hand \
            what remains:
            \(result.stderr)
            """)
    }

    /// The check is not vacuous: under the package's `.swift-format`, a 121-column line, a
    /// two-space indent and a force unwrap are each reported.
    @Test(.enabled(if: swift != nil, "needs `swift format` (part of the Swift 6 toolchain) on PATH"))
    func lintReportsWhatTheConfigForbids() async throws {
        let swift = try #require(Self.swift)
        let folder = NSTemporaryDirectory() + "dwell-style-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sample = folder + "/Sample.swift"
        let call = "let total = [" + Array(repeating: "1", count: 33).joined(separator: ", ") + "].count"
        let text = "func sample(_ value: Int?) -> Int {\n  let first = value!\n    " + call + "\n    return first\n}\n"
        try text.write(toFile: sample, atomically: true, encoding: .utf8)
        let configuration = DwellProcess.packageRoot.appendingPathComponent(".swift-format").path
        let result = try await Self.run(
            ["format", "lint", "--strict", "--configuration", configuration, sample], swift)
        #expect(result.status != 0)
        for rule in ["[LineLength]", "[Indentation]", "[NeverForceUnwrap]"] {
            #expect(result.stderr.contains(rule), "\(rule) missing from: \(result.stderr)")
        }
    }
}
