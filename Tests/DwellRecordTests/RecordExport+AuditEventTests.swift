import Testing

@testable import DwellRecord

/// What an `AuditEvent.subtype` calls each safety row must say what happened, no more.
@Suite("Record export: AuditEvent subtype displays")
struct RecordExportAuditEventTests {
    @Test("rapid removal: the needles came out at once and are counted afterwards, not that every one is out")
    func rapidRemovalDisplay() throws {
        let display = try #require(RecordExport.safetyDisplays["needles.rapid-removal"])
        #expect(display == "Needles removed at once, counted afterwards (needle shock or fainting)")
        #expect(!display.lowercased().contains("every needle"))
    }
}
