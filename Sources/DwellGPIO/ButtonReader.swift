import Foundation
import Glibc
import Synchronization

/// What a bed's buttons report.
public enum ButtonEvent: Equatable, Sendable {
    /// A debounced press.
    case pressed(ButtonRole)
    /// A button can no longer be read (the chip vanished); the others go on.
    case failed(ButtonRole, String)
}

/// Reads a bed's button lines on a dedicated thread that sleeps in `poll()` on their request
/// descriptors (and a wake-up pipe), so it never occupies the Swift concurrency pool. Edges are
/// debounced with ``Debouncer``; presses come out of ``events`` in order.
public final class ButtonReader: Sendable {
    public let events: AsyncStream<ButtonEvent>
    private let continuation: AsyncStream<ButtonEvent>.Continuation
    private let buttons: [(role: ButtonRole, line: GPIOLine)]
    private let interval: Duration
    /// The wake-up pipe: [read end, write end].
    private let wake: Mutex<(read: Int32, write: Int32, running: Bool)>
    private let finished = DispatchSemaphore(value: 0)

    public init(buttons: [ButtonRole: GPIOLine], debounce: Duration) {
        self.buttons = buttons.sorted { $0.key < $1.key }.map { (role: $0.key, line: $0.value) }
        self.interval = debounce
        (events, continuation) = AsyncStream.makeStream(of: ButtonEvent.self, bufferingPolicy: .unbounded)
        wake = Mutex((-1, -1, false))
    }

    /// Starts the reading thread (once).
    public func start() throws(GPIOError) {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw GPIOError("create the button wake-up pipe", code: errno) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var watched: [(role: ButtonRole, line: GPIOLine, fd: Int32, debouncer: Debouncer)] = []
        for (role, line) in buttons {
            do {
                let fd = try line.eventDescriptor()
                let level = (try? line.get()) ?? false
                watched.append((role, line, fd, Debouncer(interval: interval, initial: level)))
            } catch {
                continuation.yield(.failed(role, error.description))
            }
        }
        wake.withLock { $0 = (fds[0], fds[1], true) }
        let (lines, wakeFD) = (watched, fds[0])
        let thread = Thread { [self] in
            run(lines, wakeFD: wakeFD)
            finished.signal()
        }
        thread.name = "dwell-buttons"
        thread.start()
    }

    /// Stops the thread and waits for it; the lines stay requested (their owner releases them).
    public func stop() {
        let (readFD, writeFD, running) = wake.withLock { state in
            let current = state
            state.running = false
            return current
        }
        guard running else { return }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
        finished.wait()
        close(readFD)
        close(writeFD)
        continuation.finish()
    }

    private func run(_ initial: [(role: ButtonRole, line: GPIOLine, fd: Int32, debouncer: Debouncer)], wakeFD: Int32) {
        var watched = initial
        while true {
            var polls = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
            polls += watched.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            let now = Self.monotonicNow()
            let deadline = watched.compactMap(\.debouncer.deadline).min()
            let timeout = deadline.map { Int32(clamping: ($0 > now ? $0 - now : 0) / 1_000_000 + 1) } ?? -1
            let ready = poll(&polls, nfds_t(polls.count), timeout)
            if ready < 0 && errno != EINTR { return }
            if polls[0].revents != 0 { return }
            for index in watched.indices where polls[index + 1].revents != 0 {
                let revents = Int32(polls[index + 1].revents)
                if revents & Int32(POLLIN) != 0 {
                    do {
                        let edge = try watched[index].line.readEdge()
                        let now = Self.monotonicNow()
                        // Kernel timestamps are CLOCK_MONOTONIC; anything else (very old kernels) is replaced.
                        let at =
                            edge.nanoseconds <= now && now - edge.nanoseconds < 10_000_000_000 ? edge.nanoseconds : now
                        deliver(watched[index].debouncer.edge(active: edge.active, at: at), watched[index].role)
                        continue
                    } catch {
                        fail(&watched[index], error.description)
                        continue
                    }
                }
                fail(
                    &watched[index],
                    "\(watched[index].line.label) reported an error or hang-up (poll events \(revents))")
            }
            let later = Self.monotonicNow()
            for index in watched.indices {
                deliver(watched[index].debouncer.advance(to: later), watched[index].role)
            }
            watched.removeAll { $0.fd < 0 }
        }
    }

    private func deliver(_ transition: Debouncer.Transition?, _ role: ButtonRole) {
        if transition == .pressed { continuation.yield(.pressed(role)) }
    }

    private func fail(
        _ button: inout (role: ButtonRole, line: GPIOLine, fd: Int32, debouncer: Debouncer), _ message: String
    ) {
        continuation.yield(.failed(button.role, "button \(button.role.rawValue): \(message)"))
        button.fd = -1
    }

    static func monotonicNow() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
