#!/bin/bash
# bench/exporter.sh: `netprobe exporter` vs blackbox_exporter, side by side, the
# same targets through the same HTTP client (ApacheBench, ab -k: keep-alive, as
# Prometheus scrapes), at 1 and at 50 concurrent requests: latency per /probe
# (median and p99, from ab's percentile table) and CPU per probe (the exporter
# process's utime + stime from /proc/PID/stat before and after a run, over the
# probes it answered).  Issue 11's goal: at least 2x blackbox_exporter's probes
# per CPU-second, and a lower p99.
#
#   bash bench/exporter.sh
#
# Targets are address literals on loopback only: an open port (the test
# suite's tests/helpers/listener.py with a 4096 backlog: accepts and closes)
# and a closed one (tests/helpers/ports.py closed: RST).  blackbox_exporter is
# given address literals only, so it never asks the system resolver; netprobe's
# DNS server is a closed port of ours (no probe here resolves a name anyway).
#
# The machine is shared and small: each (concurrency, target) pair is run
# ROUNDS times, netprobe and blackbox one after the other in alternating order,
# and the summary gives medians over the rounds and ratios of those medians.
#
# Environment:
#   NETPROBE   netprobe binary (default build/src/netprobe, else src/netprobe)
#   BLACKBOX   blackbox_exporter binary (default prometheus-blackbox-exporter)
#   REQUESTS   requests per ab run (default 5000)
#   ROUNDS     rounds (default 3)
#   CONCURRENCY  the ab -c values (default "1 50")
#   KEEPALIVE  1 (default): ab -k; 0: a new connection per request
#   RESULTS    copy of the output (default bench/results/exporter-YYYY-MM-DD.txt,
#              -N.txt with the first free N >= 2 when that exists); - for none
#
# House rules: traffic only to 127.0.0.1, every loop bounded, every process this
# script started stopped (by its pid) and its temp dir removed on exit.  Not
# part of `make check`.  Exit status: 0 measured (the verdict is printed, not
# the exit status), 1 a requirement is missing, 2 setup or a sanity check failed.

set -u
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
TOP=$(cd "$SCRIPT_DIR/.." && pwd)
bench_tee exporter "${BASH_SOURCE[0]}" "$@"
PY=/usr/bin/python3
REQUESTS=${REQUESTS:-5000}
ROUNDS=${ROUNDS:-3}
CONCURRENCY=${CONCURRENCY:-1 50}
KEEPALIVE=${KEEPALIVE:-1}
BLACKBOX=${BLACKBOX:-$(command -v prometheus-blackbox-exporter || command -v blackbox_exporter)}

die() { echo "exporter.sh: $*" >&2; exit 2; }
missing() { echo "exporter.sh: $1 not found: apt-get install $2" >&2; exit 1; }
command -v ab >/dev/null 2>&1 || missing ab apache2-utils
command -v curl >/dev/null 2>&1 || missing curl curl
[ -x "${BLACKBOX:-/nonexistent}" ] || missing blackbox_exporter prometheus-blackbox-exporter
[ -x "$PY" ] || missing /usr/bin/python3 python3
bench_netprobe "$TOP" || exit 1
"$NETPROBE" exporter --help >/dev/null 2>&1 || { echo "exporter.sh: $NETPROBE has no exporter command" >&2; exit 1; }

# ---------------------------------------------------------------- processes and cleanup
bench_lifecycle bench-exporter

# bg NAME CMD...: start CMD in the background (stdout in $TMP/NAME.out), keep
# its pid for the cleanup; sets BG_PID
bg() {
	local name=$1; shift
	"$@" >"$TMP/$name.out" 2>"$TMP/$name.err" &
	BG_PID=$!
	PIDS+=("$BG_PID")
}

# first_line NAME PID: wait (bounded: 200 x 0.05 s) for a helper's first line
first_line() {
	local l
	for _ in $(seq 1 200); do
		l=$(head -n 1 "$TMP/$1.out" 2>/dev/null)
		[ -n "$l" ] && { echo "$l"; return 0; }
		kill -0 "$2" 2>/dev/null || break
		sleep 0.05
	done
	die "$1 did not start: $(cat "$TMP/$1.err")"
}

# serve NAME CMD...: start an exporter whose command line holds the word PORT
# (a free port), wait (bounded) until it answers /; sets SERVE_PORT, BG_PID
serve() {
	local name=$1 port; shift
	port=$("$PY" "$TOP/tests/helpers/ports.py" free) || die "no free port"
	bg "$name" "${@//PORT/$port}"
	for _ in $(seq 1 200); do
		curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" && break
		kill -0 "$BG_PID" 2>/dev/null || die "$name exited: $(cat "$TMP/$name.err")"
		sleep 0.05
	done
	curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/" || die "$name does not answer on $port"
	SERVE_PORT=$port
}

# cpu_ticks PID: utime + stime of a process, in clock ticks (dead threads included)
cpu_ticks() {
	local s
	read -r s <"/proc/$1/stat" || die "process $1 is gone"
	s=${s##*) }
	# shellcheck disable=SC2086  # split on purpose: state ppid ... (field 3 on)
	set -- $s
	echo $(( ${12} + ${13} ))
}
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

# ---------------------------------------------------------------- the machine
echo "# bench/exporter.sh: netprobe exporter vs blackbox_exporter"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "commit:    $(git -C "$TOP" rev-parse --short HEAD 2>/dev/null || echo '?')"
echo "machine:   nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "kernel:    $(uname -sr)"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (before)"
echo "netprobe:  $("$NETPROBE" --version 2>&1 | head -n 1) ($NETPROBE)"
echo "blackbox:  $("$BLACKBOX" --version 2>&1 | head -n 1)"
echo "client:    $(ab -V | head -n 1), -n $REQUESTS, -c in {$CONCURRENCY}, keep-alive $KEEPALIVE"
echo "rounds:    $ROUNDS; CLK_TCK $(getconf CLK_TCK)"

# ---------------------------------------------------------------- targets and exporters
bg listener "$PY" "$TOP/tests/helpers/listener.py" --addr 127.0.0.1 --lifetime 3600 --backlog 4096
OPEN=$(first_line listener "$BG_PID")
bg closed "$PY" "$TOP/tests/helpers/ports.py" closed --lifetime 3600
CLOSED=$(first_line closed "$BG_PID")
serve bb "$BLACKBOX" --config.file="$TOP/tests/helpers/blackbox.yml" --web.listen-address=127.0.0.1:PORT
bb_PORT=$SERVE_PORT bb_PID=$BG_PID
serve np "$NETPROBE" exporter --listen 127.0.0.1:PORT -T 5 "@127.0.0.1:$CLOSED"
np_PORT=$SERVE_PORT np_PID=$BG_PID
echo "targets:   open 127.0.0.1:$OPEN (listener.py), closed 127.0.0.1:$CLOSED (ports.py closed)"
echo "exporters: netprobe pid $np_PID on :$np_PORT, blackbox pid $bb_PID on :$bb_PORT"

# url EXPORTER TARGET-PORT
url() {
	if [ "$1" = netprobe ]; then
		echo "http://127.0.0.1:$np_PORT/probe?module=tcp&target=127.0.0.1:$2"
	else
		echo "http://127.0.0.1:$bb_PORT/probe?module=tcp_connect&target=127.0.0.1:$2"
	fi
}
pid_of() { if [ "$1" = netprobe ]; then echo "$np_PID"; else echo "$bb_PID"; fi; }

# sanity: each answers 200 with the probe_success the target has
for e in netprobe blackbox; do
	for t in "open $OPEN 1" "closed $CLOSED 0"; do
		read -r tn tp want <<<"$t"
		got=$(curl -s --max-time 10 "$(url "$e" "$tp")" | awk '$1 == "probe_success" { print $2 }')
		[ "$got" = "$want" ] || die "sanity: $e on the $tn port says probe_success '$got', not $want"
	done
done
echo "sanity:    both exporters: probe_success 1 on the open port, 0 on the closed one"

# ---------------------------------------------------------------- the runs
KA=(); [ "$KEEPALIVE" = 1 ] && KA=(-k)
ROWS=$TMP/rows.tsv
printf 'round\tconc\ttarget\texporter\trequests\tfailed_non2xx\tkeepalive\twall_s\tp50_ms\tp99_ms\tcpu_ticks\n' >"$ROWS"

# run ROUND CONC TARGET EXPORTER: one ab run, one row
run() {
	local r=$1 c=$2 tn=$3 e=$4 tp pid t0 t1 out
	if [ "$tn" = open ]; then tp=$OPEN; else tp=$CLOSED; fi
	pid=$(pid_of "$e")
	t0=$(cpu_ticks "$pid")
	out=$(ab -q "${KA[@]}" -n "$REQUESTS" -c "$c" -s 30 -e "$TMP/ab.csv" "$(url "$e" "$tp")" 2>&1) ||
		die "ab failed against $e: $(echo "$out" | tail -n 3)"
	t1=$(cpu_ticks "$pid")
	"$PY" - "$TMP/ab.csv" "$r" "$c" "$tn" "$e" "$((t1 - t0))" "$out" >>"$ROWS" <<'PYEOF'
import re, sys
csv, r, c, tn, e, ticks, out = sys.argv[1:]
pct = {}
for line in open(csv):
    a, _, b = line.strip().partition(",")
    if a.isdigit():
        pct[int(a)] = float(b)
def field(name, default="0"):
    m = re.search(r"^%s:\s+([0-9.]+)" % re.escape(name), out, re.M)
    return m.group(1) if m else default
print("\t".join([r, c, tn, e, field("Complete requests"), field("Non-2xx responses"),
                 field("Keep-Alive requests"), field("Time taken for tests"),
                 "%.3f" % pct[50], "%.3f" % pct[99], ticks]))
PYEOF
}

# warm-up: each exporter answers a few hundred before anything is measured
for e in netprobe blackbox; do
	ab -q "${KA[@]}" -n 300 -c 10 -s 30 "$(url "$e" "$OPEN")" >/dev/null 2>&1 || die "warm-up against $e failed"
done
echo "rss KiB:   netprobe $(rss_kib "$np_PID"), blackbox $(rss_kib "$bb_PID") (after the warm-up)"

for r in $(seq 1 "$ROUNDS"); do
	for c in $CONCURRENCY; do
		for tn in open closed; do
			# alternate who goes first: a burst of load from elsewhere then
			# falls on each side as often
			if [ $((r % 2)) -eq 1 ]; then order="netprobe blackbox"; else order="blackbox netprobe"; fi
			for e in $order; do run "$r" "$c" "$tn" "$e"; done
		done
	done
	echo "# round $r of $ROUNDS done, load avg $(cut -d' ' -f1-3 /proc/loadavg)"
done
echo "rss KiB:   netprobe $(rss_kib "$np_PID"), blackbox $(rss_kib "$bb_PID") (at the end)"
echo "load avg:  $(cut -d' ' -f1-3 /proc/loadavg) (after)"
echo
echo "## every run (p50/p99: ab's percentiles of the time per request, ms; cpu: the exporter's ticks)"
column -t -s $'\t' "$ROWS"
echo

# ---------------------------------------------------------------- summary
"$PY" - "$ROWS" "$(getconf CLK_TCK)" <<'PYEOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
hz = float(sys.argv[2])
def med(xs):
    return statistics.median(xs)
keys = []
for r in rows:
    k = (int(r["conc"]), r["target"])
    if k not in keys:
        keys.append(k)
print("## summary: medians over the rounds")
print("%-5s %-7s %-9s %9s %9s %14s %14s %8s" % ("conc", "target", "exporter", "p50 ms", "p99 ms",
      "CPU us/probe", "probes/CPU-s", "req/s"))
met_cpu, met_p99 = True, True
verdicts = []
for c, t in keys:
    m = {}
    for e in ("netprobe", "blackbox"):
        rs = [r for r in rows if int(r["conc"]) == c and r["target"] == t and r["exporter"] == e]
        cpu_s = [int(r["cpu_ticks"]) / hz for r in rs]
        n = [int(r["requests"]) for r in rs]
        us = med([1e6 * s / k for s, k in zip(cpu_s, n)])
        pps = med([k / s if s > 0 else float("inf") for s, k in zip(cpu_s, n)])
        m[e] = dict(p50=med([float(r["p50_ms"]) for r in rs]), p99=med([float(r["p99_ms"]) for r in rs]),
                    us=us, pps=pps, rps=med([k / float(r["wall_s"]) for r, k in zip(rs, n)]),
                    bad=sum(int(r["failed_non2xx"]) for r in rs))
        print("%-5d %-7s %-9s %9.3f %9.3f %14.1f %14.0f %8.0f%s" % (c, t, e, m[e]["p50"], m[e]["p99"],
              us, pps, m[e]["rps"], ("  (%d non-2xx!)" % m[e]["bad"]) if m[e]["bad"] else ""))
    cpu_ratio = m["netprobe"]["pps"] / m["blackbox"]["pps"]
    p99_ratio = m["netprobe"]["p99"] / m["blackbox"]["p99"]
    ok_cpu, ok_p99 = cpu_ratio >= 2.0, m["netprobe"]["p99"] < m["blackbox"]["p99"]
    met_cpu &= ok_cpu
    met_p99 &= ok_p99
    verdicts.append("c=%-2d %-6s probes per CPU-second: netprobe/blackbox = %.2fx (goal >= 2x: %s); "
                    "p99 netprobe/blackbox = %.2f (goal < 1: %s); p50 ratio %.2f"
                    % (c, t, cpu_ratio, "met" if ok_cpu else "NOT met", p99_ratio,
                       "met" if ok_p99 else "NOT met", m["netprobe"]["p50"] / m["blackbox"]["p50"]))
print()
print("## the goal (issue 11): at least 2x blackbox's probes per CPU-second, and a lower p99")
for v in verdicts:
    print(v)
print("overall: probes per CPU-second %s; p99 %s" % ("met" if met_cpu else "NOT met",
      "met" if met_p99 else "NOT met"))
for e in ("netprobe", "blackbox"):
    rs = [r for r in rows if r["exporter"] == e]
    print("keep-alive: %s kept the connection for %d of %d requests" % (e,
          sum(int(r["keepalive"]) for r in rs), sum(int(r["requests"]) for r in rs)))
PYEOF
