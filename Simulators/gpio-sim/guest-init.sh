#!/bin/busybox sh
# /init of the gpio-sim test VM: configures a gpio-sim chip, runs Dwell on it and checks the
# lines. Prints "gpio-sim: PASS|FAIL ..." per check, then "gpio-sim: result N passed, N failed",
# and hands the verdict to qemu through isa-debug-exit (port 0xf4): 0 passed, 1 failed.
#
# Tolerances (TCG, i.e. a software-emulated CPU, runs the guest 10-50x slower than hardware):
# - TOL=150 ms for a line change against its planned time. Dwell schedules every edge at
#   session start + offset, so errors do not accumulate; what remains is wake-up latency under
#   TCG (typically 5-60 ms here) plus linewatch's 2 ms polling. 150 ms is still less than the
#   shortest interval between two changes of the same lamp that is checked (200 ms: the chirp
#   and the rest blip), so a check cannot be satisfied by a neighbouring edge.
# - PRESS_TOL=400 ms from writing a button's pull to the lamps answering: 30 ms debounce,
#   the button thread's poll() wake-up, a hop to the runner actor, plus the TCG latency above.
# - The 2 Hz red flash is counted over 3 s (6 flashes planned; 5 to 7 accepted: the window may
#   cut one at either end).
export PATH=/bin
TOL=150
PRESS_TOL=400

/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
. /guest-checks.sh

verdict() {
    echo "gpio-sim: result $PASSED passed, $FAILED failed"
    code='\000'
    [ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ] || code='\001'
    printf "$code" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
    poweroff -f
}

insmod /modules/configfs.ko && insmod /modules/gpio-sim.ko || { fail "load configfs.ko and gpio-sim.ko"; verdict; }
mount -t configfs none /sys/kernel/config

# One gpio-sim device with two banks (two chips): bank 0 has the lamps and buttons of bed 1,
# bank 1 the buzzer. Line names as in Simulators/boards/gpio-sim.yaml.
C=/sys/kernel/config/gpio-sim/dwell
mkdir $C $C/bank0 $C/bank1
echo 8 > $C/bank0/num_lines
echo sim-bank0 > $C/bank0/label
for entry in 0:led-green 1:led-amber 2:led-red 4:btn-start 5:btn-ack 6:btn-extend; do
    mkdir $C/bank0/line${entry%%:*}
    echo "${entry#*:}" > $C/bank0/line${entry%%:*}/name
done
echo 2 > $C/bank1/num_lines
echo sim-bank1 > $C/bank1/label
echo 1 > $C/live
DEV=$(cat $C/dev_name)
S0=/sys/devices/platform/$DEV/$(cat $C/bank0/chip_name)
S1=/sys/devices/platform/$DEV/$(cat $C/bank1/chip_name)
# The red lamp is active-low: wired with a pull-up, so it is dark while nobody drives it.
echo pull-up > $S0/sim_gpio2/pull
WATCH="green=$S0/sim_gpio0/value amber=$S0/sim_gpio1/value red=!$S0/sim_gpio2/value buzzer=$S1/sim_gpio0/value"
DWELL="/dwell simulate /test-protocol.yaml --board /board.yaml --bed 1 --min-session 1s --max-session 1h --escalate-after 4s --json --lines"

/dwell gpio probe > /tmp/probe.txt 2>&1
sed 's/^/    /' /tmp/probe.txt
check "gpio probe names the libgpiod it loaded at run time" grep -q '^libgpiod: libgpiod\.so\.[23] (.*, v[12] API)$' /tmp/probe.txt
check "gpio probe lists the sim chip and its line names" grep -q 'line 0 .*"led-green"' /tmp/probe.txt
check "gpio check accepts the board" /dwell gpio check /board.yaml

# press OFFSET: a button press on bank 0 (pull-up for 200 ms); prints when it began.
press() {
    echo pull-up > $S0/sim_gpio$1/pull
    began=$(/linewatch now)
    /linewatch until $((began + 200))
    echo pull-down > $S0/sim_gpio$1/pull
    echo "$began"
}

echo "== run 1: lamp test, signal patterns, pause and resume by button, SIGTERM"
/linewatch watch $WATCH > /tmp/lines1.log &
WATCHER=$!
$DWELL --ack-after 10m > /tmp/dwell1.out 2> /tmp/dwell1.err &
PID=$!
if T0=$(wait_change /tmp/lines1.log green 1 2 60000); then
    gpioinfo > /tmp/gpioinfo1.txt 2>&1
    check "the board's 7 lines are requested by consumer dwelld" test "$(grep -c '"dwelld"' /tmp/gpioinfo1.txt)" -eq 7
    /linewatch until $((T0 + 12000)); P1=$(press 4)
    /linewatch until $((T0 + 15000)); P2=$(press 4)
    D=$((P2 - P1))
    /linewatch until $((T0 + 27000 + D))
    kill -TERM $PID
    wait_exit $PID 10000
    sleep 0.2
    kill $WATCHER
    L=/tmp/lines1.log
    echo "-- line log of run 1 (t0=$T0, pause $P1..$P2):"; awk -v t0="$T0" '{ printf "   %+6d %s %s\n", $1 - t0, $2, $3 }' $L
    check "lamp test: each lamp 300 ms then the buzzer 150 ms, in order" lamp_test $L 300 $TOL
    check "running: green on at start, warning: amber on at 4s" edge $L amber 1 $((T0 + 4000)) $TOL
    check "warning chirp: buzzer 4s..4.2s" sh -c ". /guest-checks.sh; T0=$T0; edge $L buzzer 1 $((T0 + 4000)) $TOL && edge $L buzzer 0 $((T0 + 4200)) $TOL"
    check "rest at 6s: amber off, green blips 6s..6.2s and 8s..8.2s" sh -c ". /guest-checks.sh; T0=$T0; edge $L amber 0 $((T0 + 6000)) $TOL && edge $L green 0 $((T0 + 6200)) $TOL && edge $L green 1 $((T0 + 8000)) $TOL && edge $L green 0 $((T0 + 8200)) $TOL"
    check "site b at 10s: green steady" edge $L green 1 $((T0 + 10000)) $TOL
    check "start_pause press pauses: green off, amber on" sh -c ". /guest-checks.sh; T0=$T0; edge $L green 0 $((P1 + PRESS_TOL / 2)) $((PRESS_TOL / 2)) && edge $L amber 1 $((P1 + PRESS_TOL / 2)) $((PRESS_TOL / 2))"
    check "second press resumes: green on, amber off" sh -c ". /guest-checks.sh; T0=$T0; edge $L green 1 $((P2 + PRESS_TOL / 2)) $((PRESS_TOL / 2)) && edge $L amber 0 $((P2 + PRESS_TOL / 2)) $((PRESS_TOL / 2))"
    check "the pause ($D ms) moved the warning to 18s + pause" edge $L amber 1 $((T0 + 18000 + D)) $TOL
    check "overrun at 20s + pause: green off, 3 buzzer pulses" sh -c ". /guest-checks.sh; T0=$T0; edge $L green 0 $((T0 + 20000 + D)) $TOL && between 3 3 \$(rises $L buzzer $((T0 + 19900 + D)) $((T0 + 21000 + D)))"
    check "overrun: amber flashes at 0.5 Hz (off 21s, on 22s, off 23s)" sh -c ". /guest-checks.sh; T0=$T0; edge $L amber 0 $((T0 + 21000 + D)) $TOL && edge $L amber 1 $((T0 + 22000 + D)) $TOL && edge $L amber 0 $((T0 + 23000 + D)) $TOL"
    check "escalation at 24s + pause: red on, then 2 Hz (5-7 flashes in 3 s)" sh -c ". /guest-checks.sh; T0=$T0; edge $L red 1 $((T0 + 24000 + D)) $TOL && between 5 7 \$(rises $L red $((T0 + 24000 + D - TOL)) $((T0 + 27000 + D - TOL)))"
    check "SIGTERM: dwell exits with 143 and says the outputs are safe" sh -c "echo '    exit status $RC'; test '$RC' = 143 && grep -q 'SIGTERM: outputs safe, lines released' /tmp/dwell1.err"
    check "after SIGTERM every output is at its safe value (green, amber, buzzer 0; active-low red 1)" \
        test "$(value $S0/sim_gpio0/value)$(value $S0/sim_gpio1/value)$(value $S0/sim_gpio2/value)$(value $S1/sim_gpio0/value)" = 0010
    gpioinfo > /tmp/gpioinfo1b.txt 2>&1
    check "after SIGTERM no line is held by dwelld" sh -c "! grep -q '\"dwelld\"' /tmp/gpioinfo1b.txt"
else
    fail "run 1: the session did not start (no lamp test and green within 60 s)"
    kill -9 $PID $WATCHER 2>/dev/null
fi
echo "-- dwell stderr of run 1:"; sed 's/^/   /' /tmp/dwell1.err

echo "== run 2: the chip vanishes mid-session"
/linewatch watch $WATCH > /tmp/lines2.log &
WATCHER=$!
$DWELL --ack-after 1s --record /tmp/record.sqlite > /tmp/dwell2.out 2> /tmp/dwell2.err &
PID=$!
if T0=$(wait_change /tmp/lines2.log green 1 2 60000); then
    # In the rest, before the 8 s blip: the next write goes to a chip that is gone.
    /linewatch until $((T0 + 7000))
    echo 0 > $C/live
    /linewatch until $((T0 + 11000))
    check "dwell keeps running after the chip is gone" alive $PID
    check "the lost chip is reported as a fault" grep -q '^fault at' /tmp/dwell2.err
    kill -TERM $PID
    wait_exit $PID 10000
    kill $WATCHER
    check "it then stops on SIGTERM with 143, not a crash" sh -c "echo '    exit status $RC'; test '$RC' = 143 && ! grep -q 'Fatal error' /tmp/dwell2.err"
    /dwell record export --format jsonl --record /tmp/record.sqlite > /tmp/record.jsonl 2>&1
    check "the clinic record has the fault event" grep -q '"fault"' /tmp/record.jsonl
else
    fail "run 2: the session did not start"
    kill -9 $PID $WATCHER 2>/dev/null
fi
echo "-- dwell stderr of run 2:"; sed 's/^/   /' /tmp/dwell2.err
verdict
