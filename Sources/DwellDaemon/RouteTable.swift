import HTTPTypes

/// Every route the daemon serves, by method and path pattern (`:name` matches one segment).
/// The gate answers an unknown path with 404 and a known path with the wrong method with 405
/// and `Allow` from this table, and tests walk it to prove that every route is guarded.
public struct RouteTable: Sendable {
    public struct Route: Sendable, Equatable, CustomStringConvertible {
        public var method: HTTPRequest.Method
        public var pattern: String
        /// Served without a token: the kiosk page's static files.
        public var isPublic: Bool

        public var description: String { "\(method) \(pattern)" }

        func matches(_ segments: [Substring]) -> Bool {
            let parts = RouteTable.segments(pattern)
            return parts.count == segments.count && zip(parts, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }
    }

    public private(set) var routes: [Route] = []

    public init() {}

    mutating func add(_ method: HTTPRequest.Method, _ pattern: String, isPublic: Bool = false) {
        routes.append(Route(method: method, pattern: pattern, isPublic: isPublic))
    }

    /// The path's segments as the router sees them: split on `/`, empty segments dropped
    /// (so `//api/v1/beds` is `/api/v1/beds`); nothing is percent-decoded.
    static func segments(_ path: some StringProtocol) -> [Substring] {
        Substring(path).split(separator: "/", omittingEmptySubsequences: true)
    }

    /// The routes whose pattern matches `path`, whatever their method.
    func matching(_ path: String) -> [Route] {
        let segments = Self.segments(path)
        return routes.filter { $0.matches(segments) }
    }

    /// Whether `method path` is one of the public routes. Anything else needs the token (when
    /// one is configured): what is public is listed, and everything else is denied by default.
    func isPublic(_ method: HTTPRequest.Method, _ path: String) -> Bool {
        let segments = Self.segments(path)
        return routes.contains { $0.isPublic && $0.method == method && $0.matches(segments) }
    }
}
