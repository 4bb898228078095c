import Foundation
import Logging

/// Log lines as `label: message` on stderr, for the bed layer's messages in a command-line run
/// (dwelld's logger adds timestamps and levels; a terminal needs neither).
struct PlainLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        FileHandle.standardError.write(Data("\(label): \(event.message)\n".utf8))
    }
}

extension Logger {
    /// A logger that prints `label: message` lines to stderr.
    static func plain(_ label: String) -> Logger {
        Logger(label: label) { PlainLogHandler(label: $0) }
    }
}
