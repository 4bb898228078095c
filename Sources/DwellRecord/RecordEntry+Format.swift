import DwellCore

/// Row formats. Format 1 rows (written before `format`, `amount_ms` and `reason` existed) kept
/// an extension's amount and a mismatch's reason only in their note; from format 2 on, those are
/// columns of their own. A row's format picks its canonical encoding (``RecordChain``), so old
/// rows verify as they were written. This is the one place that reads a format-1 note back.
extension RecordEntry {
    /// Reads a row; one from a table that has no `format` column yet (a record written before
    /// it, opened read-only so not migrated) is format 1.
    public init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        seq = try row.decode(Int64.self, forKey: .seq)
        sessionID = try row.decode(String.self, forKey: .sessionID)
        bed = try row.decode(String.self, forKey: .bed)
        type = try row.decode(String.self, forKey: .type)
        step = try row.decodeIfPresent(Int.self, forKey: .step)
        site = try row.decodeIfPresent(String.self, forKey: .site)
        siteLabel = try row.decodeIfPresent(String.self, forKey: .siteLabel)
        plannedMs = try row.decodeIfPresent(Int64.self, forKey: .plannedMs)
        monotonicUs = try row.decode(Int64.self, forKey: .monotonicUs)
        wallTime = try row.decode(String.self, forKey: .wallTime)
        latenessUs = try row.decodeIfPresent(Int64.self, forKey: .latenessUs)
        protocolID = try row.decode(String.self, forKey: .protocolID)
        protocolVersion = try row.decode(Int.self, forKey: .protocolVersion)
        protocolTitle = try row.decode(String.self, forKey: .protocolTitle)
        protocolSHA256 = try row.decode(String.self, forKey: .protocolSHA256)
        therapist = try row.decodeIfPresent(String.self, forKey: .therapist)
        patient = try row.decodeIfPresent(String.self, forKey: .patient)
        needles = try row.decodeIfPresent(Int.self, forKey: .needles)
        note = try row.decodeIfPresent(String.self, forKey: .note)
        prevHash = try row.decode(String.self, forKey: .prevHash)
        hash = try row.decode(String.self, forKey: .hash)
        format = try row.decodeIfPresent(Int.self, forKey: .format) ?? 1
        amountMs = try row.decodeIfPresent(Int64.self, forKey: .amountMs)
        reason = try row.decodeIfPresent(String.self, forKey: .reason)
    }

    /// What a `step.extended` row added: `amount_ms`; in a format-1 row, the amount its note
    /// (`extended by 2m`) names.
    public var extensionAmount: Duration? {
        guard format == 1 else { return amountMs.map(Duration.milliseconds) }
        guard let note, note.hasPrefix(SessionRecorder.extensionNote) else { return nil }
        return try? Duration.parse(notation: String(note.dropFirst(SessionRecorder.extensionNote.count)))
    }

    /// The stated reason of a `needles.mismatch-closed` row: `reason`; in a format-1 row, its
    /// note after the adverse-event prefix.
    public var mismatchReason: String? {
        guard format == 1 else { return reason }
        return SessionRecorder.statedReason(in: note)
    }
}
