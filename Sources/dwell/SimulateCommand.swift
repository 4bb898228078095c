import ArgumentParser
import DwellBed
import DwellCore
import DwellGPIO
import DwellProtocolFiles
import DwellRecord
import DwellRunner
import Foundation

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a protocol's whole session on the simulated indicator board.",
        discussion: """
            The simulated therapist starts the session, counts every needle out and acknowledges \
            the end (after --ack-after), and lets observation run out. On a terminal a live panel shows the lamps, the step, \
            the countdown and the next step; otherwise one line per event is printed. With --json \
            every event is a JSON object on its own line. A lateness summary goes to stderr.
            """
    )

    @Argument(help: ArgumentHelp("A protocol file.", valueName: "file"))
    var path: String

    @Option(help: "Run this many times faster than real time (60: one minute per second).")
    var speed: Int?

    @Flag(help: "Run on a virtual clock: the whole session at once, no waiting.")
    var instant = false

    @Flag(help: "Print one JSON object per event to stdout.")
    var json = false

    @Flag(help: "Also report every lamp and buzzer line transition and signal change.")
    var lines = false

    @Option(
        name: .customLong("ack-after"),
        help: ArgumentHelp(
            "How long after the last step ends the simulated therapist counts the needles out and acknowledges.",
            valueName: "duration"))
    var ackAfter = DurationArgument(.zero)

    @Option(help: "The bed number shown and used in line names.")
    var bed = "1"

    @Option(
        help: ArgumentHelp(
            "Write the session to this clinic record (events are printed once committed).", valueName: "path"))
    var record: String?

    @Option(help: ArgumentHelp("Therapist id for the record.", valueName: "id"))
    var therapist: String?

    @Option(help: ArgumentHelp("Patient pseudonym for the record (never a name).", valueName: "pseudonym"))
    var patient: String?

    @Option(
        name: .customLong("board"),
        help: ArgumentHelp(
            "Drive the GPIO lines this board file gives --bed, instead of the simulated board.", valueName: "file"))
    var boardFile: String?

    @OptionGroup var clinic: ClinicOptions

    func validate() throws {
        if instant && speed != nil { throw ValidationError("--speed and --instant exclude each other") }
        if let speed, !(1...3_600).contains(speed) { throw ValidationError("--speed must be 1 to 3600, not \(speed)") }
        if instant && boardFile != nil {
            throw ValidationError("--board drives real lamps in real time; it cannot be used with --instant")
        }
    }

    func run() async throws {
        let loaded = try loadProtocol(path, limits: clinic.limits)
        let machine = SessionStateMachine(treatment: loaded.treatment, limits: clinic.limits)
        let board = SimulatedBoard(bed: bed)
        let writer = ReportWriter(json: json, lines: lines, board: board)
        let script = ScriptedCommand.countOutAndAcknowledge(after: ackAfter.value)
        let recorder = try record.map { try openRecorder(at: $0, for: loaded) }
        var gpio: (board: Board, signals: ShutdownSignals)?
        if let boardFile { gpio = try await startBoard(boardFile, bed: bed) }
        defer { if let gpio { finishBoard(gpio.board, gpio.signals) } }
        let output: any IndicatorOutput = gpio?.board.outputs[bed] ?? board
        var unrecorded = 0
        if instant {
            let runner = SessionRunner(machine: machine, clock: VirtualClock(), output: board, script: script)
            unrecorded = try await play(runner, writer: writer, recorder: recorder, panel: nil)
        } else {
            let speed = self.speed ?? 1
            let runner = SessionRunner(
                machine: machine, clock: PrecisionClock(), output: output, speed: speed, script: script)
            do throws(BoardError) {
                try gpio?.board.attachButtons(to: RunnerButtons(runner: runner, bed: bed))
            } catch {
                printError(error.description)
                throw ExitCode(78)
            }
            let panel =
                !json && isatty(STDOUT_FILENO) == 1
                ? PanelView(bed: bed, speed: speed == 1 ? "real time" : "\(speed)× speed", color: true) : nil
            unrecorded = try await play(runner, writer: writer, recorder: recorder, panel: panel)
        }
        writer.printSummary()
        if unrecorded > 0 {
            printError(
                "error: \(unrecorded) event\(unrecorded == 1 ? " was" : "s were") NOT written to the clinic record \(record ?? "")"
            )
            throw ExitCode(74)
        }
    }

    private func openRecorder(at path: String, for loaded: LoadedProtocol) throws -> SessionRecorder {
        do {
            let writer = try RecordWriter(store: RecordStore(path: path))
            let context = SessionContext(starting: loaded, bed: bed, therapist: therapist, patient: patient)
            return SessionRecorder(writer: writer, context: context, treatment: loaded.treatment)
        } catch {
            printError("error: \(error)")
            throw ExitCode(74)
        }
    }

    /// Plays the session; each event is printed only once the record (if any) has committed it.
    /// Returns how many events could not be recorded.
    private func play<C: Clock>(
        _ runner: SessionRunner<C>, writer: ReportWriter, recorder: SessionRecorder?, panel: PanelView?
    ) async throws -> Int {
        let display = panel.map { LivePanel(view: $0, runner: runner, writer: writer) }
        let redraw = Task { await display?.run() }
        try await runner.start()
        let unrecorded = await RecordedReports(runner: runner, recorder: recorder).run { outcome in
            switch outcome {
            case .delivered(let report, let entry):
                writer.write(report, entry: entry, toStdout: display == nil)
            case .unrecorded(_, let error):
                printError("record: \(error)")
            }
        }
        redraw.cancel()
        await display?.finish()
        return unrecorded
    }
}
