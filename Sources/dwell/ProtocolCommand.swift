import ArgumentParser
import DwellCore
import DwellProtocolFiles
import Foundation

struct ProtocolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "protocol",
        abstract: "Validate and inspect treatment protocol files.",
        subcommands: [Validate.self, Show.self]
    )

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check protocol files and folders; report every problem.",
            discussion: """
                Each problem is printed to stderr as `path:line:column: error: field: message`. \
                Folders are checked file by file (*.yaml, *.yml), and protocol ids must be unique \
                across everything given. Exit status: 0 when all files are valid, 65 otherwise.
                """
        )

        @Argument(help: ArgumentHelp("Protocol files or folders.", valueName: "file-or-folder"))
        var paths: [String]

        @OptionGroup var clinic: ClinicOptions

        func run() throws {
            let library = ProtocolLibrary.load(paths, limits: clinic.limits)
            for diagnostic in library.diagnostics { printError(diagnostic.description) }
            let invalid = Set(library.diagnostics.map(\.path)).count
            if library.isValid {
                print("\(library.protocols.count) protocol\(library.protocols.count == 1 ? "" : "s") valid")
            } else {
                let errors = library.diagnostics.map(\.problems).reduce(0, +)
                printError("\(errors) error\(errors == 1 ? "" : "s") in \(invalid) file\(invalid == 1 ? "" : "s")")
                throw dataErrorExit
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a protocol's timeline as a table and a proportional bar."
        )

        @Argument(help: ArgumentHelp("A protocol file.", valueName: "file"))
        var path: String

        @Option(help: "Width of the timeline bar in characters.")
        var width: Int = 60

        @OptionGroup var clinic: ClinicOptions

        func run() throws {
            let loaded = try loadProtocol(path, limits: clinic.limits)
            print(TimelineTable(loaded.treatment, barWidth: max(10, min(width, 400))).render(), terminator: "")
        }
    }
}

/// Loads one protocol, printing its diagnostics and exiting 65 when it is invalid.
func loadProtocol(_ path: String, limits: ClinicLimits) throws -> LoadedProtocol {
    switch ProtocolLibrary.loadFile(path, limits: limits) {
    case .success(let loaded):
        return loaded
    case .failure(let failure):
        for diagnostic in failure.diagnostics { printError(diagnostic.description) }
        throw dataErrorExit
    }
}

func printError(_ line: String) {
    var standardError = StandardError()
    print(line, to: &standardError)
}

struct StandardError: TextOutputStream {
    mutating func write(_ string: String) {
        FileHandle.standardError.write(Data(string.utf8))
    }
}
