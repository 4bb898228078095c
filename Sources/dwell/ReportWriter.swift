import DwellCore
import DwellRecord
import DwellRunner
import Foundation
import Synchronization

/// Prints what a simulated session does: JSON lines or readable lines, plus lateness figures.
final class ReportWriter: Sendable {
    struct Line: Encodable {
        var event: String
        var atMs: Int64
        var step: Int?
        var kind: String?
        var site: String?
        var latenessUs: Int64
        var addedMs: Int64?
        var signal: String?
        var line: String?
        var value: Int?
        /// With `--record`: the session id and the committed row's sequence number.
        var session: String?
        var seq: Int64?

        enum CodingKeys: String, CodingKey {
            case event, step, kind, site, signal, line, value, session, seq
            case atMs = "at_ms"
            case latenessUs = "lateness_us"
            case addedMs = "added_ms"
        }
    }

    let json: Bool
    let lines: Bool
    let board: SimulatedBoard
    private let state = Mutex<(cues: [Int64], edges: [Int64], last: String?)>(([], [], nil))
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    init(json: Bool, lines: Bool, board: SimulatedBoard) {
        self.json = json
        self.lines = lines
        self.board = board
    }

    var lastEvent: String? { state.withLock { $0.last } }

    func write(_ report: RunnerReport, entry: RecordEntry? = nil, toStdout: Bool) {
        var output: [Line] = []
        switch report {
        case .event(let event, let lateness):
            let micros = lateness?.wholeMicroseconds ?? 0
            if lateness != nil { state.withLock { $0.cues.append(micros) } }
            output.append(
                Line(
                    event: event.kind.rawValue, atMs: event.at.wholeMilliseconds, step: event.step,
                    kind: event.stepKind?.rawValue, site: event.site, latenessUs: micros,
                    addedMs: event.added?.wholeMilliseconds, session: entry?.sessionID, seq: entry?.seq))
        case .signal(let signal, let at) where lines:
            output.append(
                Line(event: "signal", atMs: at.wholeMilliseconds, latenessUs: 0, signal: signal.description))
        case .lamps(let changes):
            state.withLock { $0.edges += changes.map(\.lateness.wholeMicroseconds) }
            if lines {
                output += changes.map { change in
                    Line(
                        event: "line", atMs: change.at.wholeMilliseconds,
                        latenessUs: change.lateness.wholeMicroseconds,
                        line: board.lineName(change.lamp), value: change.on ? 1 : 0)
                }
            }
        case .rejected(let rejection):
            printError("rejected: \(rejection)")
        case .fault(let message, let at):
            printError("fault at \(at.clockDisplay): \(message)")
        case .signal:
            break
        }
        for line in output {
            let text = json ? encoded(line) : readable(line)
            if line.event != "line" && line.event != "signal" { state.withLock { $0.last = readable(line) } }
            if toStdout || json { print(text) }
        }
        fflush(nil)
    }

    private func encoded(_ line: Line) -> String {
        (try? encoder.encode(line)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    private func readable(_ line: Line) -> String {
        var text = "\(Duration.milliseconds(line.atMs).clockDisplay)  \(line.event)"
        if let step = line.step { text += "  step \(step + 1)" }
        if let kind = line.kind { text += " \(kind)" }
        if let site = line.site { text += " \(site)" }
        if let added = line.addedMs { text += " +\(Duration.milliseconds(added).notation)" }
        if let signal = line.signal { text += " \(signal)" }
        if let name = line.line, let value = line.value { text += " \(name)=\(value)" }
        if line.latenessUs > 0 { text += "  (late \(line.latenessUs) µs)" }
        return text
    }

    /// Lateness percentiles for the timer-fired cues and line edges, on stderr.
    func printSummary() {
        let (cues, edges) = state.withLock { ($0.cues, $0.edges) }
        printError("cues: \(LatenessSummary(cues)); line edges: \(LatenessSummary(edges))")
    }
}

/// p50 / p99 / max of lateness samples in microseconds.
struct LatenessSummary: CustomStringConvertible {
    let samples: [Int64]

    init(_ samples: [Int64]) { self.samples = samples.sorted() }

    func percentile(_ p: Double) -> Int64 {
        guard !samples.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(samples.count)).rounded(.up)) - 1
        return samples[min(max(rank, 0), samples.count - 1)]
    }

    var description: String {
        guard !samples.isEmpty else { return "none" }
        return
            "\(samples.count) lateness p50 \(percentile(50)) µs, p99 \(percentile(99)) µs, max \(samples.last ?? 0) µs"
    }
}
