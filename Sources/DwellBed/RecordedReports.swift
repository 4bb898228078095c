import DwellCore
import DwellRecord
import DwellRunner

/// Passes a runner's reports on only after the record has committed them. If the record fails
/// (disk full, read-only, corrupt), the session keeps its timing: the runner shows the fault
/// signal, the failure is reported, and the events stay queued in the writer for a retry.
public struct RecordedReports<C: Clock>: Sendable where C.Duration == Duration {
    public let runner: SessionRunner<C>
    public let recorder: SessionRecorder?

    /// What each report became.
    public enum Outcome: Sendable {
        /// Recorded (or there is no record); `entry` is the committed row, if any.
        case delivered(RunnerReport, entry: RecordEntry?)
        /// The record refused or failed it; the report is not acknowledged.
        case unrecorded(RunnerReport, RecordError)
    }

    public init(runner: SessionRunner<C>, recorder: SessionRecorder?) {
        self.runner = runner
        self.recorder = recorder
    }

    /// Consumes the runner's reports until the session ends. Returns how many events of this
    /// session are still not in the record after a last retry (0 when everything was recorded).
    /// After a failure, the fault is shown until a later write succeeds (the writer writes the
    /// queued events first, in order, so that success means they are in too).
    public func run(_ handle: (Outcome) async -> Void) async -> Int {
        var faulted = false
        for await report in runner.reports {
            guard let recorder else {
                await handle(.delivered(report, entry: nil))
                continue
            }
            do throws(RecordError) {
                let entry: RecordEntry?
                switch report {
                case .event(let event, let lateness): entry = try await recorder.record(event, lateness: lateness)
                case .fault(let message, let at): entry = try await recorder.recordFault(message, at: at)
                default: entry = nil
                }
                if faulted, entry != nil {
                    faulted = false
                    await runner.clearFault()
                }
                await handle(.delivered(report, entry: entry))
            } catch {
                if !faulted { await runner.reportFault("clinic record: \(error)") }
                faulted = true
                await handle(.unrecorded(report, error))
            }
        }
        guard let recorder else { return 0 }
        return await recorder.writer.retry(session: recorder.context.sessionID)
    }
}
