// Loads libgpiod at run time: `libgpiod.so.3` (2.x, v2 API), else `libgpiod.so.2` (1.6, v1
// API), or only the file DWELL_LIBGPIOD names. The API is told by a symbol only it has
// (gpiod_chip_get_info: v2; gpiod_chip_get_line: v1). Every cg_* call below loads on first use
// and fails with -ELIBACC when no library could be loaded; cg_load_error() says why.
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "cgpiod_internal.h"

#define CG_PACKAGES "install the Debian package libgpiod2 (Debian 12 / bookworm) or libgpiod3 (Debian 13 / trixie)"

static pthread_once_t once = PTHREAD_ONCE_INIT;
static const struct cg_backend *backend;
static char description[256];
static char tried[768];
static char failure[1024];

int cg_resolve(void *library, const char *symbol, void *slot) {
    void *address = dlsym(library, symbol);
    if (!address) return -1;
    memcpy(slot, &address, sizeof address);
    return 0;
}

/// Appends one attempt's outcome to `tried`, separated by "; ".
static void note(const char *text) {
    size_t used = strlen(tried);
    snprintf(tried + used, sizeof tried - used, "%s%s", used ? "; " : "", text);
}

/// Opens `name` and binds the API it speaks; 0, or -1 with the reason noted.
static int try_library(const char *name) {
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        const char *reason = dlerror();
        note(reason ? reason : name);
        return -1;
    }
    const char *missing = NULL;
    const struct cg_backend *found = NULL;
    void *probe = NULL;
    if (cg_resolve(library, "gpiod_chip_get_info", &probe) == 0) {
        found = cg_v2_bind(library, &missing);
    } else if (cg_resolve(library, "gpiod_chip_get_line", &probe) == 0) {
        found = cg_v1_bind(library, &missing);
    } else {
        char text[400];
        snprintf(text, sizeof text, "%s is not libgpiod: it has neither gpiod_chip_get_info (2.x) nor gpiod_chip_get_line (1.x)", name);
        note(text);
        dlclose(library);
        return -1;
    }
    if (!found) {
        char text[400];
        snprintf(text, sizeof text, "%s has no %s", name, missing);
        note(text);
        dlclose(library);
        return -1;
    }
    // The library stays loaded for the life of the process.
    backend = found;
    const char *version = found->version();
    snprintf(description, sizeof description, "%s (%s, %s)", name, version ? version : "unknown version", found->api);
    return 0;
}

static void load(void) {
    const char *override = getenv("DWELL_LIBGPIOD");
    if (override && *override) {
        if (try_library(override) == 0) return;
        snprintf(failure, sizeof failure, "cannot load the libgpiod DWELL_LIBGPIOD names: %s; " CG_PACKAGES, tried);
        return;
    }
    if (try_library("libgpiod.so.3") == 0 || try_library("libgpiod.so.2") == 0) return;
    snprintf(failure, sizeof failure, "cannot load libgpiod: %s; " CG_PACKAGES, tried);
}

int cg_library_load(void) {
    pthread_once(&once, load);
    return backend ? 0 : -ELIBACC;
}

const char *cg_library_version(void) {
    return cg_library_load() == 0 ? description : NULL;
}

const char *cg_load_error(void) {
    return cg_library_load() == 0 ? NULL : failure;
}

int cg_chip_open_path(const char *path, cg_chip **out) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->chip_open_path(path, out);
}

void cg_chip_close(cg_chip *chip) {
    if (chip && cg_library_load() == 0) backend->chip_close(chip);
}

int cg_chip_get_info(cg_chip *chip, cg_chip_info *out) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->chip_get_info(chip, out);
}

int cg_chip_get_line_info(cg_chip *chip, unsigned int offset, cg_line_info *out) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->chip_get_line_info(chip, offset, out);
}

int cg_chip_find_line(cg_chip *chip, const char *name, unsigned int *offset) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->chip_find_line(chip, name, offset);
}

int cg_request_output(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int value, cg_line **out) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->request_output(chip, offset, consumer, active_low, value, out);
}

int cg_request_edges(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int bias, cg_line **out) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->request_edges(chip, offset, consumer, active_low, bias, out);
}

int cg_line_set_value(cg_line *line, int value) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->line_set_value(line, value);
}

int cg_line_get_value(cg_line *line) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->line_get_value(line);
}

int cg_line_fd(cg_line *line) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->line_fd(line);
}

int cg_line_read_edge(cg_line *line, cg_edge *out) {
    if (cg_library_load() != 0) return -ELIBACC;
    return backend->line_read_edge(line, out);
}

void cg_line_release(cg_line *line) {
    if (line && cg_library_load() == 0) backend->line_release(line);
}
