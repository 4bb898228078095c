import DwellCore
import DwellProtocolFiles
import Yams

extension BoardFile {
    static let topLevelKeys = ["consumer", "chip", "debounce", "lamp_test", "beds"]
    static let bedKeys = ["chip", "outputs", "buttons"]
    static let outputKeys = ["chip", "line", "active_low"]
    static let buttonKeys = ["chip", "line", "active_low", "bias"]

    /// Reads a board file's text, reporting every problem as `path:line:column: error: field: message`:
    /// unknown keys, wrong types, missing outputs, a line used twice. Whether the chips and lines
    /// exist is checked later against the machine (``resolve(against:)``).
    public static func decode(_ text: String, path: String) -> Result<BoardFile, ProtocolFailure> {
        let root: Node.Mapping
        switch ProtocolDecoder.document(text, path: path, needs: "a board file needs `beds`") {
        case .success(let mapping): root = mapping
        case .failure(let failure): return .failure(failure)
        }
        let sink = DiagnosticSink(path: path, text: text)
        checkKeys(root, known: topLevelKeys, at: .root, sink: sink)
        let consumer = scalar(root, "consumer", at: .root, sink: sink) ?? defaultConsumer
        let debounce = duration(root, "debounce", at: .root, sink: sink) ?? defaultDebounce
        let lampTest = duration(root, "lamp_test", at: .root, sink: sink) ?? defaultLampTest
        let boardChip = scalar(root, "chip", at: .root, sink: sink).map(ChipSelector.init)
        var beds: [BedWiring] = []
        if let bedsNode = root["beds"] {
            if let mapping = bedsNode.mapping, !mapping.isEmpty {
                for (key, node) in mapping {
                    guard sink.spend(1) else { break }
                    let name = key.string ?? "?"
                    beds.append(decodeBed(name, node, at: FieldPath.key("beds").appending(name), chip: boardChip, sink: sink))
                }
            } else {
                sink.add(at: bedsNode.mark, .key("beds"), "must map each bed number to its wiring, e.g. `1: { outputs: … }`")
            }
        } else {
            sink.add(at: root.mark, .key("beds"), "is required (each bed's outputs and buttons)")
        }
        let board = BoardFile(path: path, consumer: consumer, debounce: debounce, lampTest: lampTest, beds: beds)
        for problem in duplicates(board.allLines, path: path) { sink.add(problem) }
        guard sink.isEmpty else { return .failure(ProtocolFailure(sink.diagnostics)) }
        return .success(board)
    }

    private static func decodeBed(_ name: String, _ node: Node, at field: FieldPath, chip: ChipSelector?, sink: DiagnosticSink) -> BedWiring {
        var wiring = BedWiring(bed: name, outputs: [:], buttons: [:])
        guard let mapping = node.mapping else {
            sink.add(at: node.mark, field, "must be a mapping with `outputs` (and optionally `buttons`, `chip`)")
            return wiring
        }
        checkKeys(mapping, known: bedKeys, at: field, sink: sink)
        let bedChip = scalar(mapping, "chip", at: field, sink: sink).map(ChipSelector.init) ?? chip
        let outputsField = field.appending("outputs")
        if let outputs = mapping["outputs"]?.mapping {
            checkKeys(outputs, known: Lamp.allCases.map(\.rawValue), at: outputsField, sink: sink)
            for lamp in Lamp.allCases {
                guard let line = outputs[lamp.rawValue] else {
                    sink.add(at: outputs.mark, outputsField.appending(lamp.rawValue),
                             "is required: every bed needs green, amber, red and buzzer outputs")
                    continue
                }
                wiring.outputs[lamp] = lineSpec(line, at: outputsField.appending(lamp.rawValue), chip: bedChip, keys: outputKeys, sink: sink)
            }
        } else {
            sink.add(at: mapping["outputs"]?.mark ?? mapping.mark, outputsField,
                     "is required: a mapping of green, amber, red and buzzer to lines")
        }
        if let buttonsNode = mapping["buttons"] {
            let buttonsField = field.appending("buttons")
            if let buttons = buttonsNode.mapping {
                checkKeys(buttons, known: ButtonRole.allCases.map(\.rawValue), at: buttonsField, sink: sink)
                for role in ButtonRole.allCases {
                    guard let line = buttons[role.rawValue] else { continue }
                    wiring.buttons[role] = lineSpec(line, at: buttonsField.appending(role.rawValue), chip: bedChip, keys: buttonKeys, sink: sink)
                }
            } else {
                sink.add(at: buttonsNode.mark, buttonsField, "must map start_pause, acknowledge or extend to lines")
            }
        }
        return wiring
    }

    /// A line written as an offset (`3`), a line name (`led-green`) or a mapping with `line`.
    private static func lineSpec(_ node: Node, at field: FieldPath, chip: ChipSelector?, keys: [String], sink: DiagnosticSink) -> LineSpec? {
        var lineNode = node
        var chip = chip
        var activeLow = false
        var bias = LineBias.asIs
        if let mapping = node.mapping {
            checkKeys(mapping, known: keys, at: field, sink: sink)
            guard let line = mapping["line"] else {
                sink.add(at: node.mark, field.appending("line"), "is required (an offset such as `3`, or a line name)")
                return nil
            }
            lineNode = line
            if let text = scalar(mapping, "chip", at: field, sink: sink) { chip = ChipSelector(text) }
            if let text = scalar(mapping, "active_low", at: field, sink: sink) {
                switch text {
                case "true", "yes": activeLow = true
                case "false", "no": activeLow = false
                default: sink.add(at: mapping["active_low"]?.mark, field.appending("active_low"), "`\(text)` is not true or false")
                }
            }
            if let text = scalar(mapping, "bias", at: field, sink: sink) {
                if let value = LineBias(rawValue: text) {
                    bias = value
                } else {
                    let names = LineBias.allCases.map { "`\($0.rawValue)`" }.joined(separator: ", ")
                    sink.add(at: mapping["bias"]?.mark, field.appending("bias"), "`\(text)` is not a bias; expected one of \(names)")
                }
            }
        }
        guard let text = lineNode.scalar?.string, !text.isEmpty, lineNode.null == nil else {
            sink.add(at: lineNode.mark, field, "must be a line offset (`3`), a line name, or a mapping with `line`")
            return nil
        }
        guard let chip else {
            sink.add(at: lineNode.mark, field, "no chip: give `chip` on this line, on the bed or at the top of the file")
            return nil
        }
        let selector: LineSelector
        if let offset = Int(text) {
            guard offset >= 0 else {
                sink.add(at: lineNode.mark, field, "line offset \(offset) is negative")
                return nil
            }
            selector = .offset(offset)
        } else {
            selector = .name(text)
        }
        let mark = lineNode.mark
        return LineSpec(chip: chip, line: selector, activeLow: activeLow, bias: bias, field: field,
                        lineNumber: mark?.line ?? 1, column: mark?.column ?? 1)
    }
}
