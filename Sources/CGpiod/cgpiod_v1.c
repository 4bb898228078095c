// The facade over the libgpiod 1.x API (Debian 12's libgpiod 1.6). Only the v1 header defines
// GPIOD_LINE_BULK_MAX_LINES; with a 2.x header this file compiles to nothing.
#include <gpiod.h>
#ifdef GPIOD_LINE_BULK_MAX_LINES

#include <stdlib.h>
#include <string.h>
#include "cgpiod_internal.h"

struct cg_chip {
    struct gpiod_chip *chip;
};

struct cg_line {
    struct gpiod_line *line;
};

const char *cg_library_version(void) {
    static char version[48];
    snprintf(version, sizeof version, "v1 %s", gpiod_version_string());
    return version;
}

int cg_chip_open_path(const char *path, cg_chip **out) {
    struct gpiod_chip *chip = gpiod_chip_open(path);
    if (!chip) return cg_failure();
    cg_chip *handle = calloc(1, sizeof *handle);
    if (!handle) {
        gpiod_chip_close(chip);
        return -ENOMEM;
    }
    handle->chip = chip;
    *out = handle;
    return 0;
}

void cg_chip_close(cg_chip *chip) {
    if (!chip) return;
    gpiod_chip_close(chip->chip);
    free(chip);
}

int cg_chip_get_info(cg_chip *chip, cg_chip_info *out) {
    memset(out, 0, sizeof *out);
    cg_copy(out->name, gpiod_chip_name(chip->chip));
    cg_copy(out->label, gpiod_chip_label(chip->chip));
    out->num_lines = gpiod_chip_num_lines(chip->chip);
    return 0;
}

int cg_chip_get_line_info(cg_chip *chip, unsigned int offset, cg_line_info *out) {
    memset(out, 0, sizeof *out);
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (!line) return cg_failure();
    if (gpiod_line_update(line) != 0) return cg_failure();
    out->offset = offset;
    cg_copy(out->name, gpiod_line_name(line));
    cg_copy(out->consumer, gpiod_line_consumer(line));
    out->used = gpiod_line_is_used(line);
    out->output = gpiod_line_direction(line) == GPIOD_LINE_DIRECTION_OUTPUT;
    out->active_low = gpiod_line_active_state(line) == GPIOD_LINE_ACTIVE_STATE_LOW;
    return 0;
}

int cg_chip_find_line(cg_chip *chip, const char *name, unsigned int *offset) {
    unsigned int count = gpiod_chip_num_lines(chip->chip);
    for (unsigned int index = 0; index < count; index++) {
        struct gpiod_line *line = gpiod_chip_get_line(chip->chip, index);
        if (!line) return cg_failure();
        const char *line_name = gpiod_line_name(line);
        if (line_name && strcmp(line_name, name) == 0) {
            *offset = index;
            return 0;
        }
    }
    return -ENOENT;
}

static int wrap(struct gpiod_line *line, cg_line **out) {
    cg_line *handle = calloc(1, sizeof *handle);
    if (!handle) {
        gpiod_line_release(line);
        return -ENOMEM;
    }
    handle->line = line;
    *out = handle;
    return 0;
}

int cg_request_output(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int value, cg_line **out) {
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (!line) return cg_failure();
    int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    if (gpiod_line_request_output_flags(line, consumer, flags, value ? 1 : 0) != 0) return cg_failure();
    return wrap(line, out);
}

int cg_request_edges(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int bias, cg_line **out) {
    struct gpiod_line *line = gpiod_chip_get_line(chip->chip, offset);
    if (!line) return cg_failure();
    int flags = active_low ? GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW : 0;
    switch (bias) {
    case CG_BIAS_DISABLE: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE; break;
    case CG_BIAS_PULL_UP: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP; break;
    case CG_BIAS_PULL_DOWN: flags |= GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    default: break;
    }
    if (gpiod_line_request_both_edges_events_flags(line, consumer, flags) != 0) return cg_failure();
    return wrap(line, out);
}

int cg_line_set_value(cg_line *line, int value) {
    return gpiod_line_set_value(line->line, value ? 1 : 0) == 0 ? 0 : cg_failure();
}

int cg_line_get_value(cg_line *line) {
    int value = gpiod_line_get_value(line->line);
    return value < 0 ? cg_failure() : value;
}

int cg_line_fd(cg_line *line) {
    int fd = gpiod_line_event_get_fd(line->line);
    return fd < 0 ? cg_failure() : fd;
}

int cg_line_read_edge(cg_line *line, cg_edge *out) {
    struct gpiod_line_event event;
    if (gpiod_line_event_read(line->line, &event) != 0) return cg_failure();
    out->rising = event.event_type == GPIOD_LINE_EVENT_RISING_EDGE;
    out->timestamp_ns = (unsigned long long)event.ts.tv_sec * 1000000000ULL + (unsigned long long)event.ts.tv_nsec;
    return 0;
}

void cg_line_release(cg_line *line) {
    if (!line) return;
    gpiod_line_release(line->line);
    free(line);
}

#endif
