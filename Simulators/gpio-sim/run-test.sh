#!/usr/bin/env bash
# The real-kernel GPIO test: Dwell drives lamps and reads buttons on the kernel's gpio-sim chip
# inside a qemu VM (TCG), and the guest checks the lines. See README.md here.
# Prints "gpio-sim: N passed, N failed"; exits 0 only when every check passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=Simulators/gpio-sim
WORK=${GPIO_SIM_WORK:-$ROOT/.build-gpio-sim}
# Kernel image, headers and source are pinned together: gpiolib.h must match the headers, and
# a security update changes the ABI name. When the pinned release has left the mirror, the
# newest 6.1 release with all three is used instead.
KERNEL_ABI=${GPIO_SIM_KERNEL_ABI:-6.1.0-56}
KERNEL_VERSION=${GPIO_SIM_KERNEL_VERSION:-6.1.192-2}
mkdir -p "$WORK"
START=$(date +%s)
step() { echo "gpio-sim: [$(($(date +%s) - START))s] $*"; }

available() { apt-cache madison "$1" 2>/dev/null | awk -v v="$2" '$3 == v { found = 1 } END { exit !found }'; }

export DEBIAN_FRONTEND=noninteractive
apt_install() {
    local missing=() package name want have
    for package in "$@"; do
        name=${package%%=*}
        want=${package#"$name"}
        # dpkg-query fails for a package that is not installed: that is "missing", not an error.
        have=$(dpkg-query -W -f='${Status}=${Version}' "$name" 2>/dev/null | sed -n 's/^install ok installed//p' || true)
        [ -n "$have" ] && { [ -z "$want" ] || [ "$have" = "$want" ]; } || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return
    step "apt-get install ${missing[*]}"
    apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" > "$WORK/apt.log" 2>&1 \
        || { cat "$WORK/apt.log"; return 1; }
}

step "packages"
apt-get update -qq -o DPkg::Lock::Timeout=300 > /dev/null 2>&1 || true
if ! available "linux-image-$KERNEL_ABI-amd64-unsigned" "$KERNEL_VERSION" || ! available linux-source-6.1 "$KERNEL_VERSION"; then
    KERNEL_VERSION=$(apt-cache madison linux-source-6.1 | awk '{ print $3 }' | sort -V | tail -1)
    KERNEL_ABI=$(apt-cache search --names-only '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' | awk '{ print $1 }' \
        | while read -r image; do available "$image" "$KERNEL_VERSION" && echo "$image"; done \
        | sed 's/^linux-image-//; s/-amd64-unsigned$//' | sort -V | tail -1)
    [ -n "$KERNEL_ABI" ] || { echo "gpio-sim: no linux-image-6.1 of release $KERNEL_VERSION"; echo "gpio-sim: 0 passed, 1 failed"; exit 1; }
    step "pinned kernel gone from the mirror; using $KERNEL_ABI ($KERNEL_VERSION)"
fi
# libgpiod2 (1.6): dwell loads it at run time (dlopen), so the build needs no libgpiod-dev.
apt_install qemu-system-x86 busybox-static cpio gcc make libc6-dev binutils libgpiod2 gpiod libcurl4-openssl-dev \
    "linux-headers-$KERNEL_ABI-amd64=$KERNEL_VERSION" "linux-source-6.1=$KERNEL_VERSION"

KERNEL=$WORK/kernel-$KERNEL_ABI
if [ ! -f "$KERNEL/vmlinuz" ]; then
    step "kernel image $KERNEL_ABI ($KERNEL_VERSION)"
    rm -rf "$KERNEL" && mkdir -p "$KERNEL/deb"
    (cd "$KERNEL/deb" && apt-get download -qq "linux-image-$KERNEL_ABI-amd64-unsigned=$KERNEL_VERSION" 2>/dev/null)
    dpkg-deb --fsys-tarfile "$KERNEL"/deb/*.deb | tar -x -C "$KERNEL" --wildcards './boot/vmlinuz-*' './lib/modules/*/kernel/fs/configfs/configfs.ko'
    cp "$KERNEL"/lib/modules/*/kernel/fs/configfs/configfs.ko "$KERNEL/configfs.ko"
    mv "$KERNEL"/boot/vmlinuz-* "$KERNEL/vmlinuz"
    rm -rf "$KERNEL/deb" "$KERNEL/boot" "$KERNEL/lib"
fi

MODULE=$WORK/module-$KERNEL_ABI
if [ ! -f "$MODULE/gpio-sim.ko" ]; then
    step "gpio-sim.ko, out of tree"
    rm -rf "$MODULE" && mkdir -p "$MODULE/src"
    tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$MODULE/src" \
        linux-source-6.1/drivers/gpio/gpio-sim.c linux-source-6.1/drivers/gpio/gpiolib.h linux-source-6.1/kernel/irq/irq_sim.c
    cp "$MODULE/src/linux-source-6.1/drivers/gpio/gpio-sim.c" "$MODULE/gpio-sim-main.c"
    cp "$MODULE/src/linux-source-6.1/drivers/gpio/gpiolib.h" "$MODULE/src/linux-source-6.1/kernel/irq/irq_sim.c" "$MODULE/"
    # irq_to_desc() is not exported to modules; generic_handle_irq() does the same here.
    sed -i 's/handle_simple_irq(irq_to_desc(irqnum));/generic_handle_irq(irqnum);/' "$MODULE/irq_sim.c"
    grep -q 'generic_handle_irq(irqnum);' "$MODULE/irq_sim.c" || { echo "gpio-sim: the irq_sim.c patch no longer applies"; exit 1; }
    printf 'obj-m := gpio-sim.o\ngpio-sim-y := gpio-sim-main.o irq_sim.o\n' > "$MODULE/Kbuild"
    make -s -C "/usr/src/linux-headers-$KERNEL_ABI-amd64" M="$MODULE" modules 2>&1 | grep -v 'Skipping BTF' || true
    [ -f "$MODULE/gpio-sim.ko" ] || { echo "gpio-sim: module build failed"; exit 1; }
fi
# GPIO_SIM_PREPARE_ONLY=1: only the kernel and the module (the boot test boots the same kernel);
# the last line names them.
if [ -n "${GPIO_SIM_PREPARE_ONLY:-}" ]; then
    echo "gpio-sim: kernel $KERNEL_ABI $KERNEL_VERSION $KERNEL $MODULE"
    exit 0
fi

# A debug build by default: about half the cold build time of -c release (BoringSSL dominates);
# the timing checks' tolerances hold for both. .ci/run passes DWELL_GPIO_CONFIG=release and the
# Debian package's scratch folder, so the one release build serves the package and this test.
CONFIG=${DWELL_GPIO_CONFIG:-debug}
step "dwell and dwelld, $CONFIG, Swift runtime linked statically"
STATIC_SCRATCH=${DWELL_GPIO_STATIC_SCRATCH:-$ROOT/.build-gpio-static}
for product in dwell dwelld; do
    swift build -c "$CONFIG" --static-swift-stdlib --product $product --scratch-path "$STATIC_SCRATCH" 2>&1 | tail -1
done
BIN=$STATIC_SCRATCH/$CONFIG
gcc -static -O2 -Wall -o "$WORK/linewatch" "$HERE/linewatch.c"
# libgpiod 2.x for the second run (no Debian 12 package: built from PyPI's source, cached).
GPIOD3=$(bash "$HERE/libgpiod2.sh") || { echo "gpio-sim: FAIL no libgpiod 2.x to test with"; echo "gpio-sim: 0 passed, 1 failed"; exit 1; }

step "initramfs"
INITRD=$WORK/initramfs
rm -rf "$INITRD" && mkdir -p "$INITRD"/{bin,modules,proc,sys,dev,tmp}
cp /bin/busybox "$INITRD/bin/busybox"
ln -s busybox "$INITRD/bin/sh"
cp "$KERNEL/configfs.ko" "$MODULE/gpio-sim.ko" "$INITRD/modules/"
strip -o "$INITRD/dwell" "$BIN/dwell"
strip -o "$INITRD/dwelld" "$BIN/dwelld"
# dwelld serves the kiosk page from its resource bundle, found next to the executable.
cp -r "$BIN/dwell_DwellDaemon.resources" "$INITRD/"
cp "$WORK/linewatch" "$INITRD/linewatch"
cp "$(command -v gpioinfo)" "$(command -v gpiodetect)" "$INITRD/bin/"
# The shared libraries the dynamic parts need (glibc, libstdc++, sqlite, curl...).
for binary in "$INITRD/dwell" "$INITRD/dwelld" "$INITRD/bin/gpioinfo" "$INITRD/bin/gpiodetect"; do
    ldd "$binary" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'
done | sort -u | while read -r library; do
    mkdir -p "$INITRD$(dirname "$library")"
    cp -L "$library" "$INITRD$library"
done
# dwell and dwelld load libgpiod at run time, so ldd does not list it: carry libgpiod.so.2
# (1.6, Debian's) and libgpiod.so.3 (2.x, built above) where the guest's loader looks (its
# system search path; there is no ld.so.cache in the guest).
GPIOD_DIR=$INITRD/usr/lib/x86_64-linux-gnu
mkdir -p "$GPIOD_DIR"
cp -a "$(dirname "$(readlink -f /usr/lib/x86_64-linux-gnu/libgpiod.so.2)")"/libgpiod.so.2* "$GPIOD_DIR/"
cp "$GPIOD3" "$GPIOD_DIR/libgpiod.so.3"
cp "$HERE/guest-init.sh" "$INITRD/init"
for file in guest-checks.sh guest-simulate.sh guest-dwelld.sh test-protocol.yaml dwelld-protocol.yaml; do
    cp "$HERE/$file" "$INITRD/$file"
done
cp Simulators/boards/gpio-sim.yaml "$INITRD/board.yaml"
chmod +x "$INITRD/init"
(cd "$INITRD" && find . | cpio -o -H newc --quiet > "$WORK/initrd.cpio")

# boot NAME [KERNEL ARGUMENTS]: one VM run; appends "N passed, N failed (libgpiod V)" to SUMMARY.
# Arguments such as DWELL_LIBGPIOD=... reach the guest's /init as environment variables.
SUMMARY=()
boot() {
    local name=$1 log=$WORK/serial-$1.log qemu result passed failed version
    shift
    step "boot qemu (TCG), run $name: the checks in the guest"
    set +e
    timeout 900 qemu-system-x86_64 -accel tcg -cpu max -m 2048 -smp 2 -nodefaults -no-user-config \
        -display none -serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -kernel "$KERNEL/vmlinuz" -initrd "$WORK/initrd.cpio" \
        -append "console=ttyS0 panic=-1 quiet loglevel=4 rdinit=/init $*" < /dev/null > "$log" 2>&1
    qemu=$?
    set -e
    tr -d '\r' < "$log" | grep -v '^gpio-sim: result ' | sed "s/^gpio-sim: \(PASS\|FAIL\)/gpio-sim: [$name] \1/" || true
    result=$(tr -d '\r' < "$log" | sed -n 's/^gpio-sim: result \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -1)
    version=$(tr -d '\r' < "$log" | sed -n 's/^gpio-sim: libgpiod \(.*\)$/\1/p' | tail -1)
    passed=${result% *}
    failed=${result#* }
    [ -n "$result" ] || { passed=0; failed=0; }
    # isa-debug-exit: qemu exits with (byte << 1) | 1, so 1 is "passed" and 3 "failed"; 0 is a
    # kernel panic (panic=-1 reboots, -no-reboot exits), 124 the timeout.
    if [ "$qemu" -ne 1 ] || [ -z "$result" ]; then
        [ "$qemu" -eq 3 ] && [ -n "$result" ] || { echo "gpio-sim: [$name] FAIL the VM ended badly (qemu exit $qemu)"; failed=$((failed + 1)); }
    fi
    SUMMARY+=("gpio-sim: $passed passed, $failed failed (libgpiod ${version:-unknown}, run $name)")
    [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
}

# Each library in turn: 1.6 named by DWELL_LIBGPIOD, then 2.x found by dwell's own search order
# (libgpiod.so.3 first). GPIO_SIM_REPEAT=N boots each N times (the flake count under load).
OK=true
for round in $(seq 1 "${GPIO_SIM_REPEAT:-1}"); do
    boot "1.6-$round" DWELL_LIBGPIOD=/usr/lib/x86_64-linux-gnu/libgpiod.so.2 EXPECT_API=v1 || OK=false
    boot "2.x-$round" EXPECT_API=v2 || OK=false
done
step "done"
printf '%s\n' "${SUMMARY[@]}"
$OK
