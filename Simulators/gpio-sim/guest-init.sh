#!/bin/busybox sh
# /init of the gpio-sim test VM: configures a gpio-sim chip, runs Dwell on it and checks the
# lines. Prints "gpio-sim: PASS|FAIL ..." per check, then "gpio-sim: result N passed, N failed",
# and hands the verdict to qemu through isa-debug-exit (port 0xf4): 0 passed, 1 failed.
#
# Tolerances. TCG (a software-emulated CPU) runs the guest 10-50x slower than hardware, and
# when the host's cores are busy the whole guest stalls for tens to hundreds of ms at a time;
# the test must pass then too (10 runs of 10 under `stress-ng --cpu 2`, see README.md). So it
# checks what Dwell claims, not how fast an emulated CPU wakes:
# - Every change follows the plan (`plan` in guest-checks.sh): Dwell schedules each edge at
#   session start + offset, so lateness does not add up. The planned changes are matched in
#   order; Dwell's start is estimated from the least late one. Their median lateness must be
#   within LATE=300 ms and each within LATE_MAX=2000 ms (two checked changes of one lamp to
#   one value are at least 2 s apart). Seen with both host cores busy, over 7 boots: median
#   7 ms, 90th percentile 47 ms, and apart from one 1.6 s stall (both edges of a chirp
#   fired together; the next edge was on time) at most 142 ms. A change is looked for no
#   earlier than WINDOW=800 ms before its time counted from the t0 the test saw, which may
#   itself be late (400 ms seen). The session's first green is that t0 and is not judged.
# - The pause shifts what follows by its length as Dwell saw it (between the two debounced
#   presses), within PRESS_TOL/2 of the length the test pressed. The lamps answer a
#   press within PRESS_TOL, and the API within PRESS_WAIT=5000 ms (30 ms debounce, the button
#   thread's poll() wake-up, the bed's actor, a TCG stall).
# - Patterns are counted, not timed: 3 buzzer pulses in the overrun's first second; 5-7 red
#   rises in 3 s of the 2 Hz flash (6 planned; the window may cut one at either end). Fewer
#   only when linewatch saw the whole guest stand still in that window (its own 2 ms polls
#   more than 100 ms apart), by as many pulses as the stall could hide (`pulses`): Dwell fires
#   what came due in a stall at once, so a pulse inside one is not visible. Seen once in 8
#   boots under stress-ng (a 1.3 s gap in the red flashes).
export PATH=/bin
LATE=300
LATE_MAX=2000
WINDOW=800
PRESS_TOL=1000
PRESS_WAIT=5000

/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
ip link set lo up    # dwelld's API listens on 127.0.0.1
. /guest-checks.sh

verdict() {
    echo "gpio-sim: result $PASSED passed, $FAILED failed"
    # qemu exits the moment the verdict reaches the port: give the serial console time to
    # send the line above first (under load it once lost its end).
    sleep 2
    code='\000'
    [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ] || code='\001'
    printf "$code" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    poweroff -f
}

insmod /modules/configfs.ko && insmod /modules/gpio-sim.ko || { fail "load configfs.ko and gpio-sim.ko"; verdict; }
mount -t configfs none /sys/kernel/config

# One gpio-sim device with two banks (two chips): bank 0 has the lamps and buttons of bed 1,
# bank 1 the buzzer. Line names as in Simulators/boards/gpio-sim.yaml; the buzzer's name is on
# bank 1 while the board's default chip is bank 0 (a named line is found on whichever chip has it).
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

# chip_up: makes the chip live (again, after a test unplugged it) and finds its sysfs files.
chip_up() {
    echo 1 > $C/live
    DEV=$(cat $C/dev_name)
    S0=/sys/devices/platform/$DEV/$(cat $C/bank0/chip_name)
    S1=/sys/devices/platform/$DEV/$(cat $C/bank1/chip_name)
    # The red lamp is active-low: wired with a pull-up, so it is dark while nobody drives it.
    echo pull-up > $S0/sim_gpio2/pull
    WATCH="green=$S0/sim_gpio0/value amber=$S0/sim_gpio1/value red=!$S0/sim_gpio2/value buzzer=$S1/sim_gpio0/value"
}
chip_up
DWELL="/dwell simulate /test-protocol.yaml --board /board.yaml --bed 1 --min-session 1s --max-session 1h --escalate-after 4s --json --lines"

/dwell gpio probe > /tmp/probe.txt 2>&1
sed 's/^/    /' /tmp/probe.txt
check "gpio probe names the libgpiod it loaded at run time, speaking the ${EXPECT_API:-?} API" \
    grep -Eq "^libgpiod: (.*/)?libgpiod\.so\.[23] \(.*, ${EXPECT_API:-v[12]} API\)$" /tmp/probe.txt
echo "gpio-sim: libgpiod $(sed -n 's/^libgpiod: .*libgpiod\.so\.[23] (\(.*\), v[12] API)$/\1/p' /tmp/probe.txt)"
check "gpio probe lists the sim chip and its line names" grep -q 'line 0 .*"led-green"' /tmp/probe.txt
check "gpio check accepts the board" /dwell gpio check /board.yaml

# press OFFSET: a button press on bank 0 (pull-up for 200 ms); prints when it began (read
# before the pull is written, so that nothing the press causes can come before it).
press() {
    began=$(/linewatch now)
    echo pull-up > $S0/sim_gpio$1/pull
    /linewatch until $((began + 200))
    echo pull-down > $S0/sim_gpio$1/pull
    echo "$began"
}

. /guest-simulate.sh
. /guest-dwelld.sh
run_simulate
run_dwelld
run_simulate_vanish
chip_up
run_dwelld_vanish
verdict
