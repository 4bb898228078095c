import CGpiod
import Glibc

/// A GPIO operation that failed, with the errno the kernel or libgpiod gave and its text.
public struct GPIOError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was being done, e.g. `open chip /dev/gpiochip0` or `set bed1.green (gpiochip0 line 3)`.
    public var operation: String
    /// The errno value (positive), e.g. `ENODEV`'s 19.
    public var code: Int32

    public init(_ operation: String, code: Int32) {
        self.operation = operation
        self.code = code
    }

    /// The C library's text for the errno, e.g. "No such device".
    public var reason: String { String(cString: strerror(code)) }

    public var description: String {
        // Without a library every call fails alike: say why, not only "Can not access a needed shared library".
        if code == GPIOLibrary.notLoadedCode, case .failure(let error) = GPIOLibrary.load() {
            return "\(operation): \(error.message)"
        }
        return "\(operation): \(reason) (errno \(code))"
    }

    /// Turns a facade result (`0`/positive on success, `-errno` on failure) into a value or an error.
    @discardableResult
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GPIOError) -> Int32 {
        guard result < 0 else { return result }
        throw GPIOError(operation(), code: -result)
    }
}

/// libgpiod, loaded at run time: `libgpiod.so.3` (2.x) first, then `libgpiod.so.2` (1.6), or
/// only the file the environment variable `DWELL_LIBGPIOD` names. Loaded once, on first use.
public enum GPIOLibrary {
    /// The errno every GPIO call fails with when no libgpiod could be loaded (ELIBACC).
    public static let notLoadedCode: Int32 = ELIBACC

    /// Which file was loaded, its version and API, e.g. `libgpiod.so.2 (1.6.3, v1 API)`; or,
    /// when none could be loaded, one line naming what was tried and the Debian package to
    /// install (`libgpiod2` on Debian 12 / bookworm, `libgpiod3` on Debian 13 / trixie).
    public static func load() -> Result<String, GPIOLibraryError> {
        if let version = cg_library_version() { return .success(String(cString: version)) }
        let reason = cg_load_error().map { String(cString: $0) } ?? "cannot load libgpiod"
        return .failure(GPIOLibraryError(message: reason))
    }
}

/// No libgpiod could be loaded: what was tried and the Debian package to install.
public struct GPIOLibraryError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// The libgpiod in use, e.g. `libgpiod.so.2 (1.6.3, v1 API)`, or why none could be loaded.
public var gpiodLibraryVersion: String {
    switch GPIOLibrary.load() {
    case .success(let version): return version
    case .failure(let error): return error.message
    }
}
