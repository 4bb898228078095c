import DwellCore
import Foundation
import Testing

@testable import DwellProtocolFiles

struct ProtocolLibraryTests {
    static let valid = """
        id: sample
        title: Sample
        version: 2
        technique: pistoning
        warn_before: 20s
        observation: 5m
        notes: count needles in and out
        steps:
          - site: infraspinatus-left
            label: Infraspinatus (left)
            needles: 1
            dwell: 1m30s
            cadence: 1.5Hz
          - rest: 1m
            label: Breathe
          - site: teres-minor-left
            needles: 2
            dwell: 9m30s
            technique: deep
        """

    @Test func decodesEveryField() throws {
        let decoded = try ProtocolDecoder.decode(Self.valid, path: "sample.yaml", limits: .standard).get()
        let treatment = decoded.treatment
        #expect(treatment.id == "sample" && treatment.title == "Sample" && treatment.version == 2)
        #expect(treatment.technique == .pistoning && treatment.warnBefore == .seconds(20))
        #expect(treatment.observation == .seconds(300) && treatment.notes == "count needles in and out")
        #expect(
            treatment.steps == [
                .site(
                    SiteStep(
                        site: "infraspinatus-left", label: "Infraspinatus (left)", needles: 1, dwell: .seconds(90),
                        cadence: Cadence(millihertz: 1_500))),
                .rest(RestStep(duration: .seconds(60), label: "Breathe")),
                .site(SiteStep(site: "teres-minor-left", needles: 2, dwell: .seconds(570), technique: .deep)),
            ])
        #expect(decoded.idLine == 1 && decoded.idColumn == 5)
    }

    @Test func clinicLimitsComeFromTheCallerNotTheFile() {
        let strict = ClinicLimits(sessionLength: .seconds(60)...Duration.seconds(300))
        let result = ProtocolDecoder.decode(Self.valid, path: "sample.yaml", limits: strict)
        guard case .failure(let failure) = result else {
            Issue.record("a 12-minute session must fail 1m–5m limits")
            return
        }
        #expect(
            failure.diagnostics.map(\.message) == [
                "the steps add up to 12m, outside the clinic's session length of 1m to 5m"
            ])
    }

    @Test func shippedProtocolsAreAllValidAndCoverEveryTechnique() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Protocols").standardized.path
        let library = ProtocolLibrary.load([folder])
        #expect(library.diagnostics.isEmpty, "\(library.diagnostics)")
        #expect(library.protocols.count >= 6)
        let techniques = Set(
            library.protocols.flatMap { loaded in
                [loaded.treatment.technique] + loaded.treatment.steps.compactMap { $0.site?.technique }
            })
        #expect(techniques == Set(Technique.allCases))
        for loaded in library.protocols {
            #expect((loaded.path as NSString).lastPathComponent == "\(loaded.treatment.id).yaml")
        }
    }

    @Test func duplicateIDsAcrossAFolderAreReportedAtEachID() throws {
        let folder = try temporaryFolder()
        try Self.valid.write(toFile: folder + "/a.yaml", atomically: true, encoding: .utf8)
        try Self.valid.write(toFile: folder + "/b.yml", atomically: true, encoding: .utf8)
        try "not a protocol".write(toFile: folder + "/readme.txt", atomically: true, encoding: .utf8)
        let library = ProtocolLibrary.load([folder])
        #expect(library.protocols.isEmpty)
        #expect(
            library.diagnostics.map(\.description) == [
                "\(folder)/a.yaml:1:5: error: id: `sample` is also the id of \(folder)/b.yml; protocol ids must be unique",
                "\(folder)/b.yml:1:5: error: id: `sample` is also the id of \(folder)/a.yaml; protocol ids must be unique",
            ])
    }

    @Test func oversizedFilesAreRefusedUnread() throws {
        let path = try temporaryFolder() + "/huge.yaml"
        let line = "# " + String(repeating: "x", count: 1_021) + "\n"
        try String(repeating: line, count: 1_025).write(toFile: path, atomically: true, encoding: .utf8)
        let diagnostics = ProtocolLibrary.load([path]).diagnostics
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.message.contains("limited to 1048576 bytes (1 MiB)") == true)
    }

    @Test func missingPathsAndDevicesAreReportedNotRead() {
        let diagnostics = ProtocolLibrary.load(["/nonexistent/protocol.yaml", "/dev/zero"]).diagnostics
        #expect(
            diagnostics.map(\.description) == [
                "/nonexistent/protocol.yaml:1:1: error: (document): no such file or folder",
                "/dev/zero:1:1: error: (document): not a regular file",
            ])
    }

    @Test func exponentialAliasesDoNotHang() {
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...12 {
            text +=
                "a\(level): &a\(level) [" + Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        text += "steps: *a12\n"
        guard case .failure(let failure) = ProtocolDecoder.decode(text, path: "laughs.yaml", limits: .standard) else {
            Issue.record("must fail")
            return
        }
        // Refused at the alias that makes the expansion run away, before the document is composed.
        #expect(failure.diagnostics.count == 1)
        #expect(
            failure.diagnostics.first?.message.contains("expand to far more values than it holds") == true,
            "\(failure.diagnostics)")
    }

    private func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "dwell-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
