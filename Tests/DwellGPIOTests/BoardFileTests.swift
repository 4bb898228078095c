import DwellCore
import DwellGPIO
import DwellYAML
import Foundation
import Testing

@Suite("Board file: reading")
struct BoardFileTests {
    static let valid = """
        consumer: dwelld
        debounce: 20ms
        lamp_test: 250ms
        chip: sim-bank0
        beds:
          1:
            outputs:
              green: led-green
              amber: 1
              red: { line: led-red, active_low: true }
              buzzer: { chip: /dev/gpiochip1, line: 0 }
            buttons:
              start_pause: { line: btn-start, active_low: true, bias: pull-up }
              acknowledge: 5
          2:
            chip: gpiochip2
            outputs: { green: 0, amber: 1, red: 2, buzzer: 3 }
        """

    func decode(_ text: String) -> Result<BoardFile, FileFailure> { BoardFile.decode(text, path: "board.yaml") }

    func problems(_ text: String) -> [String] {
        guard case .failure(let failure) = decode(text) else { return [] }
        return failure.diagnostics.map(\.description)
    }

    @Test func validBoardIsRead() throws {
        let board = try decode(Self.valid).get()
        #expect(board.consumer == "dwelld")
        #expect(board.debounce == .milliseconds(20))
        #expect(board.lampTest == .milliseconds(250))
        #expect(board.beds.map(\.bed) == ["1", "2"])
        let bed1 = try #require(board.bed("1"))
        #expect(bed1.outputs[.green]?.chip == .label("sim-bank0"))
        #expect(bed1.outputs[.green]?.line == .name("led-green"))
        #expect(bed1.outputs[.amber]?.line == .offset(1))
        #expect(bed1.outputs[.red]?.activeLow == true)
        #expect(bed1.outputs[.buzzer]?.chip == .path("/dev/gpiochip1"))
        #expect(bed1.buttons[.startPause]?.bias == .pullUp)
        #expect(bed1.buttons[.acknowledge]?.line == .offset(5))
        #expect(bed1.buttons[.extend] == nil)
        #expect(board.bed("2")?.outputs[.buzzer]?.chip == .name("gpiochip2"))
    }

    @Test func defaultsApply() throws {
        let board = try decode("chip: gpiochip0\nbeds:\n  1:\n    outputs: { green: 0, amber: 1, red: 2, buzzer: 3 }\n")
            .get()
        #expect(board.consumer == "dwelld")
        #expect(board.debounce == BoardFile.defaultDebounce)
        #expect(board.lampTest == BoardFile.defaultLampTest)
    }

    @Test func unknownKeysAreRefusedWithTheirPlace() {
        let text =
            "chip: c\nbed: 1\nbeds:\n  1:\n    outputs: { green: 0, amber: 1, red: 2, buzzer: { line: 3, invert: true } }\n"
        #expect(
            problems(text) == [
                "board.yaml:2:1: error: bed: unknown key `bed`; did you mean `beds`?",
                "board.yaml:5:63: error: beds.1.outputs.buzzer.invert: unknown key `invert`; expected one of `chip`, `line`, `active_low`",
            ])
    }

    @Test func missingOutputIsRefused() {
        let found = problems("chip: c\nbeds:\n  1:\n    outputs: { green: 0, amber: 1, red: 2 }\n")
        #expect(
            found == [
                "board.yaml:4:14: error: beds.1.outputs.buzzer: is required: every bed needs green, amber, red and buzzer outputs"
            ])
    }

    @Test func missingOutputsAndBedsAreRefused() {
        #expect(
            problems("chip: c\nbeds:\n  1:\n    buttons: { extend: 4 }\n").first?.contains(
                "beds.1.outputs: is required") == true)
        #expect(problems("chip: c\n").first?.contains("beds: is required") == true)
    }

    @Test func lineUsedTwiceIsRefused() {
        let text =
            "chip: c\nbeds:\n  1:\n    outputs: { green: 0, amber: 1, red: 2, buzzer: 3 }\n  2:\n    outputs: { green: 4, amber: 5, red: 6, buzzer: 1 }\n"
        #expect(
            problems(text) == [
                "board.yaml:6:52: error: beds.2.outputs.buzzer: line 1 of chip with label `c` is already used by beds.1.outputs.amber"
            ])
    }

    @Test func offsetWithoutChipIsRefusedButANameNeedsNone() {
        let found = problems(
            "beds:\n  1:\n    outputs: { green: 0, amber: 1, red: GPIO22, buzzer: { chip: gpiochip0, line: 3 } }\n")
        #expect(found.count == 2)
        #expect(
            found.first
                == "board.yaml:3:23: error: beds.1.outputs.green: line offset 0 needs a chip: give `chip` on this line, on the bed or at the top of the file (or name the line, e.g. `GPIO17`)"
        )
    }

    @Test func badValuesAreRefused() {
        let text = """
            chip: c
            debounce: fast
            beds:
              1:
                outputs: { green: 0, amber: 1, red: { line: 2, active_low: maybe }, buzzer: -3 }
                buttons: { extend: { line: 4, bias: sideways } }
            """
        let found = problems(text)
        #expect(found.count == 4)
        #expect(found[0].hasPrefix("board.yaml:2:11: error: debounce:"))
        #expect(found.contains { $0.contains("beds.1.outputs.red.active_low: `maybe` is not true or false") })
        #expect(found.contains { $0.contains("beds.1.outputs.buzzer: line offset -3 is negative") })
        #expect(found.contains { $0.contains("beds.1.buttons.extend.bias: `sideways` is not a bias") })
    }

    /// Board fields are read by the same readers as protocol files and the daemon config, so a
    /// value is refused in the same words (issue 12: the board file had readers of its own).
    @Test func valuesAreRefusedInTheWordsOfTheOtherFiles() {
        let text = """
            consumer:
            chip: c
            debounce: 6s
            lamp_test: [5s]
            beds:
              1:
                outputs: { green: 0, amber: 1, red: 2, buzzer: 3 }
                buttons: { extend: { line: 4, bias: pull-upp }, start_pause: { line: 5, chip: { a: 1 } } }
                outpts: {}
            """
        #expect(
            problems(text) == [
                "board.yaml:1:10: error: consumer: is empty",
                "board.yaml:3:11: error: debounce: 6s is outside the allowed 0s to 5s",
                "board.yaml:4:12: error: lamp_test: must be a single value, not a list",
                "board.yaml:8:41: error: beds.1.buttons.extend.bias: `pull-upp` is not a bias; did you mean `pull-up`?",
                "board.yaml:8:83: error: beds.1.buttons.start_pause.chip: must be a single value, not a mapping",
                "board.yaml:9:5: error: beds.1.outpts: unknown key `outpts`; did you mean `outputs`?",
            ])
    }

    @Test func theFileIsReadLikeProtocolFiles() throws {
        func problems(_ path: String) -> [String] {
            guard case .failure(let failure) = BoardFile.load(path) else { return [] }
            return failure.diagnostics.map(\.description)
        }
        #expect(problems("/dev/zero") == ["/dev/zero:1:1: error: (document): not a regular file"])
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("board-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let latin1 = folder.appendingPathComponent("latin1.yaml")
        try Data("consumer: dwelld\nbeds:\n  1:\n    outputs: { green: caf\u{E9}".utf8.dropLast(2) + [0xE9]).write(
            to: latin1)
        #expect(
            problems(latin1.path).first?.hasPrefix(
                "\(latin1.path):4:26: error: (document): the file is not valid UTF-8") == true,
            "\(problems(latin1.path))")
        let valid = folder.appendingPathComponent("board.yaml")
        try Self.valid.write(to: valid, atomically: true, encoding: .utf8)
        #expect(problems(valid.path).isEmpty)
    }

    @Test func yamlSyntaxErrorsHaveAPlace() {
        let found = problems("beds:\n  1: [unclosed\n")
        #expect(found.count == 1)
        #expect(found.first?.hasPrefix("board.yaml:") == true)
        #expect(found.first?.contains("YAML syntax") == true)
    }
}
