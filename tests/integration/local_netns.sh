# Two-namespace testbed for local_verdicts.sh (sourced after lib.sh and
# listen_lib.sh; not a test itself).  Self-contained on purpose: it does not
# share names or state with netns_lib.sh's testbed, so both can run at once.
#
#   client ns  $NSL_CLI  veth lc0  198.51.100.1/24  2001:db8:100::1/64
#   server ns  $NSL_SRV  veth ls0  198.51.100.2/24  2001:db8:100::2/64
#
# Both veth ends are created inside their namespaces: nothing is added to the
# initial namespace, and all traffic stays between these two namespaces.  On
# exit (also on failure or interrupt) every process inside them is stopped
# (SIGTERM, bounded wait, SIGKILL) and both namespaces are deleted, then
# lib.sh's np_cleanup runs.  Needs root and ip(8): otherwise SKIP (77).

L_C4=198.51.100.1
L_S4=198.51.100.2
L_C6=2001:db8:100::1
L_S6=2001:db8:100::2
NSL_SRV=
NSL_CLI=
NSL_ALL=()

# lnet_need_root: SKIP (77) with the reason unless we are root, have ip(8), and
# can really make a namespace with a veth and an IPv6 address.  Installs the
# cleanup trap (call right after np_init_listen).
lnet_need_root() {
	[ "$(id -u)" -eq 0 ] || skip "network namespaces need root (uid is $(id -u))"
	command -v ip >/dev/null 2>&1 || skip "ip(8) not found (Debian package iproute2)"
	trap lnet_cleanup EXIT
	local chk="npl-chk-$$" out
	out=$(ip netns add "$chk" 2>&1) || skip "cannot create a network namespace: $out"
	NSL_ALL+=("$chk")
	out=$(ip -n "$chk" link add nplx0 type veth peer name nply0 2>&1) ||
		skip "cannot create a veth pair in a namespace: $out"
	out=$(ip -n "$chk" -6 addr add 2001:db8:ffff::1/64 dev nplx0 nodad 2>&1) ||
		skip "no IPv6 in a namespace: $out"
	ip netns del "$chk" 2>/dev/null
	NSL_ALL=()
}

lnet_down() {
	local ns pid i pids=()
	for ns in "${NSL_ALL[@]+"${NSL_ALL[@]}"}"; do
		[ -e "/run/netns/$ns" ] || continue
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			pids+=("$pid")
			kill -TERM "$pid" 2>/dev/null
		done
	done
	for pid in "${pids[@]+"${pids[@]}"}"; do
		for i in $(seq 1 30); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	done
	for ns in "${NSL_ALL[@]+"${NSL_ALL[@]}"}"; do
		[ -e "/run/netns/$ns" ] || continue
		ip netns del "$ns" 2>/dev/null || echo "# could not delete namespace $ns" >&2
	done
	NSL_ALL=()
}

lnet_cleanup() {
	local rc=$? ns
	trap - EXIT
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		for ns in "${NSL_ALL[@]+"${NSL_ALL[@]}"}"; do
			[ -e "/run/netns/$ns" ] || continue
			echo "# namespace $ns:" >&2
			{ ip -n "$ns" -br addr; ip netns exec "$ns" ss -tulpn; } 2>&1 | sed 's/^/#   /' >&2
		done
	fi
	lnet_down
	(exit "$rc")
	np_cleanup
}

_lt() { "$@" || fatal "testbed: command failed: $*"; }

# lnet_up: make both namespaces and the veth, wait (bounded) until a TCP connect
# from the client to a closed port on the server is refused over IPv4 and IPv6.
lnet_up() {
	NSL_SRV="npl-srv-$$"
	NSL_CLI="npl-cli-$$"
	local ns
	for ns in "$NSL_SRV" "$NSL_CLI"; do
		_lt ip netns add "$ns"
		NSL_ALL+=("$ns")
		_lt ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0
		_lt ip -n "$ns" link set lo up
	done
	_lt ip -n "$NSL_CLI" link add lc0 type veth peer name ls0 netns "$NSL_SRV"
	_lt ip -n "$NSL_CLI" addr add "$L_C4/24" dev lc0
	_lt ip -n "$NSL_CLI" addr add "$L_C6/64" dev lc0 nodad
	_lt ip -n "$NSL_SRV" addr add "$L_S4/24" dev ls0
	_lt ip -n "$NSL_SRV" addr add "$L_S6/64" dev ls0 nodad
	_lt ip -n "$NSL_CLI" link set lc0 up
	_lt ip -n "$NSL_SRV" link set ls0 up
	_lnet_wait_refused "$L_S4"
	_lnet_wait_refused "$L_S6"
	echo "# testbed: server $NSL_SRV ($L_S4, $L_S6), client $NSL_CLI ($L_C4, $L_C6)"
}

# _lnet_wait_refused ADDR: bounded (100 x 0.1 s) wait until a connect from the
# client to ADDR port 9 (nothing listens there) is refused: the link works.
_lnet_wait_refused() {
	local addr=$1 i out
	for i in $(seq 1 100); do
		out=$(ip netns exec "$NSL_CLI" "$PY" - "$addr" 2>&1 <<'PYEOF'
import socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(0.5)
try:
    s.connect((a, 9))
    print("connected")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("error %s" % e)
PYEOF
)
		[ "$out" = refused ] && return 0
		sleep 0.1
	done
	fatal "testbed: $addr is not reachable from $NSL_CLI (last: $out)"
}

# lnp_run NS ARGS...: np_run inside namespace NS (wall-clock capped; output in
# $NP_OUT/$NP_ERR, status in $NP_RC).  lnp_json: the same with --json (after
# the subcommand for local/listen), the document in $NP_JSON.
lnp_run() {
	local ns=$1; shift
	NP_RUN_N=$((NP_RUN_N + 1))
	NP_OUT="$NP_TMP/run$NP_RUN_N.out"
	NP_ERR="$NP_TMP/run$NP_RUN_N.err"
	NP_LAST_CMD="${NP_ENV_PREFIX:-}ip netns exec $ns netprobe $(printf '%q ' "$@")"
	# shellcheck disable=SC2086
	timeout -k 2 "$NP_TIMEOUT_WALL" ip netns exec "$ns" ${NP_WRAP:-} "$NETPROBE" "$@" \
		>"$NP_OUT" 2>"$NP_ERR" </dev/null
	NP_RC=$?
	return 0
}
lnp_json() {
	local ns=$1; shift
	case ${1:-} in
	local|listen) lnp_run "$ns" "$1" --json "${@:2}" ;;   # options go after the subcommand
	*) lnp_run "$ns" --json "$@" ;;
	esac
	NP_JSON="$NP_OUT"
}
