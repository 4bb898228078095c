import Glibc

/// Reads a secret (the API bearer token, a hub password) the way ssh reads a private key: the
/// file must be a regular file that neither group nor others may read or write, or it is refused.
public struct SecretFile: Sendable {
    /// Longer files are refused: a secret is one line.
    public static let maximumSize = 4_096
    /// What the file is called in messages (`token file`, `password file`) and what it holds.
    public var kind: String
    public var noun: String
    public var minimumLength: Int

    /// The API bearer token's file.
    public static let token = SecretFile(kind: "token file", noun: "token", minimumLength: 16)
    /// A clinic hub device's PostgreSQL password.
    public static let password = SecretFile(kind: "password file", noun: "password", minimumLength: 12)

    public init(kind: String, noun: String, minimumLength: Int) {
        self.kind = kind
        self.noun = noun
        self.minimumLength = minimumLength
    }

    /// The secret (whitespace around it trimmed), or why it cannot be used.
    public func read(_ path: String) -> Result<String, SecretFileProblem> {
        let maximumSize = Self.maximumSize
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            return .failure(SecretFileProblem("cannot open the \(kind) \(path): \(String(cString: strerror(errno)))"))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return .failure(
                SecretFileProblem("cannot check the \(kind) \(path): \(String(cString: strerror(errno)))"))
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return .failure(SecretFileProblem("the \(kind) \(path) is not a regular file"))
        }
        let mode = info.st_mode & 0o7777
        guard mode & 0o077 == 0 else {
            let octal = String(mode, radix: 8)
            return .failure(
                SecretFileProblem(
                    "the \(kind) \(path) has mode \(String(repeating: "0", count: max(0, 4 - octal.count)) + octal): "
                        + "group or others may read or write it, so the \(noun) is not secret; run `chmod 600 \(path)` "
                        + "(as ssh requires of its keys)"))
        }
        guard info.st_size <= maximumSize else {
            return .failure(
                SecretFileProblem(
                    "the \(kind) \(path) is \(info.st_size) bytes; a \(kind) holds one line (at most \(maximumSize) bytes)"
                ))
        }
        var bytes = [UInt8](repeating: 0, count: maximumSize + 1)
        var count = 0
        while count < bytes.count {
            let got = bytes[count...].withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                return .failure(
                    SecretFileProblem("cannot read the \(kind) \(path): \(String(cString: strerror(errno)))"))
            }
            if got == 0 { break }
            count += got
        }
        guard count <= maximumSize, let text = String(validating: bytes[..<count], as: UTF8.self) else {
            return .failure(SecretFileProblem("the \(kind) \(path) is not one line of UTF-8 text"))
        }
        let token = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        guard token.count >= minimumLength else {
            return .failure(SecretFileProblem("the \(noun) in \(path) is shorter than \(minimumLength) characters"))
        }
        return .success(token)
    }
}

/// Why a secret file cannot be used, naming the file (and the fix).
public struct SecretFileProblem: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
