import DwellCore
import DwellProtocolFiles
import DwellRecord
import Foundation
import Yams

/// Everything `dwelld` runs with: from `/etc/dwell/dwell.yaml` (`--config`), or the simulator's
/// development defaults, with command-line overrides on top.
public struct DaemonConfig: Equatable, Sendable {
    public var listen: ListenAddress = .loopbackDefault
    /// A file holding the bearer token; required when `listen` is not loopback.
    public var tokenFile: String?
    public var protocols: String = "/etc/dwell/protocols"
    public var record: String = RecordStore.defaultPath()
    /// `simulator`, or a board file (GPIO).
    public var board: String = "simulator"
    public var beds: [String] = ["1"]
    public var limits: ClinicLimits = .standard
    /// The pre-start checklist: the standard contraindications plus the clinic's own.
    public var checklist: Checklist = .standard
    /// Shown during observation when the protocol has no `aftercare` of its own.
    public var aftercare: String = Self.defaultAftercare

    public init() {}

    public static let defaultAftercare = """
        Get up slowly. Drink water and keep gently active. Soreness for 24–48 hours is common \
        (sometimes worse the next morning): heat or ice can help; bruising can last up to a week. \
        Press firmly on bleeding that does not stop and call the clinic. Shortness of breath after \
        needling near the chest or upper back: get emergency help.
        """

    public static let defaultPath = "/etc/dwell/dwell.yaml"

    /// `dwelld --simulator` with no config file: two beds on the simulated board, `./Protocols`.
    public static var simulatorDefaults: DaemonConfig {
        var config = DaemonConfig()
        config.protocols = "Protocols"
        config.beds = ["1", "2"]
        return config
    }

    static let keys = ["listen", "token_file", "protocols", "record", "board", "beds", "clinic"]
    static let clinicKeys = ["min_session", "max_session", "escalate_after", "silence_for", "aftercare", "contraindications"]
    static let itemKeys = ["code", "label", "severity"]

    /// Reads a config file over `base`, reporting every problem as `path:line:column: error: …`.
    public static func load(_ path: String, over base: DaemonConfig = DaemonConfig()) -> Result<DaemonConfig, ProtocolFailure> {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            return .failure(ProtocolFailure([ProtocolDiagnostic(path: path, message: "cannot read the config file (missing, unreadable or not UTF-8)")]))
        }
        let mapping: Node.Mapping
        switch ProtocolDecoder.document(text, path: path, needs: "a config sets at least `beds` and `protocols`") {
        case .success(let root): mapping = root
        case .failure(let failure): return .failure(failure)
        }
        let sink = DiagnosticSink(path: path)
        let fields = FieldReader(mapping, at: .root, known: keys, sink: sink)
        var config = base
        if let (text, mark) = fields.scalar("listen") {
            if let address = ListenAddress(text) { config.listen = address } else {
                sink.add(at: mark, .key("listen"), "`\(text)` is not HOST:PORT (e.g. `127.0.0.1:8470`)")
            }
        }
        if let value = fields.string("token_file") { config.tokenFile = value }
        if let value = fields.string("protocols") { config.protocols = value }
        if let value = fields.string("record") { config.record = value }
        if let value = fields.string("board") { config.board = value }
        if let node = fields.node("beds") {
            let beds = node.sequence?.compactMap { $0.scalar?.string } ?? []
            if beds.isEmpty || beds.count != node.sequence?.count {
                sink.add(at: node.mark, .key("beds"), "must be a list of bed names, e.g. `[\"1\", \"2\"]`")
            } else if Set(beds).count != beds.count {
                sink.add(at: node.mark, .key("beds"), "bed names must be unique")
            } else if let bad = beds.first(where: { !Self.isBedName($0) }) {
                sink.add(at: node.mark, .key("beds"), "`\(bad)` may use only letters, digits and `-`, up to 16 characters")
            } else {
                config.beds = beds
            }
        }
        if let node = fields.node("clinic") {
            if let clinic = node.mapping {
                let reader = FieldReader(clinic, at: .key("clinic"), known: clinicKeys, sink: sink)
                let minimum = reader.duration("min_session") ?? config.limits.sessionLength.lowerBound
                let maximum = reader.duration("max_session") ?? config.limits.sessionLength.upperBound
                if minimum <= maximum {
                    config.limits.sessionLength = minimum...maximum
                } else {
                    sink.add(at: clinic.mark, .key("clinic"), "min_session \(minimum.notation) is longer than max_session \(maximum.notation)")
                }
                if let escalate = reader.duration("escalate_after") { config.limits.escalateAfter = escalate }
                if let silence = reader.duration("silence_for") { config.limits.silenceFor = silence }
                if let aftercare = reader.string("aftercare") { config.aftercare = aftercare }
                if let items = reader.node("contraindications") {
                    config.checklist = Checklist(adding: contraindications(items, sink: sink))
                }
            } else {
                sink.add(at: node.mark, .key("clinic"), "must be a mapping with min_session, max_session, escalate_after, …")
            }
        }
        let sorted = sink.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        return sorted.isEmpty ? .success(config) : .failure(ProtocolFailure(sorted))
    }

    /// The clinic's own checklist items: `[{code, label, severity: absolute|relative}]`.
    static func contraindications(_ node: Node, sink: DiagnosticSink) -> [Contraindication] {
        let field = FieldPath.key("clinic").appending("contraindications")
        guard let sequence = node.sequence else {
            sink.add(at: node.mark, field, "must be a list of {code, label, severity}")
            return []
        }
        var codes = Set(Checklist.standardItems.map(\.code))
        var items: [Contraindication] = []
        for (index, element) in sequence.enumerated() {
            let path = field.appending(index: index)
            guard let mapping = element.mapping else {
                sink.add(at: element.mark, path, "must be a mapping with code, label and severity")
                continue
            }
            let reader = FieldReader(mapping, at: path, known: itemKeys, sink: sink)
            let code = reader.scalar("code", required: "a short code such as `pacemaker`")
            let label = reader.string("label", required: "the words therapists see")
            let severity = reader.scalar("severity", required: "absolute or relative")
            guard let code, let label, let severity else { continue }
            guard Contraindication.isCode(code.text) else {
                sink.add(at: code.mark, path.appending("code"), "`\(code.text)` must be 2 to 40 lowercase letters, digits or `-`")
                continue
            }
            guard codes.insert(code.text).inserted else {
                sink.add(at: code.mark, path.appending("code"), "`\(code.text)` is already on the checklist")
                continue
            }
            guard (1...160).contains(label.count) else {
                sink.add(at: mapping.mark, path.appending("label"), "must be 1 to 160 characters")
                continue
            }
            guard let kind = Contraindication.Severity(rawValue: severity.text) else {
                sink.add(at: severity.mark, path.appending("severity"), "`\(severity.text)` must be absolute or relative")
                continue
            }
            items.append(Contraindication(code.text, label, kind))
        }
        return items
    }

    static func isBedName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 16 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
}

/// Where the API listens.
public struct ListenAddress: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public static let loopbackDefault = ListenAddress(host: "127.0.0.1", port: 8470)

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `HOST:PORT`, `[v6]:PORT`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65_535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
