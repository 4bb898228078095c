import DwellCore
import Synchronization

/// What a runner tells its listeners (the CLI, the record, the API), in the order it happened.
public enum RunnerReport: Equatable, Sendable {
    /// A session event; `lateness` is actual − planned on the runner's clock for events the
    /// timer fired, and nil for commands (which happen when they arrive).
    case event(SessionEvent, lateness: Duration?)
    /// The bed's signal changed.
    case signal(IndicatorSignal, at: Duration)
    /// Lamp or buzzer lines changed level.
    case lamps([LampChange])
    /// A command was refused; nothing changed.
    case rejected(CommandRejection)
    /// The indicator output failed; timing goes on and the fault lamp is requested.
    case fault(String, at: Duration)
}

/// A command a simulated therapist gives, `delay` after the first event of a kind
/// (e.g. acknowledge 90 s after `session.overrun`); several after the same event go in order.
public struct ScriptedCommand: Equatable, Sendable {
    public var after: SessionEvent.Kind
    public var delay: Duration
    public var command: SessionCommand

    public init(after: SessionEvent.Kind, delay: Duration, command: SessionCommand) {
        self.after = after
        self.delay = delay
        self.command = command
    }
}

extension ScriptedCommand {
    /// The simulated therapist `delay` after the last step ends: every needle still in is
    /// counted out, then the end is acknowledged.
    public static func countOutAndAcknowledge(after delay: Duration) -> [ScriptedCommand] {
        [.removeNeedles(count: nil, step: nil), .acknowledge].map {
            ScriptedCommand(after: .sessionOverrun, delay: delay, command: $0)
        }
    }
}

/// Where a runner's reports go, from its actor or from the timer thread's ``LampDriver``: each is
/// counted and yielded in one step, so the count (``SessionRunner/reportCount``) matches the
/// stream's order and a listener that has handled that many has seen every report made so far.
final class ReportSender: Sendable {
    private let continuation: AsyncStream<RunnerReport>.Continuation
    private let sent = Mutex(0)

    init(_ continuation: AsyncStream<RunnerReport>.Continuation) { self.continuation = continuation }

    func send(_ report: RunnerReport) {
        sent.withLock { count in
            count += 1
            continuation.yield(report)
        }
    }

    func finish() { continuation.finish() }

    var count: Int { sent.withLock { $0 } }
}
