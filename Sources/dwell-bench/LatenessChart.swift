import Foundation

/// A plain SVG bar chart of lateness percentiles (log scale), for people who would rather look.
struct LatenessChart {
    struct Row {
        var label: String
        var p50: Double
        var p99: Double
        var maximum: Double
    }

    var title: String
    var rows: [Row] = []

    func svg() -> String {
        let width = 900.0
        let rowHeight = 34.0
        let left = 330.0
        let top = 50.0
        let height = top + Double(rows.count) * rowHeight + 60
        let decades = [1.0, 10, 100, 1_000, 10_000, 100_000, 1_000_000]
        func x(_ micros: Double) -> Double {
            let clamped = min(max(micros, 1), 1_000_000)
            return left + (width - left - 30) * log10(clamped) / 6
        }
        var body = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" font-family="sans-serif" font-size="13">
            <rect width="100%" height="100%" fill="white"/>
            <text x="20" y="28" font-size="16" font-weight="bold">\(escaped(title))</text>

            """
        for decade in decades {
            let position = x(decade)
            body +=
                "<line x1=\"\(position)\" y1=\"\(top - 8)\" x2=\"\(position)\" y2=\"\(height - 40)\" stroke=\"#ddd\"/>\n"
            let label = decade >= 1_000 ? "\(Int(decade / 1_000)) ms" : "\(Int(decade)) µs"
            body +=
                "<text x=\"\(position)\" y=\"\(height - 24)\" text-anchor=\"middle\" fill=\"#555\">\(label)</text>\n"
        }
        for (index, row) in rows.enumerated() {
            let y = top + Double(index) * rowHeight
            body += "<text x=\"\(left - 10)\" y=\"\(y + 17)\" text-anchor=\"end\">\(escaped(row.label))</text>\n"
            body +=
                "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(x(row.p99) - left)\" height=\"20\" fill=\"#f4a259\"/>\n"
            body +=
                "<rect x=\"\(left)\" y=\"\(y + 4)\" width=\"\(x(row.p50) - left)\" height=\"20\" fill=\"#5b8e7d\"/>\n"
            body +=
                "<line x1=\"\(x(row.maximum))\" y1=\"\(y + 2)\" x2=\"\(x(row.maximum))\" y2=\"\(y + 26)\" stroke=\"#bc4b51\" stroke-width=\"2\"/>\n"
        }
        body +=
            "<text x=\"\(left)\" y=\"\(height - 6)\" fill=\"#555\">green: p50 · orange: p99 · red tick: max (log scale)</text>\n</svg>\n"
        return body
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
    }
}
