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

    /// The selector names this chip, directly or through a symbolic link.
    func isSelected(by selector: ChipSelector) -> Bool { matches(selector) || matches(selector.canonical) }

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
        /// Names first: a named line is looked up on every chip, because chip numbers move
        /// between kernels (the Raspberry Pi 5 header went from gpiochip4 to gpiochip0 in 6.6).
        /// The chip the file names only chooses between chips that both have the name.
        func findByName(_ name: String, spec: LineSpec) -> (chip: ChipDescription, offset: Int)? {
            let holders = chips.compactMap { chip in
                chip.lines.first { $0.name == name }.map { (chip: chip, offset: $0.offset) }
            }
            if holders.count == 1 { return holders[0] }
            if holders.count > 1 {
                if let selector = spec.chip, let chosen = holders.first(where: { $0.chip.isSelected(by: selector) }) {
                    return chosen
                }
                let titles = holders.map(\.chip.title).joined(separator: ", ")
                let given = spec.chip.map { "; chip \($0) is not one of them" } ?? ""
                problems.append(
                    spec.diagnostic(
                        path: path, "a line named `\(name)` is on \(titles)\(given): give `chip` to choose one"))
                return nil
            }
            let named = chips.filter { chip in chip.lines.contains { $0.name != nil } }
            let hint: String
            if chips.isEmpty {
                hint = inventory + unopened
            } else if named.isEmpty {
                hint =
                    "no line of " + chips.map(\.title).joined(separator: ", ") + " has a name; use offsets" + unopened
            } else {
                hint =
                    named.map { chip in
                        "\(chip.title) has " + chip.lines.compactMap(\.name).map { "`\($0)`" }.joined(separator: ", ")
                    }.joined(separator: "; ") + unopened
            }
            problems.append(spec.diagnostic(path: path, "no chip has a line named `\(name)`; \(hint)"))
            return nil
        }
        func find(_ spec: LineSpec) -> ResolvedLine? {
            let found: (chip: ChipDescription, offset: Int)
            switch spec.line {
            case .offset(let value):
                // Decoding refuses an offset without a chip.
                guard let selector = spec.chip, let chip = chips.first(where: { $0.isSelected(by: selector) }) else {
                    let named = spec.chip.map(String.init(describing:)) ?? "named"
                    problems.append(spec.diagnostic(path: path, "no chip \(named); \(inventory)\(unopened)"))
                    return nil
                }
                guard value < chip.info.lineCount else {
                    problems.append(
                        spec.diagnostic(
                            path: path, "line \(value) is out of range: \(chip.title) has \(chip.info.lineCount) lines")
                    )
                    return nil
                }
                found = (chip, value)
            case .name(let name):
                guard let match = findByName(name, spec: spec) else { return nil }
                found = match
            }
            let resolved = ResolvedLine(spec: spec, chip: found.chip.info, offset: found.offset)
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
