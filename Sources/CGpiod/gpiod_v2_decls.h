// The part of the libgpiod 2.x API (2.2 on Debian 13 / trixie, `libgpiod.so.3`) the facade
// uses, declared here so that no <gpiod.h> is needed to build: the functions are looked up at
// run time (dlsym). Tests/CGpiodHeaderCheck/v2_check.c checks every line below against a 2.x
// <gpiod.h> whenever one is at hand.
//
// The library's opaque types keep their names; its enums are passed as the integer type they
// are compatible with (`unsigned int`, or `int` for `enum gpiod_line_value`, which has -1), and
// the values the facade uses carry a `cg2_`/`CG2_` prefix so that this file and <gpiod.h> can
// be compiled together by the check.
#ifndef CGPIOD_GPIOD_V2_DECLS_H
#define CGPIOD_GPIOD_V2_DECLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gpiod_chip;
struct gpiod_chip_info;
struct gpiod_line_info;
struct gpiod_line_settings;
struct gpiod_line_config;
struct gpiod_request_config;
struct gpiod_line_request;
struct gpiod_edge_event;
struct gpiod_edge_event_buffer;

typedef int cg2_line_value;                // enum gpiod_line_value
typedef unsigned int cg2_line_direction;   // enum gpiod_line_direction
typedef unsigned int cg2_line_edge;        // enum gpiod_line_edge
typedef unsigned int cg2_line_bias;        // enum gpiod_line_bias
typedef unsigned int cg2_edge_event_type;  // enum gpiod_edge_event_type

enum {
    CG2_LINE_VALUE_ERROR = -1,       // GPIOD_LINE_VALUE_ERROR
    CG2_LINE_VALUE_INACTIVE = 0,     // GPIOD_LINE_VALUE_INACTIVE
    CG2_LINE_VALUE_ACTIVE = 1,       // GPIOD_LINE_VALUE_ACTIVE
    CG2_LINE_DIRECTION_INPUT = 2,    // GPIOD_LINE_DIRECTION_INPUT
    CG2_LINE_DIRECTION_OUTPUT = 3,   // GPIOD_LINE_DIRECTION_OUTPUT
    CG2_LINE_EDGE_BOTH = 4,          // GPIOD_LINE_EDGE_BOTH
    CG2_LINE_BIAS_DISABLED = 3,      // GPIOD_LINE_BIAS_DISABLED
    CG2_LINE_BIAS_PULL_UP = 4,       // GPIOD_LINE_BIAS_PULL_UP
    CG2_LINE_BIAS_PULL_DOWN = 5,     // GPIOD_LINE_BIAS_PULL_DOWN
    CG2_EDGE_EVENT_RISING_EDGE = 1,  // GPIOD_EDGE_EVENT_RISING_EDGE
};

/// Every function the v2 implementation calls: X(return type, name, (parameters)).
#define CG_V2_FUNCTIONS(X) \
    X(const char *, gpiod_api_version, (void)) \
    X(struct gpiod_chip *, gpiod_chip_open, (const char *path)) \
    X(void, gpiod_chip_close, (struct gpiod_chip *chip)) \
    X(struct gpiod_chip_info *, gpiod_chip_get_info, (struct gpiod_chip *chip)) \
    X(const char *, gpiod_chip_info_get_name, (struct gpiod_chip_info *info)) \
    X(const char *, gpiod_chip_info_get_label, (struct gpiod_chip_info *info)) \
    X(size_t, gpiod_chip_info_get_num_lines, (struct gpiod_chip_info *info)) \
    X(void, gpiod_chip_info_free, (struct gpiod_chip_info *info)) \
    X(struct gpiod_line_info *, gpiod_chip_get_line_info, (struct gpiod_chip *chip, unsigned int offset)) \
    X(const char *, gpiod_line_info_get_name, (struct gpiod_line_info *info)) \
    X(const char *, gpiod_line_info_get_consumer, (struct gpiod_line_info *info)) \
    X(bool, gpiod_line_info_is_used, (struct gpiod_line_info *info)) \
    X(cg2_line_direction, gpiod_line_info_get_direction, (struct gpiod_line_info *info)) \
    X(bool, gpiod_line_info_is_active_low, (struct gpiod_line_info *info)) \
    X(void, gpiod_line_info_free, (struct gpiod_line_info *info)) \
    X(int, gpiod_chip_get_line_offset_from_name, (struct gpiod_chip *chip, const char *name)) \
    X(struct gpiod_line_settings *, gpiod_line_settings_new, (void)) \
    X(void, gpiod_line_settings_free, (struct gpiod_line_settings *settings)) \
    X(int, gpiod_line_settings_set_direction, \
      (struct gpiod_line_settings *settings, cg2_line_direction direction)) \
    X(int, gpiod_line_settings_set_edge_detection, (struct gpiod_line_settings *settings, cg2_line_edge edge)) \
    X(int, gpiod_line_settings_set_bias, (struct gpiod_line_settings *settings, cg2_line_bias bias)) \
    X(void, gpiod_line_settings_set_active_low, (struct gpiod_line_settings *settings, bool active_low)) \
    X(int, gpiod_line_settings_set_output_value, (struct gpiod_line_settings *settings, cg2_line_value value)) \
    X(struct gpiod_line_config *, gpiod_line_config_new, (void)) \
    X(void, gpiod_line_config_free, (struct gpiod_line_config *config)) \
    X(int, gpiod_line_config_add_line_settings, \
      (struct gpiod_line_config *config, const unsigned int *offsets, size_t num_offsets, \
       struct gpiod_line_settings *settings)) \
    X(struct gpiod_request_config *, gpiod_request_config_new, (void)) \
    X(void, gpiod_request_config_free, (struct gpiod_request_config *config)) \
    X(void, gpiod_request_config_set_consumer, (struct gpiod_request_config *config, const char *consumer)) \
    X(struct gpiod_line_request *, gpiod_chip_request_lines, \
      (struct gpiod_chip *chip, struct gpiod_request_config *req_cfg, struct gpiod_line_config *line_cfg)) \
    X(void, gpiod_line_request_release, (struct gpiod_line_request *request)) \
    X(int, gpiod_line_request_set_value, \
      (struct gpiod_line_request *request, unsigned int offset, cg2_line_value value)) \
    X(cg2_line_value, gpiod_line_request_get_value, (struct gpiod_line_request *request, unsigned int offset)) \
    X(int, gpiod_line_request_get_fd, (struct gpiod_line_request *request)) \
    X(int, gpiod_line_request_read_edge_events, \
      (struct gpiod_line_request *request, struct gpiod_edge_event_buffer *buffer, size_t max_events)) \
    X(struct gpiod_edge_event_buffer *, gpiod_edge_event_buffer_new, (size_t capacity)) \
    X(void, gpiod_edge_event_buffer_free, (struct gpiod_edge_event_buffer *buffer)) \
    X(struct gpiod_edge_event *, gpiod_edge_event_buffer_get_event, \
      (struct gpiod_edge_event_buffer *buffer, unsigned long index)) \
    X(cg2_edge_event_type, gpiod_edge_event_get_event_type, (struct gpiod_edge_event *event)) \
    X(uint64_t, gpiod_edge_event_get_timestamp_ns, (struct gpiod_edge_event *event))

#endif
