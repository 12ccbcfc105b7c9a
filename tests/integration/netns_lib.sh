# shellcheck shell=bash
# shellcheck disable=SC2034  # constants and results are for the sourcing tests
# Network-namespace testbed for netprobe integration tests.  Source it AFTER
# lib.sh, call np_init, then np_need_root_netns, then testbed_up.
#
#   client ns  $NS_CLIENT  veth nc0  198.51.100.1/24  2001:db8:100::1/64
#   remote ns  $NS_REMOTE  veth nr0  198.51.100.2/24  2001:db8:100::2/64
#   router ns  $NS_ROUTER  veth ng0  203.0.113.126/25 2001:db8:101::fe/64
#              (client side veth nc1 203.0.113.1/25   2001:db8:101::1/64)
#
# The client routes 203.0.113.128/25 and 2001:db8:102::/64 via the router, which
# has "unreachable" and "prohibit" routes for a few addresses there: the ICMP
# then comes from the router, not from the address probed.  Nothing is ever
# created in the initial namespace (both veth ends are created inside their
# namespaces); all traffic stays between these namespaces.  Every namespace,
# veth and server is removed on exit, also when a test fails or is interrupted
# (testbed_down runs from the EXIT trap before lib.sh's np_cleanup).
#
# Needs root, ip(8) and nft(8): without them np_need_root_netns SKIPs (77).

C4=198.51.100.1
R4=198.51.100.2
C6=2001:db8:100::1
R6=2001:db8:100::2
CG4=203.0.113.1           # client, on the router link
G4=203.0.113.126          # router
CG6=2001:db8:101::1
G6=2001:db8:101::fe
FAR4_UNREACH=203.0.113.200     # router: "unreachable" route (ICMP host unreachable)
FAR4_PROHIBIT=203.0.113.201    # router: "prohibit" route (ICMP admin prohibited)
FAR6_UNREACH=2001:db8:102::200 # router: "unreachable" route (ICMPv6 no route)
FAR6_PROHIBIT=2001:db8:102::201 # router: "prohibit" route (ICMPv6 admin prohibited)

# Ports in the remote namespace (nft rules in netns_remote_rules).
P_TCP_OPEN=2001       # listener
P_TCP_CLOSED=2002     # nothing listens: the kernel answers RST
P_TCP_RESET=2003      # listener, but nft: reject with tcp reset
P_TCP_DROP=2004       # listener, but nft: drop
P_TCP_HOSTUNR=2005    # listener, but nft: reject with icmp host-unreachable / icmpv6 addr-unreachable
P_TCP_ADMIN=2006      # listener, but nft: reject with icmp/icmpv6 admin-prohibited
P_TCP_V6DROP=2010     # listener on both families; nft drops IPv6 only (Happy Eyeballs)
P_TCP_V4ADMIN=2011    # listener on both families; nft rejects IPv4 only, admin-prohibited
P_UDP_OPEN=3001       # udp_responder
P_UDP_CLOSED=3002     # nothing listens: the kernel answers ICMP port unreachable
P_UDP_DROP=3004       # responder, but nft: drop
P_UDP_HOSTUNR=3005    # responder, but nft: reject with icmp host-unreachable / icmpv6 addr-unreachable
P_UDP_ADMIN=3006      # responder, but nft: reject with icmp/icmpv6 admin-prohibited
P_UDP_V6DROP=3010     # responder on both families; nft drops IPv6 only (Happy Eyeballs)
NFT_FAMILY=inet
NFT_NAME=netprobe_test

NS_CLIENT=
NS_REMOTE=
NS_ROUTER=
NS_CHECK=
NS_ALL=()
UDP_PREFIX="echo:"
TCP_BANNER="NETPROBE-NS-BANNER"

# ---------------------------------------------------------------- requirements

# np_need_root_netns: SKIP (77) with a reason unless we are root, ip and nft
# exist, and a namespace with a veth pair and an nft table can really be made.
# Installs the testbed trap (call it right after np_init).
np_need_root_netns() {
	[ "$(id -u)" -eq 0 ] || skip "the netns testbed needs root (uid is $(id -u))"
	command -v ip >/dev/null 2>&1 || skip "ip(8) not found (Debian package iproute2)"
	command -v nft >/dev/null 2>&1 || skip "nft(8) not found (Debian package nftables)"
	# from here on, whatever happens, namespaces are removed on exit
	trap np_netns_cleanup EXIT
	NS_CHECK="npchk-$$"
	local out
	out=$(ip netns add "$NS_CHECK" 2>&1) ||
		{ NS_CHECK=; skip "cannot create a network namespace: $out"; }
	out=$(ip -n "$NS_CHECK" link add npa0 type veth peer name npb0 2>&1) ||
		skip "cannot create a veth pair: $out"
	out=$(ip netns exec "$NS_CHECK" nft add table inet np_check 2>&1) ||
		skip "nft cannot make a table in a namespace: $out"
	out=$(ip -n "$NS_CHECK" -6 addr add 2001:db8:ffff::1/64 dev npa0 nodad 2>&1) ||
		skip "no IPv6 in a namespace: $out"
	ip netns del "$NS_CHECK" 2>/dev/null
	NS_CHECK=
}

# ---------------------------------------------------------------- cleanup

# testbed_down: stop every process inside our namespaces (the servers we
# started), then delete the namespaces; deleting a namespace deletes its veth
# end and with it the peer.  Bounded: 30 x 0.1 s per process, then SIGKILL.
testbed_down() {
	local ns pid i pids=()
	for ns in "${NS_ALL[@]+"${NS_ALL[@]}"}" ${NS_CHECK:+"$NS_CHECK"}; do
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
		if kill -0 "$pid" 2>/dev/null; then
			echo "# testbed_down: pid $pid ignored SIGTERM, sending SIGKILL" >&2
			kill -KILL "$pid" 2>/dev/null
		fi
	done
	for ns in "${NS_ALL[@]+"${NS_ALL[@]}"}" ${NS_CHECK:+"$NS_CHECK"}; do
		[ -e "/run/netns/$ns" ] || continue
		ip netns del "$ns" 2>/dev/null ||
			echo "# testbed_down: could not delete namespace $ns" >&2
	done
	NS_ALL=()
	NS_CHECK=
}

np_netns_cleanup() {
	local rc=$?
	trap - EXIT
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ "${#NS_ALL[@]}" -gt 0 ]; then
		testbed_dump >&2
	fi
	testbed_down
	(exit "$rc")
	np_cleanup
}

# testbed_dump: addresses, routes and rules, for the log of a failed test.
testbed_dump() {
	local ns
	for ns in "${NS_ALL[@]+"${NS_ALL[@]}"}"; do
		[ -e "/run/netns/$ns" ] || continue
		echo "# namespace $ns:"
		{ ip -n "$ns" -br addr; ip -n "$ns" route; ip -n "$ns" -6 route
		  ip netns exec "$ns" nft list ruleset; } 2>&1 | sed 's/^/#   /'
	done
}

# ---------------------------------------------------------------- bring-up

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

_tb() { "$@" || fatal "testbed: command failed: $*"; }

# _ns_sysctl NS: no ICMP rate limits (every reject must really send its ICMP,
# however fast the probes come), no IPv6 duplicate address detection.  The
# kernel's own defaults for a new namespace are kept in ICMP_RATELIMIT_DEFAULT
# first, for testbed_remote_icmp_default.
ICMP_RATELIMIT_DEFAULT=()
_ns_sysctl() {
	local k
	if [ "${#ICMP_RATELIMIT_DEFAULT[@]}" -eq 0 ]; then
		for k in net.ipv4.icmp_ratelimit net.ipv4.icmp_msgs_per_sec net.ipv4.icmp_msgs_burst \
			net.ipv6.icmp.ratelimit; do
			ICMP_RATELIMIT_DEFAULT+=("$k=$(nsx "$1" sysctl -n "$k" 2>/dev/null)")
		done
	fi
	_tb nsx "$1" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 \
		net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.accept_ra=0 net.ipv6.conf.default.accept_ra=0
}

# _wait_refused NS ADDR: wait (bounded, 100 x 0.1 s) until a TCP connect from NS
# to ADDR port 9 (nothing listens) is refused: the path works both ways.
_wait_refused() {
	local ns=$1 addr=$2 i out
	for i in $(seq 1 100); do
		out=$(nsx "$ns" "$PY" - "$addr" 2>&1 <<'PYEOF'
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
	fatal "testbed: $addr is not reachable from $ns (last: $out)"
}

# testbed_up: make the three namespaces, their veths and addresses, the routes,
# and wait (bounded) until IPv4 and IPv6 work on both links.
testbed_up() {
	NS_CLIENT="npc-$$"
	NS_REMOTE="npr-$$"
	NS_ROUTER="npg-$$"
	local ns
	for ns in "$NS_CLIENT" "$NS_REMOTE" "$NS_ROUTER"; do
		_tb ip netns add "$ns"
		NS_ALL+=("$ns")
		_ns_sysctl "$ns"
		_tb ip -n "$ns" link set lo up
	done
	_tb nsx "$NS_ROUTER" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1

	# client <-> remote: both ends are created inside their namespaces
	_tb ip -n "$NS_CLIENT" link add nc0 type veth peer name nr0 netns "$NS_REMOTE"
	_tb ip -n "$NS_CLIENT" addr add "$C4/24" dev nc0
	_tb ip -n "$NS_CLIENT" addr add "$C6/64" dev nc0 nodad
	_tb ip -n "$NS_REMOTE" addr add "$R4/24" dev nr0
	_tb ip -n "$NS_REMOTE" addr add "$R6/64" dev nr0 nodad
	_tb ip -n "$NS_CLIENT" link set nc0 up
	_tb ip -n "$NS_REMOTE" link set nr0 up

	# client <-> router, and what lies behind the router
	_tb ip -n "$NS_CLIENT" link add nc1 type veth peer name ng0 netns "$NS_ROUTER"
	_tb ip -n "$NS_CLIENT" addr add "$CG4/25" dev nc1
	_tb ip -n "$NS_CLIENT" addr add "$CG6/64" dev nc1 nodad
	_tb ip -n "$NS_ROUTER" addr add "$G4/25" dev ng0
	_tb ip -n "$NS_ROUTER" addr add "$G6/64" dev ng0 nodad
	_tb ip -n "$NS_CLIENT" link set nc1 up
	_tb ip -n "$NS_ROUTER" link set ng0 up
	_tb ip -n "$NS_CLIENT" route add 203.0.113.128/25 via "$G4"
	_tb ip -n "$NS_CLIENT" -6 route add 2001:db8:102::/64 via "$G6"
	_tb ip -n "$NS_ROUTER" route add unreachable "$FAR4_UNREACH/32"
	_tb ip -n "$NS_ROUTER" route add prohibit "$FAR4_PROHIBIT/32"
	_tb ip -n "$NS_ROUTER" -6 route add unreachable "$FAR6_UNREACH/128"
	_tb ip -n "$NS_ROUTER" -6 route add prohibit "$FAR6_PROHIBIT/128"

	_wait_refused "$NS_CLIENT" "$R4"
	_wait_refused "$NS_CLIENT" "$R6"
	_wait_refused "$NS_CLIENT" "$G4"
	_wait_refused "$NS_CLIENT" "$G6"
	echo "# testbed: client $NS_CLIENT ($C4, $C6), remote $NS_REMOTE ($R4, $R6), router $NS_ROUTER ($G4, $G6)"
}

# testbed_remote_icmp_default: give the remote namespace back the kernel's
# default ICMP rate limits (as a new namespace has them; Linux: 1000 ms per
# destination with a burst of 6 for ICMPv4, 100 ms scaled by prefix for
# ICMPv6), so it answers a burst of datagrams to closed ports as a real host does.
testbed_remote_icmp_default() {
	local kv
	for kv in "${ICMP_RATELIMIT_DEFAULT[@]}"; do
		case $kv in *=) fatal "testbed: no default recorded for $kv" ;; esac
		_tb nsx "$NS_REMOTE" sysctl -qw "$kv"
	done
	echo "# remote $NS_REMOTE has the kernel's default ICMP rate limits: ${ICMP_RATELIMIT_DEFAULT[*]}"
}

# ---------------------------------------------------------------- nftables

# netns_remote_rules: the remote's ruleset, one port per behaviour; every rule
# has a named counter, so a test can prove its packets met that rule.
netns_remote_rules() {
	nsx "$NS_REMOTE" nft -f - <<EOF || fatal "testbed: nft rules did not load"
table $NFT_FAMILY $NFT_NAME {
	counter tcp_reset {}
	counter tcp_drop {}
	counter tcp_hostunr {}
	counter tcp_admin {}
	counter tcp_v6drop {}
	counter tcp_v4admin {}
	counter udp_drop {}
	counter udp_hostunr {}
	counter udp_admin {}
	counter udp_v6drop {}
	chain input {
		type filter hook input priority 0; policy accept;
		tcp dport $P_TCP_RESET counter name tcp_reset reject with tcp reset
		tcp dport $P_TCP_DROP counter name tcp_drop drop
		meta nfproto ipv4 tcp dport $P_TCP_HOSTUNR counter name tcp_hostunr reject with icmp type host-unreachable
		meta nfproto ipv6 tcp dport $P_TCP_HOSTUNR counter name tcp_hostunr reject with icmpv6 type addr-unreachable
		meta nfproto ipv4 tcp dport $P_TCP_ADMIN counter name tcp_admin reject with icmp type admin-prohibited
		meta nfproto ipv6 tcp dport $P_TCP_ADMIN counter name tcp_admin reject with icmpv6 type admin-prohibited
		meta nfproto ipv6 tcp dport $P_TCP_V6DROP counter name tcp_v6drop drop
		meta nfproto ipv4 tcp dport $P_TCP_V4ADMIN counter name tcp_v4admin reject with icmp type admin-prohibited
		udp dport $P_UDP_DROP counter name udp_drop drop
		meta nfproto ipv4 udp dport $P_UDP_HOSTUNR counter name udp_hostunr reject with icmp type host-unreachable
		meta nfproto ipv6 udp dport $P_UDP_HOSTUNR counter name udp_hostunr reject with icmpv6 type addr-unreachable
		meta nfproto ipv4 udp dport $P_UDP_ADMIN counter name udp_admin reject with icmp type admin-prohibited
		meta nfproto ipv6 udp dport $P_UDP_ADMIN counter name udp_admin reject with icmpv6 type admin-prohibited
		meta nfproto ipv6 udp dport $P_UDP_V6DROP counter name udp_v6drop drop
	}
}
EOF
	echo "# nft rules loaded in $NS_REMOTE (table $NFT_FAMILY $NFT_NAME)"
}

# nft_counter NAME: packets counted so far by the named counter in the remote.
nft_counter() {
	nsx "$NS_REMOTE" nft -j list counter "$NFT_FAMILY" "$NFT_NAME" "$1" 2>/dev/null | "$PY" -c '
import json, sys
try:
    d = json.load(sys.stdin)
    print([o["counter"]["packets"] for o in d["nftables"] if "counter" in o][0])
except Exception as e:
    print("<no counter: %s>" % e)'
}

# ---------------------------------------------------------------- servers

# _start_in_ns NS NAME CMD...: run a helper inside NS in the background, wait
# (bounded) for the line it prints, register it for cleanup.  Sets NS_HELPER_OUT.
_start_in_ns() {
	local ns=$1 name=$2 pid; shift 2
	nsx "$ns" "$@" >"$NP_TMP/$name.port" 2>"$NP_TMP/$name.err" &
	pid=$!
	np_bg_register "$pid"
	NS_HELPER_OUT=$(_wait_port_file "$NP_TMP/$name.port" "$pid") ||
		fatal "$name did not start in $ns: $(cat "$NP_TMP/$name.err")"
	echo "# $name in $ns: ports $NS_HELPER_OUT (pid $pid)"
}

# start_ns_listener NAME [--banner TEXT] ADDR... -- PORT...: TCP listener in the
# remote namespace; accepted connections counted in $NP_TMP/NAME.count.
start_ns_listener() {
	local name=$1 args=() a; shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=(--addr "$1"); shift; done
	shift
	for a in "$@"; do args+=(--port "$a"); done
	_start_in_ns "$NS_REMOTE" "$name" "$PY" "$HELPERS/netns_listener.py" "${args[@]}" \
		--banner "$TCP_BANNER" --lifetime "$NP_HELPER_LIFETIME" --count-file "$NP_TMP/$name.count"
}

# start_ns_udp NAME ADDR... -- PORT...: UDP responder in the remote namespace
# (answers "$UDP_PREFIX" + datagram); datagrams counted in $NP_TMP/NAME.count.
start_ns_udp() {
	local name=$1 args=() a; shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do args+=(--addr "$1"); shift; done
	shift
	for a in "$@"; do args+=(--port "$a"); done
	_start_in_ns "$NS_REMOTE" "$name" "$PY" "$HELPERS/udp_responder.py" "${args[@]}" \
		--prefix "$UDP_PREFIX" --lifetime "$NP_HELPER_LIFETIME" --count-file "$NP_TMP/$name.count"
}

# ---------------------------------------------------------------- running netprobe

# np_run_in NS ARGS...: np_run, inside namespace NS (wall-clock capped; NP_WRAP
# respected; output in $NP_OUT/$NP_ERR, status in $NP_RC, time in $NP_ELAPSED).
np_run_in() {
	local ns=$1; shift
	NP_RUN_N=$((NP_RUN_N + 1))
	NP_OUT="$NP_TMP/run$NP_RUN_N.out"
	NP_ERR="$NP_TMP/run$NP_RUN_N.err"
	NP_LAST_CMD="${NP_ENV_PREFIX:-}ip netns exec $ns netprobe $(printf '%q ' "$@")"
	local t0 t1
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	timeout -k 2 "$NP_TIMEOUT_WALL" ip netns exec "$ns" ${NP_WRAP:-} "$NETPROBE" "$@" \
		>"$NP_OUT" 2>"$NP_ERR" </dev/null
	NP_RC=$?
	t1=$(date +%s.%N)
	NP_ELAPSED=$("$PY" -c 'import sys; print("%.3f" % (float(sys.argv[2]) - float(sys.argv[1])))' "$t0" "$t1")
	if [ "$NP_RC" -eq 124 ] || [ "$NP_RC" -eq 137 ]; then
		echo "# WARNING: netprobe did not finish within ${NP_TIMEOUT_WALL}s and was killed"
	fi
	return 0
}

# np_json_in NS ARGS...: np_run_in with --json; the document is in $NP_JSON.
np_json_in() {
	local ns=$1; shift
	np_run_in "$ns" --json "$@"
	NP_JSON="$NP_OUT"
}

# pj EXPR: jpy on the last JSON document with p = the first probe.
pj() { jpy "$NP_JSON" "(lambda p: $1)(t['probes'][0])"; }

# errno_num NAME: the number of errno NAME on this system (python's errno module).
errno_num() { "$PY" -c 'import errno, sys; print(getattr(errno, sys.argv[1], "<unknown %s>" % sys.argv[1]))' "$1"; }

# check_run_basics DESC EXPECTED_RC EXPECTED_VERDICT: the last JSON run's exit
# status, schema and verdict.
check_run_basics() {
	local d=$1 rc=$2 verdict=$3
	assert_rc "$rc" "$d: exit status $rc"
	check_json_basics "$d" "$NP_JSON" "$rc"
	assert_eq "$d: verdict" "$verdict" "$(jget "$NP_JSON" targets.0.verdict)"
}

# check_probe_error DESC CODE: error.code is CODE and error.errno its number.
check_probe_error() {
	local d=$1 code=$2
	assert_eq "$d: error.code" "$code" "$(pj 'p["error"] and p["error"]["code"]')"
	assert_eq "$d: error.errno is the number of error.code ($code)" "$(errno_num "$code")" \
		"$(pj 'p["error"] and p["error"]["errno"]')"
}

# check_icmp DESC "VERSION TYPE CODE" FROM: the probe's icmp object.
check_icmp() {
	local d=$1
	assert_eq "$d: icmp version/type/code/from" "$2 $3" \
		"$(pj 'p["icmp"] and "%s %s %s %s" % (p["icmp"]["version"], p["icmp"]["type"], p["icmp"]["code"], p["icmp"]["from"])')"
	assert_eq "$d: icmp.description is a non-empty string" "true" \
		"$(pj 'bool(p["icmp"]) and isinstance(p["icmp"].get("description"), str) and len(p["icmp"]["description"]) > 0')"
}

# start_ns_knot: knotd in the remote namespace on $R4 and $R6 port 53 (the
# namespace is private, so 53 is free), serving tests/zones/example.test.zone.
# Waits (bounded) until kdig from the client gets an answer on both addresses.
start_ns_knot() {
	local kd="$NP_TMP/knot-ns" up=0 pid
	mkdir -p "$kd/run" "$kd/db" "$kd/zones"
	cp "$ZONES/example.test.zone" "$kd/zones/" || fatal "cannot copy the zone from $ZONES"
	cat >"$kd/knot.conf" <<KEOF
# generated by tests/integration/netns_lib.sh
server:
    rundir: "$kd/run"
    pidfile: "$kd/run/knot.pid"
    listen: [ $R4@53, $R6@53 ]
    udp-workers: 1
    tcp-workers: 1
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
  - domain: example.test.
KEOF
	nsx "$NS_REMOTE" "$KNOTD" -c "$kd/knot.conf" >"$kd/knotd.log" 2>&1 &
	pid=$!
	np_bg_register "$pid"
	for _ in $(seq 1 "$NP_POLLS"); do
		kill -0 "$pid" 2>/dev/null || break
		if ns_kdig "$R4" example.test. SOA | grep -q 'status: NOERROR' &&
			ns_kdig "$R6" example.test. SOA | grep -q 'status: NOERROR'; then
			up=1
			break
		fi
		sleep 0.1
	done
	[ "$up" = 1 ] || fatal "knotd did not come up in $NS_REMOTE: $(tail -n 20 "$kd/knotd.log")"
	echo "# knotd in $NS_REMOTE on $R4 and $R6 port 53 (pid $pid)"
}

# ns_kdig SERVER NAME TYPE: kdig from the client namespace (the oracle).
ns_kdig() {
	nsx "$NS_CLIENT" kdig @"$1" -p 53 +time=1 +retry=0 +norecurse "$2" "$3" 2>&1
}

# ---------------------------------------------------------------- nmap, the oracle

# nmap_states SCAN ADDR PORT...: nmap (-sT or -sU, run in the client namespace,
# no host discovery, no DNS) and its verdict per port as "PORT:STATE ...", in the
# order given, with nmap's "open|filtered" spelled as netprobe's open_filtered.
# SCAN may carry more options ("-sU --max-retries 10"). SKIPs (77) without nmap.
nmap_states() {
	local scan=$1 addr=$2 ports fam=; shift 2
	command -v nmap >/dev/null 2>&1 || skip "nmap not found (Debian package nmap): it is the oracle"
	ports=$(IFS=,; echo "$*")
	case $addr in *:*) fam=-6 ;; esac
	# shellcheck disable=SC2086
	nsx "$NS_CLIENT" nmap $scan $fam -Pn -n -p "$ports" -oX - "$addr" 2>"$NP_TMP/nmap.err" |
		"$PY" -c '
import sys, xml.etree.ElementTree as ET
want = sys.argv[1:]
try:
    root = ET.parse(sys.stdin).getroot()
except ET.ParseError as e:
    print("<nmap output unreadable: %s>" % e); sys.exit(0)
got = {}
for p in root.iter("port"):
    got[p.get("portid")] = p.find("state").get("state").replace("open|filtered", "open_filtered")
# ports nmap folds ("Not shown: 58 closed udp ports") are listed in extrareasons
for e in root.iter("extraports"):
    st = e.get("state").replace("open|filtered", "open_filtered")
    for r in e.iter("extrareasons"):
        for part in (r.get("ports") or "").split(","):
            if part:
                lo, _, hi = part.partition("-")
                for n in range(int(lo), int(hi or lo) + 1):
                    got[str(n)] = st
print(" ".join("%s:%s" % (w, got.get(w, "?")) for w in want))' "$@"
}

# np_states [PROTO]: the last JSON run's probes as "PORT:STATE ...", in port order
# given on the command line (the order the probes are listed in).
np_states() {
	jpy "$NP_JSON" '" ".join("%d:%s" % (p["port"], p["state"]) for p in t["probes"])'
}
