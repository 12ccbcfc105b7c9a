# Shared code for netprobe integration tests (sourced by tests/integration/*.sh).
#
# Environment (set by automake's AM_TESTS_ENVIRONMENT, or by hand):
#   NETPROBE    absolute path of the built binary
#   top_srcdir  source tree root (may differ from the build tree: VPATH/distcheck)
# Exit codes follow automake's plain test-driver: 0 pass, 1 fail, 77 skip,
# 99 hard error (the harness itself could not set up).
#
# House rules kept here: traffic only to 127.0.0.0/8 and ::1, never the system
# resolver (every name lookup passes @127.0.0.1:PORT), every loop bounded, every
# background process and temp file removed on exit, also when a test fails.

set -u

PY=/usr/bin/python3
NP_TIMEOUT_WALL=${NP_TIMEOUT_WALL:-30}   # hard wall-clock cap per netprobe run
# Background helpers and servers stop when their test ends (the EXIT trap stops
# them); their lifetime is only the backstop for a test killed with SIGKILL.  It
# must outlast the longest test on a loaded machine (make -j8 check beside other
# suites): a helper that ends first fails every case after it.
NP_HELPER_LIFETIME=${NP_HELPER_LIFETIME:-1800}
# A bounded wait for something to happen (a helper printed its port, a count
# reached N, an event arrived) polls at most NP_POLLS times, 0.05 s apart; it
# returns as soon as it sees what it waits for, so only a failing test waits the
# whole bound, and a loaded machine gets the time it needs.
NP_POLLS=${NP_POLLS:-600}

if [ -z "${top_srcdir:-}" ]; then
	top_srcdir=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fi
top_srcdir=$(cd "$top_srcdir" && pwd)
HELPERS="$top_srcdir/tests/helpers"
ZONES="$top_srcdir/tests/zones"
SCHEMA="$top_srcdir/docs/netprobe.schema.json"
VALIDATOR="$HELPERS/validate_json.py"

np_failures=0
np_checks=0
np_bg_pids=()
NP_TMP=
KNOT_PORT=
KNOT_PID=

# ---------------------------------------------------------------- lifecycle

# np_is_child PID [PARENT]: PID is a live process (not a zombie) whose parent is
# PARENT (default: this test's shell).  Once a background job has ended and
# bash has reaped it, the kernel may hand its pid to any new process (pid_max
# is often 32768, and make -j8 check forks thousands of processes a minute),
# another test's dig or knotd: so a test signals a pid only while it is still
# its own child, never by number alone.
np_is_child() {
	local s
	{ read -r s <"/proc/$1/stat"; } 2>/dev/null || return 1
	s=${s##*) }	# "pid (comm) state ppid ...", and comm may hold anything
	# shellcheck disable=SC2086  # split on purpose: state ppid ...
	set -- "$1" "${2:-$$}" $s
	[ "$3" != Z ] && [ "$4" = "$2" ]
}

# np_kill SIG PID [PARENT]: send SIG to PID while np_is_child PID PARENT.
np_kill() { np_is_child "$2" "${3:-}" && kill -"$1" "$2" 2>/dev/null; }

np_cleanup() {
	local rc=$? pid i
	trap - EXIT INT TERM
	for pid in "${np_bg_pids[@]+"${np_bg_pids[@]}"}"; do
		np_kill TERM "$pid"
	done
	for pid in "${np_bg_pids[@]+"${np_bg_pids[@]}"}"; do
		# bounded wait: 30 x 0.1 s, then SIGKILL
		for i in $(seq 1 30); do
			np_is_child "$pid" || break
			sleep 0.1
		done
		if np_is_child "$pid"; then
			echo "# cleanup: pid $pid ignored SIGTERM, sending SIGKILL" >&2
			np_kill KILL "$pid"
		fi
		wait "$pid" 2>/dev/null
	done
	if [ -n "$NP_TMP" ] && [ -d "$NP_TMP" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -f "$NP_TMP/knot/knotd.log" ]; then
			echo "# knotd log (test failed):" >&2
			sed 's/^/#   /' "$NP_TMP/knot/knotd.log" >&2
		fi
		rm -rf "$NP_TMP"
	fi
	exit "$rc"
}

np_on_signal() {
	echo "# interrupted by SIG$1" >&2
	if [ "$1" = INT ]; then exit 130; else exit 143; fi
}

skip() {
	echo "SKIP: $*"
	exit 77
}

fatal() {
	echo "ERROR: $*" >&2
	exit 99
}

# np_init_base: what every test needs (skip when a tool is missing): python with
# jsonschema, timeout(1), the temp dir, the traps, an empty hosts file, NETPROBE.
np_init_base() {
	[ -x "$PY" ] || skip "$PY not found"
	"$PY" -c 'import jsonschema' 2>/dev/null ||
		skip "python3-jsonschema not installed for $PY"
	command -v timeout >/dev/null 2>&1 || skip "timeout(1) not found"
	NP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/netprobe-it.XXXXXX") || fatal "mktemp failed"
	trap np_cleanup EXIT
	trap 'np_on_signal INT' INT
	trap 'np_on_signal TERM' TERM
	# hermetic: an empty hosts file unless a test writes its own (c-ares reads
	# CARES_HOSTS instead of /etc/hosts)
	: >"$NP_TMP/hosts.empty"
	export CARES_HOSTS="$NP_TMP/hosts.empty"
	[ "${NP_NEED_BINARY:-1}" = 1 ] || { echo "# test: $(basename "$0"), tmp: $NP_TMP"; return 0; }
	if [ -z "${NETPROBE:-}" ]; then
		for c in "$top_srcdir/build/src/netprobe" "$top_srcdir/src/netprobe"; do
			[ -x "$c" ] && NETPROBE=$c && break
		done
	fi
	[ -n "${NETPROBE:-}" ] || fatal "NETPROBE is not set and no built binary was found"
	[ -x "$NETPROBE" ] || fatal "NETPROBE=$NETPROBE is not an executable file"
	echo "# test: $(basename "$0"), netprobe: $NETPROBE, tmp: $NP_TMP"
}

# np_init: np_init_base for the tests that run knotd (skip without knotd, kdig).
# Call once at the top of each test.
np_init() {
	command -v knotd >/dev/null 2>&1 || [ -x /usr/sbin/knotd ] ||
		skip "knotd not installed (Debian package knot)"
	command -v kdig >/dev/null 2>&1 ||
		skip "kdig not installed (Debian package knot-dnsutils)"
	KNOTD=$(command -v knotd 2>/dev/null || echo /usr/sbin/knotd)
	np_init_base
}

# np_done: end of a test; exit status says whether any check failed.
np_done() {
	if [ "$np_failures" -gt 0 ]; then
		echo "# FAILED: $np_failures of $np_checks checks failed"
		exit 1
	fi
	echo "# PASS: all $np_checks checks passed"
	exit 0
}

np_bg_register() { np_bg_pids+=("$1"); }

# ---------------------------------------------------------------- assertions

ok() { np_checks=$((np_checks + 1)); echo "ok - $*"; }

not_ok() {
	np_checks=$((np_checks + 1))
	np_failures=$((np_failures + 1))
	echo "not ok - $*"
}

# show_last_run: print the last netprobe command and its output (on failure).
show_last_run() {
	[ -n "${NP_LAST_CMD:-}" ] || return 0
	echo "#   command: $NP_LAST_CMD"
	echo "#   exit status: ${NP_RC:-?}"
	if [ -s "$NP_OUT" ]; then
		echo "#   stdout:"; head -c 6000 "$NP_OUT" | sed 's/^/#     /'
	else
		echo "#   stdout: (empty)"
	fi
	if [ -s "$NP_ERR" ]; then
		echo "#   stderr:"; head -c 3000 "$NP_ERR" | sed 's/^/#     /'
	else
		echo "#   stderr: (empty)"
	fi
}

# assert_eq DESCRIPTION EXPECTED ACTUAL
assert_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   expected: %s\n#   actual:   %s\n' "$2" "$3"
		show_last_run
	fi
}

# assert_ne DESCRIPTION UNEXPECTED ACTUAL
assert_ne() {
	if [ "$2" != "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   expected anything but: %s\n' "$2"
		show_last_run
	fi
}

# assert_match DESCRIPTION ERE TEXT   (extended regular expression, grep -E)
assert_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		ok "$1"
	else
		not_ok "$1"
		printf '#   expected to match: %s\n#   actual: %s\n' "$2" "$3"
		show_last_run
	fi
}

# assert_no_match DESCRIPTION ERE TEXT
assert_no_match() {
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		not_ok "$1"
		printf '#   expected NOT to match: %s\n#   actual: %s\n' "$2" "$3"
		show_last_run
	else
		ok "$1"
	fi
}

# assert_true DESCRIPTION COMMAND...   (the command's exit status decides)
assert_true() {
	local d=$1; shift
	if "$@"; then ok "$d"; else not_ok "$d"; echo "#   command failed: $*"; show_last_run; fi
}

# assert_rc EXPECTED [DESCRIPTION]: exit status of the last np_run
assert_rc() {
	assert_eq "${2:-exit status $1}" "$1" "$NP_RC"
}

# ---------------------------------------------------------------- running netprobe

# np_run ARGS...: run netprobe with a wall-clock cap; stdout in $NP_OUT, stderr in
# $NP_ERR, exit status in $NP_RC, elapsed seconds in $NP_ELAPSED.
NP_RUN_N=0
np_run() {
	NP_RUN_N=$((NP_RUN_N + 1))
	NP_OUT="$NP_TMP/run$NP_RUN_N.out"
	NP_ERR="$NP_TMP/run$NP_RUN_N.err"
	NP_LAST_CMD="${NP_ENV_PREFIX:-}netprobe $(printf '%q ' "$@")"
	local t0 t1
	t0=$(date +%s.%N)
	# NP_WRAP (e.g. "valgrind --error-exitcode=99 --leak-check=full") wraps every run
	# shellcheck disable=SC2086
	timeout -k 2 "$NP_TIMEOUT_WALL" ${NP_WRAP:-} "$NETPROBE" "$@" >"$NP_OUT" 2>"$NP_ERR" </dev/null
	NP_RC=$?
	t1=$(date +%s.%N)
	NP_ELAPSED=$("$PY" -c 'import sys; print("%.3f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$t1")
	if [ "$NP_RC" -eq 124 ] || [ "$NP_RC" -eq 137 ]; then
		echo "# WARNING: netprobe did not finish within ${NP_TIMEOUT_WALL}s and was killed"
	fi
	return 0
}

# np_json ARGS...: np_run with --json, and check the output parses as JSON.
np_json() {
	np_run --json "$@"
	NP_JSON="$NP_OUT"
}

np_stdout() { cat "$NP_OUT"; }
np_first_line() { head -n 1 "$NP_OUT"; }

# ---------------------------------------------------------------- JSON access

# jget FILE PATH: print the value at PATH (dot-separated keys, integers index
# arrays: targets.0.dns.status).  Strings print raw, null prints "null", other
# values print as compact JSON with sorted keys.  Missing key prints "<missing>".
jget() {
	"$PY" - "$1" "$2" <<'PYEOF'
import json, sys
try:
    with open(sys.argv[1]) as f:
        d = json.load(f)
except Exception as e:
    print("<invalid json: %s>" % e); sys.exit(0)
for part in [p for p in sys.argv[2].split(".") if p != ""]:
    try:
        d = d[int(part)] if isinstance(d, list) else d[part]
    except (KeyError, IndexError, ValueError, TypeError):
        print("<missing>"); sys.exit(0)
if isinstance(d, str):
    print(d)
else:
    print(json.dumps(d, sort_keys=True, separators=(",", ":")))
PYEOF
}

# jpy FILE EXPR: evaluate a Python expression with the document bound to d (and
# t = d["targets"][0] when present, E = os.environ, num(x) true for a JSON
# number); print like jget.
jpy() { "$PY" "$HELPERS/jexpr.py" json "$1" "$2"; }

# json_addrs FILE: "address ttl" per DNS address of target 0 (ttl null when
# none), sorted, one a line.
json_addrs() {
	jpy "$1" '"\n".join(sorted("%s %s" % (a.get("address"), json.dumps(a.get("ttl"))) for a in t["dns"]["addresses"]))'
}

# json_probes FILE: "family address port state" per probe of target 0, sorted.
json_probes() {
	jpy "$1" '"\n".join(sorted("%s %s %s %s" % (p.get("family"), p.get("address"), p.get("port"), p.get("state")) for p in t["probes"]))'
}

# check_schema DESCRIPTION FILE: validate a document against docs/netprobe.schema.json
check_schema() {
	local d=$1 f=$2 out
	if [ ! -f "$VALIDATOR" ]; then
		not_ok "$d: schema validator $VALIDATOR is missing"
		return
	fi
	if [ ! -f "$SCHEMA" ]; then
		not_ok "$d: schema $SCHEMA is missing"
		return
	fi
	if out=$("$PY" "$VALIDATOR" "$SCHEMA" <"$f" 2>&1); then
		ok "$d: valid against docs/netprobe.schema.json"
	else
		not_ok "$d: NOT valid against docs/netprobe.schema.json"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
		echo "#   document:"; head -c 4000 "$f" | sed 's/^/#     /'
	fi
}

# check_json_basics DESCRIPTION FILE EXPECTED_EXIT: schema + top-level invariants
# every document must satisfy.
check_json_basics() {
	local d=$1 f=$2 rc=$3
	check_schema "$d" "$f"
	assert_eq "$d: schema_version is 1" "1" "$(jget "$f" schema_version)"
	assert_eq "$d: JSON exit_code equals the process exit status" "$rc" "$(jget "$f" exit_code)"
	assert_eq "$d: host_byte_order matches this machine" \
		"$("$PY" -c 'import sys; print(sys.byteorder + "-endian")')" "$(jget "$f" host_byte_order)"
}

# ---------------------------------------------------------------- ports, helpers

# free_port: a port nothing has bound on 127.0.0.1 and ::1 (TCP and UDP), below
# the kernel's ephemeral range, so no kernel-chosen port (a parallel test's
# listener on port 0, a connect's source port) can take it before the test binds
# it (tests/helpers/ports.py says why).
free_port() { "$PY" "$HELPERS/ports.py" free; }

# _wait_port_file FILE PID: wait (bounded, NP_POLLS x 0.05 s) until a helper
# printed its port into FILE; print it.
_wait_port_file() {
	local f=$1 pid=$2 i p
	for i in $(seq 1 "$NP_POLLS"); do
		p=$(head -n 1 "$f" 2>/dev/null)
		if [ -n "$p" ]; then echo "$p"; return 0; fi
		if ! np_is_child "$pid"; then
			# it may have printed and exited between the two looks: one more
			p=$(head -n 1 "$f" 2>/dev/null)
			[ -n "$p" ] && echo "$p"
			[ -n "$p" ]
			return
		fi
		sleep 0.05
	done
	return 1
}

# start_listener NAME ADDR...: TCP listener on all ADDRs on one kernel-chosen
# port.  Sets LISTEN_PORT; the accepted-connection count is in
# $NP_TMP/NAME.count.
start_listener() {
	local name=$1; shift
	local args=() a pid
	for a in "$@"; do args+=(--addr "$a"); done
	"$PY" "$HELPERS/listener.py" "${args[@]}" --lifetime "$NP_HELPER_LIFETIME" \
		--count-file "$NP_TMP/$name.count" >"$NP_TMP/$name.port" 2>"$NP_TMP/$name.err" &
	pid=$!
	np_bg_register "$pid"
	LISTEN_PORT=$(_wait_port_file "$NP_TMP/$name.port" "$pid") ||
		fatal "listener $name ($*) did not start: $(cat "$NP_TMP/$name.err")"
	echo "# listener $name on $* port $LISTEN_PORT (pid $pid)"
}

# start_silent_dns NAME: UDP+TCP DNS port on 127.0.0.1 (SILENT_ADDR, another
# loopback address, and SILENT_FIXED_PORT if set) that never answers.  Sets
# SILENT_PORT; "<datagrams> <tcp connections>" is in $NP_TMP/NAME.count.
start_silent_dns() {
	local name=$1 pid
	"$PY" "$HELPERS/dns_silent.py" --addr "${SILENT_ADDR:-127.0.0.1}" \
		--port "${SILENT_FIXED_PORT:-0}" --lifetime "$NP_HELPER_LIFETIME" \
		--count-file "$NP_TMP/$name.count" >"$NP_TMP/$name.port" 2>"$NP_TMP/$name.err" &
	pid=$!
	np_bg_register "$pid"
	SILENT_PORT=$(_wait_port_file "$NP_TMP/$name.port" "$pid") ||
		fatal "silent DNS helper $name did not start: $(cat "$NP_TMP/$name.err")"
	echo "# silent DNS helper $name on ${SILENT_ADDR:-127.0.0.1} port $SILENT_PORT (pid $pid)"
}

# helper_count NAME: the counts a helper wrote ("datagrams tcp" for dns_silent,
# "connections" for listener).
helper_count() { cat "$NP_TMP/$1.count" 2>/dev/null || echo "<no count file>"; }

# wait_count NAME N: wait (bounded, NP_POLLS x 0.05 s) until the first number in
# a helper's count file is at least N; print it.  A helper counts when it gets
# to run, which on a loaded machine can be long after the packet arrived: wait
# for the count, never sleep a fixed time before reading it.  Ordering only: no
# time is asserted.
wait_count() {
	local name=$1 want=$2 i c=0
	for i in $(seq 1 "$NP_POLLS"); do
		c=$(head -n 1 "$NP_TMP/$name.count" 2>/dev/null | cut -d' ' -f1)
		[ -n "$c" ] && [ "$c" -ge "$want" ] && break
		sleep 0.05
	done
	echo "${c:-0}"
}

# wait_lines FILE ERE N: wait (bounded, NP_POLLS x 0.05 s) until at least N lines
# of FILE (an output still being written) match ERE (grep -E); print how many
# did.  As wait_count: ordering only, the caller asserts what it needs.
wait_lines() {
	local file=$1 ere=$2 want=$3 i c=0
	for i in $(seq 1 "$NP_POLLS"); do
		c=$(grep -cE -- "$ere" "$file" 2>/dev/null)
		[ "${c:-0}" -ge "$want" ] && break
		sleep 0.05
	done
	echo "${c:-0}"
}

# start_closed_port NAME: sets CLOSED_PORT, a port on 127.0.0.1 and ::1 that is
# closed (TCP: refused, RST; UDP: ICMP port unreachable) and STAYS closed while
# the test runs: a helper holds it bound (TCP without listen(), UDP connected
# elsewhere), so no test running beside this one can bind it.
start_closed_port() {
	_start_helper "$1" "$PY" "$HELPERS/ports.py" closed --lifetime "$NP_HELPER_LIFETIME"
	CLOSED_PORT=$HELPER_OUT
}

# _start_helper NAME CMD...: run a helper in the background, wait (bounded) for
# the line it prints, register it for cleanup.  Sets HELPER_OUT to that line.
_start_helper() {
	local name=$1 pid; shift
	"$@" >"$NP_TMP/$name.port" 2>"$NP_TMP/$name.err" &
	pid=$!
	np_bg_register "$pid"
	HELPER_OUT=$(_wait_port_file "$NP_TMP/$name.port" "$pid") ||
		fatal "helper $name did not start: $(cat "$NP_TMP/$name.err")"
	echo "# helper $name: $HELPER_OUT (pid $pid)"
}

# ---------------------------------------------------------------- knotd

# start_knot [ZONE...]: knotd on 127.0.0.1 and ::1 at a free port serving ZONEs
# (default example.test and broken.test), each from tests/zones/ZONE.zone
# (copied: the source tree may be read-only), or from $NP_TMP/zones/ZONE.zone
# when the test generated it there, its own rundir and databases.
# Sets KNOT_PORT (KNOT_FIXED_PORT if set, else a free port) and KNOT_PID.
# Waits (bounded) until the check KNOT_READY
# (default kdig_ok: the example.test SOA) passes on both addresses.
start_knot() {
	local kd="$NP_TMP/knot" zones="${*:-example.test broken.test}" ready=${KNOT_READY:-kdig_ok}
	local try i up z
	mkdir -p "$kd/run" "$kd/db" "$kd/zones"
	for z in $zones; do
		if [ -r "$NP_TMP/zones/$z.zone" ]; then
			cp "$NP_TMP/zones/$z.zone" "$kd/zones/" || fatal "cannot copy the generated $z.zone"
		else
			cp "$ZONES/$z.zone" "$kd/zones/" || fatal "cannot copy $ZONES/$z.zone"
		fi
	done
	for try in 1 2 3; do
		if [ -n "${KNOT_FIXED_PORT:-}" ]; then	# e.g. 53 inside a private namespace
			KNOT_PORT=$KNOT_FIXED_PORT
		else
			KNOT_PORT=$(free_port) || fatal "no free port for knotd"
		fi
		{
			cat <<EOF
# generated by tests/integration/lib.sh
server:
    rundir: "$kd/run"
    pidfile: "$kd/run/knot.pid"
    listen: [ 127.0.0.1@$KNOT_PORT, ::1@$KNOT_PORT ]
    udp-workers: 2
    tcp-workers: 2
    background-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: "$kd/db"
control:
    listen: "$kd/run/knot.sock"
template:
  - id: default
    storage: "$kd/zones"
    file: "%s.zone"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
EOF
			for z in $zones; do echo "  - domain: $z."; done
		} >"$kd/knot.conf"
		: >"$kd/knotd.log"
		"$KNOTD" -c "$kd/knot.conf" >>"$kd/knotd.log" 2>&1 &
		KNOT_PID=$!
		np_bg_register "$KNOT_PID"
		up=0
		for i in $(seq 1 "$NP_POLLS"); do
			np_is_child "$KNOT_PID" || break
			if "$ready" 127.0.0.1 && "$ready" ::1; then up=1; break; fi
			sleep 0.1
		done
		if [ "$up" -eq 1 ]; then
			echo "# knotd pid $KNOT_PID on 127.0.0.1 and ::1 port $KNOT_PORT ($zones)"
			return 0
		fi
		echo "# knotd attempt $try on port $KNOT_PORT failed:"
		sed 's/^/#   /' "$kd/knotd.log" | tail -n 20
		np_kill TERM "$KNOT_PID"
		for i in $(seq 1 30); do np_is_child "$KNOT_PID" || break; sleep 0.1; done
		np_kill KILL "$KNOT_PID"
		wait "$KNOT_PID" 2>/dev/null
	done
	fatal "knotd did not come up after 3 attempts"
}

# kdig_ok SERVER: the server answers the example.test SOA authoritatively.
kdig_ok() {
	kdig @"$1" -p "$KNOT_PORT" +time=1 +retry=0 +norecurse example.test. SOA 2>/dev/null |
		grep -q 'status: NOERROR.*' &&
	kdig @"$1" -p "$KNOT_PORT" +time=1 +retry=0 +norecurse +short example.test. SOA 2>/dev/null |
		grep -q 'ns.example.test'
}

# kdig_q NAME TYPE [SERVER]: raw kdig output from our knotd (the oracle).
kdig_q() {
	kdig @"${3:-127.0.0.1}" -p "$KNOT_PORT" +time=2 +retry=1 +norecurse "$1" "$2" 2>&1
}

# kdig_rcode NAME TYPE: the rcode knotd gives (NOERROR, NXDOMAIN, ...).
kdig_rcode() {
	kdig_q "$1" "$2" | sed -n 's/.*status: \([A-Z]*\).*/\1/p' | head -n 1
}

# kdig_addrs NAME: "address ttl" for every A and AAAA record in the answers
# (after following CNAMEs, as the server gives them), sorted, one a line.
kdig_addrs() {
	local t
	for t in A AAAA; do
		kdig @127.0.0.1 -p "$KNOT_PORT" +time=2 +retry=1 +norecurse +noall +answer "$1" "$t" 2>/dev/null |
			awk -v t="$t" '$4 == t { print $5, $2 }'
	done | sort
}

# kdig_cnames NAME: owner names of the CNAME records in the A answer, in order,
# without trailing dots, as a compact JSON list.
kdig_cnames() {
	kdig @127.0.0.1 -p "$KNOT_PORT" +time=2 +retry=1 +norecurse +noall +answer "$1" A 2>/dev/null |
		awk '$4 == "CNAME" { n = $1; sub(/\.$/, "", n); printf "%s\"%s\"", (c++ ? "," : "["), n } END { printf "%s\n", (c ? "]" : "[]") }'
}

# ---------------------------------------------------------------- batches

# gen_zone ZONE N: write $NP_TMP/zones/ZONE.zone (for start_knot) with names
# n1..nN, name i having the A record 127.0.0.(1 + i % 6): .1 to .4 are where
# start_listener listens in the batch tests, .5 and .6 answer with a reset.
gen_zone() {
	local zone=$1 n=$2
	mkdir -p "$NP_TMP/zones"
	{
		printf '$ORIGIN %s.\n$TTL 300\n' "$zone"
		printf '@ IN SOA ns.%s. hostmaster.%s. ( 1 3600 900 604800 60 )\n' "$zone" "$zone"
		printf '@ IN NS ns.%s.\nns IN A 127.0.0.1\n' "$zone"
		awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++) printf "n%d IN A 127.0.0.%d\n", i, 1 + i % 6 }'
	} >"$NP_TMP/zones/$zone.zone"
}

# stop_with SIG PID: send SIG to a netprobe started in the background, wait
# (bounded) for it to end by itself, kill it only if it does not; RC is its
# exit status.
stop_with() {
	local sig=$1 pid=$2 i
	np_kill "$sig" "$pid"
	for i in $(seq 1 "$NP_POLLS"); do np_is_child "$pid" || break; sleep 0.05; done
	np_kill KILL "$pid"
	wait "$pid"
	RC=$?
}

# check_lines DESCRIPTION FILE: every line of an ndjson output is valid against
# docs/netprobe.schema.json.
check_lines() {
	local d=$1 f=$2 out
	if out=$("$PY" "$VALIDATOR" --lines "$SCHEMA" <"$f" 2>&1); then
		ok "$d: every line ($(wc -l <"$f")) valid against docs/netprobe.schema.json"
	else
		not_ok "$d: lines NOT valid against docs/netprobe.schema.json"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
	fi
}

# ndpy FILE EXPR: a Python expression over the objects of an ndjson output,
# bound to L (all), T (targets), E (errors), S (the summary, the last line).
ndpy() { "$PY" "$HELPERS/jexpr.py" ndjson "$1" "$2"; }

# ---------------------------------------------------------------- shared checks

# check_probes_sane DESCRIPTION FILE: every probe has proto tcp, a numeric
# time_ms (> 0 when open, >= 0 otherwise), error null exactly when open, and
# summary counts that match the probes.
check_probes_sane() {
	local d=$1 f=$2
	assert_eq "$d: every probe is tcp with a numeric time_ms (> 0 when open)" "true" \
		"$(jpy "$f" 'all(p.get("proto") == "tcp" and num(p.get("time_ms")) and (p["time_ms"] > 0 if p.get("state") == "open" else p["time_ms"] >= 0) for p in t["probes"])')"
	assert_eq "$d: probe error is null exactly when the probe is open" "true" \
		"$(jpy "$f" 'all((p.get("error") is None) == (p.get("state") == "open") for p in t["probes"])')"
	assert_eq "$d: summary counts match the probes" \
		"$(jpy "$f" '{"probes": len(t["probes"]), "open": sum(1 for p in t["probes"] if p.get("state") == "open")}')" \
		"$(jpy "$f" '{"probes": t["summary"]["probes"], "open": t["summary"]["open"]}')"
}

# ---------------------------------------------------------------- private namespaces

# np_in_private_ns ARGS...: run this test again inside namespaces of its own
# (mount, network, UTS, PID; a user namespace too when not root) and exit with
# its exit status; inside them (NP_NS_INSIDE=1) it brings up the namespace's
# loopback (lo, 127.0.0.1 and ::1) and returns.  There the
# test may bind-mount its own /etc files (np_private_etc) and serve port 53 on
# a loopback nobody else sees: what a program asks the SYSTEM resolver reaches
# the test's knotd, never the machine's.  SKIP (77) when namespaces cannot be
# made.  No namespace, mount or process outlives the test: the test shell is
# PID 1 of its PID namespace (when it exits the kernel kills everything in it;
# the mount and network namespaces go with their last process), unshare
# --kill-child kills it if unshare itself is killed, and SIGINT or SIGTERM to
# the test reach that shell, which stops its servers and removes its files.
np_in_private_ns() {
	if [ "${NP_NS_INSIDE:-}" = 1 ]; then
		ip link set lo up || fatal "cannot bring up lo in the test's network namespace"
		return 0
	fi
	local flags=(--mount --net --uts --pid --fork --kill-child --mount-proc --propagation private)
	local out rc
	command -v unshare >/dev/null 2>&1 || skip "unshare(1) not found (Debian package util-linux)"
	command -v ip >/dev/null 2>&1 || skip "ip(8) not found (Debian package iproute2)"
	[ "$(id -u)" -eq 0 ] || flags=(--user --map-root-user "${flags[@]}")
	out=$(unshare "${flags[@]}" true 2>&1) || skip "cannot make namespaces: $out"
	env --default-signal=INT true 2>/dev/null || skip "env(1) lacks --default-signal (coreutils < 8.31)"
	export NP_NS_INSIDE=1 top_srcdir
	# unshare blocks SIGINT/SIGTERM while it waits: pass them to the test shell
	# inside (it cleans up and exits); SIGKILL unshare if it is still there
	# (a background job starts with SIGINT ignored: env gives it back)
	unshare "${flags[@]}" env --default-signal=INT bash "$0" "$@" &
	NP_NS_PID=$!
	trap '_np_ns_signal INT' INT
	trap '_np_ns_signal TERM' TERM
	trap 'kill -KILL "$NP_NS_PID" 2>/dev/null' EXIT
	while :; do
		wait "$NP_NS_PID"
		rc=$?
		kill -0 "$NP_NS_PID" 2>/dev/null || break	# else a trap interrupted the wait
	done
	exit "$rc"
}

# shellcheck disable=SC2317  # called from np_in_private_ns's traps
_np_ns_signal() {
	local inner
	inner=$(cat "/proc/$NP_NS_PID/task/$NP_NS_PID/children" 2>/dev/null)
	[ -n "$inner" ] && kill "-$1" "$inner" 2>/dev/null
}

# np_private_etc: inside np_in_private_ns (after np_init), give the namespace
# its own /etc/hosts, /etc/resolv.conf and /etc/nsswitch.conf: empty files in
# $ETC ($NP_TMP/etc), bind-mounted (write them in place: the mounts hold the
# inodes).  nscd's socket folder, if any, is hidden (nscd would answer from
# outside).  SKIP (77) when a mount is refused.
np_private_etc() {
	local f d out
	ETC="$NP_TMP/etc"
	mkdir -p "$ETC"
	for f in hosts resolv.conf nsswitch.conf; do
		: >"$ETC/$f"
		out=$(mount --bind "$ETC/$f" "/etc/$f" 2>&1) || skip "cannot bind-mount /etc/$f: $out"
	done
	for d in /run/nscd /var/run/nscd; do
		[ -d "$d" ] && { mount -t tmpfs none "$d" || fatal "cannot hide $d"; }
	done
	return 0
}

# promtool_ok DESC FILE: `promtool check metrics` (parse and lint, Debian
# package prometheus; SKIP 77 without it) accepts FILE. An empty or missing
# FILE fails: promtool accepts nothing at all.
promtool_ok() {
	command -v promtool >/dev/null 2>&1 ||
		skip "promtool not installed (Debian package prometheus)"
	if [ ! -s "$2" ]; then
		not_ok "$1: nothing for promtool to check ($2 is empty or missing)"
	elif promtool check metrics <"$2" >"$NP_TMP/promtool.out" 2>&1; then
		ok "$1: promtool check metrics accepts it"
	else
		not_ok "$1: promtool check metrics refuses it"
		sed 's/^/#   /' "$NP_TMP/promtool.out" | head -n 20
		sed 's/^/#   | /' "$2" | head -n 60
	fi
}
