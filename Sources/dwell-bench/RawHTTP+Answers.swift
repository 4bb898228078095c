import DwellCore
import DwellProbe
import DwellWire
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One HTTP answer of dwelld: its status and body.
struct HTTPAnswer {
    let status: Int
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The problem document's title and detail, or the start of the body when it is not one.
    var problem: String {
        guard let problem = try? WireJSON.decoder().decode(ProblemBody.self, from: Data(body)) else {
            return "(no problem document) " + String(text.prefix(200))
        }
        return "\(problem.title): \(problem.detail)"
    }
}

/// Reading with a deadline: what was awaited, for how long, and what had arrived are the error
/// when it passes, or when dwelld closes the connection first.
extension RawHTTP {
    static let headerEnd = Array("\r\n\r\n".utf8)

    /// Reads into `buffer` until `done` holds for it (or, when `endsAtClose`, dwelld closes).
    func receive(
        into buffer: inout [UInt8], until done: ([UInt8]) -> Bool, within limit: Duration, waitingFor what: String,
        endsAtClose: Bool = false
    ) throws {
        let deadline = ContinuousClock.now + limit
        var chunk = [UInt8](repeating: 0, count: 16_384)
        while !done(buffer) {
            let left = deadline - ContinuousClock.now
            guard left > .zero else {
                throw BenchError(
                    "waited \(limit.notation) for \(what); \(buffer.count) bytes arrived: "
                        + String(decoding: buffer.suffix(200), as: UTF8.self))
            }
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, Int32(min(100, max(1, left.milliseconds.rounded(.up))))) > 0 else { continue }
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            if count == 0 && endsAtClose { return }
            guard count > 0 else {
                throw BenchError(
                    "dwelld closed the connection while \(what) was awaited (\(buffer.count) bytes arrived: "
                        + String(decoding: buffer.suffix(200), as: UTF8.self) + ")")
            }
            buffer += chunk[0..<count]
        }
    }

    /// The answer to the request already sent (`request` names it in errors): the status line,
    /// headers, and a body of its Content-Length, chunked, or up to the close.
    func answer(to request: String, within limit: Duration = .seconds(5)) throws -> HTTPAnswer {
        let deadline = ContinuousClock.now + limit
        var bytes: [UInt8] = []
        try receive(
            into: &bytes, until: { $0.firstRange(of: Self.headerEnd) != nil }, within: limit,
            waitingFor: "the answer to \(request)")
        guard let end = bytes.firstRange(of: Self.headerEnd)?.upperBound else {
            throw BenchError("\(request) answered no complete header")
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).lowercased()
        let statusLine = head.prefix { $0 != "\r" }
        guard statusLine.hasPrefix("http/1.1 "), let status = Int(statusLine.dropFirst(9).prefix(3)) else {
            throw BenchError("\(request) answered no HTTP status line: \(statusLine.prefix(100))")
        }
        let left = deadline - ContinuousClock.now
        let what = "the body of the answer to \(request)"
        if let length = Self.header("content-length", in: head).flatMap({ Int($0) }) {
            try receive(into: &bytes, until: { $0.count >= end + length }, within: left, waitingFor: what)
            return HTTPAnswer(status: status, body: Array(bytes[end..<(end + length)]))
        }
        if Self.header("transfer-encoding", in: head) == "chunked" {
            try receive(
                into: &bytes, until: { $0[end...].firstRange(of: Array("0\r\n\r\n".utf8)) != nil }, within: left,
                waitingFor: what)
            return HTTPAnswer(status: status, body: Self.dechunked(Array(bytes[end...])))
        }
        // Neither: the body ends where dwelld closes the connection (the request said Connection: close).
        try receive(into: &bytes, until: { _ in false }, within: left, waitingFor: what, endsAtClose: true)
        return HTTPAnswer(status: status, body: Array(bytes[end...]))
    }

    static func header(_ name: String, in head: String) -> String? {
        for line in head.split(separator: "\r\n") where line.hasPrefix(name + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    static func dechunked(_ bytes: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        var rest = bytes[...]
        while let lineEnd = rest.firstRange(of: Array("\r\n".utf8)),
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0
        {
            let start = lineEnd.upperBound
            guard rest.endIndex - start >= size else { break }
            body += rest[start..<(start + size)]
            rest = rest[min(rest.endIndex, start + size + 2)...]
        }
        return body
    }
}
