import DwellCore
import DwellRunner
import Foundation

/// Lamp and buzzer edges: beds showing a patient call, the high-priority pattern (red and amber
/// flashing in turn at 2 Hz, 10-pulse buzzer bursts), driven as dwelld drives them (an
/// ``IdleIndicator`` on the ``PrecisionClock``, edges written from the timer thread). Each edge's
/// lateness, and the share of buzzer pulses and gaps that stay inside IEC 60601-1-8's ranges
/// once played (pulses 75–200 ms, gaps within a group 50–125 ms).
struct EdgeTable {
    var table = Table(
        "load", "beds", "edges", "p50 µs", "p99 µs", "p99.9 µs", "max µs", "p99 / floor p99",
        "pulses in 75–200 ms", "gaps in 50–125 ms")

    static let pulseRange = Duration.milliseconds(75)...Duration.milliseconds(200)
    static let gapRange = Duration.milliseconds(50)...Duration.milliseconds(125)

    mutating func measure(
        load: String, loaded: Bool, length: Duration, floor: Sample, chart: inout LatenessChart
    ) async throws {
        for beds in [1, 8, 64] {
            let boards = try await Bench.within(length + .seconds(30), "\(beds) beds calling (\(load))") {
                try await Self.play(beds: beds, for: length)
            }
            let transitions = boards.flatMap(\.transitions).filter { $0.change.at > .zero }
            let sample = try Sample(
                transitions.map(\.change.lateness.microseconds), of: "edges of \(beds) calling beds (\(load))")
            let shares = Self.iecShares(boards)
            guard shares.pulses.total > 0, shares.gaps.total > 0 else {
                throw BenchError("\(beds) calling beds (\(load)) played no whole buzzer pulse in \(length.notation)")
            }
            table.add(
                load, "\(beds)", "\(sample.count)", format(sample.percentile(50)), format(sample.percentile(99)),
                format(sample.percentile(99.9)), format(sample.largest),
                format(sample.percentile(99) / floor.percentile(99), digits: 2) + "×", shares.pulses.text,
                shares.gaps.text)
            chart.rows.append(
                .init(
                    label: "edges, \(beds) bed\(beds == 1 ? "" : "s"), \(loaded ? "loaded" : "idle")",
                    p50: sample.percentile(50), p99: sample.percentile(99), maximum: sample.largest))
        }
    }

    /// `beds` simulated boards, each shown a patient call for `length`, then idle again.
    static func play(beds: Int, for length: Duration) async throws -> [SimulatedBoard] {
        let boards = (1...beds).map { SimulatedBoard(bed: "\($0)") }
        let indicators = boards.map { IdleIndicator(clock: PrecisionClock(), output: $0) }
        for indicator in indicators { await indicator.show(.calling) }
        try await Task.sleep(for: length)
        for indicator in indicators { await indicator.show(.idle) }
        for (board, indicator) in zip(boards, indicators) {
            if let failed = await indicator.failed {
                throw BenchError("the simulated board of bed \(board.bed) failed: \(failed)")
            }
        }
        return boards
    }

    struct Share {
        var inside = 0
        var total = 0
        var text: String {
            "\(inside)/\(total) (\(format(Double(inside) / Double(max(total, 1)) * 100, digits: 2)) %)"
        }
    }

    /// How many buzzer pulses, and gaps between pulses of one group (planned as
    /// ``IndicatorSignal/highGap``), lasted inside the IEC ranges as played (planned + lateness).
    static func iecShares(_ boards: [SimulatedBoard]) -> (pulses: Share, gaps: Share) {
        var pulses = Share()
        var gaps = Share()
        for board in boards {
            let buzzer = board.transitions.map(\.change).filter { $0.lamp == .buzzer }
            for (first, second) in zip(buzzer, buzzer.dropFirst()) where first.at > .zero {
                let played = (second.at + second.lateness) - (first.at + first.lateness)
                if first.on && !second.on {
                    pulses.total += 1
                    if pulseRange.contains(played) { pulses.inside += 1 }
                } else if !first.on && second.on && second.at - first.at == IndicatorSignal.highGap {
                    gaps.total += 1
                    if gapRange.contains(played) { gaps.inside += 1 }
                }
            }
        }
        return (pulses, gaps)
    }
}
