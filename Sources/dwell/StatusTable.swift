import DwellCore
import DwellWire

/// Beds as the lines `dwell status` (and every bed command) prints.
enum StatusTable {
    static func render(_ beds: [BedStatus]) -> String {
        var text = ""
        for bed in beds {
            var line = "bed \(bed.bed)  \(bed.state.word.uppercased())"
            if let call = bed.call {
                line += "  PATIENT CALLING (waiting " + Duration.milliseconds(call.waitingMs).clockDisplay + ")"
            }
            if bed.state == .session(.sweep) { line += "  CHECK COUCH AND FLOOR FOR NEEDLES, then swept" }
            if let check = bed.checkInMs {
                line +=
                    check <= 0
                    ? "  CHECK-IN DUE (overdue " + Duration.milliseconds(-check).clockDisplay + ")"
                    : "  check-in in " + Duration.milliseconds(check).clockDisplay
            }
            if bed.signal.hasPrefix("pause-overdue") {
                line += bed.signal.hasSuffix("escalated") ? "  PAUSE TOO LONG (ESCALATED)" : "  PAUSE TOO LONG"
            }
            if let remaining = bed.remainingMs {
                line += "  " + Duration.milliseconds(remaining).clockDisplay + (remaining < 0 ? " overrun" : " left")
            }
            if let title = bed.protocol?.title { line += "  \(title)" }
            if bed.fault { line += "  FAULT" }
            if let needles = bed.needles {
                line += "  needles in \(needles.placed) out \(needles.removed)"
                if needles.outstanding != 0 {
                    line +=
                        needles.outstanding > 0
                        ? " (\(needles.outstanding) still in)" : " (\(-needles.outstanding) more out than in)"
                }
            }
            if let silenced = bed.silencedMs { line += "  SILENCED " + Duration.milliseconds(silenced).clockDisplay }
            text += line + "\n"
            if let interruption = bed.interruption, bed.state == .session(.interrupted) {
                text +=
                    "      dwelld restarted: session started \(Duration.milliseconds(interruption.sinceStartMs).notation) before, "
                text += "at \(interruption.startedAt)"
                text += interruption.uncertain ? " (UNCERTAIN: the system clock is not synchronised)\n" : "\n"
                if let reason = interruption.reason { text += "      \(reason)\n" }
            }
            if let planned = bed.plannedMs, let elapsed = bed.elapsedMs, planned > 0 {
                let width = 40
                let filled = Int(max(0, min(Int64(width), elapsed * Int64(width) / planned)))
                text +=
                    "      [" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                    + "]"
                if let current = bed.current { text += "  now: \(current)" }
                if let next = bed.next { text += "  next: \(next)" }
                text += "\n"
            }
        }
        return text
    }
}
