@testable import DwellDaemon
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

/// `api/openapi.yaml` against the server itself: the command words and the bed's fields may not
/// drift apart (the schemathesis run checks the rest on a live dwelld).
struct OpenAPISpecTests {
    /// Every command word the router takes (`APIRouter.build`, `beds/:bed/:command`).
    static let routerCommands = ["pause", "resume", "extend", "skip", "abort", "ack", "acknowledge", "needles-in", "needles-out",
                                 "rapid-removal", "silence", "close", "finish"]

    static func spec() throws -> [String: Any] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("api/openapi.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "api/openapi.yaml is not a YAML mapping")
    }

    /// The value at `path` (mapping keys) in the spec, failing with the path when it is absent.
    static func node(_ root: Any, _ path: String...) throws -> Any {
        var current = root
        for (index, key) in path.enumerated() {
            let mapping = try #require(current as? [String: Any], "api/openapi.yaml: \(path[..<index].joined(separator: ".")) is not a mapping")
            current = try #require(mapping[key], "api/openapi.yaml: no \(path[...index].joined(separator: "."))")
        }
        return current
    }

    /// A schema's property names (through a `oneOf` with `null`) and its required ones.
    static func fields(_ schema: Any) throws -> (properties: Set<String>, required: Set<String>) {
        var object = try #require(schema as? [String: Any])
        if let choices = object["oneOf"] as? [[String: Any]] {
            object = try #require(choices.first { $0["properties"] != nil }, "a oneOf without an object")
        }
        let properties = try #require(object["properties"] as? [String: Any], "a schema without properties")
        return (Set(properties.keys), Set(object["required"] as? [String] ?? []))
    }

    @Test func everyCommandTheRouterTakesIsInTheSpecAndEverySpecCommandIsRouted() async throws {
        let spec = try Self.spec()
        let parameters = try #require(try Self.node(spec, "paths", "/api/v1/beds/{bed}/{command}", "parameters") as? [[String: Any]])
        let command = try #require(parameters.first { $0["name"] as? String == "command" }, "no `command` path parameter")
        let specCommands = try #require((command["schema"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(specCommands) == Set(Self.routerCommands), "api/openapi.yaml command enum: \(specCommands)")
        // Each one reaches a command (409 "No session" on an idle bed; the body has what any of them
        // needs), none is an unknown route or command.
        try await app(try makeBeds()).test(.router) { client in
            for word in Set(specCommands).union(Self.routerCommands).sorted() {
                try await client.execute(uri: "/api/v1/beds/1/\(word)", method: .post, headers: [.contentType: "application/json"],
                                         body: body(#"{"count":1,"reason":"drift guard"}"#)) { response in
                    let problem = try object(response)
                    #expect(response.status == .conflict && problem["title"] as? String == "No session",
                            "`\(word)`: \(response.status) \(problem)")
                }
            }
            try await client.execute(uri: "/api/v1/beds/1/levitate", method: .post, headers: [.contentType: "application/json"]) { response in
                #expect(response.status == .notFound, "a word that is no command is refused")
            }
        }
    }

    @Test func theBedSchemaHasExactlyTheFieldsTheServerSends() async throws {
        let spec = try Self.spec()
        let bedSchema = try Self.node(spec, "components", "schemas", "Bed")
        let (properties, required) = try Self.fields(bedSchema)
        #expect(properties == required, "every Bed field is always sent (null when absent): required \(required.symmetricDifference(properties))")

        // An idle bed, and a running one with needles in (every nested object present).
        let (idleJSON, runningJSON) = try await app(try makeBeds()).test(.router) { client in
            let idle = try await client.execute(uri: "/api/v1/beds/1", method: .get) { Data(buffer: $0.body) }
            try await client.execute(uri: "/api/v1/beds/1/session", method: .post,
                                     headers: [.contentType: "application/json"], body: body(startBody)) { response in
                #expect(response.status == .created)
            }
            let running = try await client.execute(uri: "/api/v1/beds/1/needles-in", method: .post,
                                                   headers: [.contentType: "application/json"], body: body(#"{"count":3}"#)) { response in
                #expect(response.status == .ok)
                return Data(buffer: response.body)
            }
            return (idle, running)
        }
        let idle = try #require(try JSONSerialization.jsonObject(with: idleJSON) as? [String: Any])
        #expect(Set(idle.keys) == properties, "idle bed: sent \(Set(idle.keys).symmetricDifference(properties))")
        let bed = try #require(try JSONSerialization.jsonObject(with: runningJSON) as? [String: Any])
        #expect(Set(bed.keys) == properties, "running bed: sent \(Set(bed.keys).symmetricDifference(properties))")
        #expect(bed["session"] is String && bed["state"] as? String == "running")
        let nested: [(String, Any?)] = [
            ("protocol", bed["protocol"]), ("lamps", bed["lamps"]), ("needles", bed["needles"]),
            ("needles.sites", ((bed["needles"] as? [String: Any])?["sites"] as? [Any])?.first),
        ]
        for (field, value) in nested {
            let sent = try #require(value as? [String: Any], "`\(field)` of a running bed with needles in is an object")
            var schema = try Self.node(bedSchema, "properties", String(field.split(separator: ".")[0]))
            if field == "needles.sites" {
                let object = try #require(((schema as? [String: Any])?["oneOf"] as? [[String: Any]])?.first { $0["properties"] != nil })
                schema = try Self.node(object, "properties", "sites", "items")
            }
            let (specified, needed) = try Self.fields(schema)
            #expect(Set(sent.keys) == specified, "`\(field)`: sent \(sent.keys.sorted()), spec \(specified.sorted())")
            #expect(needed == specified, "`\(field)`: every field is always sent")
        }

        // The interruption (only a restored session has one): every field, `reason` when not resumable.
        let interruption = Interruption(startedAt: "2026-01-01T08:00:00Z", lastEventAt: "2026-01-01T08:05:00Z",
                                        detectedAt: "2026-01-01T08:06:00Z", sinceStartMs: 360_000, uncertain: false,
                                        resumable: false, reason: "the protocol changed")
        let sent = try #require(try JSONSerialization.jsonObject(with: APIRouter.encoder.encode(interruption)) as? [String: Any])
        let (specified, needed) = try Self.fields(try Self.node(bedSchema, "properties", "interruption"))
        #expect(Set(sent.keys) == specified, "`interruption`: sent \(sent.keys.sorted()), spec \(specified.sorted())")
        #expect(needed == specified.subtracting(["reason"]), "only `reason` is optional")
    }

    @Test func theProblemSchemaHasExactlyTheFieldsAProblemSends() throws {
        let (specified, needed) = try Self.fields(try Self.node(try Self.spec(), "components", "schemas", "Problem"))
        let sent = try #require(try JSONSerialization.jsonObject(with: APIRouter.encoder.encode(Problem(.conflict, "t", "d"))) as? [String: Any])
        #expect(Set(sent.keys) == specified && needed == specified, "sent \(sent.keys.sorted()), spec \(specified.sorted())")
    }
}
