import DwellWire
import Foundation
import Testing

/// The kiosk page speaks the wire's words: every command it sends is a `CommandName`, every bed
/// state it switches on is a `BedPhase` word. (The page is JavaScript, so it cannot share the
/// Swift enums; this holds it to them.)
struct KioskWordsTests {
    static func modules() throws -> [(name: String, text: String)] {
        let folder = packageRoot.appendingPathComponent("Sources/DwellDaemon/Kiosk/js")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".js") }
            .sorted()
        return try names.map { ($0, try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// The first capture of every match of `pattern` in `text`.
    static func words(_ pattern: String, in text: String) throws -> [String] {
        let regex = try NSRegularExpression(pattern: pattern)
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }

    @Test func everyCommandThePageSendsIsAWireCommand() throws {
        let known = Set(CommandName.allCases.map(\.rawValue))
        var sent: [String: Set<String>] = [:]
        for (name, text) in try Self.modules() {
            // `cmd: "needles-out"`, `send(bed.id, "ack")`, `command(closeBed, "close")`, and the
            // words of the card's action buttons (`["pause", "Pause", ""]`).
            var patterns = [#"cmd: "([a-z-]+)""#, #"(?:send|command)\([A-Za-z.]+, "([a-z-]+)""#]
            if name == "actions.js" { patterns.append(#"\["([a-z-]+)", "[^"]*", "[^"]*"\]"#) }
            for pattern in patterns {
                for word in try Self.words(pattern, in: text) { sent[word, default: []].insert(name) }
            }
        }
        // Buttons that open a form or a dialog on the page rather than send a command.
        let pageOnly: Set<String> = ["start", "needles"]
        #expect(sent.count > 8, "the patterns still find the page's commands: \(sent.keys.sorted())")
        for (word, files) in sent where !pageOnly.contains(word) {
            #expect(
                known.contains(word),
                "`\(word)` (in \(files.sorted())) is not a command dwelld takes: \(CommandName.list)")
        }
    }

    @Test func everyStateThePageSwitchesOnIsABedState() throws {
        let known = Set(BedPhase.allWords)
        for (name, text) in try Self.modules() where ["actions.js", "phases.js"].contains(name) {
            let states = try Self.words(#"case "([a-z-]+)":"#, in: text)
            #expect(!states.isEmpty, "\(name) switches on states")
            // actions.js also switches on its own button words after the states.
            let unknown = Set(states).subtracting(known).subtracting(
                Set(CommandName.allCases.map(\.rawValue)) + ["start", "needles"]
            )
            #expect(unknown.isEmpty, "\(name): \(unknown.sorted()) are not bed states (\(BedPhase.allWords))")
        }
    }
}
