import DwellCore

/// The buttons a bed can have, and the engine command each gives.
public enum ButtonRole: String, CaseIterable, Sendable, Comparable {
    /// Pauses a running session or resumes a paused one (a button never starts a session).
    case startPause = "start_pause"
    /// The needles are out: ends the overrun alarm.
    case acknowledge
    /// Adds ``SessionCommand/defaultExtension`` to the current step.
    case extend
    /// The patient's call button (a pendant or bedside button): a high-priority call on the bed,
    /// in any phase, until a therapist answers at the bed (acknowledge).
    case call

    private var rank: Int {
        switch self {
        case .startPause: return 0
        case .acknowledge: return 1
        case .extend: return 2
        case .call: return 3
        }
    }

    public static func < (lhs: ButtonRole, rhs: ButtonRole) -> Bool { lhs.rank < rhs.rank }
}

/// How a board file names a line on its chip.
public enum LineSelector: Hashable, Sendable, CustomStringConvertible {
    case offset(Int)
    case name(String)

    public var description: String {
        switch self {
        case .offset(let offset): return "line \(offset)"
        case .name(let name): return "line `\(name)`"
        }
    }
}

/// One line of a board file, as written, with where it was written.
public struct LineSpec: Equatable, Sendable {
    /// The chip the file names for this line (on the line, its bed or the file); nil when none
    /// is named, which only a line given by name may leave out.
    public var chip: ChipSelector?
    public var line: LineSelector
    public var activeLow: Bool
    /// Inputs only.
    public var bias: LineBias
    /// `beds.1.outputs.green`, for messages.
    public var field: FieldPath
    public var lineNumber: Int
    public var column: Int
}

/// One bed's wiring: its four indicators and its buttons.
public struct BedWiring: Equatable, Sendable {
    public var bed: String
    public var outputs: [Lamp: LineSpec]
    public var buttons: [ButtonRole: LineSpec]
}

/// A board file: which GPIO lines light each bed's lamps and read its buttons.
///
/// ```yaml
/// consumer: dwelld      # shown as "used by" in `dwell gpio probe` and gpioinfo
/// chip: sim-bank0       # default chip: a path (/dev/gpiochip0), a name (gpiochip0) or a label
/// debounce: 30ms        # a button must hold a new level this long
/// lamp_test: 300ms      # each lamp is lit this long at start-up (the buzzer half as long)
/// beds:
///   1:
///     outputs:
///       green: led-green                 # a line name, or an offset
///       amber: 1
///       red: { line: 2, active_low: true }
///       buzzer: { chip: gpiochip1, line: 0 }
///     buttons:
///       start_pause: { line: btn-start, active_low: true, bias: pull-up }
/// ```
public struct BoardFile: Equatable, Sendable {
    public static let defaultPath = "/etc/dwell/board.yaml"
    public static let defaultConsumer = "dwelld"
    public static let defaultDebounce: Duration = .milliseconds(30)
    public static let defaultLampTest: Duration = .milliseconds(300)

    public var path: String
    public var consumer: String
    public var debounce: Duration
    public var lampTest: Duration
    public var beds: [BedWiring]

    /// The wiring of one bed, if the board has it.
    public func bed(_ name: String) -> BedWiring? { beds.first { $0.bed == name } }

    /// Every line of the board, outputs then buttons, bed by bed.
    public var allLines: [LineSpec] {
        beds.flatMap { bed in
            Lamp.allCases.compactMap { bed.outputs[$0] } + ButtonRole.allCases.compactMap { bed.buttons[$0] }
        }
    }
}
