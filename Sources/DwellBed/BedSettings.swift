import DwellCore
import DwellWire

/// What the bed layer needs of the daemon's configuration.
public struct BedSettings: Sendable {
    /// The beds, in the order they are shown.
    public var beds: [String]
    /// The protocol folder.
    public var protocols: String
    /// The clinic record (SQLite file).
    public var record: String
    public var limits: ClinicLimits
    public var checklist: Checklist
    /// Aftercare advice for protocols that give none.
    public var aftercare: String
    /// The therapists the kiosk offers to pick from (config `clinic.therapists`); may be empty.
    public var therapists: [TherapistEntry]

    public init(
        beds: [String], protocols: String, record: String, limits: ClinicLimits, checklist: Checklist,
        aftercare: String,
        therapists: [TherapistEntry] = []
    ) {
        self.beds = beds
        self.protocols = protocols
        self.record = record
        self.limits = limits
        self.checklist = checklist
        self.aftercare = aftercare
        self.therapists = therapists
    }
}
