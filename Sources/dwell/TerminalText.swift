import Foundation

/// Text for a terminal: the width a line takes on screen (colour codes take none), lines fitted
/// to a width so that none wraps, and whole screens drawn in place.
enum TerminalText {
    static let hideCursor = "\u{1B}[?25l"
    static let showCursor = "\u{1B}[?25h"

    /// Columns `text` takes: every character but the ANSI escape sequences (`ESC [ … letter`).
    static func visibleWidth(_ text: String) -> Int {
        var width = 0
        var escape = false
        for character in text {
            if escape {
                if character.isLetter { escape = false }
            } else if character == "\u{1B}" {
                escape = true
            } else {
                width += 1
            }
        }
        return width
    }

    /// `text` cut to `width` columns (the last one "…" when something was cut), its colour codes
    /// kept and reset at the end, so the line never wraps.
    static func fit(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        guard visibleWidth(text) > width else { return text }
        var out = ""
        var shown = 0
        var escape = false
        for character in text {
            if escape {
                out.append(character)
                if character.isLetter { escape = false }
            } else if character == "\u{1B}" {
                escape = true
                out.append(character)
            } else {
                guard shown < width - 1 else { break }
                out.append(character)
                shown += 1
            }
        }
        return out + "…" + (out.contains("\u{1B}") ? "\u{1B}[0m" : "")
    }

    /// A whole screen drawn over the previous one: cursor home, each line fitted to `width` and
    /// cleared to its end, at most `height` lines (the last says how many more there were), and
    /// the rest of the screen cleared. Nothing wraps, so nothing is left behind.
    static func screen(_ lines: [String], width: Int, height: Int) -> String {
        let rows = max(1, height)
        var shown = lines
        if shown.count > rows {
            shown = Array(shown.prefix(rows - 1)) + ["… \(lines.count - rows + 1) more lines: make the terminal taller"]
        }
        return "\u{1B}[H" + shown.map { fit($0, width: max(1, width - 1)) + "\u{1B}[K" }.joined(separator: "\n")
            + "\u{1B}[J"
    }

    /// The terminal's size, or nil when standard output is not a terminal.
    static func size() -> (columns: Int, rows: Int)? {
        var size = winsize()
        guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else {
            return nil
        }
        return (Int(size.ws_col), Int(size.ws_row))
    }
}
