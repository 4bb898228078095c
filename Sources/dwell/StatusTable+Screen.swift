import DwellCore
import DwellWire
import Foundation

/// `dwell status --watch`: one screen, in colour, with the kiosk page's state words, every line
/// fitted to the terminal's width (so no row wraps) and durations as m:ss.
extension StatusTable {
    /// The word the kiosk's card shows for the bed.
    static func word(_ bed: BedStatus) -> String {
        if bed.signal == "warning" { return "ENDING SOON" }
        if bed.signal.hasPrefix("pause-overdue") { return "PAUSE TOO LONG" }
        switch bed.state.word {
        case "reconcile": return "COUNT NEEDLES"
        case "sweep": return "CHECK COUCH & FLOOR"
        default: return bed.state.word.uppercased()
        }
    }

    /// The colour of the kiosk card (SGR codes): green running, amber alarms, red high ones.
    static func colour(_ bed: BedStatus) -> String {
        switch bed.signal {
        case let s where s.hasPrefix("running") || s == "rest" || s == "observation": return "1;32"
        case "warning", "paused": return "1;33"
        case "attention", "pause-overdue", "reconcile": return "1;30;43"
        case "silenced": return "1;31"
        case "idle": return "2"
        default:
            return bed.signal.contains("escalated") || bed.signal.hasPrefix("needles-unaccounted")
                || bed.signal.hasPrefix("interrupted") ? "1;97;41" : "1"
        }
    }

    /// Two lines a bed: the glance (bed, word, time, needles still in) and the details.
    static func lines(_ beds: [BedStatus], color: Bool) -> [String] {
        var lines: [String] = []
        for bed in beds {
            let word = " \(Self.word(bed)) "
            var line = "bed \(bed.bed)  " + (color ? "\u{1B}[\(colour(bed))m\(word)\u{1B}[0m" : word)
            if let remaining = bed.remainingMs {
                line += "  " + Duration.milliseconds(remaining).clockDisplay + (remaining < 0 ? " overrun" : " left")
            }
            if let needles = bed.needles, needles.outstanding != 0 {
                line +=
                    needles.outstanding > 0 ? "  \(needles.outstanding) STILL IN" : "  \(-needles.outstanding) MORE OUT"
            }
            if let silenced = bed.silencedMs { line += "  SILENCED " + Duration.milliseconds(silenced).clockDisplay }
            if bed.fault { line += "  FAULT" }
            lines.append(line)
            var detail = "      "
            if let title = bed.protocol?.title { detail += title }
            if let current = bed.current { detail += "  now: \(current)" }
            if let next = bed.next { detail += "  next: \(next)" }
            if detail.trimmingCharacters(in: .whitespaces).isEmpty == false { lines.append(detail) }
        }
        return lines
    }

    /// The watch screen: a heading, then the beds; when the terminal is too short for every
    /// detail line, the details go first and every bed keeps its glance line.
    static func watchScreen(_ beds: [BedStatus], width: Int, height: Int, color: Bool, clock: String) -> [String] {
        let heading = "Dwell · \(beds.count) bed\(beds.count == 1 ? "" : "s") · \(clock)"
        let full = [heading] + lines(beds, color: color)
        if full.count <= height { return full }
        return [heading] + lines(beds, color: color).filter { !$0.hasPrefix("      ") }
    }
}
