import DwellBed
import DwellHub
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Runs the daemon: the HTTP server, the bed ticker and watchdog, SIGHUP reloads, and a
/// graceful shutdown on SIGTERM/SIGINT (safe outputs, record writes committed, exit 0).
public struct DaemonApplication: Sendable {
    public let beds: Beds
    public let listen: ListenAddress
    public let token: String?
    public let hosts: HostPolicy
    public let limits: ServerLimits
    public let notifier: SystemdNotifier
    public let logger: Logger
    /// Forwards the record to the clinic hub, when the config names one.
    public let forwarder: HubForwarder?

    public init(
        beds: Beds, listen: ListenAddress, token: String?, hosts: HostPolicy, limits: ServerLimits = .standard,
        notifier: SystemdNotifier, logger: Logger, forwarder: HubForwarder? = nil
    ) {
        self.forwarder = forwarder
        self.beds = beds
        self.listen = listen
        self.token = token
        self.hosts = hosts
        self.limits = limits
        self.notifier = notifier
        self.logger = logger
    }

    public func run() async throws {
        let (beds, notifier, logger) = (self.beds, self.notifier, self.logger)
        let app = Application(
            responder: APIRouter.responder(beds: beds, token: token, hosts: hosts, hub: forwarder?.state),
            server: Self.server(limits),
            configuration: .init(address: .hostname(listen.host, port: listen.port), serverName: "dwelld"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info(
                    "listening on \(channel.localAddress?.description ?? "?"); beds \(beds.bedNames.joined(separator: ", "))"
                )
                notifier.ready(status: "serving \(beds.bedNames.count) beds on port \(port)")
            },
            logger: logger)
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: app),
            .init(
                service: BedsService(beds: beds, notifier: notifier, logger: logger),
                successTerminationBehavior: .gracefullyShutdownGroup),
        ]
        // The forwarder never stops the room: should it end, the beds go on.
        if let forwarder { services.append(.init(service: forwarder, successTerminationBehavior: .ignore)) }
        let group = ServiceGroup(
            configuration: .init(
                services: services,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// HTTP/1.1 with the connection limits: idle and slow connections are closed, and past the
    /// connection cap a client is answered 503 and closed.
    public static func server(_ limits: ServerLimits) -> HTTPServerBuilder {
        let count = ConnectionCount()
        return .http1(
            configuration: .init(
                additionalChannelHandlers: [ConnectionGuard(count: count, limits: limits)],
                idleTimeout: TimeAmount(limits.idleTimeout)))
    }
}
