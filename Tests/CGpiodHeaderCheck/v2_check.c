// Compiled (never linked) by GPIOHeaderCheckTests with `cc -fsyntax-only` when a libgpiod 2.x
// <gpiod.h> is at hand: every function Sources/CGpiod/gpiod_v2_decls.h declares must have the
// type the library's own header gives it (its enums as their compatible integer types), and
// the values it copies must match.
#include <gpiod.h>
#include "gpiod_v2_decls.h"

#ifdef GPIOD_LINE_BULK_MAX_LINES
#error "this <gpiod.h> is libgpiod 1.x, not 2.x"
#endif

#define CG_SAME_TYPE(type, name, parameters) \
    _Static_assert(__builtin_types_compatible_p(__typeof__(&name), type(*) parameters), \
                   #name ": gpiod_v2_decls.h differs from <gpiod.h>");
CG_V2_FUNCTIONS(CG_SAME_TYPE)

#define CG_SAME_VALUE(ours, theirs) _Static_assert((ours) == (theirs), #theirs);
CG_SAME_VALUE(CG2_LINE_VALUE_ERROR, GPIOD_LINE_VALUE_ERROR)
CG_SAME_VALUE(CG2_LINE_VALUE_INACTIVE, GPIOD_LINE_VALUE_INACTIVE)
CG_SAME_VALUE(CG2_LINE_VALUE_ACTIVE, GPIOD_LINE_VALUE_ACTIVE)
CG_SAME_VALUE(CG2_LINE_DIRECTION_INPUT, GPIOD_LINE_DIRECTION_INPUT)
CG_SAME_VALUE(CG2_LINE_DIRECTION_OUTPUT, GPIOD_LINE_DIRECTION_OUTPUT)
CG_SAME_VALUE(CG2_LINE_EDGE_BOTH, GPIOD_LINE_EDGE_BOTH)
CG_SAME_VALUE(CG2_LINE_BIAS_DISABLED, GPIOD_LINE_BIAS_DISABLED)
CG_SAME_VALUE(CG2_LINE_BIAS_PULL_UP, GPIOD_LINE_BIAS_PULL_UP)
CG_SAME_VALUE(CG2_LINE_BIAS_PULL_DOWN, GPIOD_LINE_BIAS_PULL_DOWN)
CG_SAME_VALUE(CG2_EDGE_EVENT_RISING_EDGE, GPIOD_EDGE_EVENT_RISING_EDGE)

#ifdef CG_HEADER_CHECK_SELF_TEST
// The test compiles this once more with a declaration it knows is wrong, and expects a failure.
CG_SAME_TYPE(int, gpiod_line_request_get_fd, (struct gpiod_line_request *request, int extra))
#endif
