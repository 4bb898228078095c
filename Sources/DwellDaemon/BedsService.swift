import DwellBed
import Logging
import ServiceLifecycle
import UnixSignals

/// Publishes running beds every second, feeds the systemd watchdog only while every bed's engine
/// answers, reloads protocols on SIGHUP, and shuts the beds down safely.
struct BedsService: Service {
    let beds: Beds
    let notifier: SystemdNotifier
    let logger: Logger

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        await withDiscardingTaskGroup { group in
            group.addTask {
                for await _ in hangups.cancelOnGracefulShutdown() {
                    logger.info("SIGHUP: reloading protocols")
                    await beds.reloadProtocols()
                }
            }
            group.addTask {
                let interval = notifier.watchdogInterval.map { min($0, .seconds(1)) } ?? .seconds(1)
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    await beds.ping()
                    notifier.watchdog()
                    for status in await beds.statuses() where status.state.hasOpenSession { beds.hub.publish(status) }
                    try? await Task.sleep(for: interval)
                }
            }
            try? await gracefulShutdown()
            notifier.stopping()
            logger.info("shutting down: outputs to safe values, committing the record")
            beds.hub.finishAll()
            await beds.shutdown()
            group.cancelAll()
        }
    }
}
