// Finding chips: the device list (no library needed), and opening a chip by name or label.
// Shared by both APIs: it uses only the facade's own open/info/close functions.
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cgpiod_internal.h"

static int chip_number(const char *entry) {
    const char *digits = entry + strlen("gpiochip");
    if (*digits == '\0') return -1;
    for (const char *c = digits; *c; c++) {
        if (*c < '0' || *c > '9') return -1;
    }
    return atoi(digits);
}

static int compare_numbers(const void *lhs, const void *rhs) {
    return *(const int *)lhs - *(const int *)rhs;
}

int cg_chip_paths(char *buffer, size_t size) {
    if (size == 0) return -EINVAL;
    buffer[0] = '\0';
    DIR *dev = opendir("/dev");
    if (!dev) return cg_failure();
    int numbers[256];
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dev)) != NULL && count < 256) {
        if (strncmp(entry->d_name, "gpiochip", 8) != 0) continue;
        int number = chip_number(entry->d_name);
        if (number < 0) continue;
        char path[300];
        snprintf(path, sizeof path, "/dev/%s", entry->d_name);
        struct stat info;
        if (stat(path, &info) != 0 || !S_ISCHR(info.st_mode)) continue;
        numbers[count++] = number;
    }
    closedir(dev);
    qsort(numbers, (size_t)count, sizeof numbers[0], compare_numbers);
    size_t used = 0;
    for (int index = 0; index < count; index++) {
        int written = snprintf(buffer + used, size - used, "/dev/gpiochip%d\n", numbers[index]);
        if (written < 0 || (size_t)written >= size - used) return -ENOBUFS;
        used += (size_t)written;
    }
    return count;
}

/// Opens each chip in turn and keeps the first whose name (or label) matches.
static int open_matching(const char *wanted, int by_label, cg_chip **out) {
    if (cg_library_load() != 0) return -ELIBACC;
    char paths[4096];
    int count = cg_chip_paths(paths, sizeof paths);
    if (count < 0) return count;
    int last_error = -ENOENT;
    char *cursor = NULL;
    for (char *path = strtok_r(paths, "\n", &cursor); path; path = strtok_r(NULL, "\n", &cursor)) {
        cg_chip *chip = NULL;
        int result = cg_chip_open_path(path, &chip);
        if (result < 0) {
            last_error = result == -ENOENT ? last_error : result;
            continue;
        }
        cg_chip_info info;
        if (cg_chip_get_info(chip, &info) == 0 && strcmp(by_label ? info.label : info.name, wanted) == 0) {
            *out = chip;
            return 0;
        }
        cg_chip_close(chip);
    }
    return last_error == -ENOENT ? -ENODEV : last_error;
}

int cg_chip_open_name(const char *name, cg_chip **out) {
    return open_matching(name, 0, out);
}

int cg_chip_open_label(const char *label, cg_chip **out) {
    return open_matching(label, 1, out);
}
