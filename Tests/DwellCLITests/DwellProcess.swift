import Foundation

/// Runs the built `dwell` executable and captures what it prints.
struct DwellProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Killed because it was still running after `killAfter`.
        var killed = false
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../..").standardized

    /// The `dwell` binary next to the test bundle (SwiftPM builds it because the tests depend on it).
    static let executable: URL = {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("dwell")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return packageRoot.appendingPathComponent(".build/debug/dwell")
    }()

    /// Runs the executable to its end; with `killAfter`, a child still running then is killed
    /// (SIGKILL) and the result says so.
    static func run(_ arguments: [String], executable: URL = executable, killAfter: Duration? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        // stderr goes to a file so that neither stream can fill up and block the child.
        let errorPath = NSTemporaryDirectory() + "dwell-stderr-" + UUID().uuidString
        FileManager.default.createFile(atPath: errorPath, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let errorFile = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errorFile
        try process.run()
        let watchdog = DispatchWorkItem { [pid = process.processIdentifier] in kill(pid, SIGKILL) }
        if let killAfter {
            let milliseconds = Int(killAfter.components.seconds) * 1_000
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds), execute: watchdog)
        }
        let outData = readAll(out.fileHandleForReading.fileDescriptor)
        process.waitUntilExit()
        watchdog.cancel()
        try errorFile.close()
        let errData = FileManager.default.contents(atPath: errorPath) ?? Data()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self),
            killed: process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)
    }

    /// Reads until end of file, retrying reads a signal interrupts (Foundation's own readers trap on EINTR).
    static func readAll(_ descriptor: Int32) -> Data {
        var data = Data()
        while let chunk = readSome(descriptor), !chunk.isEmpty { data += chunk }
        return data
    }

    /// One read of up to 64 KiB; empty at end of file, nil on an error other than EINTR.
    static func readSome(_ descriptor: Int32) -> Data? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(descriptor, &buffer, buffer.count)
            if count >= 0 { return Data(buffer[0..<count]) }
            if errno != EINTR { return nil }
        }
    }
}

/// Runs blocking work (a child process and its output) on a thread of its own, never on the
/// concurrency pool, which every suite of the test process shares (one thread per core).
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { done in
        Thread { done.resume(with: Result { try body() }) }.start()
    }
}
