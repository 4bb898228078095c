/// The clinic's limits as a session's `session.started` row keeps them: a session runs to the end
/// under the limits it started with, and a restart replays it with those, not with limits the
/// config has been changed to since (which would make other alarms than the record holds).
extension ClinicLimits {
    /// How the note begins, before the limits.
    public static let recordNotePrefix = "clinic limits: "

    /// The limits in words, e.g. `clinic limits: session 10m-15m, escalate_after 1m, silence_for 2m,
    /// hard_limit 30m, pause_limit 3m, check_every off, sweep off`.
    public var recordNote: String {
        Self.recordNotePrefix
            + Self.fields.map { "\($0.name) \($0.write(self))" }.joined(separator: ", ")
    }

    /// The limits a `session.started` note recorded, each one it does not name taken from
    /// `fallback` (a limit added since the row was written). Nil when `note` is not such a note
    /// (rows from before limits were recorded) or a value cannot be read.
    public init?(recordNote note: String?, fallback: ClinicLimits) {
        guard let note, note.hasPrefix(Self.recordNotePrefix) else { return nil }
        var limits = fallback
        for item in note.dropFirst(Self.recordNotePrefix.count).split(separator: ", ") {
            let parts = item.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, let field = Self.fields.first(where: { $0.name == parts[0] }) else { continue }
            guard field.read(String(parts[1]), &limits) else { return nil }
        }
        self = limits
    }

    private struct Field {
        var name: String
        var write: (ClinicLimits) -> String
        var read: (String, inout ClinicLimits) -> Bool
    }

    private static func duration(
        _ name: String, _ path: WritableKeyPath<ClinicLimits, Duration>
    ) -> Field {
        Field(
            name: name, write: { $0[keyPath: path].notation },
            read: { text, limits in
                guard let value = try? Duration.parse(notation: text) else { return false }
                limits[keyPath: path] = value
                return true
            })
    }

    private static var fields: [Field] {
        [
            Field(
                name: "session",
                write: { "\($0.sessionLength.lowerBound.notation)-\($0.sessionLength.upperBound.notation)" },
                read: { text, limits in
                    let bounds = text.split(separator: "-")
                    guard bounds.count == 2, let lower = try? Duration.parse(notation: String(bounds[0])),
                        let upper = try? Duration.parse(notation: String(bounds[1])), lower <= upper
                    else { return false }
                    limits.sessionLength = lower...upper
                    return true
                }),
            duration("escalate_after", \.escalateAfter),
            duration("silence_for", \.silenceFor),
            duration("hard_limit", \.hardLimit),
            duration("pause_limit", \.pauseLimit),
            Field(
                name: "check_every", write: { $0.checkEvery?.notation ?? "off" },
                read: { text, limits in
                    if text == "off" {
                        limits.checkEvery = nil
                        return true
                    }
                    guard let value = try? Duration.parse(notation: text) else { return false }
                    limits.checkEvery = value
                    return true
                }),
            Field(
                name: "sweep", write: { $0.sweep ? "on" : "off" },
                read: { text, limits in
                    guard text == "on" || text == "off" else { return false }
                    limits.sweep = text == "on"
                    return true
                }),
        ]
    }
}
