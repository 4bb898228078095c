#!/usr/bin/env bash
# Builds (once) the Debian 12 root file system the boot test boots: debootstrap minbase plus
# systemd, udev, what the package depends on and the tools the guest checks use. Cached outside
# the clone (~/.cache/dwell/boot-test, or BOOT_TEST_CACHE), keyed by the package list, so a
# change to the list builds a new one. Prints the folder on stdout; progress goes to stderr.
set -euo pipefail
CACHE=${BOOT_TEST_CACHE:-$HOME/.cache/dwell/boot-test}
MIRROR=${BOOT_TEST_MIRROR:-http://deb.debian.org/debian}
# systemd as PID 1 and udev (the rule for /dev/gpiochip*); what dwell_*.deb depends on and
# recommends (so `apt-get install ./dwell_*.deb` needs no network in the guest); the guest's
# tools: curl (the API), sqlite3 (reads the record beside dwelld), kmod (gpio-sim), procps.
PACKAGES=systemd,systemd-sysv,udev,libc6,libgcc-s1,libstdc++6,libsqlite3-0,libcurl4,libgpiod2,curl,sqlite3,kmod,procps
KEY=$(printf '%s %s' "$PACKAGES" "$MIRROR" | sha256sum | cut -c1-12)
ROOT=$CACHE/rootfs-bookworm-$KEY
if [ -f "$ROOT/.complete" ]; then
    echo "$ROOT"
    exit 0
fi
mkdir -p "$CACHE/debs"
rm -rf "$ROOT"
echo "boot-test: debootstrap bookworm minbase into $ROOT (once; cached)" >&2
debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$CACHE/debs" \
    bookworm "$ROOT" "$MIRROR" > "$CACHE/debootstrap.log" 2>&1 \
    || { tail -20 "$CACHE/debootstrap.log" >&2; exit 1; }
# apt inside the guest installs only the local package: no sources, no downloaded lists.
rm -f "$ROOT"/etc/apt/sources.list "$ROOT"/var/cache/apt/archives/*.deb
touch "$ROOT/.complete"
echo "$ROOT"
