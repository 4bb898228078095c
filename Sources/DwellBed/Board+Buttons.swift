import DwellCore
import DwellGPIO
import DwellRunner
import DwellWire
import Logging

/// Where a board's button presses go: the daemon's beds, or the one runner of `dwell simulate`.
public protocol ButtonTarget: Sendable {
    /// The bed's phase now; nil for a bed the target does not have.
    func phase(bed: String) async -> BedPhase?
    /// Applies a command; returns why it was refused, if it was.
    func send(_ command: SessionCommand, bed: String) async -> String?
    /// A button can no longer be read: the bed shows the fault (timing goes on).
    func reportFault(_ message: String, bed: String) async
}

extension Board {
    /// Starts reading every bed's buttons and hands each press to `target` through the one set
    /// of rules (``ButtonRole/command(in:)``); a press with nothing to act on, or refused, is logged.
    public func attachButtons(to target: some ButtonTarget) throws(BoardError) {
        for (name, bed) in gpio.sorted(by: { $0.key < $1.key }) {
            let (events, logger) = (bed.buttons.events, logger)
            Task {
                for await event in events { await Self.deliver(event, bed: name, to: target, logger: logger) }
            }
            do throws(GPIOError) {
                try bed.buttons.start()
            } catch {
                throw BoardError.gpio(GPIOError("bed \(name): read its buttons: \(error.operation)", code: error.code))
            }
        }
    }
}

extension Beds: ButtonTarget {
    public func phase(bed: String) async -> BedPhase? {
        guard let controller = controllers[bed] else { return nil }
        return await controller.phase
    }

    public func send(_ command: SessionCommand, bed: String) async -> String? {
        do throws(BedError) {
            _ = try await self.command(command, bed: bed)
            return nil
        } catch {
            return error.detail
        }
    }

    public func reportFault(_ message: String, bed: String) async {
        await controllers[bed]?.reportFault(message)
    }
}

extension Board {
    /// One button event, through the one set of rules: a press becomes the command its role
    /// gives in the bed's phase (logged when there is none, or when it is refused); a button that
    /// can no longer be read is logged and shown as the bed's fault.
    public static func deliver(_ event: ButtonEvent, bed: String, to target: some ButtonTarget, logger: Logger) async {
        switch event {
        case .pressed(let role):
            guard let phase = await target.phase(bed: bed), let command = role.command(in: phase) else {
                logger.notice(
                    "bed \(bed): \(role.rawValue) pressed with no session running; start one from the page or the API")
                return
            }
            if let refusal = await target.send(command, bed: bed) {
                logger.notice("bed \(bed): \(role.rawValue) button: \(refusal)")
            }
        case .failed(let role, let message):
            logger.error("bed \(bed): \(role.rawValue) button cannot be read: \(message)")
            await target.reportFault(message, bed: bed)
        }
    }
}

/// The one runner of `dwell simulate --board`, as a button target.
public struct RunnerButtons<C: Clock>: ButtonTarget where C.Duration == Duration {
    public let runner: SessionRunner<C>
    public let bed: String

    public init(runner: SessionRunner<C>, bed: String) {
        self.runner = runner
        self.bed = bed
    }

    public func phase(bed: String) async -> BedPhase? {
        bed == self.bed ? .session(await runner.snapshot().phase) : nil
    }

    public func send(_ command: SessionCommand, bed: String) async -> String? {
        do throws(CommandRejection) {
            try await runner.send(command)
            return nil
        } catch {
            return error.description  // the runner has reported the rejection too
        }
    }

    public func reportFault(_ message: String, bed: String) async {
        await runner.reportFault(message)
    }
}
