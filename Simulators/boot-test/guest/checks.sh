#!/bin/bash
# The boot test's checks inside the guest (Debian 12 under systemd). Boot 1 installs the package
# and ends in a loop of recorded commands that the host cuts off (qemu killed: a power cut); boot
# 2 checks what the record kept, then stop, remove and reinstall. Each result is one line on
# ttyS1: "boot-test: PASS …" or "boot-test: FAIL … : reason"; the host counts them.
set -u
OUT=/dev/ttyS1
HERE=/usr/local/lib/boot-test
DEB=$(ls /root/debs/dwell_*.deb)
RECORD=/var/lib/dwell/record.sqlite
C=/sys/kernel/config/gpio-sim/dwell
S0=/sys/devices/platform/$(cat $C/dev_name)/$(cat $C/bank0/chip_name)
S1=/sys/devices/platform/$(cat $C/dev_name)/$(cat $C/bank1/chip_name)
arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^boottest\.$1=//p"; }
PHASE=$(arg phase)

say() { echo "boot-test: $*" > $OUT; echo "boot-test: $*"; }
pass() { say "PASS $1"; }
fail() { say "FAIL $1: $2"; }
# check NAME COMMAND...: passes when the command succeeds; a failure names its last output line.
check() {
    local name=$1 output
    shift
    if output=$("$@" 2>&1); then pass "$name"; else fail "$name" "$(echo "$output" | tail -3 | tr '\n' ' ')"; fi
}
# wait_until SECONDS WHAT COMMAND...: retries every half second; past the deadline it prints why.
wait_until() {
    local limit=$1 what=$2 end
    shift 2
    end=$(($(date +%s) + limit))
    until "$@" > /dev/null 2>&1; do
        [ "$(date +%s)" -lt "$end" ] || { echo "no $what within ${limit}s"; return 1; }
        sleep 0.5
    done
}
main_pid() { systemctl show -p MainPID --value dwelld; }
prop() { systemctl show -p "$1" --value dwelld; }
is_active() { [ "$(systemctl is-active dwelld)" = active ]; }
bed_state() { curl -s --max-time 5 http://127.0.0.1:8470/api/v1/beds/1 | sed -n 's/.*"state" *: *"\([a-z]*\)".*/\1/p'; }
bed_is() { [ "$(bed_state)" = "$1" ]; }
line() { cat "$1/sim_gpio$2/value"; }
# Lines requested by consumer dwelld, as the kernel lists them (debugfs shows requested lines only).
held_lines() { grep -c '|dwelld ' /sys/kernel/debug/gpio; }
held_is() { [ "$(held_lines)" -eq "$1" ]; }
green_lit() { [ "$(line "$S0" 0)" = 1 ]; }
watchdog_pinged() { [ "$(prop WatchdogTimestampMonotonic)" -gt 0 ]; }
replaced() { [ "$(main_pid)" != "$1" ] && [ "$(main_pid)" != 0 ] && is_active; }
journal_has() { journalctl -u dwelld --since "$1" --no-pager | grep -q "$2"; }
uptime_s() { cut -d' ' -f1 /proc/uptime; }
last_row() { sqlite3 -readonly "$RECORD" 'SELECT seq || " " || hash FROM events ORDER BY seq DESC LIMIT 1'; }
call_rows() { sqlite3 -readonly "$RECORD" "SELECT count(*) FROM events WHERE type LIKE '%call%'"; }

# Each of dwelld's threads as "name policy rt_priority" (/proc/PID/task/*/stat fields 41 and 40;
# policy 1 is SCHED_FIFO).
thread_scheduling() {
    local task
    for task in /proc/"$(main_pid)"/task/*; do
        echo "$(cat "$task/comm") $(sed 's/^.*) //' "$task/stat" | awk '{print $39, $38}')"
    done
}
realtime_threads() {
    local threads
    threads=$(thread_scheduling)
    echo "$threads" | grep '^dwell-'
    echo "$threads" | grep -qx 'dwell-timer 1 10' && echo "$threads" | grep -qx 'dwell-runner 1 9' \
        && journalctl -u dwelld -b --no-pager | grep -q 'timer thread: SCHED_FIFO 10; runner thread: SCHED_FIFO 9'
}

active_through_ready() {
    wait_until 180 "active dwelld" is_active || return 1
    [ "$(prop Type)" = notify ] || { echo "Type=$(prop Type)"; return 1; }
    # Type=notify turns active only on READY=1; the watchdog pings arrive after it.
    wait_until 30 "watchdog ping" watchdog_pinged
}
record_private() {
    wait_until 30 "record file" test -f "$RECORD" || return 1
    local mode
    mode=$(stat -L -c %a "$RECORD")
    [ "$mode" = 600 ] || { echo "record mode $mode"; return 1; }
    ls -l /var/lib/dwell "$(readlink -f "$RECORD")"
}
chips_for_gpio() {
    local chip bad=0
    for chip in /dev/gpiochip*; do
        [ "$(stat -c '%G %a' "$chip")" = "gpio 660" ] || { echo "$chip: $(stat -c '%G %a' "$chip")"; bad=1; }
    done
    [ -e /dev/gpiochip0 ] && [ $bad = 0 ]
}
kiosk_user_and_gpio_group() {
    getent group gpio || { echo "no gpio group"; return 1; }
    local groups
    groups=$(id -nG dwell-kiosk) || return 1
    for group in video render input audio; do
        echo " $groups " | grep -q " $group " || { echo "dwell-kiosk is in: $groups"; return 1; }
    done
}
not_root_with_lines() {
    local uid
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/$(main_pid)/status")
    [ "$uid" != 0 ] || { echo "dwelld runs as root"; return 1; }
    wait_until 30 "8 lines held by dwelld" held_is 8 || { cat /sys/kernel/debug/gpio; return 1; }
}
session_drives_lines() {
    dwell start --bed 1 --protocol neck-shoulder-multisite --patient p-boot --consent --screened || return 1
    wait_until 30 "running bed 1" bed_is running || return 1
    wait_until 30 "green lamp lit (sim_gpio0 = 1)" green_lit
}
kill9_restarts() {
    local pid restarts since
    pid=$(main_pid) restarts=$(prop NRestarts) since=$(date '+%Y-%m-%d %H:%M:%S')
    kill -9 "$pid"
    wait_until 60 "new dwelld after kill -9" replaced "$pid" || return 1
    [ "$(prop NRestarts)" -gt "$restarts" ] || { echo "NRestarts $(prop NRestarts)"; return 1; }
    wait_until 30 "bed 1 interrupted" bed_is interrupted || { echo "state $(bed_state)"; return 1; }
    journalctl -u dwelld --since "$since" --no-pager | grep -i critical || { echo "no critical line"; return 1; }
}
resume_works() {
    dwell resume --bed 1 || return 1
    wait_until 30 "running bed 1" bed_is running
}
watchdog_fires() {
    local pid stopped_at fired_at since limit
    # WatchdogSec= of the installed unit, in seconds (systemctl show prints it formatted, "10s").
    limit=$(sed -n 's/^WatchdogSec=\([0-9]*\)$/\1/p' /lib/systemd/system/dwelld.service)
    [ -n "$limit" ] || { echo "no WatchdogSec=N (seconds) in dwelld.service"; return 1; }
    limit=$((limit + 2))
    pid=$(main_pid) since=$(date '+%Y-%m-%d %H:%M:%S')
    stopped_at=$(uptime_s)
    kill -STOP "$pid"
    wait_until 90 "watchdog timeout in the journal" journal_has "$since" 'Watchdog timeout' || return 1
    fired_at=$(journalctl -u dwelld --since "$since" -o short-monotonic --no-pager | grep -m1 'Watchdog timeout' | sed 's/^\[ *\([0-9.]*\)\].*/\1/')
    say "$(awk -v a="$stopped_at" -v b="$fired_at" -v l="$limit" 'BEGIN { printf "watchdog fired %.1f s after SIGSTOP (limit %d s)", b - a, l }')"
    awk -v a="$stopped_at" -v b="$fired_at" -v l="$limit" 'BEGIN { exit !(b - a <= l) }' || return 1
    wait_until 60 "dwelld restarted after the watchdog" replaced "$pid" || return 1
    wait_until 30 "bed 1 interrupted" bed_is interrupted
}
verify_record() { dwell record verify --record "$RECORD"; }
committed_kept() {
    local seq hash answered got calls
    seq=$(arg seq) hash=$(arg hash) answered=$(arg answered)
    [ -n "$seq" ] || { echo "the host passed no committed row"; return 1; }
    got=$(sqlite3 -readonly "$RECORD" "SELECT hash FROM events WHERE seq = $seq")
    [ "$got" = "$hash" ] || { echo "row $seq: hash '$got', before the cut '$hash'"; return 1; }
    calls=$(call_rows)
    [ "$calls" -ge "${answered:-0}" ] || { echo "$calls call rows, $answered calls and acks answered before the cut"; return 1; }
    echo "row $seq kept ($(last_row | cut -d' ' -f1) rows now), $calls call rows for $answered answered"
}
stop_is_safe() {
    systemctl stop dwelld || return 1
    [ "$(prop ExecMainCode)" = 1 ] && [ "$(prop ExecMainStatus)" = 0 ] && [ "$(prop Result)" = success ] \
        || { echo "code $(prop ExecMainCode) status $(prop ExecMainStatus) result $(prop Result)"; return 1; }
    [ "$(held_lines)" -eq 0 ] || { cat /sys/kernel/debug/gpio; return 1; }
    # Released lines fall back to their pulls: green, amber, buzzer low; the active-low red high (dark).
    local values="$(line $S0 0)$(line $S0 1)$(line $S0 2)$(line $S1 0)"
    [ "$values" = 0010 ] || { echo "green amber red buzzer = $values"; return 1; }
    journalctl -u dwelld -n 30 --no-pager | grep -i "safe" || true
}
security_score() {
    local text level
    text=$(systemd-analyze security dwelld.service --no-pager 2>&1)
    level=$(echo "$text" | sed -n 's/.*Overall exposure level for dwelld.service: \([0-9.]*\).*/\1/p')
    echo "$text" | grep 'Overall exposure'
    say "security: $(echo "$text" | grep 'Overall exposure')"
    awk -v l="$level" 'BEGIN { exit !(l != "" && l <= 2.5) }'
}
remove_keeps_record() {
    local rows
    rows=$(last_row | cut -d' ' -f1)
    apt-get remove -y dwell || return 1
    ! is_active || { echo "dwelld still active"; return 1; }
    [ -f /var/lib/private/dwell/record.sqlite ] || { echo "record gone"; return 1; }
    echo "$rows" > /root/rows-before-remove
}
reinstall_picks_up() {
    apt-get install -y "$DEB" || return 1
    wait_until 180 "active dwelld" is_active || return 1
    wait_until 30 "bed 1 interrupted" bed_is interrupted || { echo "state $(bed_state)"; return 1; }
    local rows
    rows=$(last_row | cut -d' ' -f1)
    [ "$rows" -ge "$(cat /root/rows-before-remove)" ] || { echo "$rows rows, $(cat /root/rows-before-remove) before"; return 1; }
    verify_record
}
purge_keeps_data_unless_told() {
    apt-get purge -y dwell || return 1
    [ -f /var/lib/private/dwell/record.sqlite ] || { echo "purge deleted the record"; return 1; }
    [ ! -e /etc/dwell/dwell.yaml ] || { echo "purge left the conffile"; return 1; }
    apt-get install -y "$DEB" && apt-get remove -y dwell || return 1
    DWELL_PURGE_DATA=yes apt-get purge -y dwell || return 1
    [ ! -e /var/lib/private/dwell ] && [ ! -e /var/lib/dwell ] || { echo "DWELL_PURGE_DATA=yes kept the record"; return 1; }
}

if [ "$PHASE" = 1 ]; then
    say "phase 1: install, restart, watchdog; then the power cut"
    check "apt-get install ./$(basename "$DEB") (offline)" apt-get install -y "$DEB"
    check "dwelld reaches active through READY=1 (Type=notify) and feeds the watchdog" active_through_ready
    check "the record is under /var/lib/dwell, mode 0600" record_private
    check "systemd-sysusers made the gpio group and the dwell-kiosk user (in video, render, input, audio)" kiosk_user_and_gpio_group
    check "the udev rule gives /dev/gpiochip* group gpio, mode 0660" chips_for_gpio
    cp $HERE/board.yaml /etc/dwell/board.yaml
    sed -i 's|^board: .*|board: /etc/dwell/board.yaml|; s|^beds: .*|beds: ["1"]|' /etc/dwell/dwell.yaml
    check "systemctl restart dwelld with the board file" sh -c 'systemctl restart dwelld && systemctl is-active dwelld'
    check "dwelld (not root) holds the board's 8 lines" not_root_with_lines
    check "under the unit (LimitRTPRIO=10) the timer thread runs at SCHED_FIFO 10, the runner thread at 9" realtime_threads
    check "a session started through the API drives the gpio-sim lines" session_drives_lines
    check "kill -9: systemd restarts dwelld, bed 1 interrupted, a critical line in the journal" kill9_restarts
    check "dwell resume after the restart" resume_works
    check "kill -STOP: the watchdog fires within WatchdogSec + 2 s and systemd restarts dwelld" watchdog_fires
    check "dwell resume after the watchdog restart" resume_works
    # The power cut: calls and acks on bed 1 while its session runs. After each answer, the
    # count; after each sqlite read beside dwelld, the newest row it saw. The host kills qemu
    # in the middle of this and passes the last of each to boot 2.
    # What the record's durability rests on, as dwelld sees it (its own mount namespace).
    say "disk: / $(findmnt -no FSTYPE,OPTIONS /); record $(nsenter -t "$(main_pid)" -m findmnt -no OPTIONS -T /var/lib/dwell); vda write_cache $(cat /sys/block/vda/queue/write_cache)"
    say "CUT-READY"
    answered=0
    while true; do
        dwell call --bed 1 > /dev/null 2>&1 && answered=$((answered + 1)) && say "answered $answered"
        dwell ack --bed 1 > /dev/null 2>&1 && answered=$((answered + 1)) && say "answered $answered"
        say "committed $(last_row)"
    done
fi

if [ "$PHASE" = 2 ]; then
    say "phase 2: after the power cut"
    check "dwelld active again after the power cut" active_through_ready
    check "the record verifies after the power cut" verify_record
    check "bed 1 is interrupted after the power cut (API)" wait_until 60 "bed 1 interrupted" bed_is interrupted
    check "nothing committed before the cut is missing" committed_kept
    check "systemctl stop: every line at its safe value, released, exit 0" stop_is_safe
    check "systemd-analyze security dwelld.service: exposure at most 2.5 (OK)" security_score
    systemctl start dwelld
    check "apt-get remove stops dwelld and keeps the record" remove_keeps_record
    check "reinstalling picks the record up (bed 1 still interrupted, rows kept)" reinstall_picks_up
    check "apt-get purge keeps the record; DWELL_PURGE_DATA=yes apt-get purge deletes it" purge_keeps_data_unless_told
    say "DONE"
    systemctl poweroff
fi
