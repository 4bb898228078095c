import Foundation
import Testing

/// The facade declares the libgpiod functions it loads at run time (Sources/CGpiod/
/// gpiod_v1_decls.h, gpiod_v2_decls.h) instead of including <gpiod.h>. These tests keep the
/// compiler honest about them: whenever a real header is at hand, `cc -fsyntax-only` compiles
/// Tests/CGpiodHeaderCheck/v1_check.c or v2_check.c, which include both and assert, for every
/// declared function, that its type is the header's (and the copied struct layout and values).
/// A 1.x header comes with libgpiod-dev (/usr/include/gpiod.h); a 2.x one from the gpiod 2.5.0
/// sdist that .ci/run unpacks into ~/.cache/dwell (or DWELL_GPIOD2_INCLUDE names its folder).
struct GPIOHeaderCheckTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
        .standardized

    /// The folders holding a libgpiod <gpiod.h>, with the API it declares (1 or 2).
    static let headers: [(folder: String, api: Int)] = {
        let environment = ProcessInfo.processInfo.environment
        let cache = environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache")
        var folders = ["/usr/include", cache + "/dwell/gpiod-2.5.0/include"]
        if let named = environment["DWELL_GPIOD2_INCLUDE"] { folders.append(named) }
        return folders.compactMap { folder in
            guard let text = try? String(contentsOfFile: folder + "/gpiod.h", encoding: .utf8) else { return nil }
            return (folder, text.contains("GPIOD_LINE_BULK_MAX_LINES") ? 1 : 2)
        }
    }()

    static func header(api: Int) -> String? { headers.first { $0.api == api }?.folder }

    static let compiler: String? = ["/usr/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// Runs `cc -fsyntax-only` on a check file against the header in `folder`: status and output.
    static func check(_ file: String, against folder: String, extra: [String] = []) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: compiler ?? "/usr/bin/cc")
        process.arguments =
            ["-fsyntax-only", "-I", folder, "-I", root.appendingPathComponent("Sources/CGpiod").path] + extra + [
                root.appendingPathComponent("Tests/CGpiodHeaderCheck/\(file)").path
            ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test(
        .enabled(if: compiler != nil && header(api: 1) != nil, "needs cc and a libgpiod 1.x <gpiod.h> (libgpiod-dev)"))
    func theV1DeclarationsMatchTheLibgpiod1Header() throws {
        let folder = try #require(Self.header(api: 1))
        let (status, output) = try Self.check("v1_check.c", against: folder)
        #expect(status == 0, "gpiod_v1_decls.h against \(folder)/gpiod.h:\n\(output)")
        let (broken, brokenOutput) = try Self.check(
            "v1_check.c", against: folder, extra: ["-DCG_HEADER_CHECK_SELF_TEST"])
        #expect(broken != 0, "a wrong declaration must fail the check")
        #expect(
            brokenOutput.contains("gpiod_line_set_value: gpiod_v1_decls.h differs from <gpiod.h>"), "\(brokenOutput)")
    }

    @Test(.enabled(if: compiler != nil && header(api: 2) != nil, "needs cc and a libgpiod 2.x <gpiod.h> (see .ci/run)"))
    func theV2DeclarationsMatchTheLibgpiod2Header() throws {
        let folder = try #require(Self.header(api: 2))
        let (status, output) = try Self.check("v2_check.c", against: folder)
        #expect(status == 0, "gpiod_v2_decls.h against \(folder)/gpiod.h:\n\(output)")
        let (broken, brokenOutput) = try Self.check(
            "v2_check.c", against: folder, extra: ["-DCG_HEADER_CHECK_SELF_TEST"])
        #expect(broken != 0, "a wrong declaration must fail the check")
        #expect(
            brokenOutput.contains("gpiod_line_request_get_fd: gpiod_v2_decls.h differs from <gpiod.h>"),
            "\(brokenOutput)")
    }

    /// The build needs no libgpiod header or library: no source includes <gpiod.h>, and the
    /// manifest neither asks pkg-config for it nor links it.
    @Test func theBuildNeedsNoLibgpiodHeaderOrLink() throws {
        let sources = Self.root.appendingPathComponent("Sources")
        let files = try FileManager.default.subpathsOfDirectory(atPath: sources.path)
        for file in files where file.hasSuffix(".c") || file.hasSuffix(".h") || file.hasSuffix(".modulemap") {
            let text = try String(contentsOf: sources.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("#include <gpiod.h>"), "Sources/\(file) includes <gpiod.h>")
            #expect(!text.contains("link \"gpiod\""), "Sources/\(file) links libgpiod")
        }
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        #expect(!manifest.contains("pkgConfig"), "Package.swift asks pkg-config")
        #expect(!manifest.contains("linkedLibrary(\"gpiod\")"), "Package.swift links libgpiod")
    }
}
