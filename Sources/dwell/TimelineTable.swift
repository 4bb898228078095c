import DwellCore

/// `dwell protocol show`: the steps with their planned offsets, and a bar whose segments are
/// proportional to each step's length (site steps by number, rests as `·`, observation as `░`).
struct TimelineTable {
    let treatment: TreatmentProtocol
    let barWidth: Int

    init(_ treatment: TreatmentProtocol, barWidth: Int) {
        self.treatment = treatment
        self.barWidth = barWidth
    }

    func render() -> String {
        var rows: [[String]] = [["#", "start", "end", "length", "step", "needles", "technique", "cue"]]
        var offset = Duration.zero
        for (index, step) in treatment.steps.enumerated() {
            let end = offset + step.duration
            switch step {
            case .site(let site):
                let technique = site.technique ?? treatment.technique
                let cadence = site.cadence.map { " @\($0)" } ?? ""
                let warning =
                    site.dwell > treatment.warnBefore ? "warn at \((end - treatment.warnBefore).clockDisplay)" : ""
                rows.append([
                    "\(symbol(for: index))", offset.clockDisplay, end.clockDisplay, site.dwell.notation,
                    site.displayName, "\(site.needles)", technique.rawValue + cadence, warning,
                ])
            case .rest(let rest):
                rows.append([
                    "·", offset.clockDisplay, end.clockDisplay, rest.duration.notation,
                    rest.label ?? "rest", "", "", "",
                ])
            }
            offset = end
        }
        if treatment.observation > .zero {
            rows.append([
                "░", offset.clockDisplay, (offset + treatment.observation).clockDisplay,
                treatment.observation.notation, "observation (after acknowledgement)", "", "", "",
            ])
        }
        var text = "\(treatment.title) (\(treatment.id) v\(treatment.version), \(treatment.technique.rawValue))\n"
        text += "session \(treatment.stepsTotal.notation), \(treatment.totalNeedles) needles, "
        text += "warning \(treatment.warnBefore.notation) before each site ends"
        text += treatment.observation > .zero ? ", observation \(treatment.observation.notation)\n\n" : "\n\n"
        text += table(rows)
        text += "\n" + bar() + "\n"
        if let notes = treatment.notes { text += "\nnotes: \(notes)\n" }
        return text
    }

    private func symbol(for index: Int) -> Character {
        let siteNumber = treatment.steps[...index].filter { $0.site != nil }.count
        let symbols = Array("123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return symbols[(siteNumber - 1) % symbols.count]
    }

    /// Segments proportional to length; every step gets at least one cell.
    func bar() -> String {
        var segments: [(Character, Duration)] = treatment.steps.enumerated().map { index, step in
            (step.site != nil ? symbol(for: index) : "·", step.duration)
        }
        if treatment.observation > .zero { segments.append(("░", treatment.observation)) }
        let total = max(segments.reduce(Duration.zero) { $0 + $1.1 }.wholeMilliseconds, 1)
        var cells = ""
        var elapsed: Int64 = 0
        var drawn = 0
        for (character, length) in segments {
            elapsed += length.wholeMilliseconds
            let count = max(1, Int(elapsed * Int64(barWidth) / total) - drawn)
            cells += String(repeating: character, count: count)
            drawn += count
        }
        let end = (treatment.stepsTotal + treatment.observation).clockDisplay
        return "|\(cells)|\n0:00" + String(repeating: " ", count: max(1, drawn + 2 - 4 - end.count)) + end
    }

    private func table(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                cell + String(repeating: " ", count: widths[column] - cell.count)
            }.joined(separator: "  ").trimmingTrailingSpaces
        }.joined(separator: "\n") + "\n"
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
