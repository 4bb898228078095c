import DwellCore
import DwellGPIO
import DwellRunner
import DwellWire
import Logging

/// Where a board's button presses go: the daemon's beds, or the one runner of `dwell simulate`.
public protocol ButtonTarget: Sendable {
    /// What a press needs to know of the bed now; nil for a bed the target does not have.
    func buttonState(bed: String) async -> ButtonState?
    /// Carries out a press's action; returns why it was refused, if it was.
    func send(_ action: BedAction, bed: String) async -> String?
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
    public func buttonState(bed: String) async -> ButtonState? {
        guard let controller = controllers[bed] else { return nil }
        return await controller.buttonState
    }

    public func send(_ action: BedAction, bed: String) async -> String? {
        do throws(BedError) {
            switch action {
            case .session(let command): _ = try await self.command(command, bed: bed)
            case .call: _ = try await call(bed: bed, from: .button)
            case .answerCall: _ = await (try controller(bed)).answerCall()
            }
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
            guard let state = await target.buttonState(bed: bed), let action = role.action(in: state) else {
                logger.notice(
                    "bed \(bed): \(role.rawValue) pressed with no session running; start one from the page or the API")
                return
            }
            if let refusal = await target.send(action, bed: bed) {
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

    public func buttonState(bed: String) async -> ButtonState? {
        guard bed == self.bed else { return nil }
        let snapshot = await runner.snapshot()
        return ButtonState(
            phase: .session(snapshot.phase), calling: await runner.isCalling,
            checkDue: (snapshot.checkIn ?? .seconds(1)) <= .zero)
    }

    /// `dwell simulate` has one session and no record of bed-level rows: a call is shown on the
    /// runner's lamps until acknowledged.
    public func send(_ action: BedAction, bed: String) async -> String? {
        switch action {
        case .call:
            await runner.showCall(true)
            return nil
        case .answerCall:
            await runner.showCall(false)
            return nil
        case .session(let command):
            do throws(CommandRejection) {
                try await runner.send(command)
                return nil
            } catch {
                return error.description  // the runner has reported the rejection too
            }
        }
    }

    public func reportFault(_ message: String, bed: String) async {
        await runner.reportFault(message)
    }
}
