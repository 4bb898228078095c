#!/usr/bin/env bash
# Builds the Debian package dwell_VERSION_ARCH.deb with Debian's own tools (dpkg-deb,
# dpkg-shlibdeps), for the machine's architecture: amd64 here, arm64 when run on the board.
#   bash packaging/build-deb.sh [OUTPUT_DIR]        (default: .build-deb/)
# The version comes from Sources/DwellCore/DwellVersion.swift (the one place). dwelld and dwell
# are built release with the Swift runtime linked in (--static-swift-stdlib) and stripped, in
# DWELL_RELEASE_SCRATCH (default .build-release, shared with the gpio-sim VM test).
# Prints the package's path as its last line.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${1:-$ROOT/.build-deb}
SCRATCH=${DWELL_RELEASE_SCRATCH:-$ROOT/.build-release}
VERSION=$(sed -n 's/^ *public static let current = "\([^"]*\)"$/\1/p' Sources/DwellCore/DwellVersion.swift)
[ -n "$VERSION" ] || { echo "build-deb: no version in Sources/DwellCore/DwellVersion.swift" >&2; exit 1; }
ARCH=$(dpkg --print-architecture)
for tool in dpkg-deb dpkg-shlibdeps strip help2man; do
    command -v "$tool" > /dev/null || { echo "build-deb: needs $tool (apt-get install dpkg-dev binutils help2man)" >&2; exit 1; }
done

for product in dwelld dwell; do
    swift build -c release --static-swift-stdlib --product "$product" --scratch-path "$SCRATCH" 2>&1 | tail -1 >&2
done
BIN=$SCRATCH/release

STAGE=$OUT/stage
PKG=$STAGE/dwell
rm -rf "$STAGE" && mkdir -p "$PKG/DEBIAN"
install -d "$PKG"/usr/bin "$PKG"/usr/lib/dwell "$PKG"/lib/systemd/system "$PKG"/usr/lib/sysusers.d \
    "$PKG"/lib/udev/rules.d "$PKG"/etc/dwell/protocols "$PKG"/usr/share/dwell/protocols "$PKG"/usr/share/doc/dwell \
    "$PKG"/usr/share/lintian/overrides
# dwelld finds its kiosk page in the resource bundle beside its executable: both in /usr/lib/dwell.
install -m 0755 "$BIN/dwelld" "$PKG/usr/lib/dwell/dwelld"
install -m 0755 "$BIN/dwell" "$PKG/usr/bin/dwell"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$PKG/usr/lib/dwell/dwelld" "$PKG/usr/bin/dwell"
cp -r "$BIN/dwell_DwellDaemon.resources" "$PKG/usr/lib/dwell/"
install -m 0644 systemd/dwelld.service systemd/dwell-kiosk.service "$PKG/lib/systemd/system/"
install -m 0644 systemd/dwell-gpio.sysusers.conf "$PKG/usr/lib/sysusers.d/dwell-gpio.conf"
install -m 0644 systemd/dwell-kiosk.sysusers.conf "$PKG/usr/lib/sysusers.d/dwell-kiosk.conf"
install -m 0644 systemd/60-dwell-gpio.rules "$PKG/lib/udev/rules.d/"
install -m 0644 systemd/dwell.yaml "$PKG/etc/dwell/dwell.yaml"
install -m 0644 systemd/kiosk-start.html "$PKG/usr/share/dwell/"
install -m 0644 Protocols/*.yaml "$PKG/usr/share/dwell/protocols/"
install -m 0644 Protocols/README.md "$PKG/usr/share/dwell/protocols/README.md"
install -m 0644 README.md "$PKG/usr/share/doc/dwell/README.md"
install -m 0644 packaging/debian/copyright "$PKG/usr/share/doc/dwell/copyright"
sed "s/@VERSION@/$VERSION/; s/@DATE@/$(date -R -d "@$(git log -1 --format=%ct 2> /dev/null || date +%s)")/" \
    packaging/debian/changelog.in | gzip -9n > "$PKG/usr/share/doc/dwell/changelog.gz"
# Manual pages from each program's own --help (help2man), so they never drift from it.
install -d "$PKG/usr/share/man/man1" "$PKG/usr/share/man/man8"
help2man --no-info --no-discard-stderr --version-string="$VERSION" --section=1 \
    --name="session timing for dry-needling treatment rooms (client)" "$PKG/usr/bin/dwell" \
    | gzip -9n > "$PKG/usr/share/man/man1/dwell.1.gz"
help2man --no-info --no-discard-stderr --version-string="$VERSION" --section=8 \
    --name="the Dwell daemon (run by systemd as dwelld.service)" "$PKG/usr/lib/dwell/dwelld" \
    | gzip -9n > "$PKG/usr/share/man/man8/dwelld.8.gz"
install -m 0644 packaging/debian/lintian-overrides "$PKG/usr/share/lintian/overrides/dwell"
for script in postinst prerm postrm; do install -m 0755 "packaging/debian/$script" "$PKG/DEBIAN/$script"; done
echo /etc/dwell/dwell.yaml > "$PKG/DEBIAN/conffiles"
# The live protocols folder is the clinic's (filled from the examples by postinst), not a conffile.
rmdir "$PKG/etc/dwell/protocols"

# Depends: what the two binaries link, as dpkg-shlibdeps finds it (libc6, libstdc++6, libsqlite3-0…).
mkdir -p "$STAGE/debian"
printf 'Source: dwell\n\nPackage: dwell\nArchitecture: any\n' > "$STAGE/debian/control"
DEPENDS=$(cd "$STAGE" && dpkg-shlibdeps -O dwell/usr/lib/dwell/dwelld dwell/usr/bin/dwell 2> /dev/null \
    | sed -n 's/^shlibs:Depends=//p')
[ -n "$DEPENDS" ] || { echo "build-deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }
rm -rf "$STAGE/debian"
SIZE=$(du -sk --exclude=DEBIAN "$PKG" | cut -f1)
sed "s/@VERSION@/$VERSION/; s/@ARCH@/$ARCH/; s/@SIZE@/$SIZE/; s/@DEPENDS@/$DEPENDS/" packaging/debian/control.in \
    > "$PKG/DEBIAN/control"
(cd "$PKG" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum > DEBIAN/md5sums)

DEB=$OUT/dwell_${VERSION}_${ARCH}.deb
dpkg-deb --root-owner-group --build -Zxz "$PKG" "$DEB" > /dev/null
echo "$DEB"
