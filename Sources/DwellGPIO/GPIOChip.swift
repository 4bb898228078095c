import CGpiod

/// How a board file names a chip: its device path, its kernel name (`gpiochip0`) or its label.
public enum ChipSelector: Hashable, Sendable, CustomStringConvertible {
    case path(String)
    case name(String)
    case label(String)

    /// `/dev/...` is a path, `gpiochipN` a name, anything else a label.
    public init(_ text: String) {
        if text.hasPrefix("/") {
            self = .path(text)
        } else if text.hasPrefix("gpiochip"), text.dropFirst(8).allSatisfy(\.isNumber), text.count > 8 {
            self = .name(text)
        } else {
            self = .label(text)
        }
    }

    public var description: String {
        switch self {
        case .path(let path): return "`\(path)`"
        case .name(let name): return "`\(name)`"
        case .label(let label): return "with label `\(label)`"
        }
    }
}

/// What the kernel says about a chip.
public struct ChipInfo: Equatable, Sendable {
    public var path: String
    public var name: String
    public var label: String
    public var lineCount: Int
}

/// What the kernel says about one line of a chip.
public struct LineInfo: Equatable, Sendable {
    public var offset: Int
    public var name: String?
    public var consumer: String?
    public var used: Bool
    public var output: Bool
    public var activeLow: Bool
}

/// An open GPIO chip. Not thread-safe by itself: the types that own one serialise access.
public final class GPIOChip: @unchecked Sendable {
    let handle: OpaquePointer
    public let info: ChipInfo

    /// Opens the chip a selector names.
    public init(_ selector: ChipSelector) throws(GPIOError) {
        var chip: OpaquePointer?
        switch selector {
        case .path(let path): try GPIOError.check(cg_chip_open_path(path, &chip), "open chip \(path)")
        case .name(let name): try GPIOError.check(cg_chip_open_name(name, &chip), "open chip \(name)")
        case .label(let label): try GPIOError.check(cg_chip_open_label(label, &chip), "open chip with label \(label)")
        }
        guard let chip else { throw GPIOError("open chip \(selector)", code: 5) }
        handle = chip
        var raw = cg_chip_info()
        let result = cg_chip_get_info(chip, &raw)
        guard result == 0 else {
            cg_chip_close(chip)
            throw GPIOError("read chip info of \(selector)", code: -result)
        }
        let name = Self.string(raw.name)
        var path = "/dev/\(name)"
        if case .path(let given) = selector { path = given }
        info = ChipInfo(path: path, name: name, label: Self.string(raw.label), lineCount: Int(raw.num_lines))
    }

    deinit { cg_chip_close(handle) }

    /// The paths of every GPIO chip device, in order (`/dev/gpiochip0`, `/dev/gpiochip1`, …).
    public static func allPaths() throws(GPIOError) -> [String] {
        var buffer = [CChar](repeating: 0, count: 8192)
        try GPIOError.check(cg_chip_paths(&buffer, buffer.count), "list /dev/gpiochip*")
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return text.split(separator: "\n").map(String.init)
    }

    public func lineInfo(_ offset: Int) throws(GPIOError) -> LineInfo {
        var raw = cg_line_info()
        try GPIOError.check(cg_chip_get_line_info(handle, UInt32(offset), &raw), "read line \(offset) of \(info.name)")
        let name = Self.string(raw.name)
        let consumer = Self.string(raw.consumer)
        return LineInfo(
            offset: offset, name: name.isEmpty ? nil : name, consumer: consumer.isEmpty ? nil : consumer,
            used: raw.used != 0, output: raw.output != 0, activeLow: raw.active_low != 0)
    }

    /// The offset of the line with this name, or nil when the chip has none.
    public func offset(ofLineNamed name: String) throws(GPIOError) -> Int? {
        var offset: UInt32 = 0
        let result = cg_chip_find_line(handle, name, &offset)
        if result == -2 { return nil }  // ENOENT
        try GPIOError.check(result, "find line \(name) on \(info.name)")
        return Int(offset)
    }

    /// Requests a line as an output, driven to `value` (logical) at once.
    public func requestOutput(
        _ offset: Int, consumer: String, activeLow: Bool, value: Bool
    ) throws(GPIOError) -> GPIOLine {
        var line: OpaquePointer?
        try GPIOError.check(
            cg_request_output(handle, UInt32(offset), consumer, activeLow ? 1 : 0, value ? 1 : 0, &line),
            "request \(info.name) line \(offset) as output")
        guard let line else { throw GPIOError("request \(info.name) line \(offset)", code: 5) }
        return GPIOLine(handle: line, chip: self, offset: offset)
    }

    /// Requests a line as an input reporting both edges.
    public func requestEdges(
        _ offset: Int, consumer: String, activeLow: Bool, bias: LineBias
    ) throws(GPIOError) -> GPIOLine {
        var line: OpaquePointer?
        try GPIOError.check(
            cg_request_edges(handle, UInt32(offset), consumer, activeLow ? 1 : 0, bias.code, &line),
            "request \(info.name) line \(offset) as input with edge events")
        guard let line else { throw GPIOError("request \(info.name) line \(offset)", code: 5) }
        return GPIOLine(handle: line, chip: self, offset: offset)
    }

    static func string<T>(_ tuple: T) -> String {
        withUnsafeBytes(of: tuple) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
