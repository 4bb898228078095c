import ArgumentParser
import DwellBed
import DwellCore
import DwellDaemon
import DwellGPIO
import DwellHub
import DwellRunner
import DwellWire
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
            ./Protocols. The API listens on 127.0.0.1:8470; --listen and `listen` take an IP \
            address (IPv4, or IPv6 in brackets) or localhost with a port, never a DNS name. \
            Binding to anything but loopback requires --token-file (or token_file in the config): \
            a file only its owner may read or write (chmod 600), holding a token of 16 or more \
            characters. Every config problem is reported as FILE:LINE:COLUMN: error: FIELD: \
            message (a missing folder or file at the line that named it) and exits 78. A board file \
            needs libgpiod (Debian package libgpiod2 or libgpiod3, loaded at run time): without it \
            dwelld says so in one line and exits 69. \
            SIGHUP reloads protocols (checked off the timing path; the old ones stay on error); \
            SIGTERM shuts down safely. Under systemd (Type=notify) it reports READY=1, WATCHDOG=1, STOPPING=1. \
            Lamp and buzzer edges come from one timer thread, which asks for SCHED_FIFO priority 10, \
            and every bed's cues are handled on one runner thread, which asks for 9 \
            (LimitRTPRIO=10 in the unit grants both; refused, dwelld logs one line and runs normally). \
            At start-up, a bed whose last session the clinic record shows unfinished (power loss, \
            crash, kill) shows INTERRUPTED - needles may still be in - until a therapist resumes or \
            finishes it. The clinic record is checked at start-up (SQLite quick_check and the hash \
            chain since the last check); a damaged record is moved aside, never written to, a new \
            one names it, every bed whose state is unknown shows INTERRUPTED, and the page shows \
            CLINIC RECORD DAMAGED until acknowledged. The API answers only to its own Host names, \
            refuses foreign Origins and POSTs that are not application/json; see README "Security".
            """,
        version: DwellVersion.current
    )

    /// sysexits EX_CONFIG: every config problem, including a bad command-line value.
    static let configExit: Int32 = 78
    /// sysexits EX_UNAVAILABLE: the board needs libgpiod and none can be loaded.
    static let unavailableExit: Int32 = 69

    @Option(help: ArgumentHelp("Config file.", valueName: "path"))
    var config: String?

    @Flag(help: "Drive the simulated indicator board (development and demos).")
    var simulator = false

    @Option(
        help: ArgumentHelp("Listen on HOST:PORT (an IP address or localhost; no DNS names).", valueName: "host:port"))
    var listen: String?

    @Option(help: ArgumentHelp("Clinic record file.", valueName: "path"))
    var record: String?

    @Option(help: ArgumentHelp("Protocol folder.", valueName: "path"))
    var protocols: String?

    @Option(
        name: .customLong("token-file"),
        help: ArgumentHelp("File holding the API bearer token (mode 0600).", valueName: "path"))
    var tokenFile: String?

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "dwelld")
        var resolved: DaemonConfig?
        do {
            let config = try resolvedConfig()
            resolved = config
            try Self.checkPaths(config)
            let token = try Self.readToken(config)
            try Self.loadGPIOLibrary(config, logger: logger)
            let board = try await Self.openBoard(config, logger: logger)
            defer {
                for (bed, problems) in board.release() {
                    logger.error("bed \(bed): could not make safe: \(problems.joined(separator: "; "))")
                }
            }
            let beds: Beds
            do throws(BedsOpeningError) {
                beds = try Beds(settings: config.bedSettings, outputs: board.outputs, logger: logger)
                try await beds.restoreInterrupted()
            } catch {
                throw DaemonError(error)
            }
            do throws(BoardError) {
                try board.attachButtons(to: beds)
            } catch {
                throw DaemonError.board("\(error)")
            }
            logger.info(
                "record \(config.record); protocols \(config.protocols) (\(beds.protocols.count)); board \(config.board)"
            )
            raiseDescriptorLimit(logger: logger)
            let timer = TimerThread.shared.start()
            let runner = RunnerExecutor.realtime.start()
            let realtime = TimerThread.shared.isRealtime && RunnerExecutor.realtime.isRealtime
            logger.log(level: realtime ? .info : .notice, "timer thread: \(timer); runner thread: \(runner)")
            try await DaemonApplication(
                beds: beds, listen: config.listen, token: token,
                hosts: HostPolicy(listen: config.listen, allowedNames: config.allowedHosts),
                notifier: SystemdNotifier(), logger: logger,
                forwarder: try Self.forwarder(config, beds: beds, logger: logger)
            ).run()
        } catch let error as DaemonError {
            let text = resolved.map { Self.located(error, in: $0) } ?? error.description
            FileHandle.standardError.write(Data("dwelld: cannot start: \(text)\n".utf8))
            throw ExitCode(Self.configExit)
        }
    }

    /// A board file drives GPIO lines through libgpiod, loaded at run time: without one, dwelld
    /// refuses to start with one line naming the Debian package, and exits 69 (EX_UNAVAILABLE),
    /// before any chip is looked at. The simulator needs no libgpiod.
    static func loadGPIOLibrary(_ config: DaemonConfig, logger: Logger) throws {
        guard config.board != "simulator" else { return }
        switch GPIOLibrary.load() {
        case .success(let version): logger.info("libgpiod: \(version)")
        case .failure(let error):
            FileHandle.standardError.write(Data("dwelld: cannot start: board \(config.board): \(error)\n".utf8))
            throw ExitCode(unavailableExit)
        }
    }

    /// The simulated board, or the board file's GPIO lines (each bed lamp-tested).
    static func openBoard(_ config: DaemonConfig, logger: Logger) async throws(DaemonError) -> Board {
        guard config.board != "simulator" else { return .simulated(beds: config.beds, logger: logger) }
        do throws(BoardError) {
            return try await Board.open(boardFile: config.board, beds: config.beds, logger: logger)
        } catch {
            throw DaemonError.board("\(error)")
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
        if setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) != 0 {
            logger.warning("cannot raise the open-file limit to \(wanted)")
        }
    }

    private func resolvedConfig() throws(DaemonError) -> DaemonConfig {
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
            switch ListenAddress.parse(listen) {
            case .success(let address): config.listen = address
            case .failure(let problem):
                throw DaemonError.config([.init(path: "--listen", message: problem.description)])
            }
            config.sources["listen"] = nil
        }
        if let record {
            config.record = record
            config.sources["record"] = nil
        }
        if let protocols {
            config.protocols = protocols
            config.sources["protocols"] = nil
        }
        if let tokenFile {
            config.tokenFile = tokenFile
            config.sources["token_file"] = nil
        }
        if simulator {
            config.board = "simulator"
            config.sources["board"] = nil
        }
        return config
    }

    /// What the config names must exist before anything is opened, so that the error names the
    /// config line rather than some later failure.
    static func checkPaths(_ config: DaemonConfig) throws(DaemonError) {
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: config.protocols, isDirectory: &isFolder) {
            throw .protocols([.init(path: config.protocols, message: "no such folder \(config.protocols)")])
        }
        if !isFolder.boolValue {
            throw .protocols([.init(path: config.protocols, message: "\(config.protocols) is not a folder")])
        }
        if config.board != "simulator", !FileManager.default.fileExists(atPath: config.board) {
            throw .board("no such board file \(config.board)")
        }
    }

    static func readToken(_ config: DaemonConfig) throws(DaemonError) -> String? {
        guard let path = config.tokenFile else {
            if config.listen.isLoopback { return nil }
            throw DaemonError.token(
                "listening on \(config.listen) (not loopback) needs a bearer token: set token_file or --token-file")
        }
        switch TokenFile.read(path) {
        case .success(let token): return token
        case .failure(let problem): throw DaemonError.token(problem.description)
        }
    }

    /// The clinic hub forwarder, when the config has `hub`; its password file must be private.
    static func forwarder(_ config: DaemonConfig, beds: Beds, logger: Logger) throws(DaemonError) -> HubForwarder? {
        guard let hub = config.hub else { return nil }
        switch SecretFile.password.read(hub.passwordFile) {
        case .success(let password):
            do throws(HubError) {
                _ = try hub.address.configuration(password: password)
            } catch {
                throw DaemonError.hub(error.description)
            }
            logger.info("clinic hub: forwarding the record as \(hub.device) to \(hub.address.redacted)")
            return HubForwarder(
                store: beds.record, settings: hub, password: password, state: HubForwardingState(device: hub.device),
                logger: logger,
                statuses: {
                    await beds.statuses().compactMap { status in
                        (try? WireJSON.text(status)).map { HubBedStatus(bed: status.bed, json: $0) }
                    }
                })
        case .failure(let problem):
            throw DaemonError.hub(problem.description)
        }
    }

    /// A start-up error, placed at the config line that named what failed (the protocols
    /// folder, the record, the board file, the token file, the listen address) when it came
    /// from the config file.
    static func located(_ error: DaemonError, in config: DaemonConfig) -> String {
        // `if case` rather than a switch: a case added to DaemonError elsewhere prints as it is.
        if case .protocols(let diagnostics) = error {
            // Problems inside protocol files keep their own file:line:column; problems with the
            // folder itself are placed where the config names the folder.
            let inFiles = diagnostics.filter { $0.path != config.protocols }
            let header =
                inFiles.isEmpty
                ? [] : [config.located("protocols", "the protocol files in \(config.protocols) have problems:")]
            return
                (header
                + diagnostics.map { diagnostic in
                    diagnostic.path == config.protocols
                        ? config.located(
                            "protocols",
                            diagnostic.message.contains(config.protocols)
                                ? diagnostic.message : "\(config.protocols): \(diagnostic.message)")
                        : diagnostic.description
                }).joined(separator: "\n")
        }
        if case .record(let problem) = error { return config.located("record", "\(problem)") }
        if case .board(let message) = error { return config.located("board", message) }
        if case .hub(let message) = error { return config.located("hub.password_file", message) }
        if case .token(let message) = error {
            return config.tokenFile == nil ? config.located("listen", message) : config.located("token_file", message)
        }
        return error.description
    }
}
