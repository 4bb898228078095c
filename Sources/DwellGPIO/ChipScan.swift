import Glibc

/// Every GPIO chip of the machine with its lines: what `dwell gpio probe` prints, and what a
/// board file is checked against.
public struct ChipScan: Sendable {
    public var chips: [ChipDescription]
    /// Chips that exist but could not be opened (usually: no permission on /dev/gpiochipN).
    public var unavailable: [GPIOError]

    /// Scans every chip, or only the one a selector names.
    public static func scan(only selector: ChipSelector? = nil) throws(GPIOError) -> ChipScan {
        var scan = ChipScan(chips: [], unavailable: [])
        if let selector {
            scan.chips.append(try describe(GPIOChip(selector.canonical)))
            return scan
        }
        for path in try GPIOChip.allPaths() {
            do {
                scan.chips.append(try describe(GPIOChip(.path(path))))
            } catch {
                scan.unavailable.append(error)
            }
        }
        return scan
    }

    static func describe(_ chip: GPIOChip) throws(GPIOError) -> ChipDescription {
        var lines: [LineInfo] = []
        for offset in 0..<chip.info.lineCount { lines.append(try chip.lineInfo(offset)) }
        return ChipDescription(info: chip.info, lines: lines)
    }
}

extension ChipSelector {
    /// A path selector with symbolic links resolved (`/dev/gpio-lamps` → `/dev/gpiochip2`).
    public var canonical: ChipSelector {
        guard case .path(let path) = self, let resolved = realpath(path, nil) else { return self }
        defer { free(resolved) }
        return .path(String(cString: resolved))
    }
}
