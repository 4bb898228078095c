import DwellDaemon
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every endpoint and every error, in process (`app.test(.router)`).
struct APIRouterTests {
    @Test func protocolsAreListed() async throws {
        try await app(try makeBeds()).test(.router) { client in
            try await client.execute(uri: "/api/v1/protocols", method: .get) { response in
                #expect(response.status == .ok)
                let protocols = try array(response)
                #expect(protocols.count == 7)
                let neck = try #require(protocols.first { $0["id"] as? String == "neck-shoulder-multisite" })
                #expect(neck["length_ms"] as? Int == 900_000 && neck["observation_ms"] as? Int == 300_000)
                #expect((neck["sites"] as? [String])?.first == "Upper trapezius (left)")
            }
        }
    }

    @Test func bedsStartIdleWithEveryFieldPresent() async throws {
        try await app(try makeBeds()).test(.router) { client in
            try await client.execute(uri: "/api/v1/beds", method: .get) { response in
                let beds = try array(response)
                #expect(beds.map { $0["bed"] as? String } == ["1", "2"])
            }
            try await client.execute(uri: "/api/v1/beds/2", method: .get) { response in
                let bed = try object(response)
                #expect(bed["state"] as? String == "idle")
                for field in ["protocol", "session", "step", "remaining_ms", "current", "next", "therapist", "patient"]
                {
                    #expect(bed[field] is NSNull, "\(field) is present as null")
                }
            }
        }
    }

    @Test func aSessionStartsAndEveryCommandWorksInItsPhase() async throws {
        try await app(try makeBeds()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/beds/1/session", method: .post, headers: jsonHeaders, body: body(startBody)
            ) { response in
                #expect(response.status == .created)
                let bed = try object(response)
                #expect(bed["state"] as? String == "running" && bed["step"] as? Int == 0)
                #expect(bed["patient"] as? String == "p-0042" && (bed["lamps"] as? [String: Bool])?["green"] == true)
            }
            try await client.execute(uri: "/api/v1/beds/1/pause", method: .post, headers: jsonHeaders) { response in
                let json = try object(response)
                #expect(json["state"] as? String == "paused")
            }
            let before = try await client.execute(uri: "/api/v1/beds/1", method: .get) { response -> Int in
                let json = try object(response)
                return json["remaining_ms"] as? Int ?? 0
            }
            try await client.execute(
                uri: "/api/v1/beds/1/extend", method: .post, headers: jsonHeaders,
                // A 15m protocol: any extension goes past the clinic's max_session, so it needs a reason.
                body: body(#"{"by":"2m","reason":"patient asked for a longer dwell"}"#)
            ) { response in
                let json = try object(response)
                #expect(json["remaining_ms"] as? Int == before + 120_000, "paused: exactly two minutes more")
            }
            try await client.execute(
                uri: "/api/v1/beds/1/extend", method: .post, headers: jsonHeaders,
                body: body(#"{"reason":"patient asked for a longer dwell"}"#)
            ) { response in
                let json = try object(response)
                #expect(json["remaining_ms"] as? Int == before + 180_000, "default one minute")
            }
            try await client.execute(uri: "/api/v1/beds/1/resume", method: .post, headers: jsonHeaders) { response in
                let json = try object(response)
                #expect(json["state"] as? String == "running")
            }
            try await client.execute(uri: "/api/v1/beds/1/skip", method: .post, headers: jsonHeaders) { response in
                let json = try object(response)
                #expect(json["step"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/beds/1/needles-out", method: .post, headers: jsonHeaders) {
                response in
                let json = try object(response)
                #expect((json["needles"] as? [String: Any])?["outstanding"] as? Int == 0)
            }
            try await client.execute(uri: "/api/v1/beds/1/abort", method: .post, headers: jsonHeaders) { response in
                let json = try object(response)
                #expect(json["state"] as? String == "aborted")
            }
            try await client.execute(
                uri: "/api/v1/beds/1/session", method: .post, headers: jsonHeaders, body: body(startBody)
            ) { response in
                #expect(response.status == .created, "an ended session frees the bed")
            }
        }
    }

    struct ErrorCase: Sendable, CustomStringConvertible {
        var uri: String
        var body: String?
        var status: Int
        var says: String
        var description: String { "\(uri) \(body ?? "")" }
    }

    static let errors: [ErrorCase] = [
        .init(uri: "/api/v1/beds/9", status: 404, says: "there is no bed `9`"),
        .init(uri: "/api/v1/beds/9/session", body: startBody, status: 404, says: "there is no bed `9`"),
        .init(
            uri: "/api/v1/beds/1/session", body: screened(#"{"protocol":"nope","consent":true}"#), status: 404,
            says: "there is no protocol `nope`"),
        .init(
            uri: "/api/v1/beds/1/session", body: #"{"protocol":"neck-shoulder-multisite"}"#, status: 422,
            says: "informed consent"),
        .init(
            uri: "/api/v1/beds/1/session", body: #"{"protocol":"neck-shoulder-multisite","consent":false}"#,
            status: 422, says: "informed consent"),
        .init(
            uri: "/api/v1/beds/1/session",
            body: screened(#"{"protocol":"neck-shoulder-multisite","consent":true,"patient":"Jane Doe"}"#), status: 422,
            says: "never stores names"),
        .init(uri: "/api/v1/beds/1/session", body: #"{"protocol":"#, status: 400, says: "not the JSON object"),
        .init(uri: "/api/v1/beds/1/session", body: #"{"consent":true}"#, status: 400, says: "`protocol` is missing"),
        .init(uri: "/api/v1/beds/1/session", body: #"{"protocol":7,"consent":true}"#, status: 400, says: "wrong type"),
        .init(uri: "/api/v1/beds/1/pause", status: 409, says: "has no session"),
        .init(
            uri: "/api/v1/beds/1/dance", status: 404,
            says: "use pause, resume, extend, skip, abort, ack, acknowledge, needles-in"),
    ]

    @Test(arguments: errors)
    func errorsAreProblemsAndChangeNothing(_ error: ErrorCase) async throws {
        try await app(try makeBeds()).test(.router) { client in
            let method: HTTPRequest.Method = error.uri.split(separator: "/").count == 4 ? .get : .post
            try await client.execute(uri: error.uri, method: method, headers: jsonHeaders, body: error.body.map(body)) {
                response in
                #expect(response.status.code == error.status)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try object(response)
                #expect(problem["status"] as? Int == error.status && problem["type"] as? String == "about:blank")
                #expect((problem["detail"] as? String)?.contains(error.says) == true, "\(problem)")
            }
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let json = try object(response)
                #expect(json["state"] as? String == "idle")
            }
        }
    }

    @Test func illegalCommandsForThePhaseAreRefusedWith409() async throws {
        try await app(try makeBeds()).test(.router) { client in
            try await client.execute(
                uri: "/api/v1/beds/1/session", method: .post, headers: jsonHeaders, body: body(startBody)
            ) { _ in }
            for (command, says) in [("ack", "nothing to acknowledge"), ("resume", "not paused")] {
                try await client.execute(uri: "/api/v1/beds/1/\(command)", method: .post, headers: jsonHeaders) {
                    response in
                    #expect(response.status == .conflict)
                    let detail = try object(response)["detail"] as? String
                    #expect(detail?.contains(says) == true)
                }
            }
            try await client.execute(
                uri: "/api/v1/beds/1/session", method: .post, headers: jsonHeaders, body: body(startBody)
            ) { response in
                #expect(response.status == .conflict)
                let detail = try object(response)["detail"] as? String
                #expect(detail?.contains("in progress") == true)
            }
            try await client.execute(
                uri: "/api/v1/beds/1/extend", method: .post, headers: jsonHeaders, body: body(#"{"by":"2 minutes"}"#)
            ) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(uri: "/api/v1/beds/1", method: .get) { response in
                let json = try object(response)
                #expect(json["state"] as? String == "running")
            }
        }
    }

    @Test func aBrokenProtocolFolderOnReloadKeepsThePreviousProtocols() async throws {
        let folder = try protocolsCopy()
        let beds = try makeBeds(protocols: folder)
        try await app(beds).test(.router) { client in
            try await client.execute(uri: "/api/v1/protocols/reload", method: .post, headers: jsonHeaders) { response in
                let json = try object(response)
                #expect(json["loaded"] as? Int == 7)
            }
            try "id: broken\ntitle: Broken\n".write(toFile: folder + "/broken.yaml", atomically: true, encoding: .utf8)
            try await client.execute(uri: "/api/v1/protocols/reload", method: .post, headers: jsonHeaders) { response in
                #expect(response.status == .unprocessableContent)
                let detail = try object(response)["detail"] as? String
                #expect(detail?.contains("broken.yaml:1:1: error: version: is required") == true)
            }
            try await client.execute(uri: "/api/v1/protocols", method: .get) { response in
                let protocols = try array(response)
                #expect(protocols.count == 7)
            }
        }
    }

    @Test func aTokenGuardsTheAPIButNotThePage() async throws {
        let token = "0123456789abcdef0123"
        try await app(try makeBeds(), token: token).test(.router) { client in
            try await client.execute(uri: "/api/v1/beds", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(
                uri: "/api/v1/beds", method: .get, headers: [.authorization: "Bearer wrong-token-0000000"]
            ) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/beds", method: .get, headers: [.authorization: "Bearer \(token)"]) {
                response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<html"))
            }
        }
    }

    @Test func theKioskPageAndItsAssetsAreServed() async throws {
        let folder = packageRoot.appendingPathComponent("Sources/DwellDaemon/Kiosk/js").path
        let modules = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".js") }
        #expect(modules.contains("main.js") && modules.count >= 5, "\(modules)")
        try await app(try makeBeds()).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"<script type="module" src="/js/main.js">"#))
            }
            let files =
                [("/", "text/html"), ("/kiosk.css", "text/css")] + modules.map { ("/js/" + $0, "text/javascript") }
            for (uri, type) in files {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.headers[.contentType]?.hasPrefix(type) == true, "\(uri)")
                    #expect(response.body.readableBytes > 100, "\(uri)")
                }
            }
            // Only the installed modules: no other name, and no way out of the folder.
            for uri in [
                "/js/nothing.js", "/js/index.html", "/js/..%2Fkiosk.css", "/js/%2E%2E%2F%2E%2E%2FPackage.swift",
                "/js/..", "/js/kiosk.css", "/js/main.js%00.css",
            ] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(uri)")
                }
            }
        }
    }
}
