#!/usr/bin/env bash
# Builds libgpiod 2.x (libgpiod.so.3) from the source distribution of its Python bindings on
# PyPI (gpiod 2.5.0 carries the C library: include/gpiod.h, lib/*.c; LGPL-2.1+), because Debian
# 12 has no libgpiod 2.x package. Cached outside the clone, in ${XDG_CACHE_HOME:-~/.cache}/dwell:
# gpiod-2.5.0/include/gpiod.h (the 2.x header check) and libgpiod.so.3 (the VM test's 2.x run).
# Prints the library's path; exits 1 with the reason when PyPI cannot be reached.
set -euo pipefail
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/dwell
LIB=$CACHE/libgpiod.so.3
if [ ! -f "$LIB" ]; then
    mkdir -p "$CACHE"
    python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: gpiod==2.5.0 -d "$CACHE" >&2 \
        || { echo "libgpiod2.sh: could not fetch gpiod==2.5.0 from PyPI" >&2; exit 1; }
    tar -xzf "$CACHE/gpiod-2.5.0.tar.gz" -C "$CACHE"
    (cd "$CACHE/gpiod-2.5.0" && gcc -shared -fPIC -O2 -D_GNU_SOURCE -Iinclude -Ilib \
        -DGPIOD_API_VERSION_STR="\"$(cat libgpiod-version.txt)\"" -Wl,-soname,libgpiod.so.3 \
        -o "$LIB.tmp" lib/*.c)
    mv "$LIB.tmp" "$LIB"
fi
echo "$LIB"
