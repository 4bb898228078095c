/// Percentiles of a sample, and Markdown tables.
struct Sample {
    let sorted: [Double]

    init(_ values: [Double]) { sorted = values.sorted() }

    /// A sample that measured something: no values, or one that is not a number, is an error
    /// naming `what` (a section that silently measured nothing must not print a row).
    init(_ values: [Double], of what: String) throws {
        guard !values.isEmpty else { throw BenchError("no \(what) were measured") }
        guard values.allSatisfy(\.isFinite) else {
            throw BenchError("some \(what) are not numbers: \(values.prefix(5))")
        }
        self.init(values)
    }

    var count: Int { sorted.count }

    func percentile(_ p: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)]
    }

    var largest: Double { sorted.last ?? .nan }
    var median: Double { percentile(50) }
}

struct Table {
    var header: [String]
    var rows: [[String]] = []
    /// Lines printed before the table (what the rows were measured under).
    var notes: [String] = []

    init(_ header: String...) { self.header = header }

    mutating func add(_ cells: String...) { rows.append(cells) }

    var markdown: String {
        var text = notes.map { "- \($0)\n" }.joined() + (notes.isEmpty ? "" : "\n")
        text += "| " + header.joined(separator: " | ") + " |\n"
        text += "|" + header.map { _ in "---" }.joined(separator: "|") + "|\n"
        for row in rows { text += "| " + row.joined(separator: " | ") + " |\n" }
        return text
    }
}

func format(_ value: Double, digits: Int = 0) -> String {
    guard value.isFinite else { return "–" }
    if digits == 0 { return String(Int(value.rounded())) }
    var text = String(value)
    if let dot = text.firstIndex(of: ".") {
        let end = text.index(dot, offsetBy: digits + 1, limitedBy: text.endIndex) ?? text.endIndex
        text = String(text[..<end])
    }
    return text
}

extension Duration {
    var microseconds: Double { Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12 }
    var milliseconds: Double { microseconds / 1_000 }
    var seconds: Double { microseconds / 1e6 }
}
