import Dispatch
import Glibc

/// SIGTERM and SIGINT end `dwell simulate --board` cleanly: the handler (which makes the outputs
/// safe and releases the lines) runs on a dispatch queue, not in signal context, then the
/// process exits with 128 + the signal number, as a shell reports a process killed by that signal.
final class ShutdownSignals: @unchecked Sendable {
    private let sources: [DispatchSourceSignal]

    init(_ handler: @escaping @Sendable (Int32) -> Void) {
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
    func cancel() {
        for source in sources { source.cancel() }
        signal(SIGTERM, SIG_DFL)
        signal(SIGINT, SIG_DFL)
    }

    /// `SIGTERM` / `SIGINT`.
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGTERM: return "SIGTERM"
        case SIGINT: return "SIGINT"
        default: return "signal \(number)"
        }
    }
}
