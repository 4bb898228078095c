/// One entry of `GET /api/v1/therapists`: a therapist the kiosk offers to pick when starting a
/// session (config `clinic.therapists`). Only the code is sent with a start and recorded; the
/// display name stays in the config and on the screen.
public struct TherapistEntry: Codable, Equatable, Sendable {
    /// The pseudonymous code a start sends (`StartRequest.isCode`), e.g. `t-17`.
    public var code: String
    /// What the kiosk shows on the therapist's tile, e.g. `Anna`.
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }

    /// The longest display name a tile shows in full.
    public static let maxNameLength = 32
    /// The most therapists a config lists (the kiosk shows them all as tiles).
    public static let maxCount = 40
}
