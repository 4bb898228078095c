# Assertions of the gpio-sim test, sourced by guest-init.sh (busybox sh + awk in the guest).
# A line log has one "<ms> <lamp> <0|1>" per change, as written by `linewatch watch`.

PASSED=0
FAILED=0

pass() { PASSED=$((PASSED + 1)); echo "gpio-sim: PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "gpio-sim: FAIL $*"; }

# check "what" command...: one assertion; the command's own output explains a failure.
check() {
    what=$1
    shift
    if "$@"; then pass "$what"; else fail "$what"; fi
}

# edge LOG LAMP VALUE AT TOL: LAMP changed to VALUE within TOL ms of AT (absolute ms).
edge() {
    awk -v lamp="$2" -v value="$3" -v at="$4" -v tol="$5" -v t0="$T0" '
        $2 == lamp && $3 == value {
            d = $1 - at; a = d < 0 ? -d : d
            if (a <= tol && (best == "" || a < best)) { best = a; off = d }
        }
        END {
            if (best != "") { printf "    %s -> %s at %+d ms of plan (t0%+d)\n", lamp, value, off, at - t0; exit 0 }
            printf "    %s -> %s: no such change within %d ms of t0%+d\n", lamp, value, tol, at - t0; exit 1
        }' "$1"
}

# plan LOG T0 LAMP=VALUE@MS...: the session follows its plan. The planned changes (MS after
# T0, in plan order) are matched in order: each with the first change of that lamp to that
# value after the one matched before it, and no more than WINDOW ms before its planned time (T0
# is where the test saw green light, itself late by a wake-up). Dwell's own start is estimated
# as the least late of them (no change can come before its time). Every change must come
# within LATE_MAX ms of its time and their median within LATE: Dwell schedules every edge at
# start + offset, so one late edge (a TCG stall) does not make the others late. Writes the
# estimate (ms from T0) to /tmp/plan.est.
plan() {
    log=$1
    t0=$2
    shift 2
    rm -f /tmp/plan.est
    awk -v t0="$t0" -v window="$WINDOW" -v late="$LATE" -v latemax="$LATE_MAX" -v spec="$*" '
        { at[NR] = $1; lamp[NR] = $2; value[NR] = $3 }
        END {
            n = split(spec, items, " ")
            for (i = 1; i <= n; i++) {
                split(items[i], part, "[=@]"); key = part[1] "=" part[2]; earliest = t0 + part[3] - window; found = 0
                for (r = cursor[key] + 1; r <= NR && !found; r++) {
                    if (lamp[r] == part[1] && value[r] == part[2] && at[r] >= earliest) {
                        found = 1; cursor[key] = r; off[i] = at[r] - t0 - part[3]
                    }
                }
                if (!found) { printf "    %s: no such change after t0%+d\n", items[i], part[3] - window; missing = 1; continue }
                if (least == "" || off[i] < least) least = off[i]
            }
            if (missing) exit 1
            line = "   "
            for (i = 1; i <= n; i++) {
                lateness[i] = off[i] - least
                line = line sprintf(" %s+%d", items[i], lateness[i])
                if (lateness[i] > latemax) bad = 1
            }
            # the median: sort the lateness (n is small)
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (lateness[j] < lateness[i]) { t = lateness[i]; lateness[i] = lateness[j]; lateness[j] = t }
            median = lateness[int((n + 1) / 2)]
            printf "    Dwell started at t0%+d ms; lateness after it (median %d ms):\n%s\n", least, median, line
            print least > "/tmp/plan.est"
            exit (bad || median > late)
        }' "$log"
}

# rises LOG LAMP FROM TO: how many times LAMP went to 1 in [FROM, TO).
rises() {
    awk -v lamp="$2" -v from="$3" -v to="$4" '$2 == lamp && $3 == 1 && $1 >= from && $1 < to { n++ } END { print n + 0 }' "$1"
}

# pulses LOG LAMP FROM TO MIN MAX PERIOD: LAMP rose MIN to MAX times in [FROM, TO), fewer only
# by what stalls of the guest may have hidden, and at least once. linewatch logs "<ms> stall
# <gap>" when its 2 ms polls were more than 50 ms apart: the whole guest stood still (TCG on a
# busy host). Dwell fires the edges that came due in a stall at once, so a pulse inside one
# cannot be seen; each stall of 100 ms or more (the shortest pulse) may hide gap / PERIOD + 1.
pulses() {
    awk -v lamp="$2" -v from="$3" -v to="$4" -v least="$5" -v most="$6" -v period="$7" '
        $2 == lamp && $3 == 1 && $1 >= from && $1 < to { n++ }
        $2 == "stall" && $3 >= 100 && $1 > from && $1 - $3 < to { hidden += int($3 / period) + 1; seen = seen " " $3 }
        END {
            if (hidden) { printf "    the guest stalled in the window (ms:%s)\n", seen; least -= hidden }
            if (least < 1) least = 1
            printf "    %d rises, %d to %d accepted\n", n, least, most
            exit !(n >= least && n <= most)
        }' "$1"
}

# between MIN MAX VALUE: MIN <= VALUE <= MAX.
between() {
    if [ "$3" -ge "$1" ] && [ "$3" -le "$2" ]; then echo "    $3 in [$1, $2]"; return 0; fi
    echo "    $3 not in [$1, $2]"
    return 1
}

# lamp_test LOG EACH TOL: the first 8 changes are each lamp on then off, in order (green,
# amber, red, buzzer), each lit EACH ms (the buzzer EACH/2) within TOL.
lamp_test() {
    awk -v each="$2" -v tol="$3" '
        $2 == "stall" { next }               # linewatch noting a stall of the guest
        ++line <= 4 { next }                 # the initial levels
        n < 8 {
            seq = seq " " $2 "=" $3
            if ($3 == 1) { on[$2] = $1 } else if ($2 in on) {
                want = $2 == "buzzer" ? each / 2 : each; d = $1 - on[$2] - want
                lit = lit sprintf(" %s %d ms", $2, $1 - on[$2])
                if (d > tol || d < -tol) bad = 1
            }
            n++
        }
        END {
            printf "    sequence:%s\n    lit:%s\n", seq, lit
            if (seq != " green=1 green=0 amber=1 amber=0 red=1 red=0 buzzer=1 buzzer=0" || bad) exit 1
        }' "$1"
}

# wait_change LOG LAMP VALUE NTH TIMEOUT_MS: waits until LAMP has gone to VALUE NTH times;
# prints when it last did.
wait_change() {
    deadline=$(($(/linewatch now) + $5))
    while [ "$(/linewatch now)" -lt "$deadline" ]; do
        at=$(awk -v lamp="$2" -v value="$3" -v nth="$4" '$2 == lamp && $3 == value { n++; if (n == nth) { print $1; exit } }' "$1")
        if [ -n "$at" ]; then echo "$at"; return 0; fi
        sleep 0.1
    done
    return 1
}

# alive PID: the process runs (a zombie that has exited but is not reaped yet does not count).
alive() {
    state=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)
    [ -n "$state" ] && [ "$state" != Z ]
}

# wait_exit PID MS: waits up to MS for PID (a child of this shell) to end and sets RC to its
# exit status, or to "running" (call it in this shell, not in $(...): only the parent can wait).
wait_exit() {
    deadline=$(($(/linewatch now) + $2))
    while alive "$1" && [ "$(/linewatch now)" -lt "$deadline" ]; do sleep 0.05; done
    if alive "$1"; then RC=running; return; fi
    wait "$1"
    RC=$?
}

# value FILE: a sysfs value.
value() { cat "$1" 2>/dev/null || echo gone; }
