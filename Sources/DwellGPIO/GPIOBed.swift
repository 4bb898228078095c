import DwellCore
import DwellYAML
import Foundation
import Synchronization

/// Why a board could not be brought up; printed as is, one problem per line.
public enum BoardError: Error, Sendable, CustomStringConvertible {
    /// The board file is invalid, or names chips and lines the machine does not have.
    case invalid([FileDiagnostic])
    /// A line could not be requested or driven.
    case gpio(GPIOError)

    public var description: String {
        switch self {
        case .invalid(let diagnostics): return diagnostics.map(\.description).joined(separator: "\n")
        case .gpio(let error): return "error: \(error)"
        }
    }
}

/// One bed of a board, brought up: its outputs requested (all off) and its buttons being read.
public final class GPIOBed: Sendable {
    public let board: BoardFile
    public let output: GPIOBedOutput
    public let buttons: ButtonReader
    private let buttonLines: [GPIOLine]
    private let closed = Mutex(false)

    /// Reads and checks the board file against the machine, then requests `bed`'s lines.
    public static func open(boardFile path: String, bed: String) throws(BoardError) -> GPIOBed {
        let board: BoardFile
        switch BoardFile.load(path) {
        case .success(let loaded): board = loaded
        case .failure(let failure): throw .invalid(failure.diagnostics)
        }
        let scan: ChipScan
        do {
            scan = try ChipScan.scan()
        } catch {
            throw .gpio(error)
        }
        let resolved: [ResolvedBed]
        switch board.resolve(against: scan.chips, unavailable: scan.unavailable) {
        case .success(let beds): resolved = beds
        case .failure(let failure): throw .invalid(failure.diagnostics)
        }
        guard let wiring = resolved.first(where: { $0.bed == bed }) else {
            let names = board.beds.map(\.bed).joined(separator: ", ")
            throw .invalid([
                FileDiagnostic(path: path, field: .key("beds"), message: "has no bed \(bed); it wires bed \(names)")
            ])
        }
        do {
            return try GPIOBed(board: board, wiring: wiring)
        } catch {
            throw .gpio(error)
        }
    }

    init(board: BoardFile, wiring: ResolvedBed) throws(GPIOError) {
        self.board = board
        var chips: [String: GPIOChip] = [:]
        func chip(_ line: ResolvedLine) throws(GPIOError) -> GPIOChip {
            if let open = chips[line.chip.name] { return open }
            let opened = try GPIOChip(.path(line.chip.path))
            chips[line.chip.name] = opened
            return opened
        }
        var outputs: [Lamp: GPIOLine] = [:]
        var inputs: [ButtonRole: GPIOLine] = [:]
        do {
            for (lamp, line) in wiring.outputs.sorted(by: { $0.key < $1.key }) {
                outputs[lamp] = try chip(line).requestOutput(
                    line.offset, consumer: board.consumer, activeLow: line.spec.activeLow, value: false)
            }
            for (role, line) in wiring.buttons.sorted(by: { $0.key < $1.key }) {
                inputs[role] = try chip(line).requestEdges(
                    line.offset, consumer: board.consumer, activeLow: line.spec.activeLow, bias: line.spec.bias)
            }
        } catch {
            GPIOBedOutput.driveSafe(outputs)
            for line in Array(outputs.values) + Array(inputs.values) { line.release() }
            throw error
        }
        output = GPIOBedOutput(bed: wiring.bed, lines: outputs)
        buttonLines = Array(inputs.values)
        buttons = ButtonReader(buttons: inputs, debounce: board.debounce)
    }

    /// Stops reading the buttons, drives every output to its safe value and releases every
    /// line. Safe to call more than once. Returns what could not be made safe.
    @discardableResult
    public func shutdown() -> [String] {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return [] }
        buttons.stop()
        let problems = output.shutdown()
        for line in buttonLines { line.release() }
        return problems
    }
}
