#!/bin/sh
# One gpio-sim device, lines named as in Simulators/boards/gpio-sim.yaml: bank 0 the lamps and
# buttons of bed 1, bank 1 the buzzer. The red lamp is active-low, wired with a pull-up.
set -e
modprobe configfs
modprobe gpio-sim
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
C=/sys/kernel/config/gpio-sim/dwell
mkdir $C $C/bank0 $C/bank1
echo 8 > $C/bank0/num_lines
echo sim-bank0 > $C/bank0/label
for entry in 0:led-green 1:led-amber 2:led-red 4:btn-start 5:btn-ack 6:btn-extend 7:btn-call; do
    mkdir $C/bank0/line${entry%%:*}
    echo "${entry#*:}" > $C/bank0/line${entry%%:*}/name
done
echo 2 > $C/bank1/num_lines
echo sim-bank1 > $C/bank1/label
mkdir $C/bank1/line0
echo beeper > $C/bank1/line0/name
echo 1 > $C/live
S0=/sys/devices/platform/$(cat $C/dev_name)/$(cat $C/bank0/chip_name)
echo pull-up > $S0/sim_gpio2/pull
# The chips' device nodes are made by udev (the package's rule sets their group): wait for them.
udevadm settle --timeout=60
