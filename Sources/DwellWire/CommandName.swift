import DwellCore

/// The command words of `POST /api/v1/beds/{bed}/{command}`: the one list the server routes,
/// the CLI sends, the kiosk page and `api/openapi.yaml` use (a test holds the spec to it).
public enum CommandName: String, CaseIterable, Codable, Sendable {
    case pause
    case resume
    case extend
    case skip
    case abort
    case ack
    /// The same as `ack`, spelled out.
    case acknowledge
    case needlesIn = "needles-in"
    case needlesOut = "needles-out"
    case rapidRemoval = "rapid-removal"
    case reconcile
    case silence
    case close
    case finish
    /// The patient calls (a nurse-call system or another device; the board has a `call` button).
    case call
    /// A therapist looked in on the patient: the check-in timer starts over.
    case checked
    /// The couch and floor were checked for stray needles: a session waiting in `sweep` ends.
    case swept

    /// The session command this word asks for, with the fields it uses from `body`; the body's
    /// fields are checked against their ranges whichever command they come with.
    /// `call` is the bed's, not its session's: it has no session command.
    public func command(_ body: CommandBody = CommandBody()) throws(WireError) -> SessionCommand {
        try body.checkRanges()
        switch self {
        case .call:
            throw WireError(
                "Not a session command", "`call` is the bed's: the bed layer takes it, with or without a session")
        case .checked: return .checked
        case .swept: return .swept
        case .pause: return .pause
        case .resume: return .resume
        case .skip: return .skip
        case .abort: return .abort
        case .ack, .acknowledge: return .acknowledge
        case .silence: return .silence
        case .finish: return .finish
        case .rapidRemoval: return .rapidRemoval
        case .reconcile:
            guard let recovered = body.recovered else {
                throw WireError(
                    "Recovered count required",
                    "`recovered`: how many needles were recovered after the rapid removal "
                        + "(0 to \(SessionCommand.maximumRecovered))")
            }
            return .reconcile(recovered: recovered)
        case .extend: return .extend(try body.extensionAmount(), reason: body.reason)
        case .needlesIn:
            guard let count = body.count else {
                throw WireError(
                    "Count required",
                    "`count`: how many needles are in at the site (0 to \(NeedleLedger.maximumPerSite))")
            }
            return .placeNeedles(count: count, step: body.step)
        case .needlesOut:
            return .removeNeedles(count: body.count, step: body.step)
        case .close:
            guard let reason = body.reason else {
                throw WireError(
                    "Reason required",
                    "`reason`: why the session closes with the needle counts differing (recorded as a possible adverse event)"
                )
            }
            return .closeWithMismatch(reason: reason)
        }
    }

    /// What an unknown word is told: every word there is.
    public static var list: String { allCases.map(\.rawValue).joined(separator: ", ") }
}

/// The body of `POST /api/v1/beds/{bed}/{command}`: every command takes the same object, and
/// each uses only its own fields (`extend` `by` and, past the clinic's longest session,
/// `reason`; `needles-in`/`needles-out` `count`, `step`; `close` `reason`; `reconcile` `recovered`).
public struct CommandBody: Codable, Equatable, Sendable {
    public var by: String?
    public var count: Int?
    public var step: Int?
    public var reason: String?
    /// `reconcile`: how many needles were recovered after a rapid removal.
    public var recovered: Int?

    public init(
        by: String? = nil, count: Int? = nil, step: Int? = nil, reason: String? = nil, recovered: Int? = nil
    ) {
        self.by = by
        self.count = count
        self.step = step
        self.reason = reason
        self.recovered = recovered
    }

    func checkRanges() throws(WireError) {
        if let count, !(0...NeedleLedger.maximumPerSite).contains(count) {
            throw WireError("Invalid count", "`count` \(count) must be 0 to \(NeedleLedger.maximumPerSite)")
        }
        if let step, step < 0 {
            throw WireError("Invalid step", "`step` \(step) must be a step index, 0 or more")
        }
        if let recovered, !(0...SessionCommand.maximumRecovered).contains(recovered) {
            throw WireError(
                "Invalid recovered count", "`recovered` \(recovered) must be 0 to \(SessionCommand.maximumRecovered)")
        }
        if let reason, !(3...500).contains(reason.count) {
            throw WireError("Invalid reason", "`reason` must be 3 to 500 characters")
        }
    }

    func extensionAmount() throws(WireError) -> Duration {
        guard let by else { return SessionCommand.defaultExtension }
        do {
            return try Duration.parse(notation: by)
        } catch {
            throw WireError("Bad extension", "`by`: \(error.description)")
        }
    }
}

/// A request whose fields are there but wrong: the title and detail of a 422 problem.
public struct WireError: Error, Equatable, Sendable, CustomStringConvertible {
    public var title: String
    public var detail: String

    public init(_ title: String, _ detail: String) {
        self.title = title
        self.detail = detail
    }

    public var description: String { "\(title): \(detail)" }
}
