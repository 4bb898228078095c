import DwellCore
import DwellHub
import DwellRecord
import DwellWire
import DwellYAML
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
    /// Therapists the kiosk offers to pick from (`clinic.therapists`: code and display name).
    public var therapists: [TherapistEntry] = []
    /// DNS names (lowercase, no port) the API may be reached by, besides the loopback names and
    /// the listen address: what a request's `Host` may name (`allowed_hosts`).
    public var allowedHosts: [String] = []
    /// The clinic hub the record is forwarded to (`hub`); nil: this board stands alone.
    public var hub: HubSettings?
    /// Where each field naming a path or address was set in the config file (`protocols`,
    /// `record`, `board`, `token_file`, `listen`), so that a problem with what it names is
    /// reported at that line. A command-line override removes the field's entry.
    public var sources: [String: ConfigSource] = [:]

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

    static let keys = [
        "listen", "token_file", "protocols", "record", "board", "beds", "allowed_hosts", "clinic", "hub",
    ]
    static let pathKeys = ["token_file", "protocols", "record", "board"]

    /// Reads a config file over `base`, reporting every problem as `path:line:column: error: …`.
    public static func load(
        _ path: String, over base: DaemonConfig = DaemonConfig()
    ) -> Result<DaemonConfig, FileFailure> {
        YAMLDocument.read(path, kind: "a config file").flatMap { parse($0.text, path: path, over: base) }
    }

    /// Reads a config file's text (named `path` in diagnostics) over `base`.
    public static func parse(
        _ text: String, path: String, over base: DaemonConfig = DaemonConfig()
    ) -> Result<DaemonConfig, FileFailure> {
        let mapping: Node.Mapping
        switch YAMLDocument.mapping(text, path: path, needs: "a config sets at least `beds` and `protocols`") {
        case .success(let root): mapping = root
        case .failure(let failure): return .failure(failure)
        }
        let sink = DiagnosticSink(path: path, text: text)
        let fields = FieldReader(mapping, at: .root, known: keys, sink: sink)
        var config = base
        if let (text, mark) = fields.scalar("listen") {
            switch ListenAddress.parse(text) {
            case .success(let address):
                config.listen = address
                config.sources["listen"] = ConfigSource(path: path, mark: mark)
            case .failure(let problem):
                sink.add(at: mark, .key("listen"), problem.description)
            }
        }
        for key in pathKeys {
            guard let (value, mark) = fields.scalar(key) else { continue }
            switch key {
            case "token_file": config.tokenFile = value
            case "protocols": config.protocols = value
            case "record": config.record = value
            default: config.board = value
            }
            config.sources[key] = ConfigSource(path: path, mark: mark)
        }
        if let node = fields.node("beds"), let beds = beds(node, sink: sink) { config.beds = beds }
        if let node = fields.node("allowed_hosts"), let hosts = allowedHosts(node, sink: sink) {
            config.allowedHosts = hosts
        }
        if let node = fields.node("clinic") { clinic(node, into: &config, sink: sink) }
        if let node = fields.node("hub") { hub(node, into: &config, path: path, sink: sink) }
        return sink.isEmpty ? .success(config) : .failure(FileFailure(sink.diagnostics))
    }

    static func isBedName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 16 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }
}

/// Where a config field's value stands, to place errors about what it names at that line.
public struct ConfigSource: Equatable, Sendable {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    init(path: String, mark: Mark?) {
        self.init(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }
}

extension DaemonConfig {
    /// A problem with what `field` names (a folder, a file, an address), placed at the config
    /// line that named it — `dwell.yaml:4:12: error: protocols: no such folder /x` — or, when
    /// the value came from the command line or a default, naming the field alone.
    public func located(_ field: String, _ message: String) -> String {
        guard let source = sources[field] else { return "error: \(field): \(message)" }
        return "\(source.path):\(source.line):\(source.column): error: \(field): \(message)"
    }
}
