import Foundation

#if canImport(Glibc)
    import Glibc
#endif

// Plain-socket probes of a running dwelld, shared by its tests and by dwell-bench: systemd's
// notification socket, a free port, and HTTP/1.1 that can also read an endless event stream.

/// A bound datagram socket standing in for systemd's notification socket.
public final class NotifySocket {
    public let path: String
    public let descriptor: Int32

    public init(path: String) throws {
        self.path = path
        descriptor = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    public func receive(timeoutMilliseconds: Int32) -> String? {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, timeoutMilliseconds) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4_096)
        let count = recv(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    deinit { close(descriptor) }
}

/// A port nothing listens on right now.
public func freePort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Int32 in
            _ = bind(descriptor, pointer, length)
            return getsockname(descriptor, pointer, &length)
        }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A plain HTTP/1.1 exchange over a socket; `read` gets whatever arrives within the timeout.
/// Sendable so a test can hand it to a thread of its own; use it from one thread at a time.
public final class RawHTTP: @unchecked Sendable {
    public let descriptor: Int32

    public init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    }

    public func send(_ method: String, _ path: String, body: String = "") {
        send(
            raw:
                "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        )
    }

    /// Sends `text` as it is: any request line, headers and body (or only part of them).
    public func send(raw text: String) {
        _ = text.withCString { write(descriptor, $0, strlen($0)) }
    }

    /// Reads until `marker` has arrived (or the timeout passes); returns everything read.
    public func read(until marker: String, timeoutMilliseconds: Int32 = 5_000) -> String {
        var text = ""
        let deadline = Date().addingTimeInterval(Double(timeoutMilliseconds) / 1_000)
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while !text.contains(marker) && Date() < deadline {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 100) > 0 else { continue }
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            text += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return text
    }

    /// One GET on a fresh connection; everything the daemon sends before closing (or 3 s).
    public static func get(_ path: String, port: Int) throws -> String {
        let connection = try RawHTTP(port: port)
        connection.send("GET", path)
        return connection.read(until: "\u{0}", timeoutMilliseconds: 3_000)
    }

    deinit { close(descriptor) }
}
