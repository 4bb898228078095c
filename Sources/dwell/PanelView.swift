import DwellCore

/// The simulator's live panel: a few lines a terminal redraws in place, readable at a glance.
public struct PanelView: Sendable {
    public var bed: String
    public var speed: String
    public var color: Bool

    public init(bed: String, speed: String, color: Bool) {
        self.bed = bed
        self.speed = speed
        self.color = color
    }

    /// The panel for a terminal `width` columns wide: every line fits (60 to 80 columns and
    /// more; the progress bar takes what the line leaves), so redrawing in place never wraps.
    public func lines(for snapshot: SessionSnapshot, lastEvent: String?, width: Int = 80) -> [String] {
        let lampsLine = Lamp.allCases.map { lamp in
            let on = snapshot.lamps[lamp] ?? false
            let symbol = lamp == .buzzer ? (on ? "♪" : "·") : (on ? "●" : "○")
            return paint("\(symbol) \(lamp.rawValue)", on ? lampColor(lamp) : "2")
        }.joined(separator: "  ")
        let step = snapshot.stepIndex.map { "step \($0 + 1)/\(snapshot.stepCount)" } ?? ""
        let phase = paint(snapshot.phase.rawValue.uppercased(), phaseColor(snapshot))
        let fault = snapshot.fault ? "  " + paint("FAULT", "1;31") : ""
        let remaining =
            snapshot.remaining.map { $0 < .zero ? "overrun \($0.clockDisplay)" : "remaining \($0.clockDisplay)" } ?? ""
        let usable = max(20, min(width, 200) - 1)
        let times = " \(snapshot.elapsed.clockDisplay) / \(snapshot.plannedLength.clockDisplay)"
        let bar = progressBar(snapshot, width: max(10, min(40, usable - 3 - times.count)))
        return [
            "\(paint("Dwell simulator", "1")) · \(snapshot.title) · bed \(bed) · \(speed)",
            " \(lampsLine)   signal: \(snapshot.signal)",
            " \(phase) \(step)\(fault)   \(snapshot.current ?? "")",
            " \(paint(remaining, "1"))   next: \(snapshot.next ?? "—")",
            " \(bar)\(times)",
            " last: \(lastEvent ?? "—")",
        ].map { TerminalText.fit($0, width: usable) }
    }

    func progressBar(_ snapshot: SessionSnapshot, width: Int) -> String {
        let total = max(snapshot.plannedLength.wholeMilliseconds, 1)
        let filled = Int(min(max(snapshot.elapsed.wholeMilliseconds, 0), total) * Int64(width) / total)
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "]"
    }

    private func lampColor(_ lamp: Lamp) -> String {
        switch lamp {
        case .green: return "1;32"
        case .amber: return "1;33"
        case .red: return "1;31"
        case .buzzer: return "1;35"
        }
    }

    private func phaseColor(_ snapshot: SessionSnapshot) -> String {
        switch snapshot.signal {
        case .running, .rest, .observation: return "1;32"
        case .warning, .paused, .attention, .pauseOverdue(escalated: false), .reconcile, .checkDue, .sweep:
            return "1;33"
        case .attentionEscalated, .pauseOverdue(escalated: true), .unaccounted, .interrupted, .silenced,
            .reconcileEscalated, .calling:
            return "1;31"
        case .idle: return "2"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
