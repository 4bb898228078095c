// The facade over the libgpiod 2.x API (Debian 13's libgpiod 2.2, `libgpiod.so.3`), through the
// functions the loader resolved (gpiod_v2_decls.h). Each facade line is its own single-line
// request.
#include <stdlib.h>
#include <string.h>
#include "cgpiod_internal.h"
#include "gpiod_v2_decls.h"

static struct {
    CG_V2_FUNCTIONS(CG_POINTER_FIELD)
} api;

static const char *version(void) {
    return api.gpiod_api_version();
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
    struct gpiod_chip_info *info = api.gpiod_chip_get_info(chip->chip);
    if (!info) return cg_failure();
    cg_copy(out->name, api.gpiod_chip_info_get_name(info));
    cg_copy(out->label, api.gpiod_chip_info_get_label(info));
    out->num_lines = (unsigned int)api.gpiod_chip_info_get_num_lines(info);
    api.gpiod_chip_info_free(info);
    return 0;
}

static int chip_get_line_info(cg_chip *chip, unsigned int offset, cg_line_info *out) {
    memset(out, 0, sizeof *out);
    struct gpiod_line_info *info = api.gpiod_chip_get_line_info(chip->chip, offset);
    if (!info) return cg_failure();
    out->offset = offset;
    cg_copy(out->name, api.gpiod_line_info_get_name(info));
    cg_copy(out->consumer, api.gpiod_line_info_get_consumer(info));
    out->used = api.gpiod_line_info_is_used(info);
    out->output = api.gpiod_line_info_get_direction(info) == CG2_LINE_DIRECTION_OUTPUT;
    out->active_low = api.gpiod_line_info_is_active_low(info);
    api.gpiod_line_info_free(info);
    return 0;
}

static int chip_find_line(cg_chip *chip, const char *name, unsigned int *offset) {
    int found = api.gpiod_chip_get_line_offset_from_name(chip->chip, name);
    if (found < 0) return cg_failure();
    *offset = (unsigned int)found;
    return 0;
}

/// Requests `offset` with `settings`; frees the settings whatever happens.
static int request(cg_chip *chip, unsigned int offset, const char *consumer, struct gpiod_line_settings *settings, cg_line **out) {
    int result = 0;
    struct gpiod_line_config *lines = api.gpiod_line_config_new();
    struct gpiod_request_config *config = api.gpiod_request_config_new();
    cg_line *handle = calloc(1, sizeof *handle);
    if (!lines || !config || !handle) {
        result = -ENOMEM;
        goto done;
    }
    api.gpiod_request_config_set_consumer(config, consumer);
    if (api.gpiod_line_config_add_line_settings(lines, &offset, 1, settings) != 0) {
        result = cg_failure();
        goto done;
    }
    handle->request = api.gpiod_chip_request_lines(chip->chip, config, lines);
    if (!handle->request) {
        result = cg_failure();
        goto done;
    }
    handle->offset = offset;
    *out = handle;
    handle = NULL;
done:
    free(handle);
    if (config) api.gpiod_request_config_free(config);
    if (lines) api.gpiod_line_config_free(lines);
    api.gpiod_line_settings_free(settings);
    return result;
}

static void line_release(cg_line *line) {
    if (line->events) api.gpiod_edge_event_buffer_free(line->events);
    api.gpiod_line_request_release(line->request);
    free(line);
}

static int request_output(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int value, cg_line **out) {
    struct gpiod_line_settings *settings = api.gpiod_line_settings_new();
    if (!settings) return -ENOMEM;
    api.gpiod_line_settings_set_direction(settings, CG2_LINE_DIRECTION_OUTPUT);
    api.gpiod_line_settings_set_active_low(settings, active_low != 0);
    api.gpiod_line_settings_set_output_value(settings, value ? CG2_LINE_VALUE_ACTIVE : CG2_LINE_VALUE_INACTIVE);
    return request(chip, offset, consumer, settings, out);
}

static int request_edges(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int bias, cg_line **out) {
    struct gpiod_line_settings *settings = api.gpiod_line_settings_new();
    if (!settings) return -ENOMEM;
    api.gpiod_line_settings_set_direction(settings, CG2_LINE_DIRECTION_INPUT);
    api.gpiod_line_settings_set_edge_detection(settings, CG2_LINE_EDGE_BOTH);
    api.gpiod_line_settings_set_active_low(settings, active_low != 0);
    switch (bias) {
    case CG_BIAS_DISABLE: api.gpiod_line_settings_set_bias(settings, CG2_LINE_BIAS_DISABLED); break;
    case CG_BIAS_PULL_UP: api.gpiod_line_settings_set_bias(settings, CG2_LINE_BIAS_PULL_UP); break;
    case CG_BIAS_PULL_DOWN: api.gpiod_line_settings_set_bias(settings, CG2_LINE_BIAS_PULL_DOWN); break;
    default: break;
    }
    int result = request(chip, offset, consumer, settings, out);
    if (result == 0) {
        (*out)->events = api.gpiod_edge_event_buffer_new(16);
        if (!(*out)->events) {
            line_release(*out);
            *out = NULL;
            return -ENOMEM;
        }
    }
    return result;
}

static int line_set_value(cg_line *line, int value) {
    cg2_line_value level = value ? CG2_LINE_VALUE_ACTIVE : CG2_LINE_VALUE_INACTIVE;
    return api.gpiod_line_request_set_value(line->request, line->offset, level) == 0 ? 0 : cg_failure();
}

static int line_get_value(cg_line *line) {
    cg2_line_value value = api.gpiod_line_request_get_value(line->request, line->offset);
    return value == CG2_LINE_VALUE_ERROR ? cg_failure() : (int)value;
}

static int line_fd(cg_line *line) {
    int fd = api.gpiod_line_request_get_fd(line->request);
    return fd < 0 ? cg_failure() : fd;
}

static int line_read_edge(cg_line *line, cg_edge *out) {
    if (!line->events) return -EINVAL;
    int count = api.gpiod_line_request_read_edge_events(line->request, line->events, 1);
    if (count < 0) return cg_failure();
    if (count == 0) return -EAGAIN;
    struct gpiod_edge_event *event = api.gpiod_edge_event_buffer_get_event(line->events, 0);
    out->rising = api.gpiod_edge_event_get_event_type(event) == CG2_EDGE_EVENT_RISING_EDGE;
    out->timestamp_ns = (unsigned long long)api.gpiod_edge_event_get_timestamp_ns(event);
    return 0;
}

static const struct cg_backend backend = {
    .api = "v2 API",
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

const struct cg_backend *cg_v2_bind(void *library, const char **missing) {
    CG_V2_FUNCTIONS(CG_RESOLVE_FIELD)
    return &backend;
}
