import DwellWire

/// Reads the API bearer token: a private file (0600) of one line, or dwelld refuses to start.
public enum TokenFile {
    public static let minimumLength = SecretFile.token.minimumLength

    /// The token (whitespace around it trimmed), or why it cannot be used.
    public static func read(_ path: String) -> Result<String, SecretFileProblem> { SecretFile.token.read(path) }
}
