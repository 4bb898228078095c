#!/bin/sh
# The boot test's initramfs: load the disk and ext4 modules, mount the root disk, hand over to
# systemd. (Debian's kernel has virtio and ext4 as modules; no initramfs-tools in the guest.)
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t devtmpfs dev /dev
for module in $(cat /modules/order); do /bin/busybox insmod "/modules/$module" || echo "initramfs: insmod $module failed"; done
tries=0
until [ -b /dev/vda ]; do
    tries=$((tries + 1))
    [ $tries -lt 300 ] || { echo "initramfs: no /dev/vda after 30 s"; /bin/busybox poweroff -f; }
    /bin/busybox sleep 0.1
done
/bin/busybox mkdir -p /root
/bin/busybox mount -t ext4 -o ro /dev/vda /root || { echo "initramfs: cannot mount /dev/vda"; /bin/busybox poweroff -f; }
/bin/busybox umount /proc
/bin/busybox umount /dev
exec /bin/busybox switch_root /root /sbin/init
