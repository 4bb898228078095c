#if canImport(Glibc)
    import Glibc
#endif

/// One dedicated thread that runs every bed's timed work: it waits on a condition variable bound
/// to CLOCK_MONOTONIC until the earliest absolute deadline of its ``TimerSchedule`` (the kernel's
/// high-resolution timer, as `clock_nanosleep(TIMER_ABSTIME)` uses), and is woken early when an
/// earlier deadline is scheduled. Actions run on this thread, outside its lock, in deadline order:
/// they must be short (set lamp lines, resume a sleeping task). It asks for `SCHED_FIFO` at a low
/// priority when the process may have it; ``scheduling`` says what it got.
public final class TimerThread: @unchecked Sendable {
    public typealias Action = @Sendable () -> Void

    /// The process's timer thread, started on first use.
    public static let shared = TimerThread(realtimePriority: 10)

    // Guarded by `mutex` (hence @unchecked Sendable): the schedule, the owner counter, `stopping`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var schedule = TimerSchedule<Action>()
    private var nextOwner = 0
    private var stopping = false
    private var thread = pthread_t()
    private var started = false
    private var schedulingNote = "not started"
    private let realtimePriority: Int32?

    /// A timer thread; with `realtimePriority` it asks for `SCHED_FIFO` at that priority.
    public init(realtimePriority: Int32? = nil) {
        self.realtimePriority = realtimePriority
        // Priority inheritance: a bed's actor thread holding the lock to schedule an edge runs at
        // the timer thread's priority while the timer thread waits for it (no inversion).
        initPriorityInheritingMutex(mutex)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    /// Now on CLOCK_MONOTONIC, in nanoseconds (the deadlines' clock).
    public static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    /// How the thread is scheduled: `SCHED_FIFO <priority>`, or why it runs with normal scheduling.
    public var scheduling: String { locked { schedulingNote } }

    /// Whether the thread got `SCHED_FIFO`.
    public var isRealtime: Bool { locked { schedulingNote.hasPrefix("SCHED_FIFO") } }

    /// Starts the thread (if it is not running) and says how it is scheduled, once it knows.
    @discardableResult
    public func start() -> String {
        locked {
            startIfNeeded()
            while started && schedulingNote == Self.starting { pthread_cond_wait(condition, mutex) }
            return schedulingNote
        }
    }

    private static let starting = "starting"

    /// A new owner key: what one owner schedules is cancelled together.
    public func makeOwner() -> Int {
        locked {
            nextOwner += 1
            return nextOwner
        }
    }

    /// Runs `action` on the timer thread at `deadline` (ns on CLOCK_MONOTONIC, see ``now()``),
    /// unless `owner` is cancelled first. A deadline already past runs at once.
    public func schedule(at deadline: Int64, owner: Int, _ action: @escaping Action) {
        locked {
            startIfNeeded()
            schedule.schedule(action, at: deadline, owner: owner)
            pthread_cond_broadcast(condition)
        }
    }

    /// What `owner` has scheduled and not yet run will not run.
    public func cancel(owner: Int) {
        locked { schedule.cancel(owner: owner) }
    }

    /// Ends the thread after the actions it is running (pending ones are dropped) and waits for it.
    public func stop() {
        let running: Bool = locked {
            stopping = true
            pthread_cond_broadcast(condition)
            return started
        }
        if running { pthread_join(thread, nil) }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Called with the lock held.
    private func startIfNeeded() {
        guard !started, !stopping else { return }
        switch startThread({ [self] in run() }) {
        case .success(let thread):
            self.thread = thread
            started = true
            schedulingNote = Self.starting
        case .failure(let error):
            schedulingNote = "the timer thread could not be created (\(error))"
        }
    }

    private func run() {
        nameThread("dwell-timer")
        let note =
            realtimePriority.map { requestRealtime(priority: $0) }
            ?? "normal scheduling (no real-time priority asked for)"
        pthread_mutex_lock(mutex)
        schedulingNote = note
        pthread_cond_broadcast(condition)
        while !stopping {
            guard let deadline = schedule.nextDeadline() else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            let now = Self.now()
            if deadline > now {
                var until = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &until)
                continue
            }
            let due = schedule.popDue(now: now)
            pthread_mutex_unlock(mutex)
            for action in due { action() }
            pthread_mutex_lock(mutex)
        }
        pthread_mutex_unlock(mutex)
    }
}
