// linewatch: the gpio-sim test's eyes and clock inside the guest (built static on the host).
//
//   linewatch watch NAME=PATH ...   print "<ms> <NAME> <0|1>" whenever a sysfs value file
//                                   changes (and once at start); NAME=!PATH inverts (active-low
//                                   lines are logged as their logical level). Polls every 2 ms
//                                   until SIGTERM. A file that cannot be read any more (the chip
//                                   was removed) is logged once as "<ms> <NAME> gone". When
//                                   two polls are more than 50 ms apart the guest was stalled
//                                   (TCG on a busy host): "<ms> stall <gap-ms>" at its end.
//   linewatch now                   print CLOCK_MONOTONIC in ms (the same clock as "watch")
//   linewatch until MS              sleep until CLOCK_MONOTONIC reaches MS
//   linewatch get PORT PATH         GET http://127.0.0.1:PORT/PATH and print the body; exits 1
//                                   unless the status is 2xx (busybox wget in a static busybox
//                                   crashes resolving names; this never resolves any)
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_LINES 16
#define STALL_MS 50

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
    long long previous = now_ms();
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
        long long now = now_ms();
        if (now - previous > STALL_MS) printf("%lld stall %lld\n", now, now - previous);
        previous = now;
    }
    return 0;
}

static int get(int port, const char *path) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval limit = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
    if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) return 1;
    char request[512];
    int length = snprintf(request, sizeof request, "GET %s HTTP/1.0\r\nHost: 127.0.0.1:%d\r\n\r\n", path, port);
    if (write(fd, request, (size_t)length) != length) return 1;
    static char reply[65536];
    size_t used = 0;
    ssize_t count;
    while (used < sizeof reply - 1 && (count = read(fd, reply + used, sizeof reply - 1 - used)) > 0) used += (size_t)count;
    close(fd);
    reply[used] = '\0';
    char *body = strstr(reply, "\r\n\r\n");
    if (strncmp(reply, "HTTP/1.", 7) != 0 || reply[9] != '2' || !body) return 1;
    fputs(body + 4, stdout);
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
    if (argc == 4 && strcmp(argv[1], "get") == 0) return get(atoi(argv[2]), argv[3]);
    fprintf(stderr, "usage: linewatch watch NAME=[!]PATH... | now | until MS | get PORT PATH\n");
    return 2;
}
