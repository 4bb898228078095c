// The facade over the libgpiod 2.x API. The v2 header does not define
// GPIOD_LINE_BULK_MAX_LINES (only the v1 header does); with a 1.x header this file compiles to
// nothing. Each facade line is its own single-line request.
#include <gpiod.h>
#ifndef GPIOD_LINE_BULK_MAX_LINES

#include <stdlib.h>
#include <string.h>
#include "cgpiod_internal.h"

struct cg_chip {
    struct gpiod_chip *chip;
};

struct cg_line {
    struct gpiod_line_request *request;
    struct gpiod_edge_event_buffer *events;
    unsigned int offset;
};

const char *cg_library_version(void) {
    static char version[48];
    snprintf(version, sizeof version, "v2 %s", gpiod_api_version());
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
    struct gpiod_chip_info *info = gpiod_chip_get_info(chip->chip);
    if (!info) return cg_failure();
    cg_copy(out->name, gpiod_chip_info_get_name(info));
    cg_copy(out->label, gpiod_chip_info_get_label(info));
    out->num_lines = (unsigned int)gpiod_chip_info_get_num_lines(info);
    gpiod_chip_info_free(info);
    return 0;
}

int cg_chip_get_line_info(cg_chip *chip, unsigned int offset, cg_line_info *out) {
    memset(out, 0, sizeof *out);
    struct gpiod_line_info *info = gpiod_chip_get_line_info(chip->chip, offset);
    if (!info) return cg_failure();
    out->offset = offset;
    cg_copy(out->name, gpiod_line_info_get_name(info));
    cg_copy(out->consumer, gpiod_line_info_get_consumer(info));
    out->used = gpiod_line_info_is_used(info);
    out->output = gpiod_line_info_get_direction(info) == GPIOD_LINE_DIRECTION_OUTPUT;
    out->active_low = gpiod_line_info_is_active_low(info);
    gpiod_line_info_free(info);
    return 0;
}

int cg_chip_find_line(cg_chip *chip, const char *name, unsigned int *offset) {
    int found = gpiod_chip_get_line_offset_from_name(chip->chip, name);
    if (found < 0) return cg_failure();
    *offset = (unsigned int)found;
    return 0;
}

/// Requests `offset` with `settings`; frees the settings whatever happens.
static int request(cg_chip *chip, unsigned int offset, const char *consumer, struct gpiod_line_settings *settings, cg_line **out) {
    int result = 0;
    struct gpiod_line_config *lines = gpiod_line_config_new();
    struct gpiod_request_config *config = gpiod_request_config_new();
    cg_line *handle = calloc(1, sizeof *handle);
    if (!lines || !config || !handle) {
        result = -ENOMEM;
        goto done;
    }
    gpiod_request_config_set_consumer(config, consumer);
    if (gpiod_line_config_add_line_settings(lines, &offset, 1, settings) != 0) {
        result = cg_failure();
        goto done;
    }
    handle->request = gpiod_chip_request_lines(chip->chip, config, lines);
    if (!handle->request) {
        result = cg_failure();
        goto done;
    }
    handle->offset = offset;
    *out = handle;
    handle = NULL;
done:
    free(handle);
    if (config) gpiod_request_config_free(config);
    if (lines) gpiod_line_config_free(lines);
    gpiod_line_settings_free(settings);
    return result;
}

int cg_request_output(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int value, cg_line **out) {
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    if (!settings) return -ENOMEM;
    gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT);
    gpiod_line_settings_set_active_low(settings, active_low != 0);
    gpiod_line_settings_set_output_value(settings, value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE);
    return request(chip, offset, consumer, settings, out);
}

int cg_request_edges(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int bias, cg_line **out) {
    struct gpiod_line_settings *settings = gpiod_line_settings_new();
    if (!settings) return -ENOMEM;
    gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT);
    gpiod_line_settings_set_edge_detection(settings, GPIOD_LINE_EDGE_BOTH);
    gpiod_line_settings_set_active_low(settings, active_low != 0);
    switch (bias) {
    case CG_BIAS_DISABLE: gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_DISABLED); break;
    case CG_BIAS_PULL_UP: gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_PULL_UP); break;
    case CG_BIAS_PULL_DOWN: gpiod_line_settings_set_bias(settings, GPIOD_LINE_BIAS_PULL_DOWN); break;
    default: break;
    }
    int result = request(chip, offset, consumer, settings, out);
    if (result == 0) {
        (*out)->events = gpiod_edge_event_buffer_new(16);
        if (!(*out)->events) {
            cg_line_release(*out);
            *out = NULL;
            return -ENOMEM;
        }
    }
    return result;
}

int cg_line_set_value(cg_line *line, int value) {
    enum gpiod_line_value level = value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
    return gpiod_line_request_set_value(line->request, line->offset, level) == 0 ? 0 : cg_failure();
}

int cg_line_get_value(cg_line *line) {
    enum gpiod_line_value value = gpiod_line_request_get_value(line->request, line->offset);
    return value == GPIOD_LINE_VALUE_ERROR ? cg_failure() : (int)value;
}

int cg_line_fd(cg_line *line) {
    return gpiod_line_request_get_fd(line->request);
}

int cg_line_read_edge(cg_line *line, cg_edge *out) {
    if (!line->events) return -EINVAL;
    int count = gpiod_line_request_read_edge_events(line->request, line->events, 1);
    if (count < 0) return cg_failure();
    if (count == 0) return -EAGAIN;
    struct gpiod_edge_event *event = gpiod_edge_event_buffer_get_event(line->events, 0);
    out->rising = gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE;
    out->timestamp_ns = (unsigned long long)gpiod_edge_event_get_timestamp_ns(event);
    return 0;
}

void cg_line_release(cg_line *line) {
    if (!line) return;
    if (line->events) gpiod_edge_event_buffer_free(line->events);
    gpiod_line_request_release(line->request);
    free(line);
}

#endif
