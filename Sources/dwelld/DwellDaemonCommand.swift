import ArgumentParser
import DwellDaemon
import Foundation
import Logging

@main
struct DwellDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dwelld",
        abstract: "The Dwell daemon: times every bed's session, drives its indicators, serves the API and kiosk page.",
        discussion: """
            Configuration comes from --config (default /etc/dwell/dwell.yaml). With --simulator and \
            no config file it serves beds 1 and 2 on the simulated board with the protocols in \
            ./Protocols. The API listens on 127.0.0.1:8470; binding to anything but loopback \
            requires --token-file (or token_file in the config). SIGHUP reloads protocols; \
            SIGTERM shuts down safely. Under systemd (Type=notify) it reports READY=1, WATCHDOG=1, STOPPING=1. \
            At start-up, a bed whose last session the clinic record shows unfinished (power loss, \
            crash, kill) shows INTERRUPTED - needles may still be in - until a therapist resumes or \
            finishes it.
            """,
        version: "0.1.0"
    )

    @Option(help: ArgumentHelp("Config file.", valueName: "path"))
    var config: String?

    @Flag(help: "Drive the simulated indicator board (development and demos).")
    var simulator = false

    @Option(help: ArgumentHelp("Listen on HOST:PORT.", valueName: "host:port"))
    var listen: String?

    @Option(help: ArgumentHelp("Clinic record file.", valueName: "path"))
    var record: String?

    @Option(help: ArgumentHelp("Protocol folder.", valueName: "path"))
    var protocols: String?

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File holding the API bearer token.", valueName: "path"))
    var tokenFile: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "dwelld")
        do {
            let config = try resolvedConfig()
            let token = try readToken(config)
            let board = try await DaemonBoard.open(config, logger: logger)
            defer { board.release(logger: logger) }
            let beds = try DaemonBeds(config: config, outputs: board.outputs, logger: logger)
            try await beds.restoreInterrupted()
            try board.attachButtons(to: beds, logger: logger)
            logger.info("record \(config.record); protocols \(config.protocols) (\(beds.protocols.count)); board \(config.board)")
            raiseDescriptorLimit(logger: logger)
            try await DwellDaemonRunner(beds: beds, listen: config.listen, token: token, hosts: HostPolicy(listen: config.listen),
                                        notifier: SystemdNotifier(), logger: logger).run()
        } catch let error as DaemonError {
            FileHandle.standardError.write(Data("dwelld: cannot start: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }

    /// Open connections each hold a descriptor: raise the soft limit to the hard one (the unit
    /// sets `LimitNOFILE=`), so the connection cap, not the descriptor table, is what binds.
    private func raiseDescriptorLimit(logger: Logger) {
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        let wanted = min(limit.rlim_max, 65_536)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = wanted
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 { logger.warning("cannot raise the open-file limit to \(limit.rlim_max)") }
    }

    private func resolvedConfig() throws -> DaemonConfig {
        var config = simulator ? DaemonConfig.simulatorDefaults : DaemonConfig()
        // --simulator needs no config file; otherwise the default one is read when none is named.
        let path = self.config ?? (simulator ? nil : DaemonConfig.defaultPath)
        if let path {
            switch DaemonConfig.load(path, over: config) {
            case .success(let loaded): config = loaded
            case .failure(let failure): throw DaemonError.config(failure.diagnostics)
            }
        }
        if let listen {
            guard let address = ListenAddress(listen) else { throw ValidationError("--listen `\(listen)` is not HOST:PORT") }
            config.listen = address
        }
        if let record { config.record = record }
        if let protocols { config.protocols = protocols }
        if let tokenFile { config.tokenFile = tokenFile }
        if simulator { config.board = "simulator" }
        return config
    }

    private func readToken(_ config: DaemonConfig) throws -> String? {
        guard let path = config.tokenFile else {
            if config.listen.isLoopback { return nil }
            throw DaemonError.token("listening on \(config.listen) (not loopback) needs a bearer token: set token_file or --token-file")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw DaemonError.token("cannot read the token file \(path)")
        }
        let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard token.count >= 16 else { throw DaemonError.token("the token in \(path) is shorter than 16 characters") }
        return token
    }
}
