#!/usr/bin/env bash
# The boot test: the Debian package installed as an integrator would, on Debian 12 booted under
# real systemd in qemu (TCG), with the gpio-sim chip, a kill -9, a stopped process for the
# watchdog and a power cut. See README.md here.
#   bash Simulators/boot-test/run-test.sh [dwell_VERSION_amd64.deb]
# Without an argument it uses .build-deb/dwell_*_amd64.deb, building it when missing.
# Prints "boot-test: N passed, N failed"; exits 0 only when every check passed.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
HERE=Simulators/boot-test
WORK=${BOOT_TEST_WORK:-$ROOT/.build-boot-test}
CACHE=${BOOT_TEST_CACHE:-$HOME/.cache/dwell/boot-test}
mkdir -p "$WORK" "$CACHE"
START=$(date +%s)
step() { echo "boot-test: [$(($(date +%s) - START))s] $*"; }
HOST_RESULTS=()
host_fail() { echo "boot-test: FAIL $*"; HOST_RESULTS+=("FAIL $*"); }

export DEBIAN_FRONTEND=noninteractive
missing=()
for package in qemu-system-x86 debootstrap e2fsprogs busybox-static cpio kmod dpkg-dev; do
    dpkg-query -W -f='${Status}' "$package" 2> /dev/null | grep -q "ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    step "apt-get install ${missing[*]}"
    apt-get update -qq -o DPkg::Lock::Timeout=300 > /dev/null 2>&1 || true
    apt-get install -y -qq -o DPkg::Lock::Timeout=300 --no-install-recommends "${missing[@]}" > "$WORK/apt.log" 2>&1 \
        || { cat "$WORK/apt.log"; exit 1; }
fi

# The package under test.
DEB=${1:-}
if [ -z "$DEB" ]; then
    DEB=$(ls -t .build-deb/dwell_*_amd64.deb 2> /dev/null | head -1 || true)
    [ -n "$DEB" ] || { step "building the package"; DEB=$(bash packaging/build-deb.sh | tail -1); }
fi
step "package $DEB"

# The kernel and gpio-sim.ko of the GPIO VM test (built there, reused here), and the rest of
# that kernel's modules: Debian builds virtio and ext4 as modules.
KERNEL_LINE=$(GPIO_SIM_PREPARE_ONLY=1 bash Simulators/gpio-sim/run-test.sh | tail -1)
read -r _ _ KERNEL_ABI KERNEL_VERSION GPIO_KERNEL GPIO_MODULE <<< "$KERNEL_LINE"
[ -f "$GPIO_MODULE/gpio-sim.ko" ] || { echo "boot-test: no gpio-sim.ko ($KERNEL_LINE)"; echo "boot-test: 0 passed, 1 failed"; exit 1; }
UNAME=$KERNEL_ABI-amd64
KERNEL=$CACHE/kernel-$KERNEL_ABI
if [ ! -f "$KERNEL/.complete" ]; then
    step "kernel modules $KERNEL_ABI ($KERNEL_VERSION)"
    rm -rf "$KERNEL" && mkdir -p "$KERNEL/deb"
    (cd "$KERNEL/deb" && apt-get download -qq "linux-image-$KERNEL_ABI-amd64-unsigned=$KERNEL_VERSION" 2> /dev/null)
    dpkg-deb -x "$KERNEL"/deb/*.deb "$KERNEL/tree"
    rm -rf "$KERNEL/deb"
    depmod -b "$KERNEL/tree" "$UNAME"
    touch "$KERNEL/.complete"
fi
MODULES=$KERNEL/tree/lib/modules/$UNAME

# initramfs: busybox and the modules the root disk needs, in load order.
step "initramfs"
INITRD=$WORK/initramfs
rm -rf "$INITRD" && mkdir -p "$INITRD"/{bin,modules,proc,dev,root}
cp /bin/busybox "$INITRD/bin/busybox"
ln -s busybox "$INITRD/bin/sh"
for module in virtio_pci virtio_blk crc32c_generic ext4; do
    modprobe -d "$KERNEL/tree" -S "$UNAME" --show-depends "$module"
done | awk '$1 == "insmod" { print $2 }' | awk '!seen[$0]++' > "$WORK/modules.txt"
while read -r module; do cp "$module" "$INITRD/modules/"; basename "$module"; done < "$WORK/modules.txt" > "$INITRD/modules/order"
cp "$HERE/guest/initramfs-init.sh" "$INITRD/init"
chmod +x "$INITRD/init"
(cd "$INITRD" && find . | cpio -o -H newc --quiet > "$WORK/initrd.cpio")

# The root disk: the cached debootstrap tree plus the package, the checks, their units and the
# two modules the checks load (configfs, gpio-sim), as an ext4 image made by mkfs.ext4 -d.
BASE=$(bash "$HERE/rootfs.sh")
step "root disk from $BASE"
STAGE=$WORK/rootfs
rm -rf "$STAGE"
cp -a "$BASE" "$STAGE"
mkdir -p "$STAGE/root/debs" "$STAGE/usr/local/lib/boot-test" "$STAGE/lib/modules/$UNAME/kernel/fs/configfs" "$STAGE/lib/modules/$UNAME/extra"
cp "$DEB" "$STAGE/root/debs/"
cp "$HERE/guest/checks.sh" "$HERE/guest/chip.sh" "$STAGE/usr/local/lib/boot-test/"
cp Simulators/boards/gpio-sim.yaml "$STAGE/usr/local/lib/boot-test/board.yaml"
cp "$HERE/guest/boot-test.service" "$HERE/guest/boot-test-chip.service" "$STAGE/etc/systemd/system/"
mkdir -p "$STAGE/etc/systemd/system/multi-user.target.wants"
ln -sf ../boot-test.service "$STAGE/etc/systemd/system/multi-user.target.wants/boot-test.service"
ln -sf ../boot-test-chip.service "$STAGE/etc/systemd/system/multi-user.target.wants/boot-test-chip.service"
# Nothing else competes with the checks: no timers, no login prompt on the serial console.
for unit in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer \
    serial-getty@ttyS0.service serial-getty@ttyS1.service getty@tty1.service; do
    ln -sf /dev/null "$STAGE/etc/systemd/system/$unit"
done
cp "$MODULES/kernel/fs/configfs/configfs.ko" "$STAGE/lib/modules/$UNAME/kernel/fs/configfs/"
cp "$GPIO_MODULE/gpio-sim.ko" "$STAGE/lib/modules/$UNAME/extra/"
cp "$MODULES"/modules.builtin* "$MODULES/modules.order" "$STAGE/lib/modules/$UNAME/"
depmod -b "$STAGE" "$UNAME"
echo "/dev/vda / ext4 defaults 0 1" > "$STAGE/etc/fstab"
echo boot-test > "$STAGE/etc/hostname"
rm -f "$WORK/disk.raw"
truncate -s 2G "$WORK/disk.raw"
mkfs.ext4 -q -F -L root -d "$STAGE" "$WORK/disk.raw"
rm -rf "$STAGE"

# boot N APPEND: starts qemu in the background; console on ttyS0, results on ttyS1. The disk is
# raw with cache=writeback: the guest's flushes reach the host's file (fdatasync), so what the
# guest made durable survives a kill of qemu; what was only in the guest's memory does not.
QEMU_PID=
boot() {
    local n=$1
    shift
    : > "$WORK/results-$n.log"
    qemu-system-x86_64 -accel tcg -cpu max -m 1536 -smp 2 -nodefaults -no-user-config -display none -no-reboot \
        -kernel "$GPIO_KERNEL/vmlinuz" -initrd "$WORK/initrd.cpio" \
        -append "console=ttyS0 rdinit=/init quiet loglevel=3 systemd.show_status=false panic=-1 $*" \
        -drive file="$WORK/disk.raw",format=raw,if=virtio,cache=writeback \
        -serial file:"$WORK/console-$n.log" -serial file:"$WORK/results-$n.log" < /dev/null > "$WORK/qemu-$n.log" 2>&1 &
    QEMU_PID=$!
}
# wait_for SECONDS WHAT COMMAND...: polls every second; false (with the reason) past the deadline.
wait_for() {
    local limit=$1 what=$2 end=$(($(date +%s) + $1))
    shift 2
    until "$@"; do
        kill -0 "$QEMU_PID" 2> /dev/null || { host_fail "$what: the VM ended first"; return 1; }
        [ "$(date +%s)" -lt "$end" ] || { host_fail "$what: not within ${limit}s"; return 1; }
        sleep 1
    done
}
results() { tr -d '\r' < "$WORK/results-$1.log"; }
has_line() { results "$1" | grep -q "$2"; }
committed_lines() { [ "$(results 1 | grep -c '^boot-test: committed ')" -ge "$1" ]; }
show() { results "$1" | grep -E '^boot-test: (PASS|FAIL|security|watchdog|phase|disk)' || true; }

# Boot 1: install and the checks up to the power cut. Generous windows: TCG on a loaded machine.
step "boot 1 (qemu TCG): install, restart, watchdog"
boot 1 boottest.phase=1
if wait_for 1500 "boot 1 reaching the power-cut loop" has_line 1 CUT-READY \
    && wait_for 300 "boot 1 committing rows in the loop" committed_lines 6; then
    # The cut lands somewhere in the loop of calls and acks: after a random part of a second.
    sleep "0.$((RANDOM % 10))"
    kill -9 "$QEMU_PID"
    step "power cut: qemu killed (SIGKILL) while dwelld was recording"
fi
kill -9 "$QEMU_PID" 2> /dev/null || true
wait "$QEMU_PID" 2> /dev/null || true
# The disk as the power cut left it, for a look afterwards (debugfs, sqlite3).
cp --sparse=always "$WORK/disk.raw" "$WORK/disk-after-cut.raw"
show 1
COMMITTED=$(results 1 | sed -n 's/^boot-test: committed \([0-9]*\) \([0-9a-f]*\)$/\1 \2/p' | tail -1)
ANSWERED=$(results 1 | sed -n 's/^boot-test: answered \([0-9]*\)$/\1/p' | tail -1)
step "last row a reader saw before the cut: ${COMMITTED:-none}; commands answered: ${ANSWERED:-0}"

if [ -n "$COMMITTED" ]; then
    step "boot 2 (qemu TCG): after the power cut; stop, remove, reinstall"
    boot 2 boottest.phase=2 "boottest.seq=${COMMITTED% *}" "boottest.hash=${COMMITTED#* }" "boottest.answered=${ANSWERED:-0}"
    wait_for 1500 "boot 2 finishing its checks" has_line 2 '^boot-test: DONE' || true
    # It powers off after DONE; past a minute it is stopped.
    end=$(($(date +%s) + 60))
    while kill -0 "$QEMU_PID" 2> /dev/null && [ "$(date +%s)" -lt "$end" ]; do sleep 1; done
    kill -9 "$QEMU_PID" 2> /dev/null || true
    wait "$QEMU_PID" 2> /dev/null || true
    show 2
else
    host_fail "no committed row seen before the cut: boot 2 skipped"
fi

PASSED=$(cat "$WORK"/results-*.log | tr -d '\r' | grep -c '^boot-test: PASS' || true)
FAILED=$(cat "$WORK"/results-*.log | tr -d '\r' | grep -c '^boot-test: FAIL' || true)
FAILED=$((FAILED + ${#HOST_RESULTS[@]}))
step "done (console logs: $WORK/console-1.log, console-2.log)"
echo "boot-test: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
