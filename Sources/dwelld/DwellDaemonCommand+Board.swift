import DwellCore
import DwellDaemon
import DwellGPIO
import DwellIndicators
import Glibc
import Logging

/// The beds' indicator outputs: the simulated board, or GPIO lines from a board file (each bed
/// lamp-tested at start-up, its buttons delivered to the daemon as commands).
struct DaemonBoard {
    let outputs: [String: any IndicatorOutput]
    let gpioBeds: [String: GPIOBed]

    static func open(_ config: DaemonConfig, logger: Logger) async throws(DaemonError) -> DaemonBoard {
        guard config.board != "simulator" else {
            return DaemonBoard(outputs: Dictionary(uniqueKeysWithValues: config.beds.map { ($0, SimulatedBoard(bed: $0) as any IndicatorOutput) }),
                               gpioBeds: [:])
        }
        var beds: [String: GPIOBed] = [:]
        for name in config.beds {
            do throws(BoardError) {
                let bed = try GPIOBed.open(boardFile: config.board, bed: name)
                beds[name] = bed
                logger.info("bed \(name): lamp test on \(config.board)")
                do {
                    try await bed.output.lampTest(each: bed.board.lampTest)
                } catch {
                    throw BoardError.gpio(GPIOError("lamp test: \(error.message)", code: EIO))
                }
            } catch {
                for bed in beds.values { bed.shutdown() }
                throw DaemonError.board("\(error)")
            }
        }
        return DaemonBoard(outputs: beds.mapValues { $0.output as any IndicatorOutput }, gpioBeds: beds)
    }

    /// Starts reading every bed's buttons: start/pause pauses or resumes (a session is started
    /// from the page or the API, where the protocol and consent are given), acknowledge, extend.
    func attachButtons(to daemon: DaemonBeds, logger: Logger) throws(DaemonError) {
        for (name, bed) in gpioBeds {
            let events = bed.buttons.events
            Task {
                for await event in events {
                    switch event {
                    case .pressed(let role):
                        // No session running (idle, or the last one ended): nothing for a button to act on.
                        guard let phase = await daemon.phase(bed: name), ![.prepare, .completed, .aborted].contains(phase),
                              case .send(let command) = role.action(in: phase) else {
                            logger.notice("bed \(name): \(role.rawValue) pressed with no session; start one from the page or the API")
                            continue
                        }
                        if let refusal = await daemon.command(command, bed: name) {
                            logger.notice("bed \(name): \(role.rawValue) button: \(refusal)")
                        }
                    case .failed(let role, let message):
                        logger.error("bed \(name): \(role.rawValue) button cannot be read: \(message)")
                    }
                }
            }
            do {
                try bed.buttons.start()
            } catch {
                throw DaemonError.board("bed \(name): cannot read its buttons: \(error)")
            }
        }
    }

    /// Outputs to their safe values and every line released.
    func release(logger: Logger) {
        for (name, bed) in gpioBeds {
            let problems = bed.shutdown()
            if !problems.isEmpty { logger.error("bed \(name): could not make safe: \(problems.joined(separator: "; "))") }
        }
    }
}
