# Shared code for the `netprobe listen` / `netprobe local` integration tests
# (listen_tcp.sh, listen_udp_unix.sh, local_verdicts.sh).  Sourced after lib.sh,
# whose assertions, np_run/np_json, jget/jpy, check_json_basics and cleanup traps
# it reuses.  Not a test itself.
#
# A server under test is `netprobe listen --format ndjson ...` in the background
# (wrapped in timeout(1): it cannot outlive a killed test by more than
# NP_HELPER_LIFETIME),
# its events in $NP_TMP/NAME.ev, one JSON object a line.  Every wait here is
# bounded (a number of polls); nothing asserts how long anything took.

LISTEN_CLIENT="$HELPERS/listen_client.py"

# np_init_listen: like lib.sh's np_init (temp dir, traps, empty CARES_HOSTS,
# NETPROBE), without the knotd/kdig requirement: these tests never ask DNS.
np_init_listen() {
	np_init_base
	[ -f "$LISTEN_CLIENT" ] || fatal "$LISTEN_CLIENT is missing"
}

need_socat() {
	command -v socat >/dev/null 2>&1 || skip "socat not installed (Debian package socat)"
}

# have_ipv6_lo: ::1 can be bound here (some containers have no IPv6).
have_ipv6_lo() {
	"$PY" -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null
}

# ---------------------------------------------------------------- the server

# start_listen NAME [--ns NS] [--text] [--want N] ARGS...: `netprobe listen
# --format ndjson ARGS` in the background (in namespace NS with --ns; text output
# with --text; wait for N listening lines with --want, default 1),
# events in $NP_TMP/NAME.ev, stderr in $NP_TMP/NAME.err.  Waits (bounded) for the
# first listening line.  Sets LPID (netprobe's own pid), LWRAP (the timeout(1)
# wrapper, whose exit status is netprobe's), LPORT (port of the first listening
# event; empty for unix: and --text) and L_NAME.  Returns 1 (and prints why)
# when netprobe exited instead: LRC then holds its exit status.
start_listen() {
	local name=$1 ns='' fmt=(--format ndjson) i pid='' want=1; shift
	while :; do
		case ${1:-} in
		--ns) ns=$2; shift 2 ;;
		--want) want=$2; shift 2 ;;
		--text) fmt=(); shift ;;
		*) break ;;
		esac
	done
	local ev="$NP_TMP/$name.ev" err="$NP_TMP/$name.err"
	: >"$ev"; : >"$err"
	L_NAME=$name LPORT='' LPID='' LRC=''
	echo "# server $name: ${ns:+ip netns exec $ns }netprobe listen ${fmt[*]} $*"
	if [ -n "$ns" ]; then
		timeout -k 2 "$NP_HELPER_LIFETIME" ip netns exec "$ns" "$NETPROBE" listen "${fmt[@]}" "$@" >"$ev" 2>"$err" </dev/null &
	else
		timeout -k 2 "$NP_HELPER_LIFETIME" "$NETPROBE" listen "${fmt[@]}" "$@" >"$ev" 2>"$err" </dev/null &
	fi
	LWRAP=$!
	np_bg_register "$LWRAP"
	# netprobe is timeout's child (ip netns exec execs it, keeping the pid)
	for i in $(seq 1 "$NP_POLLS"); do
		pid=$(pgrep -P "$LWRAP" 2>/dev/null | head -n 1)
		[ -n "$pid" ] && [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$(readlink -f "$NETPROBE")" ] && break
		pid=
		np_is_child "$LWRAP" || break
		sleep 0.05
	done
	LPID=$pid
	for i in $(seq 1 "$NP_POLLS"); do
		# every bind prints its own "listening" line
		if [ "$(grep -c 'listening' "$ev" 2>/dev/null)" -ge "$want" ]; then
			break
		fi
		if ! np_is_child "$LWRAP"; then
			wait "$LWRAP"; LRC=$?
			echo "# server $name exited with status $LRC before listening: $(cat "$err")"
			return 1
		fi
		sleep 0.05
	done
	[ -n "$LPID" ] || { echo "# server $name: could not find netprobe's pid under $LWRAP"; return 1; }
	if [ ${#fmt[@]} -gt 0 ]; then
		LPORT=$(evq "$name" 'E[0]["local"]["port"]')
		[ "$LPORT" = null ] && LPORT=
	fi
	echo "# server $name: pid $LPID, port ${LPORT:-(none)}"
	return 0
}

# stop_listen NAME SIG: send SIG to netprobe, wait (bounded, NP_POLLS x 0.05 s) for it
# to exit, set LRC to its exit status ("killed" when it did not stop: then
# SIGKILL).  Uses the LPID/LWRAP of the last start_listen unless NAME differs;
# pass the pids as 3rd/4th arguments then.
stop_listen() {
	local name=$1 sig=$2 pid=${3:-$LPID} wrap=${4:-$LWRAP} i
	np_kill "$sig" "$pid" "$wrap"
	wait_exit "$name" "$wrap"
	if [ "$LRC" = killed ]; then
		echo "# server $name did not stop on SIG$sig"
	fi
}

# wait_exit NAME [WRAPPER_PID]: wait (bounded, NP_POLLS x 0.05 s) for the server to
# exit by itself; LRC = its exit status, or "killed" (then it was SIGKILLed).
wait_exit() {
	local name=$1 wrap=${2:-$LWRAP} i
	for i in $(seq 1 "$NP_POLLS"); do
		np_is_child "$wrap" || break
		sleep 0.05
	done
	if np_is_child "$wrap"; then
		# the child first: once the wrapper is gone it has no parent to find it by
		pkill -KILL -P "$wrap" 2>/dev/null
		np_kill KILL "$wrap"
		wait "$wrap" 2>/dev/null
		LRC=killed
		return 1
	fi
	wait "$wrap"
	LRC=$?
	return 0
}

# server_alive: the last started server still runs.
server_alive() { np_is_child "$LPID" "$LWRAP"; }

# ---------------------------------------------------------------- events

# evq NAME EXPR: evaluate a Python expression over the server's events so far:
# E = list of event objects (strictly parsed: duplicate keys and NaN rejected),
# V = os.environ, ev(kind) = events of that kind, peer(kind, port) = the event of
# that kind whose peer port is port (None when absent).  Prints like jget
# (strings raw, the rest compact JSON); "<bad line N: ...>" for a line that is
# not a strict JSON object.
evq() { "$PY" "$HELPERS/jexpr.py" events "$NP_TMP/$1.ev" "$2"; }

# wait_ev NAME EXPR: poll (bounded, NP_POLLS x 0.05 s) until evq NAME EXPR prints
# true.  Returns 1 when it never did.  Ordering only, no time asserted.
wait_ev() {
	local i
	for i in $(seq 1 "$NP_POLLS"); do
		[ "$(evq "$1" "$2")" = true ] && return 0
		sleep 0.05
	done
	return 1
}

# show_server NAME: the server's events and stderr (on failure).
show_server() {
	echo "#   server $1 events:"
	"$PY" -c '
import json, sys
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
        for k in ("sockaddr", "peer_sockaddr"):
            if isinstance(o, dict) and o.get(k):
                o[k] = "<%s>" % o[k].get("hex")
        print("#     " + json.dumps(o))
    except ValueError:
        print("#     " + line.rstrip())' "$NP_TMP/$1.ev" | head -n 60
	echo "#   server $1 stderr: $(head -c 2000 "$NP_TMP/$1.err")"
}

# assert_ev DESCRIPTION EXPECTED NAME EXPR: assert_eq on evq, the server's
# events shown on failure.
assert_ev() {
	local d=$1 want=$2 name=$3 got
	got=$(evq "$name" "$4")
	if [ "$want" = "$got" ]; then
		ok "$d"
	else
		not_ok "$d"
		printf '#   expected: %s\n#   actual:   %s\n#   expression: %s\n' "$want" "$got" "$4"
		show_server "$name"
	fi
}

# ---------------------------------------------------------------- clients

# cli [--ns NS] MODE ARGS...: tests/helpers/listen_client.py (wall-clock capped);
# its JSON in $CLI_OUT, exit status in $CLI_RC.
CLI_N=0
cli() {
	local pre=()
	if [ "${1:-}" = --ns ]; then pre=(ip netns exec "$2"); shift 2; fi
	CLI_N=$((CLI_N + 1))
	CLI_OUT="$NP_TMP/cli$CLI_N.json"
	timeout -k 2 30 "${pre[@]+"${pre[@]}"}" "$PY" "$LISTEN_CLIENT" "$@" >"$CLI_OUT" 2>"$NP_TMP/cli$CLI_N.err"
	CLI_RC=$?
	if [ "$CLI_RC" -ne 0 ]; then
		echo "# client $* exited with $CLI_RC: $(cat "$NP_TMP/cli$CLI_N.err")"
	fi
}

# cj EXPR: jpy on the last client's JSON (d = the object).
cj() { jpy "$CLI_OUT" "$1"; }

# hex_of TEXT: the bytes of TEXT (printf %b escapes) as lowercase hex.
hex_of() { printf '%b' "$1" | od -An -v -tx1 | tr -d ' \n'; echo; }
