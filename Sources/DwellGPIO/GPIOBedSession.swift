import Dispatch
import DwellCore
import DwellRunner
import Glibc

/// A bed on real GPIO lines for the length of one session: the board brought up and
/// lamp-tested, buttons delivered to the runner as commands, SIGTERM/SIGINT turned into safe
/// outputs and an exit, and everything made safe and released at the end.
public final class GPIOBedSession: Sendable {
    public let bed: GPIOBed
    private let signals: ShutdownSignals

    /// Brings up `bed` of the board file and runs the lamp test. On SIGTERM or SIGINT from now
    /// on, the outputs go to their safe values and the process exits.
    public static func start(boardFile: String, bed name: String, log: @escaping @Sendable (String) -> Void) async throws(BoardError) -> GPIOBedSession {
        let bed = try GPIOBed.open(boardFile: boardFile, bed: name)
        let session = GPIOBedSession(bed: bed, log: log)
        log("gpio: bed \(name) on \(Self.describe(bed.output.labels)); lamp test")
        do {
            try await bed.output.lampTest(each: bed.board.lampTest)
        } catch {
            session.finish(log: log)
            throw .gpio(GPIOError(error.message, code: EIO))
        }
        return session
    }

    private init(bed: GPIOBed, log: @escaping @Sendable (String) -> Void) {
        self.bed = bed
        signals = ShutdownSignals { number in
            let problems = bed.shutdown()
            let outcome = problems.isEmpty ? "outputs safe, lines released" : "could not make safe: " + problems.joined(separator: "; ")
            log("gpio: \(ShutdownSignals.name(number)): \(outcome)")
        }
    }

    public var output: GPIOBedOutput { bed.output }

    /// Starts reading the buttons and delivers each press to `runner` as a command; a button
    /// that can no longer be read is reported to the runner as a fault (timing goes on).
    public func attach<C: Clock>(_ runner: SessionRunner<C>) throws(GPIOError) where C.Duration == Duration {
        let events = bed.buttons.events
        Task {
            for await event in events {
                switch event {
                case .pressed(let role): await runner.press(role)
                case .failed(_, let message): await runner.reportFault(message)
                }
            }
        }
        try bed.buttons.start()
    }

    /// Ends the session on the board: outputs safe, lines released, default signal actions back.
    public func finish(log: @Sendable (String) -> Void) {
        let problems = bed.shutdown()
        signals.cancel()
        log(problems.isEmpty ? "gpio: outputs safe, lines released" : "gpio: could not make safe: " + problems.joined(separator: "; "))
    }

    static func describe(_ labels: [Lamp: String]) -> String {
        Lamp.allCases.compactMap { lamp in labels[lamp].map { "\(lamp.rawValue)=\($0)" } }.joined(separator: " ")
    }
}

/// SIGTERM and SIGINT end the process cleanly: the handler (which makes the outputs safe and
/// releases the lines) runs on a dispatch queue, not in signal context, then the process exits
/// with 128 + the signal number, as a shell reports a process killed by that signal.
public final class ShutdownSignals: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    public init(_ handler: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "dwell.shutdown-signals")
        sources = [SIGTERM, SIGINT].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                handler(number)
                fflush(nil)
                exit(128 + number)
            }
            source.resume()
            return source
        }
    }

    /// Restores the default actions (the work the handler protected is done).
    public func cancel() {
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }

    /// `SIGTERM` / `SIGINT`.
    public static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        default: return "signal \(number)"
        }
    }
}
