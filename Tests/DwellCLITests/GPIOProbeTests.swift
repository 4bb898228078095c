import Foundation
import Glibc
import Testing

/// `dwell gpio probe` loads libgpiod at run time and says which (issue 15): libgpiod.so.3 or
/// libgpiod.so.2, or DWELL_LIBGPIOD's file; without one it exits 69 naming the Debian package.
/// Chips are not needed for these: the VM test (Simulators/gpio-sim) covers them.
struct GPIOProbeTests {
    /// `dwell gpio probe` with DWELL_LIBGPIOD set to `library` (through env).
    static func probe(library: String) throws -> DwellProcess.Result {
        try DwellProcess.run(
            ["DWELL_LIBGPIOD=\(library)", DwellProcess.executable.path, "gpio", "probe"],
            executable: URL(fileURLWithPath: "/usr/bin/env"))
    }

    static func loadable(_ library: String) -> Bool {
        guard let handle = dlopen(library, RTLD_NOW | RTLD_LOCAL) else { return false }
        dlclose(handle)
        return true
    }

    static let cachedV2 =
        (ProcessInfo.processInfo.environment["XDG_CACHE_HOME"] ?? (NSHomeDirectory() + "/.cache"))
        + "/dwell/libgpiod.so.3"

    static let packages =
        "install the Debian package libgpiod2 (Debian 12 / bookworm) or libgpiod3 (Debian 13 / trixie)"

    @Test func withoutLibgpiodProbeExits69NamingThePackages() async throws {
        try await offThePool {
            let result = try Self.probe(library: "/nonexistent/libgpiod.so.2")
            #expect(result.status == 69, "\(result.stderr)")
            #expect(result.stdout.isEmpty, "\(result.stdout)")
            #expect(
                result.stderr.contains(
                    "error: cannot load the libgpiod DWELL_LIBGPIOD names: /nonexistent/libgpiod.so.2: cannot open shared object file"
                ),
                "\(result.stderr)")
            #expect(result.stderr.contains(Self.packages), "\(result.stderr)")
            #expect(
                !result.stderr.contains("gpiochip"), "the message is about the library, not chips: \(result.stderr)")
        }
    }

    @Test func aLibraryThatIsNotLibgpiodIsRefused() async throws {
        try await offThePool {
            let result = try Self.probe(library: "libm.so.6")
            #expect(result.status == 69)
            #expect(
                result.stderr.contains(
                    "libm.so.6 is not libgpiod: it has neither gpiod_chip_get_info (2.x) nor gpiod_chip_get_line (1.x)"),
                "\(result.stderr)")
        }
    }

    /// A library with the v1 marker but not the rest: the missing function is named.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/cc"), "needs cc"))
    func aLibgpiodMissingAFunctionIsRefusedNamingIt() async throws {
        try await offThePool {
            let folder = NSTemporaryDirectory() + "dwell-fake-gpiod-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try "void *gpiod_chip_get_line(void *chip, unsigned offset) { (void)chip; (void)offset; return 0; }\n"
                .write(toFile: folder + "/fake.c", atomically: true, encoding: .utf8)
            let build = try DwellProcess.run(
                ["-shared", "-fPIC", "-o", folder + "/libgpiod.so.2", folder + "/fake.c"],
                executable: URL(fileURLWithPath: "/usr/bin/cc"))
            try #require(build.status == 0, "cc: \(build.stderr)")
            let result = try Self.probe(library: folder + "/libgpiod.so.2")
            #expect(result.status == 69)
            #expect(result.stderr.contains("\(folder)/libgpiod.so.2 has no gpiod_version_string"), "\(result.stderr)")
            #expect(result.stderr.contains(Self.packages), "\(result.stderr)")
        }
    }

    @Test(.enabled(if: loadable("libgpiod.so.2"), "needs libgpiod 1.6 (libgpiod2)"))
    func withLibgpiod1ProbeNamesItFirst() async throws {
        try await offThePool {
            let result = try Self.probe(library: "libgpiod.so.2")
            let first = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("libgpiod: libgpiod.so.2 (1."), "\(result.stdout)\(result.stderr)")
            #expect(first.hasSuffix(", v1 API)"), "\(first)")
            #expect(!result.stderr.contains("cannot load"), "\(result.stderr)")
        }
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: cachedV2), "needs a libgpiod.so.3 built by .ci/run"))
    func withLibgpiod2ProbeNamesItFirst() async throws {
        try await offThePool {
            let result = try Self.probe(library: Self.cachedV2)
            let first = result.stdout.split(separator: "\n").first.map(String.init) ?? ""
            #expect(first.hasPrefix("libgpiod: \(Self.cachedV2) (2."), "\(result.stdout)\(result.stderr)")
            #expect(first.hasSuffix(", v2 API)"), "\(first)")
        }
    }
}
