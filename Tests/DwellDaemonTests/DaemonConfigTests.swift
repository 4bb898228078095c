import DwellBed
import DwellCore
import DwellDaemon
import DwellRunner
import DwellWire
import Foundation
import HummingbirdTesting
import Logging
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

    /// `clinic.therapists`: the kiosk's picker, served as `GET /api/v1/therapists` in config order.
    @Test func theClinicListsTherapistsForTheKioskPicker() async throws {
        let (_, result) = try load(
            """
            beds: ["1"]
            protocols: Protocols
            clinic:
              therapists:
                - { code: t-17, name: "Anna K." }
                - { code: t-03, name: Ben }
            """)
        var config = try result.get()
        #expect(config.therapists == [TherapistEntry(code: "t-17", name: "Anna K."), .init(code: "t-03", name: "Ben")])
        #expect(DaemonConfig().therapists.isEmpty, "none unless listed")
        config.protocols = try protocolsCopy()
        config.record = try temporaryFolder() + "/record.sqlite"
        let outputs = Dictionary(
            uniqueKeysWithValues: config.beds.map { ($0, SimulatedBoard(bed: $0) as any IndicatorOutput) })
        let beds = try Beds(settings: config.bedSettings, outputs: outputs, logger: Logger(label: "test"))
        try await app(beds).test(.router) { client in
            try await client.execute(uri: "/api/v1/therapists", method: .get) { response in
                #expect(response.status == .ok)
                let list = try array(response)
                #expect(list.map { $0["code"] as? String } == ["t-17", "t-03"], "\(list)")
                #expect(list.map { $0["name"] as? String } == ["Anna K.", "Ben"])
            }
        }
    }

    @Test func badTherapistsAreRefusedWithLineAndField() throws {
        let (path, result) = try load(
            """
            beds: ["1"]
            clinic:
              therapists:
                - { code: t-17, name: Anna }
                - { code: t-17, name: Anna again }
                - { code: "Anna Smith", name: Anna }
                - { code: t-04 }
                - { code: t-05, name: "A name far too long for a kiosk tile to show" }
                - t-06
                - { code: t-07, name: Cleo, role: lead }
            """)
        guard case .failure(let failure) = result else {
            Issue.record("bad therapists were accepted")
            return
        }
        let expected = [
            "\(path):5:15: error: clinic.therapists[1].code: `t-17` is listed twice; codes must be unique",
            "\(path):6:15: error: clinic.therapists[2].code: `Anna Smith` must be 1 to 64 letters, digits, `-`, `_` or `.` (a code, never a name)",
            "\(path):8:27: error: clinic.therapists[4].name: `A name far too long for a kiosk tile to show` must be 1 to 32 characters on one line",
            "\(path):9:7: error: clinic.therapists[5]: must be a mapping with code and name, not `t-06`",
        ]
        for line in expected { #expect(failure.lines.contains(line), "\(failure.lines)") }
        #expect(failure.lines.contains { $0.contains("clinic.therapists[3].name: is required") }, "\(failure.lines)")
        #expect(failure.lines.contains { $0.contains("clinic.therapists[6].role") }, "an unknown key: \(failure.lines)")
        let (_, notAList) = try load("beds: [\"1\"]\nclinic:\n  therapists: t-17\n")
        guard case .failure(let single) = notAList else {
            Issue.record("a single therapist code was accepted")
            return
        }
        #expect(single.lines.contains { $0.contains("clinic.therapists: must be a list of {code, name}") })
    }
}
