import Crypto

/// The tamper-evidence of the record: each row's hash is SHA-256 over the previous row's hash
/// and a canonical encoding of the row, so a changed, deleted, inserted or reordered row breaks
/// the chain from that row on.
public enum RecordChain {
    /// The `prev_hash` of the first row.
    public static let genesis = String(repeating: "0", count: 64)
    static let version = "dwell-record-v1"

    /// The canonical encoding: a version tag, then every column but the two hashes, in column order,
    /// each as `<byte count>:<UTF-8 bytes>` or `~` for null, so no two rows encode alike.
    public static func canonical(_ entry: RecordEntry) -> [UInt8] {
        let fields = entry.values.dropLast(2)
        var bytes = Array(version.utf8)
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
    public static func hash(of entry: RecordEntry, after previous: String) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(previous.utf8))
        hasher.update(data: canonical(entry))
        return hasher.finalize().map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Numbers and chains an event after the row `(seq, hash)`.
    static func entry(for event: RecordEvent, after head: (seq: Int64, hash: String)) -> RecordEntry {
        let session = event.session
        var entry = RecordEntry(
            seq: head.seq + 1, sessionID: session.sessionID, bed: session.bed, type: event.type, step: event.step,
            site: event.site, siteLabel: event.siteLabel, plannedMs: event.plannedMs, monotonicUs: event.monotonicUs,
            wallTime: event.wallTime, latenessUs: event.latenessUs, protocolID: session.protocolID,
            protocolVersion: session.protocolVersion, protocolTitle: session.protocolTitle,
            protocolSHA256: session.protocolSHA256, therapist: session.therapist, patient: session.patient,
            needles: event.needles, note: event.note, prevHash: head.hash, hash: "")
        entry.hash = hash(of: entry, after: head.hash)
        return entry
    }
}
