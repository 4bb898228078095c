import DwellDaemon
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The gate in front of every route (issue 11, findings 1, 2 and 7): the token on every path
/// spelling, no cross-site writes, problem+json 404/405, the security headers.
struct APIGateTests {
    static let token = "0123456789abcdef0123"
    static let bearer: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]

    /// A concrete path for a route pattern (`:bed` → `1`, `:command` → `pause`, `:file` → `main.js`).
    static func concrete(_ pattern: String) -> String {
        pattern.replacingOccurrences(of: ":bed", with: "1").replacingOccurrences(of: ":command", with: "pause")
            .replacingOccurrences(of: ":file", with: "main.js")
    }

    /// The spellings of one path that a string-prefix check gets wrong, and whether the router
    /// serves each as the same route (`//`, a trailing slash) or as nothing (`/./`, `%2F`, case).
    static func spellings(_ path: String) -> [(path: String, routes: Bool)] {
        let tail = path.dropFirst()
        var variants: [(String, Bool)] = [(path, true), ("/" + path, true), ("///" + tail, true)]
        if path != "/" {
            variants.append((path + "/", true))
            variants.append(("/." + path, false))
            if path.contains("/v1/") { variants.append((path.replacingOccurrences(of: "/v1/", with: "%2Fv1/"), false)) }
            variants.append((path.uppercased(), path.uppercased() == path))
        }
        return variants
    }

    @Test func everyRouteNeedsTheTokenUnderEveryPathSpelling() async throws {
        let routes = try APIRouter.routes(beds: makeBeds())
        #expect(
            routes.filter(\.isPublic).map(\.pattern).sorted() == ["/", "/alive", "/js/:file", "/kiosk.css"],
            "only the page is public")
        #expect(routes.count >= 10)
        try await app(try makeBeds(), token: Self.token).test(.router) { client in
            for route in routes where !route.isPublic && route.pattern != "/api/v1/stream" {
                for (path, routes) in Self.spellings(Self.concrete(route.pattern)) {
                    try await client.execute(uri: path, method: route.method, headers: jsonHeaders) { response in
                        #expect(response.status == .unauthorized, "\(route.method) \(path) without the token")
                        #expect(response.headers[.contentType] == "application/problem+json")
                    }
                    try await client.execute(uri: path, method: route.method, headers: Self.bearer) { response in
                        #expect(response.status != .unauthorized, "\(route.method) \(path) with the token")
                        if !routes { #expect(response.status == .notFound, "\(route.method) \(path) is no route") }
                        #expect(response.status.code < 500, "\(route.method) \(path)")
                    }
                }
            }
            for route in routes where route.isPublic {
                for (path, routes) in Self.spellings(Self.concrete(route.pattern)) where routes {
                    try await client.execute(uri: path, method: .get) { response in
                        #expect(response.status == .ok, "the page \(path) needs no token")
                    }
                }
            }
            // Nothing that is not a route is let through without the token either.
            for path in ["/api", "/api/v2/beds", "/js/../api/v1/beds", "/js/main.js/../../api/v1/beds", "/nothing"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                }
            }
        }
    }

    /// The kiosk's start page is a local file: it may see that dwelld answers (`GET /alive`),
    /// from any origin, and nothing else (every other path stays same-origin, as below).
    @Test func theAliveProbeAnswersAnyOriginAndNothingElse() async throws {
        try await app(try makeBeds(), token: Self.token).test(.router) { client in
            let crossSite: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "cross-site", .origin: "null"]
            try await client.execute(uri: "/alive", method: .get, headers: crossSite) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] == "cross-origin")
                #expect(String(buffer: response.body) == "dwelld\n")
            }
            try await client.execute(uri: "/alive", method: .post, headers: crossSite) { response in
                #expect(response.status == .forbidden, "only a GET is let through from another site")
            }
            try await client.execute(uri: "/", method: .get, headers: crossSite) { response in
                #expect(response.status == .forbidden)
                #expect(response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] == "same-origin")
            }
            // The start page then opens the kiosk page: a top-level navigation, allowed to `/` only.
            var navigate = crossSite
            navigate[HTTPField.Name("Sec-Fetch-Mode")!] = "navigate"
            navigate[HTTPField.Name("Sec-Fetch-Dest")!] = "document"
            navigate[.origin] = nil
            try await client.execute(uri: "/", method: .get, headers: navigate) { response in
                #expect(response.status == .ok, "the kiosk page opened from the start page")
            }
            navigate[HTTPField.Name("Sec-Fetch-Dest")!] = "iframe"
            try await client.execute(uri: "/", method: .get, headers: navigate) { response in
                #expect(response.status == .forbidden, "never in another site's frame")
            }
            navigate[HTTPField.Name("Sec-Fetch-Dest")!] = "document"
            try await client.execute(uri: "/api/v1/beds", method: .get, headers: navigate) { response in
                #expect(response.status == .forbidden, "the API is never opened from another site")
            }
        }
    }

    @Test func theStreamNeedsTheTokenToo() async throws {
        try await app(try makeBeds(), token: Self.token).test(.router) { client in
            for path in ["/api/v1/stream", "//api/v1/stream", "/api/v1//stream/"] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                }
            }
        }
    }

    @Test func crossSiteRequestsChangeNothing() async throws {
        let beds = try makeBeds()
        try await app(beds).test(.router) { client in
            let start = body(startBody)
            let forged: [(String, HTTPFields, ByteBuffer?, HTTPResponse.Status)] = [
                ("session", [.contentType: "text/plain"], start, .unsupportedMediaType),
                ("session", [.contentType: "multipart/form-data; boundary=x"], start, .unsupportedMediaType),
                ("session", [.contentType: "application/x-www-form-urlencoded"], start, .unsupportedMediaType),
                ("session", [:], start, .unsupportedMediaType),
                ("session", [.contentType: "application/json", .origin: "http://evil.example"], start, .forbidden),
                ("session", [.contentType: "application/json", .origin: "null"], start, .forbidden),
                (
                    "session", [.contentType: "application/json", HTTPField.Name("Sec-Fetch-Site")!: "cross-site"],
                    start, .forbidden
                ),
            ]
            for (command, headers, payload, status) in forged {
                try await client.execute(
                    uri: "/api/v1/beds/1/\(command)", method: .post, headers: headers, body: payload
                ) { response in
                    #expect(response.status == status, "\(headers)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let state = try object(response)["state"] as? String
                #expect(state == "idle", "no forged start went through")
            }
            try await client.execute(
                uri: "/api/v1/beds/1/session", method: .post,
                headers: [.contentType: "application/json; charset=utf-8", .origin: "http://localhost"],
                body: start
            ) { response in
                #expect(response.status == .created, "the page's own origin may")
            }
            for command in ["pause", "abort", "extend", "needles-in", "rapid-removal"] {
                for headers: HTTPFields in [
                    [.contentType: "text/plain"], [:],
                    [.contentType: "application/json", .origin: "http://evil.example"],
                ] {
                    try await client.execute(
                        uri: "/api/v1/beds/1/\(command)", method: .post, headers: headers,
                        body: body(#"{"count":3,"by":"30m"}"#)
                    ) { response in
                        #expect([.unsupportedMediaType, .forbidden].contains(response.status), "\(command) \(headers)")
                    }
                }
            }
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let bed = try object(response)
                #expect(bed["state"] as? String == "running", "no forged pause, abort or rapid removal")
                #expect((bed["needles"] as? [String: Any])?["removed"] as? Int == 0)
            }
        }
    }

    @Test func unknownRoutesAndWrongMethodsAreProblems() async throws {
        try await app(try makeBeds()).test(.router) { client in
            try await client.execute(uri: "/api/v1/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let title = try object(response)["title"] as? String
                #expect(title == "Not found")
            }
            let wrong: [(String, HTTPRequest.Method, String)] = [
                ("/api/v1/beds", .delete, "GET"), ("/api/v1/beds/1/pause", .get, "POST"),
                ("/api/v1/beds/1/session", .put, "POST"), ("/api/v1/protocols/reload", .get, "POST"),
                ("/js/main.js", .post, "GET"),
            ]
            for (path, method, allow) in wrong {
                try await client.execute(uri: path, method: method, headers: jsonHeaders) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(response.headers[.allow] == allow, "\(method) \(path)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                }
            }
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await app(try makeBeds()).test(.router) { client in
            for (path, method) in [
                ("/", HTTPRequest.Method.get), ("/api/v1/beds", .get), ("/nothing", .get),
                ("/api/v1/beds/1/pause", .post),
            ] {
                try await client.execute(uri: path, method: method) { response in
                    let policy = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                    #expect(
                        policy.contains("default-src 'self'") && policy.contains("frame-ancestors 'none'"), "\(path)")
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                }
            }
        }
    }

    /// A body that is there must be the object the endpoint takes, even where no field is used
    /// (schemathesis found `abort` taking `{"count": -56968591}` and reload taking `[null, null]`).
    @Test func aBodyThatIsThereMustBeRight() async throws {
        try await app(try makeBeds()).test(.router) { client in
            let cases: [(String, String, String)] = [
                ("/api/v1/beds/1/abort", #"{"count":"many"}"#, "`count` has the wrong type"),
                ("/api/v1/beds/1/pause", "[null,null]", "the body has the wrong type"),
                ("/api/v1/protocols/reload", "[null,null]", "the body has the wrong type"),
                ("/api/v1/protocols/reload", "\u{0}", "not the JSON object"),
                ("/api/v1/record/acknowledge", "7", "the body has the wrong type"),
            ]
            for (path, payload, says) in cases {
                try await client.execute(uri: path, method: .post, headers: jsonHeaders, body: body(payload)) {
                    response in
                    #expect(response.status == .badRequest, "\(path) \(payload)")
                    let detail = try object(response)["detail"] as? String ?? ""
                    #expect(detail.contains(says), "\(detail)")
                }
            }
            // Fields out of their range are refused whichever command they come with.
            for (command, payload) in [
                ("pause", #"{"count":-1}"#), ("abort", #"{"step":-3}"#), ("silence", #"{"reason":"x"}"#),
                ("needles-out", #"{"count":100}"#),
            ] {
                try await client.execute(
                    uri: "/api/v1/beds/1/\(command)", method: .post, headers: jsonHeaders,
                    body: body(payload)
                ) { response in
                    #expect(response.status == .unprocessableContent, "\(command) \(payload)")
                }
            }
        }
    }
}
