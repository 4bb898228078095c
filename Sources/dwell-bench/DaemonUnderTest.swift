import Foundation

/// A `dwelld --simulator` child with its own config, record and notification socket.
final class DaemonUnderTest {
    let process = Process()
    let port: Int
    let readyMilliseconds: Double
    private let notify: Int32

    init(dwelld: String, beds: Int) throws {
        let folder = NSTemporaryDirectory() + "dwell-bench-daemon-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        port = Int.random(in: 20_000...60_000)
        let bedList = (1...beds).map { "\"\($0)\"" }.joined(separator: ", ")
        try "beds: [\(bedList)]\nprotocols: Protocols\nrecord: \(folder)/record.sqlite\nboard: simulator\nlisten: 127.0.0.1:\(port)\n"
            .write(toFile: folder + "/dwell.yaml", atomically: true, encoding: .utf8)
        let socketPath = folder + "/notify"
        let notify = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        self.notify = notify
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(socketPath.utf8) + [0]) }
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(notify, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        process.executableURL = URL(fileURLWithPath: dwelld)
        process.arguments = ["--config", folder + "/dwell.yaml"]
        var environment = ProcessInfo.processInfo.environment
        environment["NOTIFY_SOCKET"] = socketPath
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        var buffer = [UInt8](repeating: 0, count: 1_024)
        while true {
            var poller = pollfd(fd: notify, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 30_000) > 0 else { throw BenchError("dwelld did not report READY=1 within 30 s") }
            let count = recv(notify, &buffer, buffer.count, 0)
            if count > 0, String(decoding: buffer[0..<count], as: UTF8.self).contains("READY=1") { break }
        }
        readyMilliseconds = (ContinuousClock.now - start).milliseconds
    }

    func http(_ method: String, _ path: String, _ body: String) throws -> String {
        let connection = try RawConnection(port: port)
        connection.send(method, path, body: body)
        return connection.read(until: "\r\n\r\n")
    }

    var cpuSeconds: Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return .nan }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    var peakRSSKiB: Double {
        let status = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8)) ?? ""
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan
    }

    func stop() {
        if process.isRunning {
            process.interrupt()
            process.waitUntilExit()
        }
        close(notify)
    }
}

/// HTTP/1.1 over a plain socket, reading what arrives (the event stream never ends).
final class RawConnection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BenchError("cannot connect to 127.0.0.1:\(port)") }
    }

    func send(_ method: String, _ path: String, body: String = "") {
        let request = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        _ = request.withCString { write(descriptor, $0, strlen($0)) }
    }

    func read(until marker: String) -> String {
        var text = ""
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while !text.contains(marker) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 5_000) > 0 else { break }
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count <= 0 { break }
            text += String(decoding: buffer[0..<count], as: UTF8.self)
        }
        return text
    }

    deinit { close(descriptor) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
