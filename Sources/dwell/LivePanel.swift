import DwellRunner
import Foundation
import Synchronization

/// Redraws the simulator panel in place on a terminal, ten times a second.
final class LivePanel<C: Clock>: Sendable where C.Duration == Duration {
    let view: PanelView
    let runner: SessionRunner<C>
    let writer: ReportWriter
    private let drawn = Mutex(0)

    init(view: PanelView, runner: SessionRunner<C>, writer: ReportWriter) {
        self.view = view
        self.runner = runner
        self.writer = writer
    }

    func run() async {
        // The cursor is hidden while the panel is drawn (and shown again at the end, or on ^C).
        FileHandle.standardOutput.write(Data(TerminalText.hideCursor.utf8))
        signal(SIGINT) { _ in
            let show = Array((TerminalText.showCursor + "\n").utf8)
            _ = write(STDOUT_FILENO, show, show.count)
            _exit(130)
        }
        while !Task.isCancelled {
            await draw()
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    func finish() async {
        await draw()
        FileHandle.standardOutput.write(Data(TerminalText.showCursor.utf8))
        signal(SIGINT, SIG_DFL)
    }

    private func draw() async {
        let columns = TerminalText.size()?.columns ?? 80
        let lines = view.lines(for: await runner.snapshot(), lastEvent: writer.lastEvent, width: columns)
        let previous = drawn.withLock { count in
            defer { count = lines.count }
            return count
        }
        var frame = previous > 0 ? "\u{1B}[\(previous)F" : ""
        for line in lines { frame += "\u{1B}[2K" + line + "\n" }
        FileHandle.standardOutput.write(Data(frame.utf8))
    }
}
