import DwellCore

/// The body of `POST /api/v1/beds/{bed}/{command}`: every command takes the same object, and
/// each uses only its own fields (`extend` `by`; `needles-in`/`needles-out` `count`, `step`;
/// `close` `reason`). A body must be a JSON object of these fields with their types (400).
struct CommandBody: Decodable {
    var by: String?
    var count: Int?
    var step: Int?
    var reason: String?

    /// The one place the API's command words become session commands. Fields are checked against
    /// their ranges whichever command they come with: a body that is there must be right.
    func command(_ name: String) throws(Problem) -> SessionCommand {
        try checkRanges()
        switch name {
        case "pause": return .pause
        case "resume": return .resume
        case "skip": return .skip
        case "abort": return .abort
        case "ack", "acknowledge": return .acknowledge
        case "silence": return .silence
        case "finish": return .finish
        case "rapid-removal": return .rapidRemoval
        case "extend": return .extend(try extensionAmount())
        case "needles-in":
            guard let count else {
                throw Problem(.unprocessableContent, "Count required",
                              "`count`: how many needles are in at the site (0 to \(NeedleLedger.maximumPerSite))")
            }
            return .placeNeedles(count: count, step: step)
        case "needles-out":
            return .removeNeedles(count: count, step: step)
        case "close":
            guard let reason else {
                throw Problem(.unprocessableContent, "Reason required",
                              "`reason`: why the session closes with the needle counts differing (recorded as a possible adverse event)")
            }
            return .closeWithMismatch(reason: reason)
        default:
            throw Problem(.notFound, "Unknown command", """
                `\(name)`: use pause, resume, extend, skip, abort, ack, needles-in, needles-out, rapid-removal, \
                silence, close or finish
                """)
        }
    }

    func checkRanges() throws(Problem) {
        if let count, !(0...NeedleLedger.maximumPerSite).contains(count) {
            throw Problem(.unprocessableContent, "Invalid count", "`count` \(count) must be 0 to \(NeedleLedger.maximumPerSite)")
        }
        if let step, step < 0 {
            throw Problem(.unprocessableContent, "Invalid step", "`step` \(step) must be a step index, 0 or more")
        }
        if let reason, !(3...500).contains(reason.count) {
            throw Problem(.unprocessableContent, "Invalid reason", "`reason` must be 3 to 500 characters")
        }
    }

    func extensionAmount() throws(Problem) -> Duration {
        guard let by else { return SessionCommand.defaultExtension }
        do {
            return try Duration.parse(notation: by)
        } catch {
            throw Problem(.unprocessableContent, "Bad extension", "`by`: \(error.description)")
        }
    }
}

/// The body of a POST that takes no fields: nothing, or a JSON object (`{}`).
struct NoFields: Decodable {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        _ = try decoder.container(keyedBy: AnyKey.self)  // an object, whatever its keys
    }
}
