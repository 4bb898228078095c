#if canImport(Glibc)
    import Glibc
#endif

/// Why a thread could not be created: `pthread_create`'s error number.
struct ThreadStartError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { "error \(code): \(String(cString: strerror(code)))" }
}

/// What a new thread runs, handed to it through `pthread_create`'s context pointer.
private final class ThreadBody {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
}

/// Starts a POSIX thread (not one of Swift's pool) that runs `body`, as the timer and runner
/// threads need for their own scheduling class and name.
func startThread(_ body: @escaping @Sendable () -> Void) -> Result<pthread_t, ThreadStartError> {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(
        &thread, nil,
        { context in
            guard let context else { return nil }
            Unmanaged<ThreadBody>.fromOpaque(context).takeRetainedValue().run()
            return nil
        }, context)
    guard result == 0 else {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return .failure(ThreadStartError(code: result))
    }
    return .success(thread)
}

/// Initialises `mutex` with priority inheritance: a normally scheduled thread holding it runs at
/// the priority of a real-time thread waiting for it, until it lets go (no priority inversion).
func initPriorityInheritingMutex(_ mutex: UnsafeMutablePointer<pthread_mutex_t>) {
    var attributes = pthread_mutexattr_t()
    pthread_mutexattr_init(&attributes)
    pthread_mutexattr_setprotocol(&attributes, Int32(PTHREAD_PRIO_INHERIT))
    pthread_mutex_init(mutex, &attributes)
    pthread_mutexattr_destroy(&attributes)
}

/// Asks for `SCHED_FIFO` at `priority` for the calling thread (needs `LimitRTPRIO=` or
/// CAP_SYS_NICE); says what the thread got.
func requestRealtime(priority: Int32) -> String {
    var parameters = sched_param()
    parameters.sched_priority = priority
    let result = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters)
    guard result == 0 else {
        return
            "normal scheduling: SCHED_FIFO \(priority) was refused (\(String(cString: strerror(result))));"
            + " grant it with LimitRTPRIO=\(priority) (systemd) or CAP_SYS_NICE"
    }
    return "SCHED_FIFO \(priority)"
}

/// Names the calling thread as `top -H` and `ps -L` show it (the kernel keeps 15 bytes).
func nameThread(_ name: String) {
    let descriptor = open("/proc/thread-self/comm", O_WRONLY)
    guard descriptor >= 0 else { return }
    _ = String(name.utf8.prefix(15))?.withCString { write(descriptor, $0, strlen($0)) }
    close(descriptor)
}
