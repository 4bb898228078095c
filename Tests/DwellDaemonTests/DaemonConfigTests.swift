import DwellCore
import DwellDaemon
import Foundation
import Testing

/// The clinic's safety settings in the config file.
struct DaemonConfigTests {
    func load(_ text: String) throws -> (path: String, result: Result<DaemonConfig, FileFailureText>) {
        let path = try temporaryFolder() + "/dwell.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (path, DaemonConfig.load(path).mapError { FileFailureText(lines: $0.diagnostics.map(\.description)) })
    }

    struct FileFailureText: Error { var lines: [String] }

    @Test func theClinicExtendsTheChecklistAndSetsAftercareAndSilence() throws {
        let (_, result) = try load(
            """
            beds: ["1"]
            protocols: Protocols
            clinic:
              silence_for: 90s
              aftercare: Rest for ten minutes.
              contraindications:
                - { code: pacemaker, label: "Pacemaker (electro-needling planned)", severity: relative }
                - { code: anticoagulant-inr-high, label: "INR above 3", severity: absolute }
            """)
        let config = try result.get()
        #expect(config.limits.silenceFor == .seconds(90))
        #expect(config.aftercare == "Rest for ten minutes.")
        #expect(config.checklist.absolute.last == Contraindication("anticoagulant-inr-high", "INR above 3", .absolute))
        #expect(config.checklist.relative.last?.code == "pacemaker")
        #expect(config.checklist.items.count == Checklist.standardItems.count + 2)
        #expect(DaemonConfig().aftercare.contains("Drink water"), "a default for every clinic")
    }

    /// The config file is read like protocol files: a device is not read at all, the size is
    /// checked before reading, and a byte that is not UTF-8 is placed (issue 12).
    @Test func theFileIsReadLikeProtocolFiles() throws {
        func problems(_ path: String) -> [String] {
            guard case .failure(let failure) = DaemonConfig.load(path) else { return [] }
            return failure.diagnostics.map(\.description)
        }
        #expect(problems("/dev/zero") == ["/dev/zero:1:1: error: (document): not a regular file"])
        let latin1 = try temporaryFolder() + "/latin1.yaml"
        try (Data("beds: [\"1\"]\nprotocols: Caf".utf8) + [0xE9, 0x0A]).write(to: URL(fileURLWithPath: latin1))
        #expect(
            problems(latin1) == [
                "\(latin1):2:15: error: (document): the file is not valid UTF-8 text (first bad byte here); save it as UTF-8"
            ])
        let huge = try temporaryFolder() + "/huge.yaml"
        try Data(repeating: 0x20, count: (1 << 20) + 1).write(to: URL(fileURLWithPath: huge))
        #expect(
            problems(huge) == [
                "\(huge):1:1: error: (document): the file is 1048577 bytes; a config file is limited to 1048576 bytes (1 MiB)"
            ])
    }

    @Test func badChecklistItemsAreRefusedWithLineAndField() throws {
        let (path, result) = try load(
            """
            beds: ["1"]
            clinic:
              contraindications:
                - { code: diabetes, label: "Diabetes again", severity: relative }
                - { code: "Big Code", label: "x", severity: relative }
                - { code: asthma, label: "Asthma", severity: sometimes }
                - { code: gout, severity: relative }
            """)
        guard case .failure(let failure) = result else {
            Issue.record("a bad checklist was accepted")
            return
        }
        #expect(
            failure.lines.contains(
                "\(path):4:15: error: clinic.contraindications[0].code: `diabetes` is already on the checklist"))
        #expect(
            failure.lines.contains(
                "\(path):5:15: error: clinic.contraindications[1].code: `Big Code` must be 2 to 40 lowercase letters, digits or `-`"
            ))
        #expect(
            failure.lines.contains(
                "\(path):6:50: error: clinic.contraindications[2].severity: `sometimes` must be absolute or relative"))
        #expect(
            failure.lines.contains { $0.contains("clinic.contraindications[3].label: is required") }, "\(failure.lines)"
        )
    }
}
