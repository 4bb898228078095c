# `dwell simulate --board` on the gpio-sim chip, sourced by guest-init.sh: the signal patterns
# edge by edge, pause and resume by button, SIGTERM; and a chip that vanishes mid-session.

run_simulate() {
    echo "== run 1: lamp test, signal patterns, pause and resume by button, SIGTERM"
    /linewatch watch $WATCH > /tmp/lines1.log &
    WATCHER=$!
    $DWELL --ack-after 10m > /tmp/dwell1.out 2> /tmp/dwell1.err &
    PID=$!
    if T0=$(wait_change /tmp/lines1.log green 1 2 60000); then
        gpioinfo > /tmp/gpioinfo1.txt 2>&1
        check "the board's 8 lines are requested by consumer dwelld" test "$(grep -c '"dwelld"' /tmp/gpioinfo1.txt)" -eq 8
        /linewatch until $((T0 + 12000)); P1=$(press 4)
        /linewatch until $((T0 + 14000)); P2=$(press 4)
        D=$((P2 - P1))
        /linewatch until $((T0 + 27000 + D))
        kill -TERM $PID
        wait_exit $PID 10000
        sleep 0.2
        kill $WATCHER
        L=/tmp/lines1.log
        echo "-- line log of run 1 (t0=$T0, pause $P1..$P2):"; awk -v t0="$T0" '{ printf "   %+6d %s %s\n", $1 - t0, $2, $3 }' $L
        check "lamp test: each lamp 300 ms then the buzzer 150 ms, in order" lamp_test $L 300 $LATE
        check "to the pause, the session follows its plan: warning 4s (amber, chirp), rest 6s (green blips at 6s and 8s), site b 10s" \
            plan $L $T0 amber=1@4000 buzzer=1@4000 buzzer=0@4200 amber=0@6000 green=0@6200 green=1@8000 green=0@8200 green=1@10000
        EA=$(cat /tmp/plan.est 2>/dev/null || echo 0)
        check "start_pause press pauses: green off, amber on" sh -c ". /guest-checks.sh; T0=$T0; edge $L green 0 $((P1 + PRESS_TOL / 2)) $((PRESS_TOL / 2)) && edge $L amber 1 $((P1 + PRESS_TOL / 2)) $((PRESS_TOL / 2))"
        check "second press resumes: green on, amber off" sh -c ". /guest-checks.sh; T0=$T0; edge $L green 1 $((P2 + PRESS_TOL / 2)) $((PRESS_TOL / 2)) && edge $L amber 0 $((P2 + PRESS_TOL / 2)) $((PRESS_TOL / 2))"
        check "after the pause, the plan goes on shifted by it: warning 18s, overrun 20s (green off, amber 0.5 Hz), escalation 24s (red)" \
            plan $L $((T0 + D)) amber=1@18000 buzzer=1@18000 buzzer=0@18200 green=0@20000 amber=0@21000 amber=1@22000 amber=0@23000 red=1@24000
        EB=$(cat /tmp/plan.est 2>/dev/null || echo 0)
        # The pause as Dwell saw it (between the two debounced presses) against D, the pause as
        # the test pressed it: both presses are seen with about the same delay.
        check "the pause moved what follows by its length: $D ms pressed, $((D + EB - EA)) ms as Dwell saw it" \
            between $((D - PRESS_TOL / 2)) $((D + PRESS_TOL / 2)) $((D + EB - EA))
        O=$((T0 + D + EB))
        check "overrun: 3 buzzer pulses" pulses $L buzzer $((O + 19900)) $((O + 21000)) 3 3 300
        check "escalation: red flashes at 2 Hz (5-7 rises in 3 s)" pulses $L red $((O + 23900)) $((O + 26900)) 5 7 500
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
}

run_simulate_vanish() {
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
}
