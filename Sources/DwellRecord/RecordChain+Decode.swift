/// Reading a row back from its canonical encoding: the clinic hub stores each row as the exact
/// bytes its hash covers, so a central copy can be checked byte for byte and hashed again, and
/// the exporters read the same entries they read from a board.
extension RecordChain {
    /// Why stored bytes are no canonical row.
    public struct DecodeError: Error, Equatable, Sendable, CustomStringConvertible {
        public var description: String

        init(_ description: String) { self.description = description }
    }

    /// The canonical bytes of a row (the ones its hash covers), in the row's own format.
    public static func canonicalBytes(_ entry: RecordEntry) throws(FormatError) -> [UInt8] {
        try canonical(entry)
    }

    /// The hash over `previous` and canonical `bytes`, as a row carries it.
    public static func hash(ofCanonical bytes: [UInt8], after previous: String) -> String {
        digest(previous, bytes)
    }

    /// The entry whose canonical encoding is `bytes`, with the hashes it was stored with.
    public static func entry(
        canonical bytes: [UInt8], prevHash: String, hash: String
    ) throws(DecodeError)
        -> RecordEntry
    {
        var reader = FieldReader(bytes: bytes)
        let tag = reader.line()
        let format: Int
        switch tag {
        case Array("dwell-record-v1".utf8): format = 1
        case Array("dwell-record-v2".utf8): format = 2
        default: throw DecodeError("the row does not start with a known tag (dwell-record-v1 or -v2)")
        }
        var fields: [String?] = []
        let count = format == 1 ? 19 : 21
        for index in 0..<count {
            guard let field = reader.field() else { throw DecodeError("field \(index + 1) of \(count) is malformed") }
            fields.append(field)
        }
        guard reader.atEnd else { throw DecodeError("bytes follow the last field") }
        func text(_ index: Int) throws(DecodeError) -> String {
            guard let value = fields[index] else { throw DecodeError("field \(index + 1) is null but required") }
            return value
        }
        func number(_ index: Int) throws(DecodeError) -> Int64? {
            guard let value = fields[index] else { return nil }
            guard let number = Int64(value) else { throw DecodeError("field \(index + 1) `\(value)` is no number") }
            return number
        }
        func required(_ index: Int) throws(DecodeError) -> Int64 {
            guard let value = try number(index) else { throw DecodeError("field \(index + 1) is null but required") }
            return value
        }
        return RecordEntry(
            seq: try required(0), sessionID: try text(1), bed: try text(2), type: try text(3),
            step: try number(4).map { Int($0) }, site: fields[5], siteLabel: fields[6], plannedMs: try number(7),
            monotonicUs: try required(8), wallTime: try text(9), latenessUs: try number(10),
            protocolID: try text(11), protocolVersion: Int(try required(12)), protocolTitle: try text(13),
            protocolSHA256: try text(14), therapist: fields[15], patient: fields[16],
            needles: try number(17).map { Int($0) }, note: fields[18], prevHash: prevHash, hash: hash, format: format,
            amountMs: format == 1 ? nil : try number(19), reason: format == 1 ? nil : fields[20])
    }

    /// Walks `\n`-separated fields: `<count>:<bytes>` or `~`.
    struct FieldReader {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index == bytes.count }

        /// The bytes up to the first newline (the tag).
        mutating func line() -> [UInt8] {
            let start = index
            while index < bytes.count && bytes[index] != 0x0A { index += 1 }
            return Array(bytes[start..<index])
        }

        /// One field after its newline; nil when malformed, `.some(nil)` for null.
        mutating func field() -> String?? {
            guard index < bytes.count, bytes[index] == 0x0A else { return nil }
            index += 1
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "~") {
                index += 1
                return .some(nil)
            }
            var length = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                length = length * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                guard length <= bytes.count else { return nil }
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":"), index + 1 + length <= bytes.count else {
                return nil
            }
            let start = index + 1
            index = start + length
            guard let text = String(validating: bytes[start..<index], as: UTF8.self) else { return nil }
            return .some(text)
        }
    }
}
