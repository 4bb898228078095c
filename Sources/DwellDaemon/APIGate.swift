import Foundation
import HTTPTypes
import Hummingbird

/// Stands in front of the router: every request passes these checks, in this order, before any
/// route runs, so a route added later is guarded without anyone remembering to.
///
/// 1. `Host` must be a name the daemon serves (421), so a DNS-rebinding page cannot talk to it.
/// 2. A present `Origin` must be the daemon's own, and `Sec-Fetch-Site` must not say another
///    site (403): another web page cannot drive the room through a browser on the board or LAN.
/// 3. With a token configured, everything but the kiosk page's static files needs
///    `Authorization: Bearer <token>` (401). The path is never compared as a string prefix.
/// 4. An unknown path is 404 and a wrong method 405 with `Allow`, both problem+json.
/// 5. A state-changing request (POST) must be `application/json` (415): a cross-site form or a
///    "simple" `text/plain` request cannot be one.
///
/// Every response, error or not, carries the security headers (CSP, no framing, no sniffing).
public struct APIGate<Inner: HTTPResponder>: HTTPResponder where Inner.Context == APIContext {
    let inner: Inner
    let routes: RouteTable
    let token: String?
    let hosts: HostPolicy

    public init(inner: Inner, routes: RouteTable, token: String?, hosts: HostPolicy) {
        self.inner = inner
        self.routes = routes
        self.token = token
        self.hosts = hosts
    }

    public func respond(to request: Request, context: APIContext) async throws -> Response {
        var response: Response
        do {
            try check(request)
            response = try await inner.respond(to: request, context: context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        for (name, value) in SecurityHeaders.all { response.headers[name] = value }
        // The kiosk's local start page (a file, so another origin) may see that dwelld answers.
        if Kiosk.isAliveProbe(request), let policy = HTTPField.Name("Cross-Origin-Resource-Policy") {
            response.headers[policy] = "cross-origin"
        }
        return response
    }

    func check(_ request: Request) throws(Problem) {
        let authority = request.head.authority
        guard hosts.allows(authority) else {
            throw Problem(
                .misdirectedRequest, "Host not served",
                "this daemon does not answer to the host `\(authority ?? "")`; use its address (e.g. 127.0.0.1), "
                    + "or list the name in `allowed_hosts` in the config")
        }
        // The start page's probe (`GET /alive`) comes from a local file: it reads nothing and changes nothing.
        if Kiosk.isAliveProbe(request) { return }
        if let origin = request.headers[.origin], origin.lowercased() != "http://" + (authority ?? "").lowercased() {
            throw Problem(
                .forbidden, "Foreign origin",
                "requests from pages of `\(origin)` are refused; use the kiosk page this daemon serves")
        }
        if let site = HTTPField.Name("Sec-Fetch-Site").flatMap({ request.headers[$0] }),
            site == "cross-site" || site == "same-site", !Kiosk.isPageOpened(request)
        {
            throw Problem(
                .forbidden, "Foreign origin", "requests from other sites (`Sec-Fetch-Site: \(site)`) are refused")
        }
        let path = request.uri.path
        if let token, !routes.isPublic(request.method, path), !Self.bearer(request.headers[.authorization], is: token) {
            throw Problem(
                .unauthorized, "Unauthorized",
                "send `Authorization: Bearer <token>` with the token from the daemon's token file")
        }
        let matching = routes.matching(path)
        guard !matching.isEmpty else {
            throw Problem(
                .notFound, "Not found", "no such path `\(path)`; the API is under /api/v1 (see api/openapi.yaml)")
        }
        guard matching.contains(where: { $0.method == request.method }) else {
            throw Problem.methodNotAllowed(request.method, path, allowed: matching.map(\.method))
        }
        if request.method == .post, !Self.isJSON(request.headers[.contentType]) {
            throw Problem(
                .unsupportedMediaType, "JSON required",
                "send `Content-Type: application/json` with every POST (an empty body is fine where none is needed)")
        }
    }

    /// Compares in constant time, so the answer's timing does not tell how much of a guess was right.
    static func bearer(_ header: String?, is token: String) -> Bool {
        let given = Array((header ?? "").utf8)
        let expected = Array("Bearer \(token)".utf8)
        guard given.count == expected.count else { return false }
        return zip(given, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return media.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }
}

/// The headers every response carries: only this daemon's own scripts and styles, never inside
/// a frame (no clickjacking of the kiosk page), no content-type sniffing, no referrer.
enum SecurityHeaders {
    static let all: [(HTTPField.Name, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; object-src 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cross-Origin-Resource-Policy", "same-origin"),
    ].compactMap { name, value in HTTPField.Name(name).map { ($0, value) } }
}
