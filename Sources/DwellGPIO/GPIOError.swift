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

    public var description: String { "\(operation): \(reason) (errno \(code))" }

    /// Turns a facade result (`0`/positive on success, `-errno` on failure) into a value or an error.
    @discardableResult
    static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(GPIOError) -> Int32 {
        guard result < 0 else { return result }
        throw GPIOError(operation(), code: -result)
    }
}

/// The version of libgpiod the facade was compiled against, e.g. `v1 1.6.3`.
public var gpiodLibraryVersion: String { String(cString: cg_library_version()) }
