// Compiled (never linked) by GPIOHeaderCheckTests with `cc -fsyntax-only` when a libgpiod 1.x
// <gpiod.h> is at hand: every function Sources/CGpiod/gpiod_v1_decls.h declares must have the
// type the library's own header gives it, and the struct and values it copies must match.
#include <gpiod.h>
#include <stddef.h>
#include "gpiod_v1_decls.h"

#ifndef GPIOD_LINE_BULK_MAX_LINES
#error "this <gpiod.h> is not libgpiod 1.x (no GPIOD_LINE_BULK_MAX_LINES)"
#endif

#define CG_SAME_TYPE(type, name, parameters) \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&name), type(*) parameters), \
                   #name ": gpiod_v1_decls.h differs from <gpiod.h>");
CG_V1_FUNCTIONS(CG_SAME_TYPE)

_Static_assert(sizeof(struct cg1_line_event) == sizeof(struct gpiod_line_event), "struct gpiod_line_event: size");
_Static_assert(offsetof(struct cg1_line_event, ts) == offsetof(struct gpiod_line_event, ts), "gpiod_line_event.ts");
_Static_assert(offsetof(struct cg1_line_event, event_type) == offsetof(struct gpiod_line_event, event_type),
               "gpiod_line_event.event_type");
_Static_assert(__builtin_types_compatible_p(__typeof__(((struct gpiod_line_event *)0)->ts), struct timespec),
               "gpiod_line_event.ts type");
_Static_assert(__builtin_types_compatible_p(__typeof__(((struct gpiod_line_event *)0)->event_type), int),
               "gpiod_line_event.event_type type");

_Static_assert(CG1_LINE_DIRECTION_OUTPUT == GPIOD_LINE_DIRECTION_OUTPUT, "GPIOD_LINE_DIRECTION_OUTPUT");
_Static_assert(CG1_LINE_ACTIVE_STATE_LOW == GPIOD_LINE_ACTIVE_STATE_LOW, "GPIOD_LINE_ACTIVE_STATE_LOW");
_Static_assert(CG1_LINE_EVENT_RISING_EDGE == GPIOD_LINE_EVENT_RISING_EDGE, "GPIOD_LINE_EVENT_RISING_EDGE");
_Static_assert(CG1_REQUEST_FLAG_ACTIVE_LOW == GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW, "GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW");
_Static_assert(CG1_REQUEST_FLAG_BIAS_DISABLE == GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE,
               "GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE");
_Static_assert(CG1_REQUEST_FLAG_BIAS_PULL_DOWN == GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN,
               "GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN");
_Static_assert(CG1_REQUEST_FLAG_BIAS_PULL_UP == GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP,
               "GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP");

#ifdef CG_HEADER_CHECK_SELF_TEST
// The test compiles this once more with a declaration it knows is wrong, and expects a failure:
// so a check that cannot fail (a compiler that ignores the builtin) does not pass silently.
CG_SAME_TYPE(long, gpiod_line_set_value, (struct gpiod_line *line, int value))
#endif
