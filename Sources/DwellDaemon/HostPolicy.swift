import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Which `Host` names the daemon answers to. A web page on another site can make a browser
/// send requests to the daemon, and with DNS rebinding even read the answers; such requests
/// always carry the attacker's own name in `Host`. So only names that really are this daemon
/// are served: loopback names, the listen address, the addresses of this machine's interfaces
/// when listening on every interface, and the names the clinic lists (`allowed_hosts`).
public struct HostPolicy: Sendable {
    public let listenHost: String
    public let names: Set<String>

    public init(listen: ListenAddress, allowedNames: [String] = []) {
        listenHost = Self.canonical(listen.host)
        names = Set(allowedNames.map(Self.canonical))
    }

    /// Whether a request's `Host` (`name`, `name:port`, `[v6]:port`) is one the daemon serves.
    public func allows(_ authority: String?) -> Bool {
        guard let authority, let host = Self.host(of: authority) else { return false }
        if host == "localhost" || host == listenHost || names.contains(host) { return true }
        guard let address = IPAddress(host) else { return false }
        if address.isLoopback { return true }
        return IPAddress(listenHost)?.isWildcard == true && IPAddress.local().contains(address)
    }

    /// The host part of an authority, lowercased, without a trailing dot; nil when malformed.
    static func host(of authority: String) -> String? {
        var text = Substring(authority)
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if let colon = text.lastIndex(of: ":") {
            guard text[text.index(after: colon)...].allSatisfy(\.isNumber) else { return nil }
            text = text[..<colon]
        }
        let host = canonical(String(text))
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.:")
        guard !host.isEmpty, host.count <= 253, host.allSatisfy({ allowed.contains($0) }) else { return nil }
        return host
    }

    static func canonical(_ name: String) -> String {
        var name = name.lowercased()
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        while name.hasSuffix(".") { name.removeLast() }
        return name
    }
}

/// An IPv4 or IPv6 address literal (parsed with `inet_pton`: never a DNS lookup).
struct IPAddress: Hashable, Sendable {
    let bytes: [UInt8]

    init?(_ text: String) {
        guard let bytes = ListenAddress.ipv4(text) ?? ListenAddress.ipv6(text) else { return nil }
        self.bytes = bytes
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    var isLoopback: Bool {
        if bytes.count == 4 { return bytes[0] == 127 }
        if bytes == Array(repeating: 0, count: 15) + [1] { return true }
        // ::ffff:127.x.x.x, an IPv4 loopback address written as IPv6.
        return bytes.prefix(12) == ArraySlice(Array(repeating: 0, count: 10) + [0xff, 0xff]) && bytes[12] == 127
    }

    var isWildcard: Bool { bytes.allSatisfy { $0 == 0 } }

    /// The addresses of this machine's network interfaces, as `getifaddrs` lists them now.
    static func local() -> Set<IPAddress> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return [] }
        defer { freeifaddrs(list) }
        var found: Set<IPAddress> = []
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let address = entry.pointee.ifa_addr else { continue }
            switch Int32(address.pointee.sa_family) {
            case AF_INET:
                address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                    var raw = v4.pointee.sin_addr
                    found.insert(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                }
            case AF_INET6:
                address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                    var raw = v6.pointee.sin6_addr
                    found.insert(IPAddress(bytes: withUnsafeBytes(of: &raw) { Array($0) }))
                }
            default: continue
            }
        }
        return found
    }
}
