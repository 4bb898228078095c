#if canImport(Glibc)
    import Glibc
#endif

/// A serial executor with one thread of its own, for the beds' ``SessionRunner`` actors: a cue
/// the ``TimerThread`` wakes is handled (event, lateness, the next lookahead for the lamps) at
/// once, not when Swift's cooperative pool (one thread per core, shared with every HTTP request
/// and the record) gets round to it. With both cores busy that pool made the recorded cue
/// p99 12.5 ms late. Jobs run in the order they came, one at a time, so actor isolation holds
/// for every runner on it. The thread asks for `SCHED_FIFO` one step below the timer thread, so
/// an edge that comes due preempts a runner's work and not the other way round.
///
/// It is a task executor too: a runner's timer task prefers it, so when the timer thread resumes
/// the task's sleep the task goes straight to this thread. (A continuation resumed from a thread
/// outside Swift's pool is otherwise enqueued on the pool first, and only then hops to the
/// actor: the wait this executor is here to avoid.)
public final class RunnerExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
    /// The executor of every runner on a ``PrecisionClock`` (dwelld's beds).
    public static let realtime = RunnerExecutor(name: "dwell-runner", realtimePriority: 9)

    // Guarded by `mutex` (hence @unchecked Sendable).
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var jobs: [UnownedJob] = []
    private var started = false
    private var schedulingNote = "not started"
    private let name: String
    private let realtimePriority: Int32?

    /// An executor whose thread, once a job comes, is called `name` (`top -H` shows it) and asks
    /// for `SCHED_FIFO` at `realtimePriority` when given one.
    public init(name: String, realtimePriority: Int32? = nil) {
        self.name = name
        self.realtimePriority = realtimePriority
        // A pool thread enqueueing a job holds the lock at the runner thread's priority.
        initPriorityInheritingMutex(mutex)
        pthread_cond_init(condition, nil)
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        locked {
            startIfNeeded()
            jobs.append(job)
            pthread_cond_signal(condition)
        }
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Starts the thread (if it is not running) and says how it is scheduled, once it knows.
    @discardableResult
    public func start() -> String {
        locked {
            startIfNeeded()
            while started && schedulingNote == Self.starting { pthread_cond_wait(condition, mutex) }
            return schedulingNote
        }
    }

    /// Whether the thread got `SCHED_FIFO`.
    public var isRealtime: Bool { locked { schedulingNote.hasPrefix("SCHED_FIFO") } }

    private static let starting = "starting"

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    /// Called with the lock held. The thread lives as long as the process.
    private func startIfNeeded() {
        guard !started else { return }
        switch startThread({ [self] in run() }) {
        case .success:
            started = true
            schedulingNote = Self.starting
        case .failure(let error):
            // Without its own thread the executor cannot run anything: that is not recoverable.
            preconditionFailure("\(name): the runner thread could not be created (\(error))")
        }
    }

    private func run() {
        nameThread(name)
        let note = realtimePriority.map { requestRealtime(priority: $0) } ?? "normal scheduling"
        pthread_mutex_lock(mutex)
        schedulingNote = note
        pthread_cond_broadcast(condition)
        while true {
            while jobs.isEmpty { pthread_cond_wait(condition, mutex) }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            pthread_mutex_unlock(mutex)
            for job in batch {
                job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
            }
            pthread_mutex_lock(mutex)
        }
    }
}
