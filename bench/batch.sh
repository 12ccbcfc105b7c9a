#!/bin/bash
# bench/batch.sh: netprobe's batch mode at scale (issue 10, "How it must
# perform"), side by side with dig -f, dnsperf and nmap, in ONE run:
#
#   a) resolution + one TCP connect per name, 20,000 names:
#      netprobe --file vs dig -f (the same names, DNS only); a shell loop of
#      one netprobe per name on a sample; kdig has no batch mode
#   b) DNS only: netprobe lookup --file vs dig -f vs dnsperf's ceiling
#   c) 20,000 TCP connects to address literals: netprobe --file vs
#      nmap -sT -n -Pn -iL, states compared address by address
#   d) peak RSS and wall time at 10k, 20k, 50k, 100k targets; 100k at
#      ulimit -n 256 (EMFILE count)
#   e) --count: loss and statistics against the per-round lines
#   f) where the time goes at 20k: perf stat, strace -c, callgrind (2k)
#
#   bash bench/batch.sh          (as root: it makes a network namespace)
#
# Environment:
#   NETPROBE   netprobe binary (default: ../build/src/netprobe or ../src/netprobe
#              relative to this script, whichever exists)
#   NAMES      names in the zone and in the lists (default 20000, >= 1000)
#   RUNS       hyperfine runs per command in a), b), c) (default 5)
#   WARMUP     hyperfine warmup runs (default 1)
#   SAMPLE     names in the shell-loop sample (default 300)
#   DNSPERF_SECONDS  length of each dnsperf run (default 10; 3 runs)
#   RSS_SIZES  target counts of the RSS curve (default "10000 20000 50000 100000")
#   RSS_RUNS   runs per size (default 3; medians)
#   EMFILE_TARGETS  targets of the ulimit -n 256 run (default 100000)
#   PROFILE    0 to skip f) (perf, strace, callgrind) (default 1)
#   CG_TARGETS targets of the callgrind runs in f) (default 2000)
#   RESULTS    file for a copy of the whole output (default
#              bench/results/batch-YYYY-MM-DD.txt, UTC date, or -N.txt with the
#              first free N >= 2); RESULTS=- : no copy
#
# Safety: the whole measurement runs inside a private network, mount and PID
# namespace (unshare --net --mount --pid --fork) with only `lo` up: the
# listeners bind 0.0.0.0 and [::] there and expose nothing; all traffic goes to
# 127.0.0.0/8 and ::1 of that namespace; every lookup names our knotd
# (@127.0.0.1:5353) and netprobe gets an empty hosts file; every loop is bounded;
# when the script ends, its PID namespace ends and with it every process it
# started (knotd, listeners), and the trap removes the temp dir.  The sysctls
# set (somaxconn, SYN backlog, port range) are those of that namespace only.
# This is a benchmark, not a test: it is not part of `make check`.
#
# Exit status: 0 measured (targets met or not: the verdicts are printed),
# 1 a requirement is missing, 2 setup or a sanity check failed.

set -u

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/lib.sh
. "$SCRIPT_DIR/lib.sh"
TOP=$(cd "$SCRIPT_DIR/.." && pwd)
PY=/usr/bin/python3

# ---------------------------------------------------------------- copy of the output
bench_tee batch "${BASH_SOURCE[0]}" "$@"

die() { echo "batch: $*" >&2; exit 2; }

# ---------------------------------------------------------------- requirements
if [ -z "${BATCH_NS:-}" ]; then
	missing=0
	need() { # need TOOL DEBIAN-PACKAGE
		if ! command -v "$1" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$1" ]; then
			echo "batch: $1 not found: apt-get install $2" >&2
			missing=1
		fi
	}
	need unshare util-linux
	need ip iproute2
	need nft nftables
	need knotd knot
	need kdig knot-dnsutils
	need dig dnsutils
	need dnsperf dnsperf
	need nmap nmap
	need hyperfine hyperfine
	need gcc gcc
	need timeout coreutils
	[ -x /usr/bin/time ] || { echo "batch: /usr/bin/time not found: apt-get install time" >&2; missing=1; }
	[ -x "$PY" ] || { echo "batch: $PY not found: apt-get install python3" >&2; missing=1; }
	if [ "${PROFILE:-1}" = 1 ]; then
		need perf linux-perf
		need strace strace
		need valgrind valgrind
	fi
	[ "$missing" -eq 0 ] || exit 1
	[ "$(id -u)" -eq 0 ] || { echo "batch: run as root: it makes its own network namespace (unshare --net)" >&2; exit 1; }
	# Into a private network + mount + PID namespace: when this script ends,
	# every process it started ends with it.
	# shellcheck disable=SC2093  # exec on purpose; die only if unshare cannot run
	BATCH_NS=1 exec unshare --net --mount --pid --fork --mount-proc --kill-child \
		bash "${BASH_SOURCE[0]}" "$@"
	die "unshare failed"
fi

# From here on: inside the namespace.
NAMES=${NAMES:-20000}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}
SAMPLE=${SAMPLE:-300}
DNSPERF_SECONDS=${DNSPERF_SECONDS:-10}
RSS_SIZES=${RSS_SIZES:-10000 20000 50000 100000}
RSS_RUNS=${RSS_RUNS:-3}
PROFILE=${PROFILE:-1}
EMFILE_TARGETS=${EMFILE_TARGETS:-100000}
CG_TARGETS=${CG_TARGETS:-2000}
KPORT=5353          # knotd, 127.0.0.1 and ::1
P_NAMES=7000        # listener: the names' port (a)
P_LIT=7001          # listener: the literals' port (c, d); nft resets ~10 % of the addresses
P_COUNT=7002        # listener: --count (e)
P_CLOSED=7099       # nothing listens: closed
SERVER=@127.0.0.1:$KPORT
KNOTD=$(command -v knotd 2>/dev/null || echo /usr/sbin/knotd)

bench_netprobe "$TOP" || exit 2
case "$NETPROBE" in *" "*) die "the netprobe path must not contain blanks (hyperfine -N splits on them)";; esac
[ "$NAMES" -ge 1000 ] 2>/dev/null || die "NAMES must be a number >= 1000"

# ---------------------------------------------------------------- lifecycle
bench_lifecycle batch

declare -A R                            # figures for the final table
CHECK=("$PY" "$SCRIPT_DIR/batch_check.py")
kvget() { # kvget KEY "k=v k=v ..." -> v
	local w
	for w in $2; do
		[ "${w%%=*}" = "$1" ] && { echo "${w#*=}"; return; }
	done
	echo "?"
}
lastline() { tail -n 1 "$1"; }
calc() { "$PY" -c "import sys; print($1)"; }

# ---------------------------------------------------------------- the namespace
# netsnap FILE: the namespace's TCP/UDP counters (listen queue, UDP buffer
# drops), and the drops counted on knotd's own UDP sockets (port $KPORT), to
# tell whose socket dropped a datagram.
netsnap() {
	cat /proc/net/netstat /proc/net/snmp /proc/net/snmp6 >"$1"
	awk -v p="$(printf ':%04X' "$KPORT")" 'FNR > 1 && index($2, p) == length($2) - 4 { d += $NF }
		END { print "Knotd: drops"; print "Knotd: " d + 0 }' /proc/net/udp /proc/net/udp6 >>"$1"
}
ip link set lo up || die "cannot bring lo up"
nlinks=$(ip -o link show | wc -l)
[ "$nlinks" -eq 1 ] || die "expected only lo in the namespace, found $nlinks links"
# Listen queues long enough that 20,000 connects in a burst are not dropped, and
# the whole ephemeral port range: these are this namespace's sysctls only.
sysctl_set() { echo "$2" >"/proc/sys/${1//.//}" || die "cannot set $1"; }
sysctl_set net.core.somaxconn 65535
sysctl_set net.ipv4.tcp_max_syn_backlog 65535
sysctl_set net.ipv4.ip_local_port_range "1024 65535"
sysctl_set net.ipv4.tcp_tw_reuse 1
# About 10 % of the literal addresses (127.1.0.0 - 127.25.255.255) answer the
# literal port with a TCP reset: closed, as a host with nothing listening.
nft -f - <<EOF || die "nft failed"
table inet batchbench {
	chain input {
		type filter hook input priority 0; policy accept;
		ip daddr 127.1.0.0-127.25.255.255 tcp dport $P_LIT reject with tcp reset
	}
}
EOF

# ---------------------------------------------------------------- environment
echo "# bench/batch.sh: netprobe batch mode at scale vs dig -f, dnsperf, nmap (issue 10)"
echo "date:      $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
echo "machine:   nproc $(nproc), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1), kernel $(uname -r), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "netprobe:  $("$NETPROBE" --version 2>&1 | head -n 1)  [$NETPROBE]"
if git -C "$TOP" rev-parse --short HEAD >/dev/null 2>&1; then
	echo "commit:    $(git -C "$TOP" rev-parse --short HEAD)$(git -C "$TOP" diff --quiet HEAD -- src 2>/dev/null || echo ' (src/ modified)')"
fi
echo "dig:       $(dig -v 2>&1 | head -n 1)"
echo "kdig:      $(kdig --version 2>&1 | head -n 1)"
echo "knotd:     $("$KNOTD" --version 2>&1 | head -n 1)"
echo "dnsperf:   $(dnsperf -h 2>&1 | sed -n 's/^Version //p' | head -n 1)"
echo "nmap:      $(nmap --version 2>&1 | head -n 1)"
echo "hyperfine: $(hyperfine --version 2>&1 | head -n 1)"
echo "ulimit -n: $(ulimit -Sn) soft, $(ulimit -Hn) hard"
echo "namespace: private net+mount+pid (unshare), links: lo only; somaxconn $(cat /proc/sys/net/core/somaxconn), tcp_max_syn_backlog $(cat /proc/sys/net/ipv4/tcp_max_syn_backlog), ip_local_port_range $(cat /proc/sys/net/ipv4/ip_local_port_range | tr '\t' ' '), tcp_tw_reuse $(cat /proc/sys/net/ipv4/tcp_tw_reuse); listeners' backlog 65535"
echo "settings:  NAMES=$NAMES RUNS=$RUNS WARMUP=$WARMUP SAMPLE=$SAMPLE DNSPERF_SECONDS=$DNSPERF_SECONDS RSS_SIZES='$RSS_SIZES' RSS_RUNS=$RSS_RUNS EMFILE_TARGETS=$EMFILE_TARGETS PROFILE=$PROFILE CG_TARGETS=$CG_TARGETS"

# Which of issue 10's features this binary has (they landed one by one).
has() { "$NETPROBE" "$@" 2>&1; }
HAVE_FILE=0; HAVE_NDJSON=0; HAVE_COUNT=0; HAVE_LOOKUP_FILE=0
has --help | grep -q -- '--file' && HAVE_FILE=1
has --help | grep -q 'ndjson' && HAVE_NDJSON=1
has --help | grep -q -- '--count' && HAVE_COUNT=1
has lookup --help | grep -q -- '--file' && HAVE_LOOKUP_FILE=1
echo "features:  --file $HAVE_FILE, -f ndjson $HAVE_NDJSON, --count $HAVE_COUNT, lookup --file $HAVE_LOOKUP_FILE (1 = in --help)"
BATCH_OK=$((HAVE_FILE && HAVE_NDJSON))
echo

# ---------------------------------------------------------------- inputs
"$PY" "$SCRIPT_DIR/gen_zone.py" zone "$TMP" --names "$NAMES" --port "$P_NAMES" || die "gen_zone.py zone failed"
"$PY" "$SCRIPT_DIR/gen_zone.py" literals "$TMP/literals.txt" --count "$NAMES" --port "$P_LIT" \
	--addrs "$TMP/addrs.txt" || die "gen_zone.py literals failed"
head -n "$CG_TARGETS" "$TMP/names_ports.txt" >"$TMP/names_ports_cg.txt"
head -n "$CG_TARGETS" "$TMP/literals.txt" >"$TMP/literals_cg.txt"
head -n "$CG_TARGETS" "$TMP/names.txt" >"$TMP/names_cg.txt"
echo "# inputs: zone bench.test with $NAMES names ($(grep -c ' A ' "$TMP/bench.test.zone") A, $(grep -c AAAA "$TMP/bench.test.zone") AAAA ::1, $(grep -c CNAME "$TMP/bench.test.zone") CNAME); the list asks $(wc -l <"$TMP/names.txt") names ($(grep -c '^absent' "$TMP/names.txt") absent: NXDOMAIN, $(grep -c '^alias' "$TMP/names.txt") CNAMEs); $(wc -l <"$TMP/literals.txt") literal addresses"

# ---------------------------------------------------------------- listeners, knotd
gcc -O2 -Wall -o "$TMP/listeners" "$SCRIPT_DIR/listeners.c" || die "cannot build bench/listeners.c"
"$TMP/listeners" -b 65535 -l 3600 -c "$TMP/accepted" "$P_NAMES" "$P_LIT" "$P_COUNT" >"$TMP/listeners.out" 2>&1 &
LISTENER_PID=$!
PIDS+=("$LISTENER_PID")
for i in $(seq 1 50); do                        # bounded: 5 s
	grep -q ready "$TMP/listeners.out" 2>/dev/null && break
	kill -0 "$LISTENER_PID" 2>/dev/null || break
	sleep 0.1
done
grep -q ready "$TMP/listeners.out" || die "listeners did not start: $(cat "$TMP/listeners.out")"
echo "# listeners pid $LISTENER_PID on 0.0.0.0 and [::] ports $P_NAMES $P_LIT $P_COUNT (backlog 65535); nothing on $P_CLOSED"

kd=$TMP/knot
mkdir -p "$kd/run" "$kd/db" "$kd/zones"
cp "$TMP/bench.test.zone" "$kd/zones/"
want=$(awk -v n="name$NAMES" '$1 == n && $(NF - 1) == "A" { print $NF; exit }' "$kd/zones/bench.test.zone")
bench_knotd "$kd" "$KPORT" bench.test bench/batch.sh "name$NAMES.bench.test" A "$want" ||
	die "knotd did not answer name$NAMES.bench.test A $want"
echo "# knotd pid $KNOT_PID on 127.0.0.1 and ::1 port $KPORT (udp-workers 2), zone bench.test loaded"
echo
netsnap "$TMP/netstat.start"

# listener_cpu: the listener's user+system CPU seconds so far (from /proc)
listener_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) / hz }' "/proc/$LISTENER_PID/stat"
}
accepted() {
	kill -USR1 "$LISTENER_PID"
	sleep 1.1                                    # its loop wakes at least once a second
	cat "$TMP/accepted" 2>/dev/null || echo "?"
}

# hf LABEL... : one hyperfine invocation over CMD_LABELS / CMD_STRS; medians in $TMP/hf.tsv
hf() { # hf NAME RUNS WARMUP
	# -i: the exit status is the worst seen (NXDOMAIN names, closed ports): not a failure here
	local args=(-N -i --warmup "$3" --runs "$2" --style basic --export-json "$TMP/hf-$1.json") i
	for i in "${!CMD_LABELS[@]}"; do
		printf '#   %-40s %s\n' "${CMD_LABELS[$i]}:" "${CMD_STRS[$i]}"
		args+=(-n "${CMD_LABELS[$i]}" "${CMD_STRS[$i]}")
	done
	echo "# hyperfine ${args[*]:0:6} ..."
	timeout -k 5 3000 hyperfine "${args[@]}" >"$TMP/hf-$1.log" 2>&1 || {
		tail -n 20 "$TMP/hf-$1.log"; die "hyperfine failed"; }
	"${CHECK[@]}" hyperfine "$TMP/hf-$1.json" >"$TMP/hf-$1.tsv"
	printf '  %-44s %10s %10s %10s %5s %8s %8s\n' command "median s" "min s" "max s" runs "user s" "sys s"
	awk -F'\t' '{ printf "  %-44s %10.3f %10.3f %10.3f %5d %8.3f %8.3f\n", $1, $2, $3, $4, $5, $6, $7 }' "$TMP/hf-$1.tsv"
}
median_of() { # median_of NAME LABEL
	awk -F'\t' -v l="$2" '$1 == l { print $2 }' "$TMP/hf-$1.tsv"
}
# rate KEY NAME LABEL REF_S DIGITS: R[KEY_rate], names or targets per second of
# LABEL's median in hyperfine run NAME, and R[KEY_ratio], REF_S over it
rate() {
	local s
	s=$(median_of "$2" "$3")
	R[$1_rate]=$(calc "round($NAMES / $s)")
	R[$1_ratio]=$(calc "round($4 / $s, $5)")
}

NP_BATCH="$NETPROBE $SERVER -f ndjson --file $TMP/names_ports.txt"
NP_LOOKUP="$NETPROBE lookup $SERVER -f ndjson --file $TMP/names.txt"
DIG_F="dig +noall +answer @127.0.0.1 -p $KPORT -f $TMP/names.txt"
NP_LIT="$NETPROBE -f ndjson --file $TMP/literals.txt"
# --reset closes as nmap -sT closes its connections (SO_LINGER 0: a RST, no FIN)
NP_LIT_RST="$NETPROBE --reset -f ndjson --file $TMP/literals.txt"
NP_LIT_RST_TEXT="$NETPROBE --reset -f text --file $TMP/literals.txt"
NMAP="nmap -sT -n -Pn -p $P_LIT -iL $TMP/addrs.txt -oG $TMP/nmap.gnmap"

# ================================================================ a) and b): sanity
echo "# ---- a) b) sanity: one run of each, outputs checked against the zone and against dig"
netsnap "$TMP/netstat.d0"
t0=$(date +%s.%N)
timeout 600 $DIG_F >"$TMP/dig.out" 2>"$TMP/dig.err"
rc=$?; t1=$(date +%s.%N)
netsnap "$TMP/netstat.d1"
echo "dig -f: exit $rc, $(grep -c $'\tA\t' "$TMP/dig.out") A records, $(grep -c $'\tCNAME\t' "$TMP/dig.out") CNAME records, $(calc "round($t1 - $t0, 2)") s; stderr: $(wc -l <"$TMP/dig.err") lines, $(grep -c -i 'timed out' "$TMP/dig.out" "$TMP/dig.err" | awk -F: '{ s += $NF } END { print s }') 'timed out'"
echo "  kernel during dig -f: $("${CHECK[@]}" netstat "$TMP/netstat.d0" "$TMP/netstat.d1")"
[ "$rc" -eq 0 ] || die "dig -f failed: $(head -n 3 "$TMP/dig.err")"

if [ "$BATCH_OK" = 1 ]; then
	netsnap "$TMP/netstat.0"
	cpu0=$(listener_cpu)
	acc0=$(accepted)
	t0=$(date +%s.%N)
	timeout 600 $NP_BATCH >"$TMP/np_batch.ndjson" 2>"$TMP/np_batch.err"
	rc=$?; t1=$(date +%s.%N)
	cpu1=$(listener_cpu)
	acc1=$(accepted)
	netsnap "$TMP/netstat.1"
	echo "netprobe --file (names): exit $rc, $(calc "round($t1 - $t0, 2)") s, stderr $(wc -l <"$TMP/np_batch.err") lines"
	"${CHECK[@]}" probes "$TMP/np_batch.ndjson" --expect "$TMP/expect.tsv" --dig "$TMP/dig.out" | tee "$TMP/chk_a"
	ns=$("${CHECK[@]}" netstat "$TMP/netstat.0" "$TMP/netstat.1")
	echo "  listener during that run: accepted $((acc1 - acc0)), CPU $(calc "round($cpu1 - $cpu0, 3)") s; kernel: $ns"
	R[a_sanity]=$(lastline "$TMP/chk_a")
	R[a_listener]="accepted $((acc1 - acc0)) in $(calc "round($t1 - $t0, 2)") s, listener CPU $(calc "round($cpu1 - $cpu0, 3)") s, $ns"
	rm -f "$TMP/np_batch.ndjson"
else
	echo "netprobe --file -f ndjson: not in this build: a) not measured"
fi
if [ "$HAVE_LOOKUP_FILE" = 1 ]; then
	t0=$(date +%s.%N)
	timeout 600 $NP_LOOKUP >"$TMP/np_lookup.ndjson" 2>"$TMP/np_lookup.err"
	rc=$?; t1=$(date +%s.%N)
	echo "netprobe lookup --file: exit $rc, $(calc "round($t1 - $t0, 2)") s, stderr $(wc -l <"$TMP/np_lookup.err") lines"
	"${CHECK[@]}" lookups "$TMP/np_lookup.ndjson" --expect "$TMP/expect.tsv" --dig "$TMP/dig.out" | tee "$TMP/chk_b"
	R[b_sanity]=$(lastline "$TMP/chk_b")
	rm -f "$TMP/np_lookup.ndjson"
else
	echo "netprobe lookup --file: not in this build: b) netprobe not measured"
fi
echo "kdig: no batch mode (kdig takes names on its command line only; it has no -f/--file option), so it is not in the comparison"
echo

# ================================================================ a) and b): timed
echo "# ---- a) b) timed side by side (hyperfine, $RUNS runs each, output to /dev/null)"
CMD_LABELS=(); CMD_STRS=()
if [ "$BATCH_OK" = 1 ]; then
	CMD_LABELS+=("netprobe --file (A+AAAA + connect)"); CMD_STRS+=("$NP_BATCH")
	CMD_LABELS+=("netprobe -4 --file (A + connect)"); CMD_STRS+=("$NETPROBE -4 $SERVER -f ndjson --file $TMP/names_ports.txt")
	CMD_LABELS+=("netprobe -4 --reset --file (A + connect)"); CMD_STRS+=("$NETPROBE -4 --reset $SERVER -f ndjson --file $TMP/names_ports.txt")
fi
if [ "$HAVE_LOOKUP_FILE" = 1 ]; then
	CMD_LABELS+=("netprobe lookup --file (A)"); CMD_STRS+=("$NP_LOOKUP")
fi
CMD_LABELS+=("dig -f (A)"); CMD_STRS+=("$DIG_F")
hf ab "$RUNS" "$WARMUP"
dig_s=$(median_of ab "dig -f (A)")
R[dig_nps]=$(calc "round($NAMES / $dig_s)")
if [ "$BATCH_OK" = 1 ]; then
	rate a ab "netprobe --file (A+AAAA + connect)" "$dig_s" 1
	rate a4 ab "netprobe -4 --file (A + connect)" "$dig_s" 1
	rate a4r ab "netprobe -4 --reset --file (A + connect)" "$dig_s" 1
fi
if [ "$HAVE_LOOKUP_FILE" = 1 ]; then
	rate b ab "netprobe lookup --file (A)" "$dig_s" 1
fi
echo

# ---- shell loop: one netprobe process per name, on a sample
echo "# ---- a) a shell loop of one netprobe per name, first $SAMPLE names, 3 runs"
head -n "$SAMPLE" "$TMP/names.txt" >"$TMP/sample.txt"
first=$(head -n 1 "$TMP/sample.txt")
out=$("$NETPROBE" "$SERVER" "$first" "$P_NAMES" 2>&1 </dev/null); rc=$?
echo "  sanity: netprobe $SERVER $first $P_NAMES: exit $rc: $(printf '%s\n' "$out" | grep -m 1 -E 'probes? open|open' || printf '%s\n' "$out" | head -n 1)"
[ "$rc" -eq 0 ] || die "netprobe $SERVER $first $P_NAMES failed (exit $rc)"
loop_times=()
for r in 1 2 3; do
	t0=$(date +%s.%N)
	while read -r n; do
		"$NETPROBE" "$SERVER" "$n" "$P_NAMES" >/dev/null 2>&1 </dev/null
	done <"$TMP/sample.txt"
	t1=$(date +%s.%N)
	loop_times+=("$(calc "$t1 - $t0")")
done
loop_s=$(printf '%s\n' "${loop_times[@]}" | sort -g | sed -n 2p)
R[loop_nps]=$(calc "round($SAMPLE / $loop_s)")
echo "  runs: ${loop_times[*]} s; median $loop_s s for $SAMPLE names = ${R[loop_nps]} names/s"
echo

# ---- dnsperf: the ceiling of this knotd on this machine
echo "# ---- b) dnsperf's ceiling on the same knotd: dnsperf -s 127.0.0.1 -p $KPORT -d queries.txt -c 4 -q 500 -l $DNSPERF_SECONDS (3 runs; no -Q: unlimited rate)"
dp=()
for r in 1 2 3; do
	timeout $((DNSPERF_SECONDS + 30)) dnsperf -s 127.0.0.1 -p "$KPORT" -d "$TMP/queries.txt" -c 4 -q 500 \
		-l "$DNSPERF_SECONDS" >"$TMP/dnsperf.$r" 2>&1
	q=$(sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p' "$TMP/dnsperf.$r")
	lost=$(sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' "$TMP/dnsperf.$r")
	echo "  run $r: $q queries/s, lost $lost ($(grep -E 'Response codes' "$TMP/dnsperf.$r" | sed 's/^ *//'))"
	dp+=("${q:-0}")
done
R[dnsperf_qps]=$(printf '%s\n' "${dp[@]}" | sort -g | sed -n 2p | cut -d. -f1)
timeout 60 dnsperf -s 127.0.0.1 -p "$KPORT" -d "$TMP/queries.txt" -c 4 -q 500 -n 1 >"$TMP/dnsperf.n1" 2>&1
R[dnsperf_n1]=$(sed -n 's/^ *Queries per second: *\([0-9.]*\).*/\1/p' "$TMP/dnsperf.n1" | cut -d. -f1)
echo "  one pass over the $NAMES names (-n 1 instead of -l): ${R[dnsperf_n1]} queries/s"
echo

# ================================================================ c) literals vs nmap
echo "# ---- c) $NAMES TCP connects to literals (no DNS), ~10 % closed (nft reset), vs nmap"
timeout 600 $NMAP >/dev/null 2>"$TMP/nmap.err" || die "nmap failed: $(head -n 3 "$TMP/nmap.err")"
if [ "$BATCH_OK" = 1 ]; then
	timeout 600 $NP_LIT >"$TMP/np_lit.ndjson" 2>"$TMP/np_lit.err"
	echo "netprobe --file (literals): exit $?, stderr $(wc -l <"$TMP/np_lit.err") lines"
	"${CHECK[@]}" probes "$TMP/np_lit.ndjson" | tee "$TMP/chk_c1"
	"${CHECK[@]}" nmap "$TMP/np_lit.ndjson" "$TMP/nmap.gnmap" | tee "$TMP/chk_c2"
	R[c_sanity]=$(lastline "$TMP/chk_c1")
	R[c_disagree]=$(kvget disagreements "$(lastline "$TMP/chk_c2")")
	timeout 600 $NP_LIT_RST >"$TMP/np_lit.ndjson" 2>"$TMP/np_lit.err"
	echo "netprobe --reset --file (literals): exit $?, stderr $(wc -l <"$TMP/np_lit.err") lines"
	"${CHECK[@]}" nmap "$TMP/np_lit.ndjson" "$TMP/nmap.gnmap" | tee "$TMP/chk_c3"
	R[c_disagree_rst]=$(kvget disagreements "$(lastline "$TMP/chk_c3")")
	rm -f "$TMP/np_lit.ndjson"
	CMD_LABELS=("netprobe --file (literals)" "netprobe --reset --file (literals)"
		"netprobe --reset -f text --file (literals)" "nmap -sT -n -Pn -iL")
	CMD_STRS=("$NP_LIT" "$NP_LIT_RST" "$NP_LIT_RST_TEXT" "$NMAP")
else
	echo "netprobe --file: not in this build: c) netprobe not measured"
	CMD_LABELS=("nmap -sT -n -Pn -iL"); CMD_STRS=("$NMAP")
fi
hf c "$RUNS" "$WARMUP"
nmap_s=$(median_of c "nmap -sT -n -Pn -iL")
R[nmap_tps]=$(calc "round($NAMES / $nmap_s)")
if [ "$BATCH_OK" = 1 ]; then
	rate c c "netprobe --file (literals)" "$nmap_s" 2
	rate cr c "netprobe --reset --file (literals)" "$nmap_s" 2
	rate crt c "netprobe --reset -f text --file (literals)" "$nmap_s" 2
fi
echo

# ================================================================ d) RSS curve
if [ "$BATCH_OK" = 1 ]; then
	echo "# ---- d) peak RSS and wall time vs targets (literals, distinct 127.x addresses, ~10 % closed; /usr/bin/time -v; median of $RSS_RUNS; ulimit -n $(ulimit -Sn))"
	printf '  %8s %10s %8s %8s %8s  %s\n' targets "RSS KiB" "wall s" "user s" "sys s" "check (last run)"
	CURVE=""
	for n in $RSS_SIZES; do
		"$PY" "$SCRIPT_DIR/gen_zone.py" literals "$TMP/lit_$n.txt" --count "$n" --port "$P_LIT"
		: >"$TMP/rss_$n.tsv"
		for r in $(seq 1 "$RSS_RUNS"); do
			timeout 900 /usr/bin/time -v -o "$TMP/time_$n" "$NETPROBE" -f ndjson --file "$TMP/lit_$n.txt" \
				>"$TMP/out_$n.ndjson" 2>"$TMP/err_$n"
			rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time_$n")
			wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time_$n" |
				awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
			usr=$(sed -n 's/.*User time (seconds): //p' "$TMP/time_$n")
			sys=$(sed -n 's/.*System time (seconds): //p' "$TMP/time_$n")
			printf '%s\t%s\t%s\t%s\n' "$rss" "$wall" "$usr" "$sys" >>"$TMP/rss_$n.tsv"
		done
		chk=$("${CHECK[@]}" probes "$TMP/out_$n.ndjson" | tail -n 1)
		rm -f "$TMP/out_$n.ndjson"
		med=$(sort -t$'\t' -k2,2g "$TMP/rss_$n.tsv" | sed -n "$(( (RSS_RUNS + 1) / 2 ))p")
		rss_med=$(cut -f1 "$TMP/rss_$n.tsv" | sort -g | sed -n "$(( (RSS_RUNS + 1) / 2 ))p")
		printf '  %8d %10s %8s %8s %8s  targets=%s open=%s closed=%s other=%s emfile=%s\n' "$n" "$rss_med" \
			"$(cut -f2 <<<"$med")" "$(cut -f3 <<<"$med")" "$(cut -f4 <<<"$med")" \
			"$(kvget targets "$chk")" "$(kvget open "$chk")" "$(kvget closed "$chk")" "$(kvget other "$chk")" "$(kvget emfile "$chk")"
		echo "    RSS of each run: $(cut -f1 "$TMP/rss_$n.tsv" | tr '\n' ' ')KiB; wall: $(cut -f2 "$TMP/rss_$n.tsv" | tr '\n' ' ')s"
		CURVE="$CURVE $n:$rss_med:$(cut -f2 <<<"$med")"
		R[d_rss_$n]=$rss_med
	done
	R[d_curve]=$CURVE
	# RSS against --jobs (targets in flight), at 20,000 literals
	if has --help | grep -q -- '--jobs'; then
		"$PY" "$SCRIPT_DIR/gen_zone.py" literals "$TMP/lit_j.txt" --count 20000 --port "$P_LIT"
		JC=""
		for j in 16 64 256 1024 4096; do
			timeout 900 /usr/bin/time -v -o "$TMP/time_j" "$NETPROBE" -f ndjson --jobs "$j" --file "$TMP/lit_j.txt" \
				>/dev/null 2>&1
			JC="$JC $j:$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time_j")"
		done
		echo "  peak RSS against --jobs, 20,000 literals (jobs:KiB):$JC"
		R[d_jobs]=$JC
	fi
	# 100k targets at ulimit -n 256: no EMFILE may appear, every target reported
	n=$EMFILE_TARGETS
	[ -f "$TMP/lit_$n.txt" ] || "$PY" "$SCRIPT_DIR/gen_zone.py" literals "$TMP/lit_$n.txt" --count "$n" --port "$P_LIT"
	timeout 900 /usr/bin/time -v -o "$TMP/time_256" bash -c 'ulimit -n 256 && exec "$@"' _ \
		"$NETPROBE" -f ndjson --file "$TMP/lit_$n.txt" >"$TMP/out_256.ndjson" 2>"$TMP/err_256"
	rc=$?
	emfile_err=$(grep -c -e EMFILE -e 'Too many open files' "$TMP/err_256")
	chk=$("${CHECK[@]}" probes "$TMP/out_256.ndjson" | tail -n 1)
	rm -f "$TMP/out_256.ndjson"
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$TMP/time_256")
	wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$TMP/time_256")
	echo "  ulimit -n 256, $n targets: exit $rc, wall $wall, RSS $rss KiB; EMFILE in the output: $(kvget emfile "$chk"), on stderr: $emfile_err; $chk"
	R[d_emfile]=$(( $(kvget emfile "$chk") + emfile_err ))
	R[d_256]="$chk"
	rm -f "$TMP"/lit_*.txt
else
	echo "# ---- d) not measured: no --file / -f ndjson in this build"
fi
echo

# ================================================================ e) --count
if [ "$HAVE_COUNT" = 1 ] && [ "$HAVE_NDJSON" = 1 ]; then
	echo "# ---- e) --count 20 --interval 0.05 to a listener and to a closed port: statistics vs the per-round lines"
	for what in open closed; do
		port=$P_COUNT; [ "$what" = closed ] && port=$P_CLOSED
		t0=$(date +%s.%N)
		timeout 60 "$NETPROBE" --count 20 --interval 0.05 -f ndjson 127.0.0.1 "$port" >"$TMP/count_$what.ndjson" 2>"$TMP/count_$what.err"
		rc=$?; t1=$(date +%s.%N)
		echo "  netprobe --count 20 --interval 0.05 -f ndjson 127.0.0.1 $port ($what): exit $rc, $(calc "round($t1 - $t0, 3)") s"
		"${CHECK[@]}" count "$TMP/count_$what.ndjson" | tee "$TMP/chk_e_$what" | sed 's/^/  /'
		timeout 60 "$NETPROBE" --count 20 --interval 0.05 127.0.0.1 "$port" >"$TMP/count_$what.txt" 2>&1
		echo "  text output ($what): exit $?"
		"${CHECK[@]}" count-text "$TMP/count_$what.txt" | tee "$TMP/chk_et_$what" | sed 's/^/  /'
		R[e_$what]="ndjson $(kvget agree "$(lastline "$TMP/chk_e_$what")"), text $(kvget agree "$(lastline "$TMP/chk_et_$what")"), loss $(kvget loss "$(lastline "$TMP/chk_e_$what")") %, rounds $(kvget rounds "$(lastline "$TMP/chk_e_$what")"), median gap $(kvget median_gap_ms "$(lastline "$TMP/chk_e_$what")") ms"
	done
	echo "  text output, open port, last lines:"
	tail -n 4 "$TMP/count_open.txt" | sed 's/^/    /'
else
	echo "# ---- e) not measured: no --count / -f ndjson in this build"
fi
echo

# ================================================================ f) where the time goes
# cg_run KEY WHAT ARGS: one netprobe run under callgrind, its Ir by object and
# per target, and who calls memset/calloc/malloc; R[KEY] = Ir per target
cg_run() {
	local out=$TMP/cg-$1
	echo "  -- callgrind, the first $CG_TARGETS $2: valgrind --tool=callgrind netprobe $3"
	timeout 900 valgrind --tool=callgrind --callgrind-out-file="$out.out" \
		$NETPROBE $3 >/dev/null 2>"$out.err"
	callgrind_annotate --auto=no --threshold=100 "$out.out" >"$out.txt" 2>/dev/null
	"${CHECK[@]}" callgrind "$out.txt" "$CG_TARGETS" | tee "$out.chk"
	callgrind_annotate --auto=no --tree=caller --threshold=100 "$out.out" >"$out.tree" 2>/dev/null
	"${CHECK[@]}" callers "$out.tree" __memset_avx2_unaligned_erms calloc malloc
	R[$1]=$(kvget ir_per_target "$(lastline "$out.chk")")
}
if [ "$PROFILE" = 1 ] && { [ "$BATCH_OK" = 1 ] || [ "$HAVE_LOOKUP_FILE" = 1 ]; }; then
	echo "# ---- f) where the time goes at $NAMES targets"
	WHATS=""
	[ "$BATCH_OK" = 1 ] && WHATS="names literals"
	[ "$HAVE_LOOKUP_FILE" = 1 ] && WHATS="$WHATS lookup"
	for what in $WHATS; do
		case $what in names) cmd=$NP_BATCH;; literals) cmd=$NP_LIT;; lookup) cmd=$NP_LOOKUP;; esac
		echo "  -- $what: perf stat -e task-clock,context-switches,cpu-migrations -- $cmd"
		perf stat -e task-clock,context-switches,cpu-migrations -x, -o "$TMP/perf_$what" \
			$cmd >/dev/null 2>"$TMP/perf_$what.err"
		grep -v '^#' "$TMP/perf_$what" | grep . | awk -F, -v n="$NAMES" \
			'{ printf "    %-18s %14s %-6s  %10.3f per target\n", $3, $1, $2, $1 / n }'
		echo "  -- $what: strace -c -f (syscalls; strace itself slows the run)"
		timeout 900 strace -c -f -o "$TMP/strace_$what" $cmd >/dev/null 2>&1
		total=$(awk '$NF == "total" { print $4 }' "$TMP/strace_$what")
		echo "    total syscalls $total = $(calc "round(${total:-0} / $NAMES, 2)") per target; the top ones:"
		sed -n '3,14p' "$TMP/strace_$what" | grep -v -e '^-' -e ' total$' | awk -v n="$NAMES" \
			'{ printf "      %-16s %9s calls  %6.2f per target\n", $NF, $4, $4 / n }'
		R[f_sys_$what]=$(calc "round(${total:-0} / $NAMES, 1)")
	done
	CMD_LABELS=(); CMD_STRS=()
	if [ "$BATCH_OK" = 1 ]; then
		CMD_LABELS+=("literals -f ndjson (default jobs)" "literals -f text (default jobs)" "literals -f json (default jobs)")
		CMD_STRS+=("$NP_LIT" "$NETPROBE -f text --file $TMP/literals.txt" "$NETPROBE -f json --file $TMP/literals.txt")
		CMD_LABELS+=("names -f text (default jobs)"); CMD_STRS+=("$NETPROBE $SERVER -f text --file $TMP/names_ports.txt")
	fi
	if [ "$BATCH_OK" = 1 ] && has --help | grep -q -- '--jobs'; then
		for j in 16 64 1024 4096; do
			CMD_LABELS+=("literals -f ndjson --jobs $j"); CMD_STRS+=("$NP_LIT --jobs $j")
		done
		CMD_LABELS+=("names -f ndjson --jobs 1024"); CMD_STRS+=("$NP_BATCH --jobs 1024")
		CMD_LABELS+=("names -f ndjson --jobs 64"); CMD_STRS+=("$NP_BATCH --jobs 64")
	fi
	if [ "$HAVE_LOOKUP_FILE" = 1 ]; then
		CMD_LABELS+=("lookup -f ndjson (default jobs)"); CMD_STRS+=("$NP_LOOKUP")
		CMD_LABELS+=("lookup -f text (default jobs)"); CMD_STRS+=("$NETPROBE lookup $SERVER -f text --file $TMP/names.txt")
		CMD_LABELS+=("lookup -f text --short"); CMD_STRS+=("$NETPROBE lookup $SERVER --short --file $TMP/names.txt")
		CMD_LABELS+=("lookup -f ndjson --jobs 64"); CMD_STRS+=("$NP_LOOKUP --jobs 64")
		CMD_LABELS+=("lookup -f ndjson --jobs 1024"); CMD_STRS+=("$NP_LOOKUP --jobs 1024")
	fi
	echo "  -- output format and --jobs at $NAMES targets (hyperfine, 3 runs each; the default --jobs at ulimit -n $(ulimit -Sn) is min(256, (n - 32) / 4) for probes, 100 for lookup)"
	hf f 3 0
	if [ "$BATCH_OK" = 1 ]; then
		cg_run f_ir "names" "$SERVER -f ndjson --file $TMP/names_ports_cg.txt"
		cg_run f_ir_lit "literals" "-f ndjson --file $TMP/literals_cg.txt"
	fi
	if [ "$HAVE_LOOKUP_FILE" = 1 ]; then
		cg_run f_ir_lookup "lookup names" "lookup $SERVER -f ndjson --file $TMP/names_cg.txt"
	fi
else
	echo "# ---- f) skipped (PROFILE=$PROFILE, batch mode in this build: $BATCH_OK)"
fi
echo

kill -0 "$KNOT_PID" 2>/dev/null || die "our knotd died during the run"
kill -0 "$LISTENER_PID" 2>/dev/null || die "the listeners died during the run"
netsnap "$TMP/netstat.end"
R[listen_all]="accepted $(accepted) connections in all, listener CPU $(listener_cpu) s in all; kernel over the whole run: $("${CHECK[@]}" netstat "$TMP/netstat.start" "$TMP/netstat.end")"

# ================================================================ results
verdict() { # verdict PY-CONDITION -> met / NOT met / not measured
	case "$1" in *'?'*|*'n/a'*) echo "not measured"; return;; esac
	if [ "$("$PY" -c "print(1 if ($1) else 0)" 2>/dev/null)" = 1 ]; then echo "met"; else echo "NOT met"; fi
}
g() { echo "${R[$1]:-?}"; }
echo "# ================= results (medians; names/s = $NAMES / median wall time of the whole process)"
printf '%-58s %-32s %s\n' "measure" "figure" "target: verdict"
printf '%-58s %-32s %s\n' "a) netprobe --file, resolve + connect" "$(g a_rate) names/s" ""
printf '%-58s %-32s %s\n' "a) dig -f, resolve only (A)" "$(g dig_nps) names/s" ""
printf '%-58s %-32s %s\n' "a) netprobe --file / dig -f" "$(g a_ratio) x" ">= 10x: $(verdict "$(g a_ratio) >= 10")"
printf '%-58s %-32s %s\n' "a) netprobe -4 --file (A only, like dig) / dig -f" "$(g a4_rate) names/s, $(g a4_ratio) x" ""
printf '%-58s %-32s %s\n' "a) netprobe -4 --reset --file / dig -f" "$(g a4r_rate) names/s, $(g a4r_ratio) x" ""
printf '%-58s %-32s %s\n' "a) shell loop, one netprobe per name ($SAMPLE names)" "$(g loop_nps) names/s" ""
printf '%-58s %-32s %s\n' "b) netprobe lookup --file (A)" "$(g b_rate) names/s" ">= 50,000/s: $(verdict "$(g b_rate) >= 50000")"
printf '%-58s %-32s %s\n' "b) lookup --file / dig -f" "$(g b_ratio) x" ""
printf '%-58s %-32s %s\n' "b) dnsperf ceiling (-c 4 -q 500 -l $DNSPERF_SECONDS; one pass -n 1)" "$(g dnsperf_qps) q/s; $(g dnsperf_n1) q/s" ""
printf '%-58s %-32s %s\n' "c) netprobe --file, $NAMES literals" "$(g c_rate) targets/s" ""
printf '%-58s %-32s %s\n' "c) nmap -sT -n -Pn -iL" "$(g nmap_tps) targets/s" ""
printf '%-58s %-32s %s\n' "c) netprobe / nmap" "$(g c_ratio) x" ">= 2x: $(verdict "$(g c_ratio) >= 2")"
printf '%-58s %-32s %s\n' "c) netprobe --reset (closes as nmap does) / nmap" "$(g cr_rate) targets/s, $(g cr_ratio) x" ">= 2x: $(verdict "$(g cr_ratio) >= 2")"
printf '%-58s %-32s %s\n' "c) netprobe --reset -f text / nmap" "$(g crt_rate) targets/s, $(g crt_ratio) x" ""
printf '%-58s %-32s %s\n' "c) states netprobe vs nmap, address by address" "$(g c_disagree) disagreements" "0: $(verdict "$(g c_disagree) == 0")"
printf '%-58s %-32s %s\n' "c) states netprobe --reset vs nmap" "$(g c_disagree_rst) disagreements" "0: $(verdict "$(g c_disagree_rst) == 0")"
for n in $RSS_SIZES; do
	printf '%-58s %-32s %s\n' "d) peak RSS at $n targets" "$(g d_rss_$n) KiB" "<= 16384 KiB: $(verdict "$(g d_rss_$n) <= 16384")"
done
first=${RSS_SIZES%% *}; last=${RSS_SIZES##* }
printf '%-58s %-32s %s\n' "d) RSS growth $first -> $last targets" "$(calc "$(g d_rss_$last) - $(g d_rss_$first)" 2>/dev/null || echo '?') KiB" "flat (<= 1024 KiB): $(verdict "$(g d_rss_$last) - $(g d_rss_$first) <= 1024")"
printf '%-58s %-32s %s\n' "d) EMFILE at ulimit -n 256, $EMFILE_TARGETS targets" "$(g d_emfile)" "0: $(verdict "$(g d_emfile) == 0")"
printf '%-58s %-32s %s\n' "e) --count, listener" "$(g e_open)" ""
printf '%-58s %-32s %s\n' "e) --count, closed port" "$(g e_closed)" ""
printf '%-58s %-32s %s\n' "f) syscalls per target (names / literals / lookup)" "$(g f_sys_names) / $(g f_sys_literals) / $(g f_sys_lookup)" ""
printf '%-58s %-32s %s\n' "f) instructions per target (names / literals / lookup)" "$(g f_ir) / $(g f_ir_lit) / $(g f_ir_lookup)" ""
echo "# a) sanity: $(g a_sanity)"
echo "# a) listener: $(g a_listener)"
echo "# listeners: $(g listen_all)"
echo "# b) sanity: $(g b_sanity)"
echo "# c) sanity: $(g c_sanity)"
echo "# d) curve (targets:RSS KiB:wall s):$(g d_curve)"
echo "# d) ulimit -n 256: $(g d_256)"
echo "# d) peak RSS against --jobs at 20,000 literals (jobs:KiB):$(g d_jobs)"
echo "# load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "# command: bash bench/batch.sh (NAMES=$NAMES RUNS=$RUNS WARMUP=$WARMUP SAMPLE=$SAMPLE DNSPERF_SECONDS=$DNSPERF_SECONDS RSS_SIZES='$RSS_SIZES' RSS_RUNS=$RSS_RUNS EMFILE_TARGETS=$EMFILE_TARGETS PROFILE=$PROFILE CG_TARGETS=$CG_TARGETS)"
exit 0
