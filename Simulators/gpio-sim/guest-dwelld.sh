# dwelld itself on the gpio-sim chip, sourced by guest-init.sh: the daemon with the board file
# lamp-tests the lines, a session started through the API drives them, the board's buttons
# change what the API says, SIGTERM leaves every line safe and released, and a chip that
# vanishes mid-session is a fault, not a crash. The API is read with `linewatch get` and
# driven with the `dwell` client, as an integrator would.

# dwelld_config RECORD: a config for bed 1 on the board file, with the daemon test protocol.
dwelld_config() {
    mkdir -p /protocols
    cp /dwelld-protocol.yaml /protocols/
    cat > /tmp/dwell.yaml <<EOF
listen: 127.0.0.1:8470
protocols: /protocols
record: $1
board: /board.yaml
beds: ["1"]
clinic: { min_session: 1m, max_session: 15m, escalate_after: 10s }
EOF
}

# bed FIELD: a field of bed 1 as the API has it now (first occurrence; strings unquoted).
bed() {
    /linewatch get 8470 /api/v1/beds/1 2>/dev/null | grep -o "\"$1\" *: *[^,}]*" | head -1 | sed 's/^[^:]*: *//; s/"//g'
}

# wait_bed FIELD VALUE MS: waits until the API says FIELD is VALUE (an extended regex); prints it.
wait_bed() {
    deadline=$(($(/linewatch now) + $3))
    while [ "$(/linewatch now)" -lt "$deadline" ]; do
        now=$(bed "$1")
        if echo "$now" | grep -Eqx "$2"; then echo "    $1: $now"; return 0; fi
        sleep 0.1
    done
    echo "    $1 is \"$now\", not $2, after $3 ms"
    return 1
}

# wait_extended BEFORE MS: remaining_ms grows from BEFORE by a minute (less the time since).
wait_extended() {
    deadline=$(($(/linewatch now) + $2))
    while [ "$(/linewatch now)" -lt "$deadline" ]; do
        now=$(bed remaining_ms)
        [ -n "$now" ] && [ "$now" -ge $(($1 + 50000)) ] && break
        sleep 0.1
    done
    echo "    remaining_ms $1 -> ${now:-none}"
    [ -n "$now" ] && [ "$now" -ge $(($1 + 50000)) ] && [ "$now" -le $(($1 + 60000)) ]
}

# start_dwelld LOG NAME: dwelld with the config above; waits up to 120 s for the API (TCG boots
# a debug build slowly). Sets PID.
start_dwelld() {
    /linewatch watch $WATCH > "$1" &
    WATCHER=$!
    /dwelld --config /tmp/dwell.yaml > "/tmp/$2.out" 2> "/tmp/$2.err" &
    PID=$!
    deadline=$(($(/linewatch now) + 120000))
    while alive $PID && [ "$(/linewatch now)" -lt "$deadline" ] && [ "$(bed state)" != idle ]; do sleep 0.2; done
}

run_dwelld() {
    echo "== run 3: dwelld on the chip: lamp test, a session through the API, the buttons, SIGTERM"
    dwelld_config /tmp/dwelld.sqlite
    L=/tmp/lines3.log
    start_dwelld $L dwelld3
    check "dwelld: the API answers, bed 1 idle, no fault" sh -c ". /guest-dwelld.sh; wait_bed state idle 1000 && wait_bed fault false 1000"
    check "dwelld: lamp test on the chip at start-up, each lamp 300 ms then the buzzer 150 ms" lamp_test $L 300 $LATE
    gpioinfo > /tmp/gpioinfo3.txt 2>&1
    check "dwelld: the board's 8 lines are requested by consumer dwelld" test "$(grep -c '"dwelld"' /tmp/gpioinfo3.txt)" -eq 8
    check "dwelld: dwell start (the API) is accepted" /dwell start --bed 1 --protocol dwelld-test --therapist t-01 --consent --screened
    if T0=$(wait_change $L green 1 2 30000); then
        /linewatch until $((T0 + 11000))
        check "dwelld: the lamps follow the plan: warning 4s (amber, chirp), rest 6s (green blips), site b 10s" \
            plan $L $T0 amber=1@4000 buzzer=1@4000 buzzer=0@4200 amber=0@6000 green=0@6200 green=1@8000 green=0@8200 green=1@10000
        P1=$(press 4)
        check "dwelld: the start_pause button pauses (API: paused; green off)" \
            sh -c ". /guest-dwelld.sh; . /guest-checks.sh; T0=$T0; wait_bed state paused $PRESS_WAIT && edge $L green 0 $((P1 + PRESS_TOL / 2)) $((PRESS_TOL / 2))"
        P2=$(press 4)
        check "dwelld: a second press resumes (API: running; green on)" \
            sh -c ". /guest-dwelld.sh; . /guest-checks.sh; T0=$T0; wait_bed state running $PRESS_WAIT && edge $L green 1 $((P2 + PRESS_TOL / 2)) $((PRESS_TOL / 2))"
        R1=$(bed remaining_ms)
        press 6 > /dev/null
        check "dwelld: the extend button adds 1 minute (API remaining_ms was $R1)" wait_extended $R1 $PRESS_WAIT
        /dwell skip --bed 1 > /dev/null
        check "dwelld: dwell skip ends the last site: overrun, green off" \
            sh -c ". /guest-dwelld.sh; . /guest-checks.sh; wait_bed state overrun 5000 && test \"\$(value $S0/sim_gpio0/value)\" = 0"
        press 5 > /dev/null
        check "dwelld: the acknowledge button ends the overrun" wait_bed state 'observation|completed|unaccounted' $PRESS_WAIT
        C1=$(press 7)
        /linewatch until $((C1 + 2500))
        check "dwelld: the call button calls (API: call set, signal calling; red flashes at 2 Hz)" \
            sh -c ". /guest-dwelld.sh; . /guest-checks.sh; wait_bed signal calling $PRESS_WAIT && test \"\$(bed call)\" != null && test \$(rises $L red $C1 $((C1 + 2500))) -ge 2"
        /dwell ack --bed 1 > /dev/null
        check "dwelld: dwell ack answers the call (API: call null, the session's signal again)" \
            sh -c ". /guest-dwelld.sh; wait_bed call null 5000 && wait_bed signal 'observation|idle|needles-unaccounted' 1000"
    else
        fail "run 3: the session did not start (no green within 30 s)"
    fi
    kill -TERM $PID
    wait_exit $PID 20000
    sleep 0.2
    kill $WATCHER
    echo "-- line log of run 3 (t0=${T0:-none}):"; awk -v t0="${T0:-0}" '{ printf "   %+6d %s %s\n", $1 - t0, $2, $3 }' $L
    check "dwelld: SIGTERM: exit status 0 after making the outputs safe" sh -c "echo '    exit status $RC'; test '$RC' = 0 && grep -q 'outputs to safe values' /tmp/dwelld3.err"
    check "dwelld: after SIGTERM every output is at its safe value (green, amber, buzzer 0; active-low red 1)" \
        test "$(value $S0/sim_gpio0/value)$(value $S0/sim_gpio1/value)$(value $S0/sim_gpio2/value)$(value $S1/sim_gpio0/value)" = 0010
    gpioinfo > /tmp/gpioinfo3b.txt 2>&1
    check "dwelld: after SIGTERM no line is held by dwelld" sh -c "! grep -q '\"dwelld\"' /tmp/gpioinfo3b.txt"
    /dwell record export --format jsonl --record /tmp/dwelld.sqlite > /tmp/record3.jsonl 2>&1
    check "dwelld: the clinic record has the call and its answer with the response time" \
        sh -c "grep -q '\"record.patient-call\"' /tmp/record3.jsonl && grep '\"record.call-answered\"' /tmp/record3.jsonl | grep -q '\"amount_ms\":[0-9]'"
    echo "-- dwelld stderr of run 3:"; sed 's/^/   /' /tmp/dwelld3.err
}

run_dwelld_vanish() {
    echo "== run 4: dwelld, the chip vanishes mid-session"
    dwelld_config /tmp/dwelld4.sqlite
    L=/tmp/lines4.log
    start_dwelld $L dwelld4
    /dwell start --bed 1 --protocol dwelld-test --consent --screened > /dev/null
    if T0=$(wait_change $L green 1 2 30000); then
        # In the rest, before the 8 s blip: the next write goes to a chip that is gone.
        /linewatch until $((T0 + 7000))
        echo 0 > $C/live
        /linewatch until $((T0 + 11000))
        check "dwelld: keeps running after the chip is gone" alive $PID
        check "dwelld: the lost chip is the bed's fault; timing goes on (API: fault, running; the log says so)" \
            sh -c ". /guest-dwelld.sh; wait_bed fault true 5000 && wait_bed state running 1000 && grep 'indicator fault, timing goes on' /tmp/dwelld4.err"
    else
        fail "run 4: the session did not start"
    fi
    kill -TERM $PID
    wait_exit $PID 20000
    kill $WATCHER
    check "dwelld: then stops on SIGTERM with 0, not a crash" sh -c "echo '    exit status $RC'; test '$RC' = 0 && ! grep -q 'Fatal error' /tmp/dwelld4.err"
    /dwell record export --format jsonl --record /tmp/dwelld4.sqlite > /tmp/record4.jsonl 2>&1
    check "dwelld: the clinic record has the fault event" grep -q '"fault"' /tmp/record4.jsonl
    echo "-- dwelld stderr of run 4:"; sed 's/^/   /' /tmp/dwelld4.err
}
