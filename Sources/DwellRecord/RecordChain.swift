import Crypto

/// The tamper-evidence of the record: each row's hash is SHA-256 over the previous row's hash
/// and a canonical encoding of the row, so a changed, deleted, inserted or reordered row breaks
/// the chain from that row on. The encoding depends on the row's `format`, which it names.
public enum RecordChain {
    /// The `prev_hash` of the first row.
    public static let genesis = String(repeating: "0", count: 64)
    /// The row format this release writes; it reads every format from 1 up to it.
    public static let currentFormat = 2

    /// Why a row has no canonical encoding (verify reports the row as a break).
    public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
        /// A format this release does not know (written by a newer one, or changed).
        case unknown(Int)
        /// A format-1 row holding a value in a column that came with format 2.
        case columnsBeyondFormat(Int, [String])

        public var description: String {
            switch self {
            case .unknown(let format):
                return "the row has format \(format), which this release does not know (it reads 1 to \(currentFormat))"
            case .columnsBeyondFormat(let format, let columns):
                let held = columns.joined(separator: " and ")
                return "the row has format \(format) but holds \(held), which that format does not have"
            }
        }
    }

    /// The canonical encoding: a version tag (`dwell-record-v<format>`), then the row's columns
    /// but the two hashes and `format`, each as `<byte count>:<UTF-8 bytes>` or `~` for null, so
    /// no two rows encode alike. Format 1: `seq` to `note`, exactly as rows were hashed before
    /// formats existed. Format 2: those, then `amount_ms` and `reason`.
    public static func canonical(_ entry: RecordEntry) throws(FormatError) -> [UInt8] {
        switch entry.format {
        case 1:
            let extra = [("amount_ms", entry.amountMs != nil), ("reason", entry.reason != nil)].filter(\.1).map(\.0)
            guard extra.isEmpty else { throw .columnsBeyondFormat(1, extra) }
            return encode(format: 1, entry.formatOneValues)
        case 2:
            return currentCanonical(entry)
        default:
            throw .unknown(entry.format)
        }
    }

    /// Format 2, the one ``entry(for:after:)`` writes.
    static func currentCanonical(_ entry: RecordEntry) -> [UInt8] {
        encode(format: currentFormat, entry.formatOneValues + [entry.amountMs.map(String.init), entry.reason])
    }

    static func encode(format: Int, _ fields: [String?]) -> [UInt8] {
        var bytes = Array("dwell-record-v\(format)".utf8)
        for field in fields {
            bytes.append(0x0A)
            guard let field else {
                bytes.append(UInt8(ascii: "~"))
                continue
            }
            let utf8 = Array(field.utf8)
            bytes += Array("\(utf8.count):".utf8) + utf8
        }
        return bytes
    }

    /// The hash a row must carry, given the hash of the row before it.
    public static func hash(of entry: RecordEntry, after previous: String) throws(FormatError) -> String {
        digest(previous, try canonical(entry))
    }

    static func digest(_ previous: String, _ canonical: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previous.utf8))
        hasher.update(data: canonical)
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Numbers and chains an event after the row `(seq, hash)`, in the current format.
    static func entry(for event: RecordEvent, after head: (seq: Int64, hash: String)) -> RecordEntry {
        let session = event.session
        var entry = RecordEntry(
            seq: head.seq + 1, sessionID: storable(session.sessionID), bed: storable(session.bed),
            type: storable(event.type), step: event.step, site: event.site.map(storable),
            siteLabel: event.siteLabel.map(storable), plannedMs: event.plannedMs, monotonicUs: event.monotonicUs,
            wallTime: storable(event.wallTime), latenessUs: event.latenessUs, protocolID: storable(session.protocolID),
            protocolVersion: session.protocolVersion, protocolTitle: storable(session.protocolTitle),
            protocolSHA256: storable(session.protocolSHA256), therapist: session.therapist.map(storable),
            patient: session.patient.map(storable), needles: event.needles, note: event.note.map(storable),
            prevHash: head.hash, hash: "", format: currentFormat, amountMs: event.amountMs,
            reason: event.reason.map(storable))
        entry.hash = digest(head.hash, currentCanonical(entry))
        return entry
    }

    /// Text as SQLite keeps it: a NUL would end the stored text there, while the hash covered all
    /// of it, and the row would no longer verify. Each NUL is written as the visible `␀` (U+2400)
    /// instead, in what is hashed and what is stored alike.
    static func storable(_ text: String) -> String {
        guard text.unicodeScalars.contains("\u{0}") else { return text }
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { scalars.append(scalar == "\u{0}" ? "\u{2400}" : scalar) }
        return String(scalars)
    }
}
