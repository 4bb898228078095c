import DwellCore
import DwellGPIO
import DwellRunner
import Logging

/// The room's indicator outputs: the simulated board, or the GPIO lines a board file gives each
/// bed, brought up the same way for dwelld and `dwell simulate --board`: every bed's lines
/// requested (all off) and lamp-tested, its buttons delivered by the one set of rules
/// (``ButtonRole/command(in:)``), and everything made safe and released at the end.
public final class Board: Sendable {
    /// Each bed's lamps and buzzer, as the runner drives them.
    public let outputs: [String: any IndicatorOutput]
    let gpio: [String: GPIOBed]
    let logger: Logger

    /// Every bed on the simulated board.
    public static func simulated(beds: [String], logger: Logger) -> Board {
        Board(
            outputs: Dictionary(
                uniqueKeysWithValues: beds.map { ($0, SimulatedBoard(bed: $0) as any IndicatorOutput) }),
            gpio: [:], logger: logger)
    }

    /// Brings up `beds` of the board file and lamp-tests each. On any failure every bed already
    /// brought up is made safe and released, and the error says which bed and what.
    public static func open(boardFile: String, beds: [String], logger: Logger) async throws(BoardError) -> Board {
        var opened: [String: GPIOBed] = [:]
        for name in beds {
            do throws(BoardError) {
                let bed = try GPIOBed.open(boardFile: boardFile, bed: name)
                opened[name] = bed
                logger.info("bed \(name) on \(describe(bed.output.labels)); lamp test")
                do {
                    try await bed.output.lampTest(each: bed.board.lampTest)
                } catch {
                    throw BoardError.gpio(GPIOError("bed \(name) lamp test: \(error.operation)", code: error.code))
                }
            } catch {
                for bed in opened.values { bed.shutdown() }
                throw error
            }
        }
        return Board(
            outputs: opened.mapValues { GPIOIndicator(output: $0.output) as any IndicatorOutput }, gpio: opened,
            logger: logger)
    }

    private init(outputs: [String: any IndicatorOutput], gpio: [String: GPIOBed], logger: Logger) {
        self.outputs = outputs
        self.gpio = gpio
        self.logger = logger
    }

    /// Whether the beds are on GPIO lines (and so have buttons and lines to release).
    public var isGPIO: Bool { !gpio.isEmpty }

    /// Outputs to their safe values and every line released; safe to call more than once and
    /// from any thread (a signal handler's queue). Returns what could not be made safe, by bed.
    @discardableResult
    public func release() -> [String: [String]] {
        var problems: [String: [String]] = [:]
        for (name, bed) in gpio {
            let left = bed.shutdown()
            if !left.isEmpty { problems[name] = left }
        }
        return problems
    }

    static func describe(_ labels: [Lamp: String]) -> String {
        Lamp.allCases.compactMap { lamp in labels[lamp].map { "\(lamp.rawValue)=\($0)" } }.joined(separator: " ")
    }
}

/// A bed's GPIO outputs as the runner's indicator output: a failed write becomes the runner's
/// fault (the outputs are already made safe), and timing goes on.
struct GPIOIndicator: IndicatorOutput {
    let output: GPIOBedOutput

    func apply(_ changes: [LampChange]) throws(IndicatorError) {
        do throws(GPIOError) {
            try output.write(changes.map { (lamp: $0.lamp, on: $0.on) })
        } catch {
            throw IndicatorError(error.description)
        }
    }
}
