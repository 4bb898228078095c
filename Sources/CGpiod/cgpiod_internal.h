// Helpers shared by the loader and the v1 and v2 implementations of the facade.
#ifndef CGPIOD_INTERNAL_H
#define CGPIOD_INTERNAL_H

#include <errno.h>
#include <stdio.h>
#include "include/cgpiod.h"

/// One definition of the facade's handles for both APIs: `chip` is a `struct gpiod_chip *`;
/// `line` a v1 `struct gpiod_line *`, or, with v2, `request` and `events` are used instead.
struct cg_chip {
    void *chip;
};

struct cg_line {
    void *line;
    void *request;
    void *events;
    unsigned int offset;
};

/// What an implementation provides; the loader picks one (cgpiod_load.c).
struct cg_backend {
    const char *api;                 // "v1 API" or "v2 API"
    const char *(*version)(void);    // the library's own version text, e.g. "1.6.3"
    int (*chip_open_path)(const char *path, cg_chip **out);
    void (*chip_close)(cg_chip *chip);
    int (*chip_get_info)(cg_chip *chip, cg_chip_info *out);
    int (*chip_get_line_info)(cg_chip *chip, unsigned int offset, cg_line_info *out);
    int (*chip_find_line)(cg_chip *chip, const char *name, unsigned int *offset);
    int (*request_output)(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int value, cg_line **out);
    int (*request_edges)(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int bias, cg_line **out);
    int (*line_set_value)(cg_line *line, int value);
    int (*line_get_value)(cg_line *line);
    int (*line_fd)(cg_line *line);
    int (*line_read_edge)(cg_line *line, cg_edge *out);
    void (*line_release)(cg_line *line);
};

/// Resolves every function of that API from `library` (a dlopen handle). Returns the backend,
/// or NULL with the first symbol that is missing in `missing`.
const struct cg_backend *cg_v1_bind(void *library, const char **missing);
const struct cg_backend *cg_v2_bind(void *library, const char **missing);

/// Copies the address of `symbol` of `library` into the function pointer at `slot`; 0, or -1
/// when the library has no such symbol.
int cg_resolve(void *library, const char *symbol, void *slot);

/// The negative errno of the call that just failed (EIO when the library left errno at 0).
static inline int cg_failure(void) {
    int code = errno;
    return -(code > 0 ? code : EIO);
}

static inline void cg_copy(char *destination, const char *source) {
    snprintf(destination, CG_NAME_MAX, "%s", source ? source : "");
}

/// Declares a function pointer field of an API table, from a CG_V1/V2_FUNCTIONS entry.
#define CG_POINTER_FIELD(type, name, parameters) type (*name) parameters;
/// Resolves one entry of an API table (`api`, `library` and `missing` in scope).
#define CG_RESOLVE_FIELD(type, name, parameters) \
    if (cg_resolve(library, #name, &api.name) != 0) { \
        *missing = #name; \
        return NULL; \
    }

#endif
