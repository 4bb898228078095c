// The part of the libgpiod 1.x API (1.6 on Debian 12 / bookworm, `libgpiod.so.2`) the facade
// uses, declared here so that no <gpiod.h> is needed to build: the functions are looked up at
// run time (dlsym). Tests/CGpiodHeaderCheck/v1_check.c checks every line below against the
// library's own header whenever one is installed (libgpiod-dev).
//
// The library's opaque types keep their names (`struct gpiod_chip`); what the facade needs to
// know the layout or value of carries a `cg1_`/`CG1_` prefix, so that this file and <gpiod.h>
// can be compiled together by the check.
#ifndef CGPIOD_GPIOD_V1_DECLS_H
#define CGPIOD_GPIOD_V1_DECLS_H

#include <stdbool.h>
#include <time.h>

struct gpiod_chip;
struct gpiod_line;
struct gpiod_line_event;

/// `struct gpiod_line_event`: filled by gpiod_line_event_read().
struct cg1_line_event {
    struct timespec ts;
    int event_type;
};

enum {
    CG1_LINE_DIRECTION_OUTPUT = 2,   // GPIOD_LINE_DIRECTION_OUTPUT
    CG1_LINE_ACTIVE_STATE_LOW = 2,   // GPIOD_LINE_ACTIVE_STATE_LOW
    CG1_LINE_EVENT_RISING_EDGE = 1,  // GPIOD_LINE_EVENT_RISING_EDGE
};

enum {
    CG1_REQUEST_FLAG_ACTIVE_LOW = 1 << 2,      // GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW
    CG1_REQUEST_FLAG_BIAS_DISABLE = 1 << 3,    // GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE
    CG1_REQUEST_FLAG_BIAS_PULL_DOWN = 1 << 4,  // GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN
    CG1_REQUEST_FLAG_BIAS_PULL_UP = 1 << 5,    // GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP
};

/// Every function the v1 implementation calls: X(return type, name, (parameters)).
#define CG_V1_FUNCTIONS(X) \
    X(const char *, gpiod_version_string, (void)) \
    X(struct gpiod_chip *, gpiod_chip_open, (const char *path)) \
    X(void, gpiod_chip_close, (struct gpiod_chip *chip)) \
    X(const char *, gpiod_chip_name, (struct gpiod_chip *chip)) \
    X(const char *, gpiod_chip_label, (struct gpiod_chip *chip)) \
    X(unsigned int, gpiod_chip_num_lines, (struct gpiod_chip *chip)) \
    X(struct gpiod_line *, gpiod_chip_get_line, (struct gpiod_chip *chip, unsigned int offset)) \
    X(int, gpiod_line_update, (struct gpiod_line *line)) \
    X(const char *, gpiod_line_name, (struct gpiod_line *line)) \
    X(const char *, gpiod_line_consumer, (struct gpiod_line *line)) \
    X(bool, gpiod_line_is_used, (struct gpiod_line *line)) \
    X(int, gpiod_line_direction, (struct gpiod_line *line)) \
    X(int, gpiod_line_active_state, (struct gpiod_line *line)) \
    X(int, gpiod_line_request_output_flags, \
      (struct gpiod_line *line, const char *consumer, int flags, int default_val)) \
    X(int, gpiod_line_request_both_edges_events_flags, (struct gpiod_line *line, const char *consumer, int flags)) \
    X(int, gpiod_line_set_value, (struct gpiod_line *line, int value)) \
    X(int, gpiod_line_get_value, (struct gpiod_line *line)) \
    X(int, gpiod_line_event_get_fd, (struct gpiod_line *line)) \
    X(int, gpiod_line_event_read, (struct gpiod_line *line, struct gpiod_line_event *event)) \
    X(void, gpiod_line_release, (struct gpiod_line *line))

#endif
