// linewatch: the gpio-sim test's eyes and clock inside the guest (built static on the host).
//
//   linewatch watch NAME=PATH ...   print "<ms> <NAME> <0|1>" whenever a sysfs value file
//                                   changes (and once at start); NAME=!PATH inverts (active-low
//                                   lines are logged as their logical level). Polls every 2 ms
//                                   until SIGTERM. A file that cannot be read any more (the chip
//                                   was removed) is logged once as "<ms> <NAME> gone".
//   linewatch now                   print CLOCK_MONOTONIC in ms (the same clock as "watch")
//   linewatch until MS              sleep until CLOCK_MONOTONIC reaches MS
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINES 16

static volatile sig_atomic_t stop;

static void on_signal(int number) {
    (void)number;
    stop = 1;
}

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int read_value(int fd) {
    char buffer[8];
    ssize_t count = pread(fd, buffer, sizeof buffer, 0);
    if (count <= 0) return -1;
    return buffer[0] == '1' ? 1 : 0;
}

static int watch(int count, char **specs) {
    char *names[MAX_LINES];
    int fds[MAX_LINES], inverted[MAX_LINES], last[MAX_LINES];
    if (count > MAX_LINES) count = MAX_LINES;
    for (int index = 0; index < count; index++) {
        char *equals = strchr(specs[index], '=');
        if (!equals) {
            fprintf(stderr, "linewatch: expected NAME=PATH, not %s\n", specs[index]);
            return 2;
        }
        *equals = '\0';
        names[index] = specs[index];
        char *path = equals + 1;
        inverted[index] = path[0] == '!';
        if (inverted[index]) path++;
        fds[index] = open(path, O_RDONLY | O_CLOEXEC);
        if (fds[index] < 0) {
            perror(path);
            return 2;
        }
        last[index] = -2;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    setvbuf(stdout, NULL, _IOLBF, 0);
    struct timespec period = {0, 2000000};
    while (!stop) {
        for (int index = 0; index < count; index++) {
            if (last[index] == -1) continue;
            int value = read_value(fds[index]);
            if (value < 0) {
                printf("%lld %s gone\n", now_ms(), names[index]);
                last[index] = -1;
                continue;
            }
            if (inverted[index]) value = !value;
            if (value != last[index]) {
                printf("%lld %s %d\n", now_ms(), names[index], value);
                last[index] = value;
            }
        }
        nanosleep(&period, NULL);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 2 && strcmp(argv[1], "now") == 0) {
        printf("%lld\n", now_ms());
        return 0;
    }
    if (argc == 3 && strcmp(argv[1], "until") == 0) {
        long long target = atoll(argv[2]);
        long long left;
        while ((left = target - now_ms()) > 0) {
            struct timespec pause = {left / 1000, (left % 1000) * 1000000};
            nanosleep(&pause, NULL);
        }
        return 0;
    }
    if (argc >= 3 && strcmp(argv[1], "watch") == 0) return watch(argc - 2, argv + 2);
    fprintf(stderr, "usage: linewatch watch NAME=[!]PATH... | now | until MS\n");
    return 2;
}
