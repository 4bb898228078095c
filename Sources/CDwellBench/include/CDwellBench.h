#ifndef CDWELLBENCH_H
#define CDWELLBENCH_H

#include <stdint.h>

/// The physical floor: sleeps until each of `count` deadlines `start + i * interval_ns`
/// (CLOCK_MONOTONIC, TIMER_ABSTIME) and stores how late it woke, in nanoseconds.
/// Returns 0, or an errno value.
int dwell_bench_absolute_sleep_loop(int64_t interval_ns, int count, int64_t *lateness_ns);

/// The naive hobby timer: sleeps `interval_ns` relative to each wake-up, `count` times, and
/// stores how far each wake-up is from its ideal time `start + i * interval_ns` (drift grows).
int dwell_bench_relative_sleep_loop(int64_t interval_ns, int count, int64_t *error_ns);

/// The same loop on a new thread of its own, at SCHED_FIFO `priority` when it is above 0 and the
/// process may have it (`*realtime` says whether it got it): the floor for Dwell's timer thread.
/// Returns 0, or an error number.
int dwell_bench_absolute_sleep_thread(int64_t interval_ns, int count, int64_t *lateness_ns, int priority,
                                      int *realtime);

#endif
