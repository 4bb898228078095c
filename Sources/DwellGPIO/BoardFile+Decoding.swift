import DwellCore
import DwellYAML
import Yams

extension BoardFile {
    static let topLevelKeys = ["consumer", "chip", "debounce", "lamp_test", "beds"]
    static let bedKeys = ["chip", "outputs", "buttons"]
    static let outputKeys = ["chip", "line", "active_low"]
    static let buttonKeys = ["chip", "line", "active_low", "bias"]
    /// `debounce` and `lamp_test`: a button or lamp held longer than this would feel broken.
    static let timingRange = Duration.zero...Duration.seconds(5)

    /// Reads a board file's text, reporting every problem as `path:line:column: error: field: message`:
    /// unknown keys, wrong types, missing outputs, a line used twice. Whether the chips and lines
    /// exist is checked later against the machine (``resolve(against:)``).
    /// Reads a board file the way protocol files and the config are read (a regular file of at
    /// most 1 MiB, UTF-8, a bad byte placed) and decodes it.
    public static func load(_ path: String) -> Result<BoardFile, FileFailure> {
        YAMLDocument.read(path, kind: "a board file").flatMap { decode($0.text, path: path) }
    }

    public static func decode(_ text: String, path: String) -> Result<BoardFile, FileFailure> {
        let root: Node.Mapping
        switch YAMLDocument.mapping(text, path: path, needs: "a board file needs `beds`") {
        case .success(let mapping): root = mapping
        case .failure(let failure): return .failure(failure)
        }
        let sink = DiagnosticSink(path: path, text: text)
        let fields = FieldReader(root, at: .root, known: topLevelKeys, sink: sink)
        let consumer = fields.string("consumer") ?? defaultConsumer
        let debounce = fields.duration("debounce", within: timingRange)?.value ?? defaultDebounce
        let lampTest = fields.duration("lamp_test", within: timingRange)?.value ?? defaultLampTest
        let boardChip = fields.string("chip").map(ChipSelector.init)
        var beds: [BedWiring] = []
        if let bedsNode = fields.node("beds") {
            if let mapping = bedsNode.mapping, !mapping.isEmpty {
                for (key, node) in mapping {
                    guard sink.spend(1) else { break }
                    let name = key.string ?? "?"
                    beds.append(
                        decodeBed(name, node, at: FieldPath.key("beds").appending(name), chip: boardChip, sink: sink))
                }
            } else {
                sink.add(
                    at: bedsNode.mark, .key("beds"), "must map each bed number to its wiring, e.g. `1: { outputs: … }`")
            }
        } else {
            sink.add(at: root.mark, .key("beds"), "is required (each bed's outputs and buttons)")
        }
        let board = BoardFile(path: path, consumer: consumer, debounce: debounce, lampTest: lampTest, beds: beds)
        for problem in duplicates(board.allLines, path: path) { sink.add(problem) }
        guard sink.isEmpty else { return .failure(FileFailure(sink.diagnostics)) }
        return .success(board)
    }

    private static func decodeBed(
        _ name: String, _ node: Node, at field: FieldPath, chip: ChipSelector?, sink: DiagnosticSink
    ) -> BedWiring {
        var wiring = BedWiring(bed: name, outputs: [:], buttons: [:])
        guard let mapping = node.mapping else {
            sink.add(at: node.mark, field, "must be a mapping with `outputs` (and optionally `buttons`, `chip`)")
            return wiring
        }
        let fields = FieldReader(mapping, at: field, known: bedKeys, sink: sink)
        let bedChip = fields.string("chip").map(ChipSelector.init) ?? chip
        let outputsField = field.appending("outputs")
        if let outputs = fields.node("outputs")?.mapping {
            let lines = FieldReader(outputs, at: outputsField, known: Lamp.allCases.map(\.rawValue), sink: sink)
            for lamp in Lamp.allCases {
                guard let line = lines.node(lamp.rawValue) else {
                    sink.add(
                        at: outputs.mark, outputsField.appending(lamp.rawValue),
                        "is required: every bed needs green, amber, red and buzzer outputs")
                    continue
                }
                wiring.outputs[lamp] = lineSpec(
                    line, at: outputsField.appending(lamp.rawValue), chip: bedChip, keys: outputKeys, sink: sink)
            }
        } else {
            sink.add(
                at: fields.node("outputs")?.mark ?? mapping.mark, outputsField,
                "is required: a mapping of green, amber, red and buzzer to lines")
        }
        if let buttonsNode = fields.node("buttons") {
            let buttonsField = field.appending("buttons")
            if let buttons = buttonsNode.mapping {
                let lines = FieldReader(
                    buttons, at: buttonsField, known: ButtonRole.allCases.map(\.rawValue), sink: sink)
                for role in ButtonRole.allCases {
                    guard let line = lines.node(role.rawValue) else { continue }
                    wiring.buttons[role] = lineSpec(
                        line, at: buttonsField.appending(role.rawValue), chip: bedChip, keys: buttonKeys, sink: sink)
                }
            } else {
                sink.add(at: buttonsNode.mark, buttonsField, "must map start_pause, acknowledge or extend to lines")
            }
        }
        return wiring
    }

    /// A line written as an offset (`3`), a line name (`led-green`) or a mapping with `line`.
    private static func lineSpec(
        _ node: Node, at field: FieldPath, chip: ChipSelector?, keys: [String], sink: DiagnosticSink
    ) -> LineSpec? {
        var lineNode = node
        var chip = chip
        var activeLow = false
        var bias = LineBias.asIs
        if let mapping = node.mapping {
            let fields = FieldReader(mapping, at: field, known: keys, sink: sink)
            guard let line = fields.node("line") else {
                sink.add(at: node.mark, field.appending("line"), "is required (an offset such as `3`, or a line name)")
                return nil
            }
            lineNode = line
            if let text = fields.string("chip") { chip = ChipSelector(text) }
            if let (text, mark) = fields.scalar("active_low") {
                switch text {
                case "true", "yes": activeLow = true
                case "false", "no": activeLow = false
                default: sink.add(at: mark, field.appending("active_low"), "`\(text)` is not true or false")
                }
            }
            bias = fields.choice("bias", LineBias.self, named: "a bias") ?? bias
        }
        guard let text = lineNode.scalar?.string, !text.isEmpty, lineNode.null == nil else {
            sink.add(at: lineNode.mark, field, "must be a line offset (`3`), a line name, or a mapping with `line`")
            return nil
        }
        let selector: LineSelector
        if let offset = Int(text) {
            guard offset >= 0 else {
                sink.add(at: lineNode.mark, field, "line offset \(offset) is negative")
                return nil
            }
            guard chip != nil else {
                sink.add(
                    at: lineNode.mark, field,
                    "line offset \(offset) needs a chip: give `chip` on this line, on the bed or at the top of the file (or name the line, e.g. `GPIO17`)"
                )
                return nil
            }
            selector = .offset(offset)
        } else {
            selector = .name(text)
        }
        let mark = lineNode.mark
        return LineSpec(
            chip: chip, line: selector, activeLow: activeLow, bias: bias, field: field,
            lineNumber: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// A line written the same way twice (same chip, same offset or name) is refused where it
    /// appears the second time. Lines that are the same only once resolved (an offset and the
    /// name of that offset) are caught by ``resolve(against:)``.
    static func duplicates(_ lines: [LineSpec], path: String) -> [FileDiagnostic] {
        var seen: [String: FieldPath] = [:]
        var problems: [FileDiagnostic] = []
        for line in lines {
            let key = "\(line.chip.map(String.init(describing:)) ?? "any chip")|\(line.line)"
            if let first = seen[key] {
                problems.append(
                    line.diagnostic(path: path, "\(line.line)\(line.chipWords) is already used by \(first)"))
                continue
            }
            seen[key] = line.field
        }
        return problems
    }
}

extension LineSpec {
    /// ` of chip `gpiochip0``, or nothing for a line looked up by name on every chip.
    var chipWords: String { chip.map { " of chip \($0)" } ?? "" }

    /// A problem with this line, reported where the line is written.
    func diagnostic(path: String, _ message: String) -> FileDiagnostic {
        FileDiagnostic(path: path, line: lineNumber, column: column, field: field, message: message)
    }
}
