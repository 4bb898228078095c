import DwellRecord
import Foundation
import Testing

/// Whatever text a note or reason holds (a therapist types it; a client sends it), the row
/// verifies: the chain hashes what is stored, byte for byte. (A NUL, which SQLite would end the
/// stored text at, is kept as the visible `␀`; in a loaded run, a refused start's note with a
/// NUL in a client's checklist code broke the chain before.)
struct RecordTextTests {
    static let texts: [String] = [
        "plain", "form\u{0C}feed", "cr\rlf\r\n", "nel\u{85}", "line\u{2028}sep", "tab\tvt\u{0B}",
        "controls \u{01}\u{02}\u{1A}\u{1F}\u{7F}\u{89}", "nfd e\u{301} nfc \u{E9}", "emoji \u{1F9EA}\u{200D}",
        "private \u{F7A6E}\u{1066F5}", "bom \u{FEFF}", "nul \u{0}after",
        "Checklist incomplete: , None, \u{89}f\u{251D8}j\u{18229}\u{EF172}\u{3B761}\u{C4}\u{C}W\u{18}\u{19}v\u{C6}k\u{D2}y\u{C4}\u{E8}\u{1A},N\u{BA}\u{2}\u{F2}",
    ]

    @Test(arguments: texts)
    func anyTextInANoteVerifies(_ text: String) async throws {
        let store = try RecordStore(path: temporaryRecordPath())
        let writer = try RecordWriter(store: store)
        var reasoned = event("needles.mismatch-closed", context(), at: 0, note: text)
        reasoned.reason = text
        try await writer.append(reasoned)
        let report = try store.verify()
        #expect(report.problem == nil, "\(report)")
        let stored = text.replacingOccurrences(of: "\u{0}", with: "\u{2400}")
        let row = try #require(try store.entries().first)
        #expect(row.note == stored && row.reason == stored, "stored as given, a NUL as ␀")
    }
}
