import Glibc

/// Where the API listens: an IP literal (`127.0.0.1`, `[::1]`, `0.0.0.0`) or `localhost`, and a
/// port. Host names are never looked up: a name would make the loopback question (and so
/// whether a token is needed) depend on DNS.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let loopbackDefault = ListenAddress(host: "127.0.0.1", port: 8470)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT` or `[v6]:PORT`; nil when it is not one (see ``parse(_:)`` for why).
    public init?(_ text: String) {
        guard case .success(let address) = Self.parse(text) else { return nil }
        self = address
    }

    /// Why a listen address was refused, in words for the config error.
    public struct Problem: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// `127.0.0.1:8470`, `[::1]:8470`, `0.0.0.0:8470`, `localhost:8470`: an IPv4 dotted quad, an
    /// IPv6 address in brackets or `localhost`, then a port 0–65535 in digits.
    public static func parse(_ text: String) -> Result<ListenAddress, Problem> {
        let example = "e.g. `127.0.0.1:8470`, `[::1]:8470` or `0.0.0.0:8470`"
        guard let colon = text.lastIndex(of: ":") else {
            return .failure(Problem(description: "`\(text)` is not HOST:PORT (\(example))"))
        }
        let portText = text[text.index(after: colon)...]
        guard (1...5).contains(portText.count), portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), port <= 65_535
        else {
            return .failure(Problem(description: "`\(text)`: the port must be a number from 0 to 65535 (\(example))"))
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2, Self.ipv6(String(host.dropFirst().dropLast())) != nil else {
                return .failure(Problem(description: "`\(host)` is not an IPv6 address in brackets (\(example))"))
            }
            host = String(host.dropFirst().dropLast())
        } else if host.lowercased() == "localhost" {
            host = "localhost"
        } else if Self.ipv4(host) == nil {
            let why =
                host.contains(":")
                ? "write an IPv6 address in brackets, `[::1]:8470`"
                : "dwelld listens on an IP address or `localhost`, never a name looked up in DNS"
            return .failure(Problem(description: "`\(host)` is not an IP address: \(why) (\(example))"))
        }
        return .success(ListenAddress(host: host, port: port))
    }

    /// Only `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped 127.x addresses; never a name.
    public var isLoopback: Bool {
        if host == "localhost" { return true }
        if let bytes = Self.ipv4(host) { return bytes[0] == 127 }
        if let bytes = Self.ipv6(host) {
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
            let mapped = bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
            return mapped && bytes[12] == 127
        }
        return false
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The four bytes of a dotted-quad IPv4 literal (inet_pton: no DNS, no short forms).
    static func ipv4(_ text: String) -> [UInt8]? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    /// The sixteen bytes of an IPv6 literal (inet_pton: no DNS, no zone).
    static func ipv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}
