#!/bin/bash
# bench/oneshot.sh: whole-process timing of one netprobe run, and of one
# `netprobe lookup NAME A`, against dig, kdig and drill looking up the same name
# on the same local knotd, all in ONE hyperfine run.
#
#   bash bench/oneshot.sh
#
# Environment:
#   NETPROBE   netprobe binary (default: ../build/src/netprobe or ../src/netprobe
#              relative to this script, whichever exists)
#   RUNS       hyperfine runs per command (default 200)
#   WARMUP     hyperfine warmup runs per command (default 10)
#   RESULTS    file for a copy of the whole output (default
#              bench/results/oneshot-YYYY-MM-DD.txt, UTC date, or
#              oneshot-YYYY-MM-DD-N.txt with the first free N >= 2 if that exists:
#              an earlier result is never overwritten); RESULTS=- : no copy
#   CALLGRIND  0 to skip the valgrind/callgrind instruction counts (default 1)
#   BASELINE   another netprobe binary (an older build) timed in the same
#              hyperfine run, full run and lookup A, so a change is measured
#              side by side with what it changed: "no slower" is a ratio
#
# House rules: traffic only to 127.0.0.1 and ::1 (every lookup names the server
# @127.0.0.1, netprobe also gets an empty hosts file), never the system resolver,
# every loop bounded, knotd and the listener stopped and the temp dir removed on
# exit.  This is a benchmark, not a test: it is not part of `make check`.
#
# Exit status: 0 measured (whether or not the bar is met; the verdict is printed),
# 1 a requirement is missing, 2 setup or a sanity check failed.

set -u

# ---------------------------------------------------------------- copy of the output
# Re-run ourselves through tee so the raw output lands in bench/results/ as well.
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
TOP=$(cd "$SCRIPT_DIR/.." && pwd)
bench_tee oneshot "${BASH_SOURCE[0]}" "$@"

PY=/usr/bin/python3
RUNS=${RUNS:-200}
WARMUP=${WARMUP:-10}
CALLGRIND=${CALLGRIND:-1}
NAME=dual.example.test

die() { echo "oneshot: $*" >&2; exit 2; }

# ---------------------------------------------------------------- requirements
missing=0
need() { # need TOOL DEBIAN-PACKAGE
	if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$1" ]; then
		echo "oneshot: $1 not found: apt-get install $2" >&2
		missing=1
	fi
}
need knotd knot
need knotc knot
need kdig knot-dnsutils
need dig dnsutils
need drill ldnsutils
need hyperfine hyperfine
need timeout coreutils
[ -x "$PY" ] || { echo "oneshot: $PY not found: apt-get install python3" >&2; missing=1; }
[ "$missing" -eq 0 ] || exit 1
KNOTD=$(command -v knotd 2>/dev/null || echo /usr/sbin/knotd)
KNOTC=$(command -v knotc 2>/dev/null || echo /usr/sbin/knotc)
LISTENER=$TOP/tests/helpers/listener.py
ZONE=$TOP/tests/zones/example.test.zone
[ -f "$LISTENER" ] || die "missing $LISTENER (the test suite's TCP listener helper)"
[ -f "$ZONE" ] || die "missing $ZONE"

bench_netprobe "$TOP" || exit 2

# ---------------------------------------------------------------- lifecycle
# netprobe consults the hosts file first: bench_lifecycle gives it an empty
# one, so the name is answered by our knotd only.
bench_lifecycle bench

# free_port: a port nobody holds for TCP or UDP on 127.0.0.1 and ::1 right now.
free_port() {
	"$PY" - <<'PYEOF'
import socket, sys
for _ in range(50):
    socks = []
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM); socks.append(s)
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
        for fam, typ, addr in ((socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1"),
                               (socket.AF_INET6, socket.SOCK_STREAM, "::1"),
                               (socket.AF_INET6, socket.SOCK_DGRAM, "::1")):
            x = socket.socket(fam, typ); socks.append(x)
            if fam == socket.AF_INET6:
                x.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            x.bind((addr, port))
        print(port); sys.exit(0)
    except OSError:
        pass
    finally:
        for x in socks: x.close()
sys.exit("free_port: nothing free after 50 tries")
PYEOF
}

# ---------------------------------------------------------------- knotd
# Our own knotd: listen 127.0.0.1@PORT and ::1@PORT, zone example.test from
# tests/zones (copied), rundir and storage in the temp dir.  "Answers" is not
# enough on a shared machine (someone else's server may hold the port): knotd
# exits when it cannot bind, so we also require OUR knotd, asked over OUR control
# socket, to be alive after it answered.
start_knot() {
	local kd=$TMP/knot try i up
	mkdir -p "$kd/run" "$kd/db" "$kd/zones"
	cp "$ZONE" "$kd/zones/" || die "cannot copy $ZONE"
	for try in 1 2 3; do
		KPORT=$(free_port) || die "no free port for knotd"
		up=0
		bench_knotd "$kd" "$KPORT" example.test bench/oneshot.sh "$NAME" A 127.0.0.1 &&
			kdig @::1 -p "$KPORT" +time=1 +retry=0 +short "$NAME" AAAA 2>/dev/null | grep -qx ::1 &&
			up=1
		sleep 0.2
		if [ "$up" -eq 1 ] && kill -0 "$KNOT_PID" 2>/dev/null &&
		   timeout 5 "$KNOTC" -s "$kd/run/knot.sock" status >/dev/null 2>&1; then
			echo "# knotd $("$KNOTD" --version 2>&1 | head -n 1) pid $KNOT_PID on 127.0.0.1 and ::1 port $KPORT"
			return 0
		fi
		echo "# knotd attempt $try on port $KPORT failed:"
		sed 's/^/#   /' "$kd/knotd.log" | tail -n 10
		kill -TERM "$KNOT_PID" 2>/dev/null
		for i in $(seq 1 30); do kill -0 "$KNOT_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$KNOT_PID" 2>/dev/null
		wait "$KNOT_PID" 2>/dev/null
	done
	die "knotd did not come up after 3 attempts"
}

# ---------------------------------------------------------------- listener
# The test suite's helper: one TCP port on 127.0.0.1 AND ::1, accept and close.
start_listener() {
	local i pid
	"$PY" "$LISTENER" --addr 127.0.0.1 --addr ::1 --lifetime 1800 \
		--count-file "$TMP/listener.count" >"$TMP/listener.port" 2>"$TMP/listener.err" &
	pid=$!
	PIDS+=("$pid")
	LISTENER_PID=$pid
	LPORT=
	for i in $(seq 1 100); do                   # bounded: 5 s
		LPORT=$(head -n 1 "$TMP/listener.port" 2>/dev/null)
		[ -n "$LPORT" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	[ -n "$LPORT" ] || die "listener did not start: $(cat "$TMP/listener.err")"
	echo "# listener pid $pid on 127.0.0.1 and ::1 port $LPORT"
}

# ---------------------------------------------------------------- environment
echo "# bench/oneshot.sh: netprobe (full run, and lookup A) vs kdig, dig, drill; whole-process wall time"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine:   nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "netprobe:  $("$NETPROBE" --version 2>&1 | head -n 1)  [$NETPROBE]"
echo "dig:       $(dig -v 2>&1 | head -n 1)"
echo "kdig:      $(kdig --version 2>&1 | head -n 1)"
echo "drill:     $(drill -v 2>&1 | head -n 1)"
echo "hyperfine: $(hyperfine --version 2>&1 | head -n 1)"
if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null 2>&1; then
	echo "valgrind:  $(valgrind --version 2>&1)"
fi
echo

start_knot
start_listener
echo

NP_FULL="$NETPROBE @127.0.0.1:$KPORT $NAME $LPORT"
NP_V4="$NETPROBE -4 @127.0.0.1:$KPORT $NAME $LPORT"
NP_LOOKUP="$NETPROBE lookup @127.0.0.1:$KPORT $NAME A"
KDIG="kdig @127.0.0.1 -p $KPORT $NAME A"
DIG="dig @127.0.0.1 -p $KPORT $NAME A"
DRILL="drill -p $KPORT $NAME @127.0.0.1 A"
CMDS=("$NP_FULL" "$NP_V4" "$NP_LOOKUP" "$KDIG" "$DIG" "$DRILL")
LABELS=("netprobe (A+AAAA, 2 connects)" "netprobe -4 (A, 1 connect)" "netprobe lookup A" "kdig A" "dig A" "drill A")
if [ -n "${BASELINE:-}" ]; then
	[ -x "$BASELINE" ] || die "BASELINE=$BASELINE is not executable"
	BASELINE=$(cd "$(dirname "$BASELINE")" && pwd)/$(basename "$BASELINE")
	echo "baseline:  $("$BASELINE" --version 2>&1 | head -n 1)  [$BASELINE]"
	CMDS+=("$BASELINE @127.0.0.1:$KPORT $NAME $LPORT" "$BASELINE lookup @127.0.0.1:$KPORT $NAME A")
	LABELS+=("baseline (A+AAAA, 2 connects)" "baseline lookup A")
fi

# ---------------------------------------------------------------- sanity
# Every command must succeed and give the right answer before anything is timed.
echo "# sanity checks"
sane() { # sane LABEL EXPECTED-ERE COMMAND-STRING
	local out rc
	out=$(timeout 20 $3 2>&1 </dev/null); rc=$?
	if [ "$rc" -ne 0 ]; then
		echo "$out" | sed 's/^/#   /'
		die "sanity: '$3' exited $rc"
	fi
	printf '%s\n' "$out" | grep -Eq -- "$2" || {
		echo "$out" | sed 's/^/#   /'
		die "sanity: '$3' output does not match /$2/"
	}
	echo "ok  exit 0, output matches /$2/: $1"
}
sane "${LABELS[0]}" "^$NAME: ok, 2 of 2 probes open" "$NP_FULL"
sane "${LABELS[1]}" "^$NAME: ok, 1 of 1 probe open" "$NP_V4"
# The lookup, like dig, must say NOERROR, come from our server, and answer A 127.0.0.1.
sane "${LABELS[2]}" "status: NOERROR" "$NP_LOOKUP"
sane "${LABELS[2]}" "^;; SERVER: 127\.0\.0\.1[#:]$KPORT" "$NP_LOOKUP"
sane "${LABELS[2]}" "^$NAME\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.1" "$NP_LOOKUP"
sane "${LABELS[3]}" "^$NAME\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.1" "$KDIG"
sane "${LABELS[4]}" "^$NAME\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.1" "$DIG"
sane "${LABELS[5]}" "^$NAME\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+A[[:space:]]+127\.0\.0\.1" "$DRILL"
if [ -n "${BASELINE:-}" ]; then
	sane "${LABELS[6]}" "^$NAME: ok, 2 of 2 probes open" "${CMDS[6]}"
	sane "${LABELS[7]}" "status: NOERROR" "${CMDS[7]}"
fi
echo

# ---------------------------------------------------------------- hyperfine
echo "# commands timed (one hyperfine invocation; each command's runs follow the previous command's):"
for i in "${!CMDS[@]}"; do
	printf '#   %-30s %s\n' "${LABELS[$i]}:" "${CMDS[$i]}"
done
echo "# hyperfine -N --warmup $WARMUP --runs $RUNS --export-json"
HF_ARGS=(-N --warmup "$WARMUP" --runs "$RUNS" --style basic --export-json "$TMP/hyperfine.json")
for i in "${!CMDS[@]}"; do
	HF_ARGS+=(-n "${LABELS[$i]}" "${CMDS[$i]}")
done
timeout -k 5 1200 hyperfine "${HF_ARGS[@]}" || die "hyperfine failed (exit $?)"
echo
kill -0 "$KNOT_PID" 2>/dev/null || die "our knotd died during the run"
kill -0 "$LISTENER_PID" 2>/dev/null || die "the listener died during the run"
echo "# listener accepted $(cat "$TMP/listener.count" 2>/dev/null || echo '?') connections in total"
echo

# ---------------------------------------------------------------- summary
echo "# summary (wall time per whole process; ratio = command median / netprobe full median)"
"$PY" - "$TMP/hyperfine.json" <<'PYEOF'
import json, math, statistics, sys
with open(sys.argv[1]) as f:
    res = json.load(f)["results"]

def pct(xs, p):
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, math.ceil(p / 100.0 * len(xs)) - 1))  # nearest rank
    return xs[k]

rows = []
for r in res:
    t = [x * 1000.0 for x in r["times"]]
    rows.append((r["command"], statistics.median(t), pct(t, 90), min(t), len(t)))
base = rows[0][1]
w = max(len(r[0]) for r in rows)
print("%-*s  %9s  %9s  %9s  %5s  %s" % (w, "command", "median ms", "p90 ms", "min ms", "runs", "x netprobe"))
for name, med, p90, mn, n in rows:
    print("%-*s  %9.2f  %9.2f  %9.2f  %5d  %6.2f" % (w, name, med, p90, mn, n, med / base))
med = {r[0]: r[1] for r in rows}
npf = rows[0][1]
kd = med["kdig A"]
dg = med["dig A"]
print()
print("bar 1: netprobe full median %.2f ms <= kdig A median %.2f ms: %s (netprobe/kdig = %.2f)"
      % (npf, kd, "PASS" if npf <= kd else "FAIL", npf / kd))
print("bar 2: netprobe full median %.2f ms <= dig A median / 5 = %.2f ms: %s (netprobe/dig = %.3f, i.e. 1/%.1f)"
      % (npf, dg / 5, "PASS" if npf <= dg / 5 else "FAIL", npf / dg, dg / npf))
print("bar:   %s" % ("MET" if npf <= kd and npf <= dg / 5 else "NOT MET"))

# The dig-grade lookup against the tools it imitates: one A query each.
lk = med["netprobe lookup A"]
print()
print("# netprobe lookup A vs the others' lookup A (ratio = command median / netprobe lookup A median)")
for name in ("netprobe lookup A", "kdig A", "dig A", "drill A"):
    print("%-*s  %9.2f ms  %6.2f" % (w, name, med[name], med[name] / lk))
print("lookup: netprobe lookup A median %.2f ms: netprobe/kdig = %.2f, netprobe/dig = %.3f (1/%.1f), netprobe/drill = %.2f"
      % (lk, lk / kd, lk / dg, dg / lk, lk / med["drill A"]))
if "baseline lookup A" in med:
    print()
    print("# this build vs BASELINE, same run (ratio < 1: this build is faster)")
    print("full run:  %.2f ms vs %.2f ms: ratio %.3f" % (npf, med["baseline (A+AAAA, 2 connects)"],
          npf / med["baseline (A+AAAA, 2 connects)"]))
    print("lookup A:  %.2f ms vs %.2f ms: ratio %.3f" % (lk, med["baseline lookup A"], lk / med["baseline lookup A"]))
PYEOF
echo

# ---------------------------------------------------------------- callgrind
# Instruction counts (Ir) of one run under valgrind: not wall time, but repeatable
# on a noisy machine.  Includes the dynamic loader and library start-up.
if [ "$CALLGRIND" != 1 ]; then
	echo "# callgrind: skipped (CALLGRIND=$CALLGRIND)"
elif ! command -v valgrind >/dev/null 2>&1; then
	echo "# callgrind: skipped (valgrind not installed: apt-get install valgrind)"
else
	echo "# callgrind: instructions executed (Ir) for one run of each command, whole process"
	: >"$TMP/callgrind.tsv"
	for i in "${!CMDS[@]}"; do
		out=$TMP/callgrind.$i.out
		timeout -k 5 300 valgrind --tool=callgrind --callgrind-out-file="$out" \
			${CMDS[$i]} >"$TMP/cg.$i.stdout" 2>"$TMP/cg.$i.stderr" </dev/null
		rc=$?
		ir=$(sed -n 's/^summary: \([0-9]*\).*/\1/p' "$out" 2>/dev/null | head -n 1)
		[ -n "$ir" ] || ir=$(sed -n 's/^totals: \([0-9]*\).*/\1/p' "$out" 2>/dev/null | head -n 1)
		[ "$rc" -eq 0 ] && [ -n "$ir" ] || ir="?exit $rc under valgrind"
		printf '%s\t%s\n' "${LABELS[$i]}" "$ir" >>"$TMP/callgrind.tsv"
	done
	# Ratios to the full netprobe run and to netprobe lookup A.
	"$PY" - "$TMP/callgrind.tsv" <<'PYEOF'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
ir = {k: (int(v) if v.isdigit() else None) for k, v in rows}
full, lk = ir.get("netprobe (A+AAAA, 2 connects)"), ir.get("netprobe lookup A")
print("%-32s  %14s  %10s  %8s" % ("command", "Ir", "x netprobe", "x lookup"))
for k, v in rows:
    if ir[k] is None:
        print("%-32s  %14s  (%s)" % (k, "?", v[1:]))
        continue
    r1 = "%6.2f" % (ir[k] / full) if full else "?"
    r2 = "%6.2f" % (ir[k] / lk) if lk else "?"
    print("%-32s  %14s  %10s  %8s" % (k, format(ir[k], ","), r1, r2))
PYEOF
fi
echo
echo "# command: ${BASELINE:+BASELINE=$BASELINE }bash bench/oneshot.sh (RUNS=$RUNS WARMUP=$WARMUP)"
exit 0
