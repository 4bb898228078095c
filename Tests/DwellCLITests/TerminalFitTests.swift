import DwellCore
import DwellWire
import Testing

@testable import dwell

/// `dwell status --watch` and the simulator's panel on a terminal: pure functions of the width
/// and height, so a redraw never wraps a row and never leaves one behind.
struct TerminalFitTests {
    /// Eight beds in the states a room shows, with long protocol titles and step texts.
    static let beds: [BedStatus] = {
        let title = BedStatus.ProtocolRef(
            id: "low-back", title: "Low back, quadratus lumborum and lumbar multifidus", version: 1)
        let step = "Around the knee, medial side · 3 needles · 4m, then the lateral side and the patella"
        let states: [(String, String, Int64?)] = [
            ("running", "running", 181_000), ("running", "warning", 12_000), ("overrun", "attention", -75_000),
            ("overrun", "attention-escalated", -3_723_000), ("unaccounted", "needles-unaccounted", nil),
            ("unaccounted", "silenced", nil), ("reconcile", "reconcile", nil), ("paused", "pause-overdue", 95_000),
        ]
        return states.enumerated().map { index, row in
            BedStatus(
                bed: "\(index + 1)", state: BedPhase(word: row.0) ?? .idle, signal: row.1, protocol: title,
                current: step, next: step, remainingMs: row.2, lamps: [:], fault: index == 7,
                silencedMs: row.1 == "silenced" ? 61_000 : nil)
        }
    }()

    @Test func fittingCountsColourCodesAsNothingAndCutsWithAnEllipsis() {
        let red = "\u{1B}[1;97;41m OVERRUN \u{1B}[0m"
        #expect(TerminalText.visibleWidth(red) == 9)
        #expect(TerminalText.fit("bed 1  " + red, width: 80) == "bed 1  " + red, "what fits is untouched")
        let cut = TerminalText.fit("bed 1  " + red + "  +62:03 overrun", width: 12)
        #expect(TerminalText.visibleWidth(cut) == 12 && cut.hasSuffix("…\u{1B}[0m"), "\(cut)")
        #expect(TerminalText.fit("abcdef", width: 4) == "abc…")
    }

    @Test(arguments: [(80, 24), (100, 30), (132, 43), (60, 20)])
    func theWatchScreenFitsTheTerminal(width: Int, height: Int) {
        for color in [true, false] {
            let lines = StatusTable.watchScreen(
                Self.beds, width: width, height: height - 1, color: color, clock: "20:15:00")
            let screen = TerminalText.screen(lines, width: width, height: height - 1)
            let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(rows.count <= height - 1, "\(rows.count) rows on a \(height)-row terminal")
            for row in rows { #expect(TerminalText.visibleWidth(String(row)) < width, "wraps at \(width): \(row)") }
            #expect(screen.hasPrefix("\u{1B}[H") && screen.hasSuffix("\u{1B}[J"), "drawn from home, the rest cleared")
            // Every bed keeps its glance line, with the kiosk's words and m:ss.
            for bed in Self.beds { #expect(rows.contains { $0.contains("bed \(bed.bed) ") }, "bed \(bed.bed)") }
        }
    }

    @Test func theWatchScreenUsesTheKiosksWordsAndMinutesSeconds() {
        let lines = StatusTable.lines(Self.beds, color: false).joined(separator: "\n")
        for word in ["RUNNING", "ENDING SOON", "OVERRUN", "UNACCOUNTED", "COUNT NEEDLES", "PAUSE TOO LONG"] {
            #expect(lines.contains(" \(word) "), "\(word)")
        }
        #expect(lines.contains("3:01 left") && lines.contains("+1:15 overrun") && lines.contains("+1:02:03 overrun"))
        #expect(lines.contains("SILENCED 1:01"))
        let colored = StatusTable.lines(Self.beds, color: true).joined(separator: "\n")
        #expect(colored.contains("\u{1B}[1;97;41m OVERRUN "), "an escalated alarm is white on red")
        #expect(colored.contains("\u{1B}[1;32m RUNNING "), "running is green")
    }

    @Test func aTooShortTerminalDropsDetailsBeforeBeds() {
        let lines = StatusTable.watchScreen(Self.beds, width: 80, height: 10, color: false, clock: "t")
        #expect(lines.count == 9 && lines.dropFirst().allSatisfy { $0.hasPrefix("bed ") }, "\(lines)")
        let screen = TerminalText.screen(Array(repeating: "x", count: 30), width: 80, height: 5)
        #expect(screen.split(separator: "\n").count == 5 && screen.contains("26 more lines"))
    }
}
