// A small, neutral facade over libgpiod. The same declarations are implemented against the
// libgpiod 1.6 API (Debian 12, Raspberry Pi OS bookworm: `libgpiod.so.2`) and the libgpiod 2.x
// API (Debian 13, Raspberry Pi OS trixie: `libgpiod.so.3`). Both are always compiled, with no
// <gpiod.h>: the library is loaded at run time (dlopen) on first use, `libgpiod.so.3` first,
// then `libgpiod.so.2`; the environment variable DWELL_LIBGPIOD names a file to load instead.
// When none can be loaded, every call below that takes a chip or line fails with -ELIBACC and
// cg_load_error() says what was tried and which Debian package to install.
//
// Every function that can fail returns 0 (or a count, or a value) on success and a negative
// errno on failure, so the caller never has to read the global errno after the fact.
#ifndef CGPIOD_H
#define CGPIOD_H

#include <stddef.h>

#define CG_NAME_MAX 64

typedef struct cg_chip cg_chip;
typedef struct cg_line cg_line;

typedef struct {
    char name[CG_NAME_MAX];   // e.g. "gpiochip0"
    char label[CG_NAME_MAX];  // e.g. "pinctrl-bcm2711" or "gpio-sim.0-node0"
    unsigned int num_lines;
} cg_chip_info;

typedef struct {
    unsigned int offset;
    char name[CG_NAME_MAX];      // empty when the line has no name
    char consumer[CG_NAME_MAX];  // empty when unused or unnamed consumer
    int used;
    int output;
    int active_low;
} cg_line_info;

typedef struct {
    int rising;                       // 1: the line became active (logical level, active_low applied)
    unsigned long long timestamp_ns;  // kernel timestamp, CLOCK_MONOTONIC
} cg_edge;

enum {
    CG_BIAS_AS_IS = 0,
    CG_BIAS_DISABLE = 1,
    CG_BIAS_PULL_UP = 2,
    CG_BIAS_PULL_DOWN = 3,
};

/// Loads libgpiod if it is not loaded yet: 0, or -ELIBACC when no library could be loaded.
int cg_library_load(void);

/// Which file was loaded, its version and API, e.g. "libgpiod.so.2 (1.6.3, v1 API)"; NULL when
/// no library could be loaded.
const char *cg_library_version(void);

/// Why no library could be loaded, in one line naming what was tried and the Debian package to
/// install; NULL when one is loaded.
const char *cg_load_error(void);

/// Writes the paths of every GPIO chip device (`/dev/gpiochipN`, sorted by N) into `buffer`,
/// one per line; returns how many there are. Needs no library.
int cg_chip_paths(char *buffer, size_t size);

int cg_chip_open_path(const char *path, cg_chip **out);
/// Opens the chip whose name (`gpiochip0`) is `name`.
int cg_chip_open_name(const char *name, cg_chip **out);
/// Opens the first chip whose label is `label`.
int cg_chip_open_label(const char *label, cg_chip **out);
/// Closes the chip. Release its lines first.
void cg_chip_close(cg_chip *chip);

int cg_chip_get_info(cg_chip *chip, cg_chip_info *out);
int cg_chip_get_line_info(cg_chip *chip, unsigned int offset, cg_line_info *out);
/// Finds a line by its name; -ENOENT when the chip has no line of that name.
int cg_chip_find_line(cg_chip *chip, const char *name, unsigned int *offset);

/// Requests one line as an output driven to `value` (logical: 1 = active).
int cg_request_output(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int value, cg_line **out);
/// Requests one line as an input reporting both edges.
int cg_request_edges(cg_chip *chip, unsigned int offset, const char *consumer, int active_low, int bias, cg_line **out);

int cg_line_set_value(cg_line *line, int value);
/// The logical value (0 or 1), or a negative errno.
int cg_line_get_value(cg_line *line);
/// The file descriptor to poll() for edge events (inputs only).
int cg_line_fd(cg_line *line);
/// Reads one pending edge event; blocks if none is pending (poll the fd first).
int cg_line_read_edge(cg_line *line, cg_edge *out);
/// Releases the line back to the kernel and frees the handle. The chip must still be open.
void cg_line_release(cg_line *line);

#endif
