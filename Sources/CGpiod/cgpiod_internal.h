// Helpers shared by the v1 and v2 implementations of the facade.
#ifndef CGPIOD_INTERNAL_H
#define CGPIOD_INTERNAL_H

#include <errno.h>
#include <stdio.h>
#include "include/cgpiod.h"

/// The negative errno of the call that just failed (EIO when the library left errno at 0).
static inline int cg_failure(void) {
    int code = errno;
    return -(code > 0 ? code : EIO);
}

static inline void cg_copy(char *destination, const char *source) {
    snprintf(destination, CG_NAME_MAX, "%s", source ? source : "");
}

#endif
