import PostgresNIO

/// What went wrong between a board, or the `dwell` command, and the clinic hub.
public enum HubError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `--postgres` URL (or config `hub.postgres`) cannot be used.
    case badURL(String, String)
    /// A device name that is not a room id.
    case badDevice(String)
    case badPassword(String)
    /// The server refused or failed a statement: its words.
    case server(String)
    /// Nothing answered in time.
    case timedOut(String)
    /// The hub holds a row of this device's that differs from the board's.
    case notIdentical(device: String, seq: Int64, String)
    /// The hub's chain for this device does not continue the board's.
    case fork(device: String, seq: Int64, String)
    /// The schema is newer than this release knows.
    case schemaTooNew(Int, known: Int)
    case unknownDevice(String)

    public var description: String {
        switch self {
        case .badURL(let url, let reason): return "the PostgreSQL URL `\(url)` cannot be used: \(reason)"
        case .badDevice(let name):
            return
                "`\(name)` is not a room id: 1 to 40 lowercase letters, digits or `-`, starting with a letter or digit"
        case .badPassword(let reason): return "the password cannot be used: \(reason)"
        case .server(let message): return "the clinic hub refused: \(message)"
        case .timedOut(let what): return "the clinic hub did not answer in time (\(what))"
        case .notIdentical(let device, let seq, let what):
            return "the clinic hub holds \(device) row \(seq) with different \(what) than this board's record"
        case .fork(let device, let seq, let what):
            return "the clinic hub's chain of \(device) forks at row \(seq): \(what)"
        case .schemaTooNew(let version, let known):
            return "the clinic hub's schema is version \(version); this release knows up to \(known): upgrade dwell"
        case .unknownDevice(let name):
            return "the clinic hub has no device `\(name)`: run `dwell hub add-device --device \(name)` first"
        }
    }

    /// A PostgreSQL error in words (the server's message when it sent one).
    public static func from(_ error: any Error) -> HubError {
        if let error = error as? HubError { return error }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return .server(message + detail)
            }
            if let underlying = error.underlying { return .server("cannot connect: \(underlying)") }
            return .server(String(describing: error.code))
        }
        return .server(String(describing: error))
    }

    /// Room ids: what a device role and the clinic page show.
    public static func isDevice(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 40 else { return false }
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
        }
        return allowed(first) && name.unicodeScalars.allSatisfy { allowed($0) || $0 == "-" }
    }
}
