import DwellCore
import DwellYAML

/// A chip as the machine has it, with the name of each line (nil when unnamed).
public struct ChipDescription: Equatable, Sendable {
    public var info: ChipInfo
    public var lines: [LineInfo]

    public init(info: ChipInfo, lines: [LineInfo]) {
        self.info = info
        self.lines = lines
    }

    /// `gpiochip0 (sim-bank0)`.
    public var title: String { "\(info.name) (\(info.label))" }

    func matches(_ selector: ChipSelector) -> Bool {
        switch selector {
        case .path(let path): return info.path == path || "/dev/\(info.name)" == path
        case .name(let name): return info.name == name
        case .label(let label): return info.label == label
        }
    }
}

/// A board file line found on the machine: which chip, which offset.
public struct ResolvedLine: Equatable, Sendable {
    public var spec: LineSpec
    public var chip: ChipInfo
    public var offset: Int

    /// `gpiochip0 line 3`.
    public var label: String { "\(chip.name) line \(offset)" }
}

/// One bed's lines, found on the machine.
public struct ResolvedBed: Equatable, Sendable {
    public var bed: String
    public var outputs: [Lamp: ResolvedLine]
    public var buttons: [ButtonRole: ResolvedLine]
}

extension BoardFile {
    /// Finds every line of every bed on the machine's chips. Unknown chips, offsets out of range,
    /// unknown line names and two entries that are the same line are refused with their place
    /// in the file. `unavailable` explains chips that could not be opened (e.g. permissions).
    public func resolve(
        against chips: [ChipDescription], unavailable: [GPIOError] = []
    ) -> Result<[ResolvedBed], FileFailure> {
        var problems: [FileDiagnostic] = []
        var owners: [String: FieldPath] = [:]
        var resolvedBeds: [ResolvedBed] = []
        let inventory =
            chips.isEmpty
            ? "this machine has no GPIO chips" : "this machine has " + chips.map(\.title).joined(separator: ", ")
        let unopened =
            unavailable.isEmpty
            ? "" : " (could not open: " + unavailable.map(\.description).joined(separator: "; ") + ")"
        func find(_ spec: LineSpec) -> ResolvedLine? {
            guard let chip = chips.first(where: { $0.matches(spec.chip) || $0.matches(spec.chip.canonical) }) else {
                problems.append(spec.diagnostic(path: path, "no chip \(spec.chip); \(inventory)\(unopened)"))
                return nil
            }
            let offset: Int
            switch spec.line {
            case .offset(let value):
                guard value < chip.info.lineCount else {
                    problems.append(
                        spec.diagnostic(
                            path: path, "line \(value) is out of range: \(chip.title) has \(chip.info.lineCount) lines")
                    )
                    return nil
                }
                offset = value
            case .name(let name):
                guard let line = chip.lines.first(where: { $0.name == name }) else {
                    let named = chip.lines.compactMap(\.name)
                    let hint =
                        named.isEmpty
                        ? "its lines have no names; use offsets"
                        : "its lines are " + named.map { "`\($0)`" }.joined(separator: ", ")
                    problems.append(spec.diagnostic(path: path, "\(chip.title) has no line named `\(name)`; \(hint)"))
                    return nil
                }
                offset = line.offset
            }
            let resolved = ResolvedLine(spec: spec, chip: chip.info, offset: offset)
            if let owner = owners[resolved.label] {
                problems.append(spec.diagnostic(path: path, "\(resolved.label) is already used by \(owner)"))
                return nil
            }
            owners[resolved.label] = spec.field
            return resolved
        }
        for bed in beds {
            var resolved = ResolvedBed(bed: bed.bed, outputs: [:], buttons: [:])
            for lamp in Lamp.allCases {
                if let spec = bed.outputs[lamp] { resolved.outputs[lamp] = find(spec) }
            }
            for role in ButtonRole.allCases {
                if let spec = bed.buttons[role] { resolved.buttons[role] = find(spec) }
            }
            resolvedBeds.append(resolved)
        }
        guard problems.isEmpty else { return .failure(FileFailure(problems)) }
        return .success(resolvedBeds)
    }
}
