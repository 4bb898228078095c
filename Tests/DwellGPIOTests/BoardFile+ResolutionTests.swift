import DwellCore
import DwellYAML
import Testing

@testable import DwellGPIO

@Suite("Board file: checked against the machine's chips")
struct BoardFileResolutionTests {
    /// Two chips as a gpio-sim setup has them: bank 0 with named lines, bank 1 unnamed.
    static let chips = [
        ChipDescription(
            info: ChipInfo(path: "/dev/gpiochip0", name: "gpiochip0", label: "sim-bank0", lineCount: 8),
            lines: (0..<8).map {
                LineInfo(
                    offset: $0, name: ["led-green", nil, "led-red", nil, "btn-start", nil, nil, nil][$0], consumer: nil,
                    used: false, output: false, activeLow: false)
            }),
        ChipDescription(
            info: ChipInfo(path: "/dev/gpiochip1", name: "gpiochip1", label: "sim-bank1", lineCount: 2),
            lines: (0..<2).map {
                LineInfo(offset: $0, name: nil, consumer: nil, used: false, output: false, activeLow: false)
            }),
    ]

    func resolve(_ text: String) throws -> Result<[ResolvedBed], FileFailure> {
        try BoardFile.decode(text, path: "board.yaml").get().resolve(against: Self.chips)
    }

    func problems(_ text: String) throws -> [String] {
        guard case .failure(let failure) = try resolve(text) else { return [] }
        return failure.diagnostics.map(\.description)
    }

    @Test func linesAreFoundByNameOffsetLabelNameAndPath() throws {
        let text = """
            chip: sim-bank0
            beds:
              1:
                outputs:
                  green: led-green
                  amber: 1
                  red: { chip: gpiochip0, line: led-red }
                  buzzer: { chip: /dev/gpiochip1, line: 0 }
                buttons: { start_pause: btn-start }
            """
        let bed = try #require(try resolve(text).get().first)
        #expect(bed.outputs[.green]?.label == "gpiochip0 line 0")
        #expect(bed.outputs[.amber]?.label == "gpiochip0 line 1")
        #expect(bed.outputs[.red]?.label == "gpiochip0 line 2")
        #expect(bed.outputs[.buzzer]?.label == "gpiochip1 line 0")
        #expect(bed.buttons[.startPause]?.label == "gpiochip0 line 4")
    }

    @Test func unknownChipIsRefusedWithWhatExists() throws {
        let found = try problems(
            "chip: sim-bank9\nbeds:\n  1:\n    outputs: { green: 0, amber: 1, red: 2, buzzer: { chip: gpiochip1, line: 0 } }\n"
        )
        #expect(found.count == 3)
        #expect(
            found[0]
                == "board.yaml:4:23: error: beds.1.outputs.green: no chip with label `sim-bank9`; this machine has gpiochip0 (sim-bank0), gpiochip1 (sim-bank1)"
        )
    }

    @Test func unknownLineNameAndOffsetOutOfRangeAreRefused() throws {
        let found = try problems(
            "chip: sim-bank0\nbeds:\n  1:\n    outputs: { green: led-blue, amber: 1, red: 2, buzzer: 8 }\n")
        #expect(
            found == [
                "board.yaml:4:23: error: beds.1.outputs.green: no chip has a line named `led-blue`; gpiochip0 (sim-bank0) has `led-green`, `led-red`, `btn-start`",
                "board.yaml:4:59: error: beds.1.outputs.buzzer: line 8 is out of range: gpiochip0 (sim-bank0) has 8 lines",
            ])
    }

    /// A Raspberry Pi 5 board file written for kernel 6.1 (header on gpiochip4) still finds its
    /// named lines on 6.6, where the header chip is gpiochip0; lines named without any chip too.
    @Test func namedLinesAreFoundOnWhicheverChipHasThem() throws {
        let text = """
            chip: gpiochip4
            beds:
              1:
                outputs:
                  green: led-green
                  amber: { chip: sim-bank1, line: led-red }
                  red: { chip: gpiochip0, line: 3 }
                  buzzer: { chip: gpiochip1, line: 0 }
                buttons: { start_pause: btn-start }
            """
        let bed = try #require(try resolve(text).get().first)
        #expect(bed.outputs[.green]?.label == "gpiochip0 line 0")
        #expect(bed.outputs[.amber]?.label == "gpiochip0 line 2")
        #expect(bed.buttons[.startPause]?.label == "gpiochip0 line 4")
        let noChip =
            "beds:\n  1:\n    outputs: { green: led-green, amber: led-red, red: btn-start, buzzer: { chip: gpiochip1, line: 1 } }\n"
        let unnamed = try #require(try resolve(noChip).get().first)
        #expect(
            unnamed.outputs.mapValues(\.label) == [
                .green: "gpiochip0 line 0", .amber: "gpiochip0 line 2", .red: "gpiochip0 line 4",
                .buzzer: "gpiochip1 line 1",
            ])
    }

    /// Two chips with a line of the same name: the file's chip chooses; without one it is refused.
    @Test func nameOnTwoChipsIsChosenByTheChip() throws {
        let header = { (name: String, label: String) in
            ChipDescription(
                info: ChipInfo(path: "/dev/\(name)", name: name, label: label, lineCount: 2),
                lines: (0..<2).map {
                    LineInfo(
                        offset: $0, name: ["GPIO17", "GPIO27"][$0], consumer: nil, used: false, output: false,
                        activeLow: false)
                })
        }
        let chips = [header("gpiochip0", "pinctrl-rp1"), header("gpiochip1", "expander")]
        func resolve(_ text: String) throws -> Result<[ResolvedBed], FileFailure> {
            try BoardFile.decode(text, path: "board.yaml").get().resolve(against: chips)
        }
        let chosen =
            "chip: expander\nbeds:\n  1:\n    outputs: { green: GPIO17, amber: GPIO27, red: { chip: gpiochip0, line: GPIO17 }, buzzer: { chip: gpiochip0, line: 1 } }\n"
        let bed = try #require(try resolve(chosen).get().first)
        #expect(bed.outputs[.green]?.label == "gpiochip1 line 0")
        #expect(bed.outputs[.red]?.label == "gpiochip0 line 0")
        guard
            case .failure(let failure) = try resolve(
                "beds:\n  1:\n    outputs: { green: GPIO17, amber: GPIO27, red: { chip: gpiochip5, line: GPIO17 }, buzzer: { chip: gpiochip0, line: 1 } }\n"
            )
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(
            failure.diagnostics.map(\.description) == [
                "board.yaml:3:23: error: beds.1.outputs.green: a line named `GPIO17` is on gpiochip0 (pinctrl-rp1), gpiochip1 (expander): give `chip` to choose one",
                "board.yaml:3:38: error: beds.1.outputs.amber: a line named `GPIO27` is on gpiochip0 (pinctrl-rp1), gpiochip1 (expander): give `chip` to choose one",
                "board.yaml:3:76: error: beds.1.outputs.red: a line named `GPIO17` is on gpiochip0 (pinctrl-rp1), gpiochip1 (expander); chip `gpiochip5` is not one of them: give `chip` to choose one",
            ])
    }

    @Test func sameLineWrittenTwoWaysIsRefused() throws {
        // Offset 0 and the name `led-green` are the same line; so are a label and a name of one chip.
        let text =
            "chip: sim-bank0\nbeds:\n  1:\n    outputs: { green: 0, amber: 1, red: { chip: gpiochip0, line: led-green }, buzzer: 3 }\n"
        #expect(
            try problems(text) == [
                "board.yaml:4:66: error: beds.1.outputs.red: gpiochip0 line 0 is already used by beds.1.outputs.green"
            ])
    }

    @Test func chipsThatCouldNotBeOpenedAreMentioned() throws {
        let board = try BoardFile.decode(
            "chip: gpiochip5\nbeds:\n  1:\n    outputs: { green: 0, amber: 1, red: 2, buzzer: 3 }\n", path: "b.yaml"
        ).get()
        let result = board.resolve(against: [], unavailable: [GPIOError("open chip /dev/gpiochip5", code: 13)])
        guard case .failure(let failure) = result else {
            Issue.record("expected a failure")
            return
        }
        #expect(
            failure.diagnostics[0].message.contains(
                "this machine has no GPIO chips (could not open: open chip /dev/gpiochip5: Permission denied (errno 13))"
            ))
    }
}
