import DwellCore

/// One problem in a YAML file (a protocol, a board file, the daemon config), printed the way
/// compilers do so editors can jump to it: `path:line:column: error: <field path>: <message>`.
public struct FileDiagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    public var path: String
    /// 1-based line and column (1:1 for problems with the file as a whole).
    public var line: Int
    public var column: Int
    public var field: FieldPath
    public var message: String
    /// How many problems this line stands for: 1, or N for "… and N more problems in this file".
    public var problems = 1

    public init(path: String, line: Int = 1, column: Int = 1, field: FieldPath = .root, message: String) {
        self.path = path
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String { "\(path):\(line):\(column): error: \(field): \(message)" }
}

/// Every problem found in one file.
public struct FileFailure: Error, Sendable {
    public var diagnostics: [FileDiagnostic]

    public init(_ diagnostics: [FileDiagnostic]) { self.diagnostics = diagnostics }
}
