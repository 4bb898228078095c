import Glibc

/// Reads the API bearer token the way ssh reads a private key: the file must be a regular file
/// that neither group nor others may read or write, or dwelld refuses to start.
public enum TokenFile {
    /// Longer files are refused: a token is one line.
    public static let maximumSize = 4_096
    public static let minimumLength = 16

    /// The token (whitespace around it trimmed), or why it cannot be used.
    public static func read(_ path: String) -> Result<String, TokenFileProblem> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            return .failure(TokenFileProblem("cannot open the token file \(path): \(String(cString: strerror(errno)))"))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return .failure(
                TokenFileProblem("cannot check the token file \(path): \(String(cString: strerror(errno)))"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .failure(TokenFileProblem("the token file \(path) is not a regular file"))
        }
        let mode = info.st_mode & 0o7777
        guard mode & 0o077 == 0 else {
            let octal = String(mode, radix: 8)
            return .failure(
                TokenFileProblem(
                    "the token file \(path) has mode \(String(repeating: "0", count: max(0, 4 - octal.count)) + octal): "
                        + "group or others may read or write it, so the token is not secret; run `chmod 600 \(path)` "
                        + "(as ssh requires of its keys)"))
        }
        guard info.st_size <= maximumSize else {
            return .failure(
                TokenFileProblem(
                    "the token file \(path) is \(info.st_size) bytes; a token file holds one line (at most \(maximumSize) bytes)"
                ))
        }
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes[count...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                return .failure(
                    TokenFileProblem("cannot read the token file \(path): \(String(cString: strerror(errno)))"))
            }
            if got == 0 { break }
            count += got
        }
        guard count <= maximumSize, let text = String(validating: bytes[..<count], as: UTF8.self) else {
            return .failure(TokenFileProblem("the token file \(path) is not one line of UTF-8 text"))
        }
        let token = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        guard token.count >= minimumLength else {
            return .failure(TokenFileProblem("the token in \(path) is shorter than \(minimumLength) characters"))
        }
        return .success(token)
    }
}

/// Why the token file cannot be used, naming the file (and the fix).
public struct TokenFileProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
