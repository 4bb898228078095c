import DwellRecord

/// What walking one device's chain at the hub found.
public struct HubChainReport: Equatable, Sendable {
    public var device: String
    public var count = 0
    public var headSeq: Int64 = 0
    public var headHash = RecordChain.genesis
    /// Gaps, forks and edited rows, in sequence order, each naming its row.
    public var problems: [String] = []

    public var isIntact: Bool { problems.isEmpty }
}

/// Central verify: each device's chain walked from row 1, and a board's record compared with it.
public enum HubVerify {
    /// Walks rows (one device's, in sequence order): a missing number is a gap, a row whose
    /// hash is not SHA-256 over its `prev_hash` and bytes is edited, a row whose `prev_hash` is
    /// not the hash of the row before is a fork, a row whose bytes name another number or
    /// time than its columns is edited.
    public static func walk(device: String, rows: [HubRow]) -> HubChainReport {
        var report = HubChainReport(device: device)
        var previous = (seq: Int64(0), hash: RecordChain.genesis)
        for row in rows {
            report.count += 1
            if row.seq != previous.seq + 1 {
                let missing =
                    row.seq - 1 == previous.seq + 1 ? "\(previous.seq + 1)" : "\(previous.seq + 1)–\(row.seq - 1)"
                report.problems.append("gap: rows \(missing) are missing before row \(row.seq)")
            } else if row.prevHash != previous.hash {
                report.problems.append(
                    "fork at row \(row.seq): its prev_hash \(row.prevHash.prefix(12))… is not row \(previous.seq)'s hash \(previous.hash.prefix(12))…"
                )
            }
            let computed = RecordChain.hash(ofCanonical: row.body, after: row.prevHash)
            if computed != row.hash {
                report.problems.append("edited row \(row.seq): its hash does not match its bytes")
            } else if let entry = try? row.entry() {
                if entry.seq != row.seq || entry.wallTime != row.wallTime || entry.format != row.format {
                    report.problems.append("edited row \(row.seq): its columns do not match its bytes")
                }
            } else {
                report.problems.append("edited row \(row.seq): its bytes are no record row")
            }
            previous = (row.seq, row.hash)
        }
        (report.headSeq, report.headHash) = previous
        return report
    }

    /// A board's record against the hub's rows of that board: rows the board has that the hub
    /// lacks (not yet forwarded), rows the hub has that the board lacks (the board lost or
    /// truncated them), and rows both have that differ.
    public struct CrossCheck: Equatable, Sendable {
        public var boardOnly: [Int64] = []
        public var hubOnly: [Int64] = []
        public var different: [Int64] = []

        /// The hub holding rows the board lacks, or differing rows, is a finding; rows the hub
        /// lacks are only not forwarded yet.
        public var isConsistent: Bool { hubOnly.isEmpty && different.isEmpty }
    }

    public static func crossCheck(board: [RecordEntry], hub: [HubRow]) -> CrossCheck {
        var check = CrossCheck()
        var hubRows = Dictionary(hub.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in board {
            guard let row = hubRows.removeValue(forKey: entry.seq) else {
                check.boardOnly.append(entry.seq)
                continue
            }
            let body = try? RecordChain.canonicalBytes(entry)
            if body != row.body || entry.hash != row.hash || entry.prevHash != row.prevHash {
                check.different.append(entry.seq)
            }
        }
        check.hubOnly = hubRows.keys.sorted()
        return check
    }

    /// `[1, 2, 3, 7]` as `1–3, 7`.
    public static func ranges(_ numbers: [Int64]) -> String {
        var parts: [String] = []
        var start: Int64?
        var last: Int64 = 0
        for number in numbers.sorted() {
            if start != nil && number == last + 1 {
                last = number
                continue
            }
            if let first = start { parts.append(first == last ? "\(first)" : "\(first)–\(last)") }
            (start, last) = (number, number)
        }
        if let first = start { parts.append(first == last ? "\(first)" : "\(first)–\(last)") }
        return parts.joined(separator: ", ")
    }
}
