import DwellBed

extension DaemonConfig {
    /// What the bed layer takes of the config.
    public var bedSettings: BedSettings {
        BedSettings(
            beds: beds, protocols: protocols, record: record, limits: limits, checklist: checklist,
            aftercare: aftercare,
            therapists: therapists
        )
    }
}
