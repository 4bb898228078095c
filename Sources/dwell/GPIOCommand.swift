import ArgumentParser
import DwellBed
import DwellGPIO
import Foundation

struct GPIOCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gpio",
        abstract: "Look at the machine's GPIO chips and check board files.",
        discussion: """
            Dwell drives lamps and a buzzer and reads buttons through the Linux GPIO character \
            device (libgpiod). A board file maps each bed's green, amber, red and buzzer, and its \
            start_pause, acknowledge and extend buttons, to lines; see "Wiring a board" in the README.
            """,
        subcommands: [Probe.self, Check.self]
    )

    struct Probe: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List GPIO chips and their lines (name, direction, used by), to write a board file.",
            discussion: """
                The first line names the libgpiod loaded (libgpiod.so.3 for 2.x, else libgpiod.so.2 \
                for 1.6; DWELL_LIBGPIOD names a file to load instead). Exits 69 when no libgpiod \
                can be loaded or there is no GPIO chip.
                """)

        @Option(
            help: ArgumentHelp(
                "Only this chip: a path (/dev/gpiochip0), a name (gpiochip0) or a label.", valueName: "chip"))
        var chip: String?

        func run() throws {
            // The library first: without it no chip can be opened, and the line says what to install.
            switch GPIOLibrary.load() {
            case .success(let version): print("libgpiod: \(version)")
            case .failure(let error):
                printError("error: \(error)")
                throw ExitCode(69)
            }
            let scan: ChipScan
            do {
                scan = try ChipScan.scan(only: chip.map(ChipSelector.init))
            } catch {
                printError("error: \(error)")
                throw ExitCode(69)
            }
            for problem in scan.unavailable { printError("warning: \(problem)") }
            guard !scan.chips.isEmpty else {
                printError("no GPIO chips found (/dev/gpiochip*)")
                throw ExitCode(69)
            }
            for chip in scan.chips {
                print("\(chip.info.name) [\(chip.info.label)] \(chip.info.lineCount) lines  \(chip.info.path)")
                for line in chip.lines { print("  " + Self.describe(line)) }
            }
        }

        static func describe(_ line: LineInfo) -> String {
            let offset = "line \(line.offset)".padding(toLength: 8, withPad: " ", startingAt: 0)
            let name = (line.name.map { "\"\($0)\"" } ?? "unnamed").padding(toLength: 18, withPad: " ", startingAt: 0)
            let direction = (line.output ? "output" : "input").padding(toLength: 7, withPad: " ", startingAt: 0)
            var text = "\(offset) \(name) \(direction) "
            text += line.used ? "used by \(line.consumer.map { "\"\($0)\"" } ?? "the kernel")" : "unused"
            if line.activeLow { text += "  active-low" }
            return text
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a board file, and that its chips and lines exist on this machine (nothing is requested).")

        @Argument(help: ArgumentHelp("The board file.", valueName: "file"))
        var path: String = "/etc/dwell/board.yaml"

        @Flag(help: "Check the file only, not this machine's chips.")
        var offline = false

        func run() throws {
            let board: BoardFile
            switch BoardFile.load(path) {
            case .success(let loaded): board = loaded
            case .failure(let failure):
                for diagnostic in failure.diagnostics { printError(diagnostic.description) }
                throw ExitCode(78)
            }
            if !offline {
                let scan: ChipScan
                do {
                    scan = try ChipScan.scan()
                } catch {
                    printError("error: \(error)")
                    throw ExitCode(69)
                }
                if case .failure(let failure) = board.resolve(against: scan.chips, unavailable: scan.unavailable) {
                    for diagnostic in failure.diagnostics { printError(diagnostic.description) }
                    throw ExitCode(78)
                }
            }
            print("\(path): board OK: bed \(board.beds.map(\.bed).joined(separator: ", "))")
        }
    }
}

/// Brings up `bed` of a board file for `dwell simulate --board` (lamp test included), with
/// SIGTERM and SIGINT making its outputs safe before the process exits: refused with every
/// problem (`path:line:column: error: field: message`) and exit 78 (EX_CONFIG) when the board
/// is invalid or its lines are missing or busy.
func startBoard(_ path: String, bed: String) async throws -> (Board, ShutdownSignals) {
    let board: Board
    do {
        board = try await Board.open(boardFile: path, beds: [bed], logger: .plain("gpio"))
    } catch {
        printError(error.description)
        throw ExitCode(78)
    }
    let signals = ShutdownSignals { number in
        let problems = board.release().values.flatMap { $0 }
        let outcome =
            problems.isEmpty
            ? "outputs safe, lines released" : "could not make safe: " + problems.joined(separator: "; ")
        printError("gpio: \(ShutdownSignals.name(number)): \(outcome)")
    }
    return (board, signals)
}

/// Ends `dwell simulate --board`: outputs safe, lines released, default signal actions back.
func finishBoard(_ board: Board, _ signals: ShutdownSignals) {
    let problems = board.release().values.flatMap { $0 }
    signals.cancel()
    printError(
        problems.isEmpty
            ? "gpio: outputs safe, lines released" : "gpio: could not make safe: " + problems.joined(separator: "; "))
}
