#define _GNU_SOURCE
#include "CDwellBench.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>

static int64_t to_ns(struct timespec t) { return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec; }

static struct timespec from_ns(int64_t ns) {
    struct timespec t = { .tv_sec = ns / 1000000000LL, .tv_nsec = ns % 1000000000LL };
    return t;
}

int dwell_bench_absolute_sleep_loop(int64_t interval_ns, int count, int64_t *lateness_ns) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return errno;
    int64_t start = to_ns(now);
    for (int i = 0; i < count; i++) {
        int64_t deadline = start + (int64_t)(i + 1) * interval_ns;
        struct timespec target = from_ns(deadline);
        int result;
        while ((result = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, NULL)) == EINTR) {}
        if (result != 0) return result;
        clock_gettime(CLOCK_MONOTONIC, &now);
        lateness_ns[i] = to_ns(now) - deadline;
    }
    return 0;
}

int dwell_bench_relative_sleep_loop(int64_t interval_ns, int count, int64_t *error_ns) {
    struct timespec now;
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0) return errno;
    int64_t start = to_ns(now);
    for (int i = 0; i < count; i++) {
        struct timespec relative = from_ns(interval_ns);
        while (nanosleep(&relative, &relative) != 0 && errno == EINTR) {}
        clock_gettime(CLOCK_MONOTONIC, &now);
        error_ns[i] = to_ns(now) - (start + (int64_t)(i + 1) * interval_ns);
    }
    return 0;
}

struct floor_run {
    int64_t interval_ns;
    int count;
    int64_t *lateness_ns;
    int priority;
    int result;
    int realtime;
};

static void *floor_thread(void *context) {
    struct floor_run *run = context;
    if (run->priority > 0) {
        struct sched_param parameters = { .sched_priority = run->priority };
        run->realtime = pthread_setschedparam(pthread_self(), SCHED_FIFO, &parameters) == 0;
    }
    run->result = dwell_bench_absolute_sleep_loop(run->interval_ns, run->count, run->lateness_ns);
    return NULL;
}

int dwell_bench_absolute_sleep_thread(int64_t interval_ns, int count, int64_t *lateness_ns, int priority,
                                      int *realtime) {
    struct floor_run run = { interval_ns, count, lateness_ns, priority, 0, 0 };
    pthread_t thread;
    int created = pthread_create(&thread, NULL, floor_thread, &run);
    if (created != 0) return created;
    pthread_join(thread, NULL);
    *realtime = run.realtime;
    return run.result;
}
