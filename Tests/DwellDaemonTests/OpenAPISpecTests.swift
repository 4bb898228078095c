import DwellCore
import DwellWire
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import Yams

@testable import DwellDaemon

/// `api/openapi.yaml` against the wire types (`DwellWire`) and the server itself: the command
/// words and every body's fields may not drift apart (the schemathesis run checks the rest on a
/// live dwelld).
struct OpenAPISpecTests {
    /// Every command word the wire knows (the router takes exactly these).
    static let wireCommands = CommandName.allCases.map(\.rawValue)

    static func spec() throws -> [String: Any] {
        let text = try String(contentsOf: packageRoot.appendingPathComponent("api/openapi.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "api/openapi.yaml is not a YAML mapping")
    }

    /// The value at `path` (mapping keys) in the spec, failing with the path when it is absent.
    static func node(_ root: Any, _ path: String...) throws -> Any {
        var current = root
        for (index, key) in path.enumerated() {
            let mapping = try #require(
                current as? [String: Any], "api/openapi.yaml: \(path[..<index].joined(separator: ".")) is not a mapping"
            )
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

    @Test func everyWireCommandIsInTheSpecAndEverySpecCommandIsRouted() async throws {
        let spec = try Self.spec()
        let parameters = try #require(
            try Self.node(spec, "paths", "/api/v1/beds/{bed}/{command}", "parameters") as? [[String: Any]])
        let command = try #require(
            parameters.first { $0["name"] as? String == "command" }, "no `command` path parameter")
        let specCommands = try #require((command["schema"] as? [String: Any])?["enum"] as? [String])
        #expect(Set(specCommands) == Set(Self.wireCommands), "api/openapi.yaml command enum: \(specCommands)")
        // Each one reaches a command (409 "No session" on an idle bed; the body has what any of them
        // needs), none is an unknown route or command.
        try await app(try makeBeds()).test(.router) { client in
            for word in Set(specCommands).union(Self.wireCommands).sorted() {
                // A patient call is the bed's: an idle bed takes it (on bed 2, so that bed 1's
                // `ack` finds no call to answer).
                let bed = word == CommandName.call.rawValue ? "2" : "1"
                try await client.execute(
                    uri: "/api/v1/beds/\(bed)/\(word)", method: .post, headers: [.contentType: "application/json"],
                    body: body(#"{"count":1,"reason":"drift guard","recovered":1}"#)
                ) { response in
                    let problem = try object(response)
                    if bed == "2" {
                        #expect(
                            response.status == .ok && problem["signal"] as? String == "calling", "`call`: \(problem)")
                    } else {
                        #expect(
                            response.status == .conflict && problem["title"] as? String == "No session",
                            "`\(word)`: \(response.status) \(problem)")
                    }
                }
            }
            try await client.execute(
                uri: "/api/v1/beds/1/levitate", method: .post, headers: [.contentType: "application/json"]
            ) { response in
                #expect(response.status == .notFound, "a word that is no command is refused")
            }
        }
    }

    @Test func theBedSchemaHasExactlyTheFieldsTheServerSends() async throws {
        let spec = try Self.spec()
        let bedSchema = try Self.node(spec, "components", "schemas", "Bed")
        let (properties, required) = try Self.fields(bedSchema)
        #expect(
            properties == required,
            "every Bed field is always sent (null when absent): required \(required.symmetricDifference(properties))")

        // An idle bed, and a running one with needles in (every nested object present).
        let (idleJSON, runningJSON) = try await app(try makeBeds()).test(.router) { client in
            let idle = try await client.execute(uri: "/api/v1/beds/1", method: .get) { Data(buffer: $0.body) }
            try await client.execute(
                uri: "/api/v1/beds/1/session", method: .post,
                headers: [.contentType: "application/json"], body: body(startBody)
            ) { response in
                #expect(response.status == .created)
            }
            let running = try await client.execute(
                uri: "/api/v1/beds/1/needles-in", method: .post,
                headers: [.contentType: "application/json"], body: body(#"{"count":3}"#)
            ) { response in
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
                let object = try #require(
                    ((schema as? [String: Any])?["oneOf"] as? [[String: Any]])?.first { $0["properties"] != nil })
                schema = try Self.node(object, "properties", "sites", "items")
            }
            let (specified, needed) = try Self.fields(schema)
            #expect(Set(sent.keys) == specified, "`\(field)`: sent \(sent.keys.sorted()), spec \(specified.sorted())")
            #expect(needed == specified, "`\(field)`: every field is always sent")
        }

        // The interruption (only a restored session has one): every field, `reason` when not resumable.
        let interruption = Interruption(
            startedAt: "2026-01-01T08:00:00Z", lastEventAt: "2026-01-01T08:05:00Z",
            detectedAt: "2026-01-01T08:06:00Z", sinceStartMs: 360_000, uncertain: false,
            resumable: false, reason: "the protocol changed", previousState: "paused")
        let sent = try Self.keys(interruption)
        let (specified, needed) = try Self.fields(try Self.node(bedSchema, "properties", "interruption"))
        #expect(sent == specified, "`interruption`: sent \(sent.sorted()), spec \(specified.sorted())")
        #expect(
            Set(Interruption.CodingKeys.allCases.map(\.rawValue)) == specified, "Interruption's fields are the spec's")
        #expect(needed == specified.subtracting(["reason"]), "only `reason` is optional")

        // A patient call: both fields, always.
        let call = try Self.keys(BedStatus.Call(since: "2026-01-01T08:00:00.000Z", waitingMs: 1_500))
        let callSchema = try #require(
            ((try Self.node(bedSchema, "properties", "call") as? [String: Any])?["oneOf"] as? [[String: Any]])?.first {
                $0["properties"] != nil
            })
        let (callSpecified, callNeeded) = try Self.fields(callSchema)
        #expect(call == callSpecified && callNeeded == callSpecified, "`call`: sent \(call.sorted())")
    }

    /// The keys a wire value is encoded with (the API's own JSON set-up).
    static func keys(_ value: some Encodable) throws -> Set<String> {
        let object = try JSONSerialization.jsonObject(with: WireJSON.encoder().encode(value))
        return Set(try #require(object as? [String: Any], "\(type(of: value)) is not a JSON object").keys)
    }

    @Test func theBedSchemaIsTheWireType() throws {
        let bedSchema = try Self.node(try Self.spec(), "components", "schemas", "Bed")
        let (properties, _) = try Self.fields(bedSchema)
        #expect(
            Set(BedStatus.CodingKeys.allCases.map(\.rawValue)) == properties, "BedStatus's fields are the spec's Bed")
        let states = try #require(try Self.node(bedSchema, "properties", "state", "enum") as? [String])
        #expect(Set(states) == Set(BedPhase.allWords), "every bed state word, and no other: spec \(states)")
        let lamps = try Self.fields(try Self.node(bedSchema, "properties", "lamps")).properties
        #expect(lamps == Set(Lamp.allCases.map(\.rawValue)), "every lamp: spec \(lamps.sorted())")
        let reference = try Self.fields(try Self.node(bedSchema, "properties", "protocol")).properties
        #expect(try Self.keys(BedStatus.ProtocolRef(id: "p", title: "t", version: 1)) == reference)
        let interruption = try Self.node(bedSchema, "properties", "interruption", "oneOf")
        let object = try #require((interruption as? [Any])?.last)
        #expect(try Self.fields(object).properties == Set(Interruption.CodingKeys.allCases.map(\.rawValue)))
        let before = try #require(try Self.node(object, "properties", "previous_state", "enum") as? [String])
        #expect(Set(before) == Set(SessionPhase.allCases.map(\.rawValue)), "every session state word: spec \(before)")
    }

    @Test func theRequestBodiesAreTheWireTypes() throws {
        let spec = try Self.spec()
        func requestFields(_ path: String) throws -> Set<String> {
            try Self.fields(
                try Self.node(spec, "paths", path, "post", "requestBody", "content", "application/json", "schema")
            ).properties
        }
        let start = StartRequest(
            protocol: "p", therapist: "t-1", patient: "p-1", consent: true, screening: ["x": false], acknowledged: [])
        #expect(try Self.keys(start) == requestFields("/api/v1/beds/{bed}/session"), "the start request")
        let command = CommandBody(by: "1m", count: 1, step: 0, reason: "why", recovered: 1)
        #expect(try Self.keys(command) == requestFields("/api/v1/beds/{bed}/{command}"), "the command body")
    }

    @Test func theOtherAnswersAreTheWireTypes() throws {
        let schemas = try Self.node(try Self.spec(), "components", "schemas")
        let (protocolFields, protocolRequired) = try Self.fields(try Self.node(schemas, "Protocol"))
        #expect(
            Set(ProtocolSummary.CodingKeys.allCases.map(\.rawValue)) == protocolFields
                && protocolRequired == protocolFields)
        let item = try Self.fields(try Self.node(schemas, "ChecklistItem")).properties
        #expect(try Self.keys(ChecklistSummary.Item(code: "c", label: "l")) == item)
        let therapist = try Self.fields(try Self.node(schemas, "Therapist"))
        #expect(
            try Self.keys(TherapistEntry(code: "t-1", name: "Anna")) == therapist.properties
                && therapist.required == therapist.properties)
        let fault = RecordFault(
            message: "m", movedTo: "/x", detectedAt: "t", lastVerifiedSeq: 1, lastVerifiedHash: "h", acknowledged: false
        )
        let status = try Self.fields(try Self.node(schemas, "RecordStatus"))
        #expect(
            try Self.keys(RecordStatus(fault: fault, path: "/r")) == status.properties
                && status.required == status.properties)
        #expect(try Self.keys(RecordStatus(fault: nil, path: "/r")) == status.properties, "`fault` is sent as null")
        let faultFields = try Self.fields(try Self.node(schemas, "RecordStatus", "properties", "fault"))
        #expect(try Self.keys(fault) == faultFields.properties && faultFields.required == faultFields.properties)
    }

    @Test func theProblemSchemaHasExactlyTheFieldsAProblemSends() throws {
        let (specified, needed) = try Self.fields(try Self.node(try Self.spec(), "components", "schemas", "Problem"))
        let sent = try Self.keys(Problem(.conflict, "t", "d").body)
        #expect(sent == specified && needed == specified, "sent \(sent.sorted()), spec \(specified.sorted())")
    }
}
