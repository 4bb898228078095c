import DwellCore
import DwellProbe
import DwellWire
import Foundation

/// dwelld's event stream (`GET /api/v1/stream`), read one bed event at a time: each wait has a
/// deadline, and an event that is not a bed status is an error, never skipped.
final class BedStream {
    private let connection: RawHTTP
    /// Bytes read but not yet taken as whole lines.
    private var pending: [UInt8] = []

    init(port: Int) throws {
        connection = try RawHTTP(port: port)
        connection.send("GET", "/api/v1/stream")
        try connection.receive(
            into: &pending, until: { $0.firstRange(of: RawHTTP.headerEnd) != nil }, within: .seconds(5),
            waitingFor: "the header of GET /api/v1/stream")
        guard let end = pending.firstRange(of: RawHTTP.headerEnd)?.upperBound else {
            throw BenchError("GET /api/v1/stream answered no complete header")
        }
        let statusLine = String(decoding: pending.prefix { $0 != 13 }, as: UTF8.self)
        guard statusLine.hasPrefix("HTTP/1.1 200") else {
            throw BenchError("GET /api/v1/stream answered \(statusLine)")
        }
        pending.removeFirst(end)
    }

    /// The next bed event for which `wanted` holds (`what` names it in the error when none came
    /// within `limit`).
    @discardableResult
    func next(
        _ what: String, within limit: Duration = .seconds(5), where wanted: (BedStatus) -> Bool
    ) throws -> BedStatus {
        let deadline = ContinuousClock.now + limit
        while true {
            while let newline = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[..<newline], as: UTF8.self)
                pending.removeFirst(newline + 1)
                guard line.hasPrefix("data: ") else { continue }
                let status: BedStatus
                do {
                    status = try WireJSON.decoder().decode(BedStatus.self, from: Data(line.dropFirst(6).utf8))
                } catch {
                    throw BenchError("the stream sent an event that is not a bed (\(error)): \(line.prefix(200))")
                }
                if wanted(status) { return status }
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { throw BenchError("waited \(limit.notation) on /api/v1/stream for \(what)") }
            try connection.receive(
                into: &pending, until: { $0.contains(10) }, within: left,
                waitingFor: "\(what) on /api/v1/stream (\(limit.notation) in all)")
        }
    }
}
