# Shared code for the loopback / Unix-socket integration tests that need no DNS
# server: unix_states.sh, tcp_exchange.sh, udp_loopback.sh.  Sourced after lib.sh,
# whose assertions, np_run/np_json, jget/jpy, check_json_basics and cleanup traps
# it reuses.  Traffic stays on 127.0.0.1, ::1 and Unix sockets in the temp dir.

# np_init_local: like np_init (temp dir, traps, empty CARES_HOSTS, NETPROBE), but
# without the knotd/kdig requirement: these tests never resolve through DNS.
np_init_local() {
	np_init_base
}

# have_ipv6_loopback: ::1 can be bound here (some containers have no IPv6).
have_ipv6_loopback() {
	"$PY" -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null
}

# start_peer NAME ARGS...: tests/helpers/peer.py with ARGS, its counts in
# $NP_TMP/NAME.count and peers in $NP_TMP/NAME.peers.  Sets PEER_PORT (the port,
# or "ready" for a Unix socket) and PEER_PID.
start_peer() {
	local name=$1; shift
	"$PY" "$HELPERS/peer.py" "$@" --lifetime "$NP_HELPER_LIFETIME" --count-file "$NP_TMP/$name.count" \
		--peers-file "$NP_TMP/$name.peers" >"$NP_TMP/$name.port" 2>"$NP_TMP/$name.err" &
	PEER_PID=$!
	np_bg_register "$PEER_PID"
	PEER_PORT=$(_wait_port_file "$NP_TMP/$name.port" "$PEER_PID") ||
		fatal "peer $name ($*) did not start: $(cat "$NP_TMP/$name.err")"
	echo "# peer $name: $* -> $PEER_PORT (pid $PEER_PID)"
}

# stop_pid PID: SIGTERM, bounded wait (30 x 0.1 s), then SIGKILL.
stop_pid() {
	local pid=$1 i
	np_kill TERM "$pid"
	for i in $(seq 1 30); do
		np_is_child "$pid" || break
		sleep 0.1
	done
	np_kill KILL "$pid"
	wait "$pid" 2>/dev/null
	return 0
}

# np_doc DESCRIPTION EXPECTED_EXIT ARGS...: np_json ARGS, then the exit status
# (not checked when EXPECTED_EXIT is empty), schema validity and top-level
# invariants (check_json_basics).
np_doc() {
	local d=$1 rc=$2; shift 2
	np_json "$@"
	[ -z "$rc" ] || assert_rc "$rc" "$d: exit status $rc"
	check_json_basics "$d" "$NP_JSON" "$NP_RC"
}

# p0 EXPR: jpy on the last document with p = the first probe of target 0.
p0() { jpy "$NP_JSON" "(lambda p: $1)(t['probes'][0])"; }
