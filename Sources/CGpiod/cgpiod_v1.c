// The facade over the libgpiod 1.x API (Debian 12's libgpiod 1.6, `libgpiod.so.2`), through
// the functions the loader resolved (gpiod_v1_decls.h).
#include <stdlib.h>
#include <string.h>
#include "cgpiod_internal.h"
#include "gpiod_v1_decls.h"

static struct {
    CG_V1_FUNCTIONS(CG_POINTER_FIELD)
} api;

static const char *version(void) {
    return api.gpiod_version_string();
}

static int chip_open_path(const char *path, cg_chip **out) {
    struct gpiod_chip *chip = api.gpiod_chip_open(path);
    if (!chip) return cg_failure();
    cg_chip *handle = calloc(1, sizeof *handle);
    if (!handle) {
        api.gpiod_chip_close(chip);
        return -ENOMEM;
    }
    handle->chip = chip;
    *out = handle;
    return 0;
}

static void chip_close(cg_chip *chip) {
    api.gpiod_chip_close(chip->chip);
    free(chip);
}

static int chip_get_info(cg_chip *chip, cg_chip_info *out) {
    memset(out, 0, sizeof *out);
    cg_copy(out->name, api.gpiod_chip_name(chip->chip));
    cg_copy(out->label, api.gpiod_chip_label(chip->chip));
    out->num_lines = api.gpiod_chip_num_lines(chip->chip);
    return 0;
}

static int chip_get_line_info(cg_chip *chip, unsigned int offset, cg_line_info *out) {
    memset(out, 0, sizeof *out);
    struct gpiod_line *line = api.gpiod_chip_get_line(chip->chip, offset);
    if (!line) return cg_failure();
    if (api.gpiod_line_update(line) != 0) return cg_failure();
    out->offset = offset;
    cg_copy(out->name, api.gpiod_line_name(line));
    cg_copy(out->consumer, api.gpiod_line_consumer(line));
    out->used = api.gpiod_line_is_used(line);
    out->output = api.gpiod_line_direction(line) == CG1_LINE_DIRECTION_OUTPUT;
    out->active_low = api.gpiod_line_active_state(line) == CG1_LINE_ACTIVE_STATE_LOW;
    return 0;
}

static int chip_find_line(cg_chip *chip, const char *name, unsigned int *offset) {
    unsigned int count = api.gpiod_chip_num_lines(chip->chip);
    for (unsigned int index = 0; index < count; index++) {
        struct gpiod_line *line = api.gpiod_chip_get_line(chip->chip, index);
        if (!line) return cg_failure();
        const char *line_name = api.gpiod_line_name(line);
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
        api.gpiod_line_release(line);
        return -ENOMEM;
    }
    handle->line = line;
    *out = handle;
    return 0;
}

static int request_output(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int value, cg_line **out) {
    struct gpiod_line *line = api.gpiod_chip_get_line(chip->chip, offset);
    if (!line) return cg_failure();
    int flags = active_low ? CG1_REQUEST_FLAG_ACTIVE_LOW : 0;
    if (api.gpiod_line_request_output_flags(line, consumer, flags, value ? 1 : 0) != 0) return cg_failure();
    return wrap(line, out);
}

static int request_edges(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int bias, cg_line **out) {
    struct gpiod_line *line = api.gpiod_chip_get_line(chip->chip, offset);
    if (!line) return cg_failure();
    int flags = active_low ? CG1_REQUEST_FLAG_ACTIVE_LOW : 0;
    switch (bias) {
    case CG_BIAS_DISABLE: flags |= CG1_REQUEST_FLAG_BIAS_DISABLE; break;
    case CG_BIAS_PULL_UP: flags |= CG1_REQUEST_FLAG_BIAS_PULL_UP; break;
    case CG_BIAS_PULL_DOWN: flags |= CG1_REQUEST_FLAG_BIAS_PULL_DOWN; break;
    default: break;
    }
    if (api.gpiod_line_request_both_edges_events_flags(line, consumer, flags) != 0) return cg_failure();
    return wrap(line, out);
}

static int line_set_value(cg_line *line, int value) {
    return api.gpiod_line_set_value(line->line, value ? 1 : 0) == 0 ? 0 : cg_failure();
}

static int line_get_value(cg_line *line) {
    int value = api.gpiod_line_get_value(line->line);
    return value < 0 ? cg_failure() : value;
}

static int line_fd(cg_line *line) {
    int fd = api.gpiod_line_event_get_fd(line->line);
    return fd < 0 ? cg_failure() : fd;
}

static int line_read_edge(cg_line *line, cg_edge *out) {
    // The library fills its `struct gpiod_line_event`; cg1_line_event has its layout (checked
    // against the header by Tests/CGpiodHeaderCheck/v1_check.c).
    struct cg1_line_event event;
    if (api.gpiod_line_event_read(line->line, (struct gpiod_line_event *)&event) != 0) return cg_failure();
    out->rising = event.event_type == CG1_LINE_EVENT_RISING_EDGE;
    out->timestamp_ns = (unsigned long long)event.ts.tv_sec * 1000000000ULL + (unsigned long long)event.ts.tv_nsec;
    return 0;
}

static void line_release(cg_line *line) {
    api.gpiod_line_release(line->line);
    free(line);
}

static const struct cg_backend backend = {
    .api = "v1 API",
    .version = version,
    .chip_open_path = chip_open_path,
    .chip_close = chip_close,
    .chip_get_info = chip_get_info,
    .chip_get_line_info = chip_get_line_info,
    .chip_find_line = chip_find_line,
    .request_output = request_output,
    .request_edges = request_edges,
    .line_set_value = line_set_value,
    .line_get_value = line_get_value,
    .line_fd = line_fd,
    .line_read_edge = line_read_edge,
    .line_release = line_release,
};

const struct cg_backend *cg_v1_bind(void *library, const char **missing) {
    CG_V1_FUNCTIONS(CG_RESOLVE_FIELD)
    return &backend;
}
