#!/bin/bash
# `netprobe local PORT` verdicts, checked against what another host really gets.
# Two network namespaces joined by a veth (tests/integration/local_netns.sh):
# a "server" host (198.51.100.2, 2001:db8:100::2) and a "client" host
# (198.51.100.1, 2001:db8:100::1).  For each way of binding a port (127.0.0.1,
# ::1, loopback both, 0.0.0.0, :: dual-stack, :: IPV6_V6ONLY, 0.0.0.0 + ::
# v6only, the interface address only, other loopback addresses (127.0.0.5,
# 127.0.0.7), a link-local address with its zone, a plain python server, UDP,
# nothing) a service runs in the server namespace; `netprobe local --json PORT`
# there must give the verdict kind and a phrase of its message, the sockets
# (address and zone as `ss -ltn` shows them, v6only and where it came from,
# pid), reachability whose prediction equals its own connect, a verdict that
# names every localhost address (127.0.0.1, ::1) the table and ss say is
# refused, the same addresses with --proc (a v6only there marked inferred, with
# the connect that told); and netprobe run from the client namespace must find
# the server's addresses open or closed exactly as the verdict says.  Last the
# localhost probe: a hosts file mapping localhost to 127.0.0.1 and ::1 (and lh2
# to 127.0.0.2 and ::1), a service on one family only: exit 1 and a Happy
# Eyeballs warning that claims no bind ss does not show.
# Needs root and ip(8), else SKIP (77).  All traffic stays inside the two
# namespaces this test creates (and their loopbacks).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/listen_lib.sh"
. "$(dirname "$0")/local_netns.sh"

np_init_listen
lnet_need_root
lnet_up

# SVC_PID: pid of the service under test; SVC_KIND: netprobe or python
SVC_PID=
SVC_NAME=

# svc_netprobe NAME ARGS...: netprobe listen ARGS in the server namespace.
svc_netprobe() {
	local name=$1; shift
	start_listen "$name" --ns "$NSL_SRV" "$@" || fatal "netprobe listen $* did not start in $NSL_SRV"
	SVC_PID=$LPID SVC_NAME=$name SVC_PROC=netprobe
}

# svc_python ADDR PORT [v6only|dual]: a plain python TCP server in the server ns.
svc_python() {
	local i pid=
	# empty it here: the child truncates it only when it gets to run, and
	# until then the last service's line would pass for this one's
	: >"$NP_TMP/pysvc.out"
	timeout -k 2 "$NP_HELPER_LIFETIME" ip netns exec "$NSL_SRV" "$PY" "$LISTEN_CLIENT" \
		serve "$1" "$2" "${3:-}" "$NP_HELPER_LIFETIME" \
		>"$NP_TMP/pysvc.out" 2>"$NP_TMP/pysvc.err" </dev/null &
	LWRAP=$!
	np_bg_register "$LWRAP"
	for i in $(seq 1 "$NP_POLLS"); do
		[ -s "$NP_TMP/pysvc.out" ] && break
		np_is_child "$LWRAP" || break
		sleep 0.05
	done
	[ -s "$NP_TMP/pysvc.out" ] || fatal "python service $* did not start: $(cat "$NP_TMP/pysvc.err")"
	SVC_PID=$(jget "$NP_TMP/pysvc.out" pid) SVC_NAME='' SVC_PROC=python3
	LPID=$SVC_PID
	echo "# python service on $1 port $2 ${3:-} (pid $SVC_PID)"
}

svc_stop() {
	if [ -n "$SVC_PID" ]; then
		stop_listen "${SVC_NAME:-python}" TERM "$SVC_PID" "$LWRAP"
		[ -n "$SVC_NAME" ] && assert_eq "$SVC_NAME: the service stopped cleanly on SIGTERM (exit 0)" 0 "$LRC"
	fi
	SVC_PID='' SVC_NAME=''
}

# reach_state ADDR: "<tcp_accepts> <tcp_connect.state>" of the reachability entry
# for ADDR in the last local document.
reach() {
	jpy "$NP_JSON" "(lambda r: '%s %s %s' % (json.dumps(r['tcp_accepts']), json.dumps(r['udp_accepts']), r['tcp_connect']['state'] if r['tcp_connect'] else None) if r else '<no entry for $1>')(next((x for x in d['reachability'] if x['address'] == '$1'), None))"
}

# ss_tcp PORT: the TCP listeners on PORT in the server namespace as `ss -ltn`
# shows them (the oracle for what is bound): sorted [address, zone] pairs, ss's
# "*" (:: dual-stack) as "::", the zone (after %) null when there is none.
ss_tcp() {
	ip netns exec "$NSL_SRV" ss -ltnH "sport = :$1" | awk '{print $4}' | "$PY" -c '
import json, sys
out = []
for w in sys.stdin.read().split():
    host, zone = w.rsplit(":", 1)[0], None
    if "%" in host:
        host, zone = host.split("%", 1)
    host = host.strip("[]")
    out.append(["::" if host == "*" else host, zone])
print(json.dumps(sorted(out), separators=(",", ":")))'
}

# ss_takes PORT ADDR: true when a listener ss shows on PORT takes ADDR (127.0.0.1
# or ::1): bound to ADDR itself, to its family's wildcard, or to ss's "*".
ss_takes() {
	ip netns exec "$NSL_SRV" ss -ltnH "sport = :$1" | awk '{print $4}' | "$PY" -c '
import sys
a = sys.argv[1]
hosts = [w.rsplit(":", 1)[0].split("%")[0].strip("[]") for w in sys.stdin.read().split()]
want = {a, "*", "0.0.0.0" if "." in a else "::"}
print("true" if want & set(hosts) else "false")' "$2"
}

# check_local_schema DESC: the last local document is valid against its schema.
check_local_schema() {
	local out
	if out=$("$PY" "$VALIDATOR" "$top_srcdir/docs/netprobe-local.schema.json" <"$NP_JSON" 2>&1); then
		ok "$1: valid against docs/netprobe-local.schema.json"
	else
		not_ok "$1: NOT valid against docs/netprobe-local.schema.json"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
	fi
}

# check_localhost_words DESC PORT: the verdict agrees with the reachability table
# and with ss about the two addresses clients of localhost use: verdict
# localhost_ipv4/localhost_ipv6 equal the table's connects and ss; when one is
# refused the message names it with "refused".
check_localhost_words() {
	local d=$1 port=$2 a st want key
	for a in 127.0.0.1 ::1; do
		key=$([ "$a" = ::1 ] && echo localhost_ipv6 || echo localhost_ipv4)
		st=$(jpy "$NP_JSON" "next((r['tcp_connect'] or {}).get('state') for r in d['reachability'] if r['address'] == '$a')")
		want=$(ss_takes "$port" "$a")
		assert_eq "$d: ss takes $a: $want; the table's connect agrees ($st)" "$want" \
			"$([ "$st" = open ] && echo true || echo false)"
		assert_eq "$d: verdict.$key is $want (as ss)" "$want" "$(jget "$NP_JSON" "verdict.$key")"
		[ "$want" = true ] && continue
		assert_match "$d: $a is refused (table, ss): the verdict says so" \
			"$(printf '%s' "$a" | sed 's/[.]/\\./g')[^;]*refused|refused[^;]*$(printf '%s' "$a" | sed 's/[.]/\\./g')" \
			"$(jget "$NP_JSON" verdict.message)"
	done
}

# check_local DESC PORT KIND PHRASE SOCKETS LO4 LO6 S4 S6
#   SOCKETS: the expected [address, v6only] list (sock_diag), compact JSON, sorted
#   LO4 LO6 S4 S6: open|closed for 127.0.0.1, ::1, 198.51.100.2, 2001:db8:100::2,
#   both as predicted (tcp_accepts) and as connected (tcp_connect.state) in the
#   server namespace, and as probed from the client namespace (S4, S6)
check_local() {
	local d=$1 port=$2 kind=$3 phrase=$4 socks=$5 lo4=$6 lo6=$7 s4=$8 s6=$9
	local a st diag_socks
	lnp_json "$NSL_SRV" local "$port"
	assert_rc 0 "$d: local exit 0 (something listens)"
	assert_eq "$d: JSON exit_code equals the exit status, command local, port, source sock_diag" \
		"0 local $port sock_diag" "$(jpy "$NP_JSON" '"%s %s %s %s" % (d["exit_code"], d["command"], d["port"], d["source"])')"
	assert_eq "$d: verdict.kind" "$kind" "$(jget "$NP_JSON" verdict.kind)"
	assert_eq "$d: verdict.proto tcp" tcp "$(jget "$NP_JSON" verdict.proto)"
	assert_match "$d: verdict.message says '$phrase'" "$(printf '%s' "$phrase" | sed 's/[][\.*^$()+?{}|]/\\&/g')" \
		"$(jget "$NP_JSON" verdict.message)"
	assert_eq "$d: sockets: [address, v6only] from sock_diag" "$socks" \
		"$(jpy "$NP_JSON" 'sorted([s["address"], s["v6only"]] for s in d["sockets"])')"
	assert_eq "$d: sockets: [address, interface] are what ss -ltn shows" "$(ss_tcp "$port")" \
		"$(jpy "$NP_JSON" 'sorted([s["address"], s["interface"]] for s in d["sockets"])')"
	assert_eq "$d: sockets: v6only_source sock_diag for IPv6, null for IPv4" true \
		"$(jpy "$NP_JSON" 'all(s["v6only_source"] == ("sock_diag" if s["family"] == "ipv6" else None) and s["v6only_evidence"] is None for s in d["sockets"])')"
	check_localhost_words "$d" "$port"
	check_local_schema "$d"
	assert_eq "$d: sockets: tcp, port $port, pid = the service's pid $SVC_PID, process $SVC_PROC, uid 0" true \
		"$(jpy "$NP_JSON" "all(s['proto'] == 'tcp' and s['port'] == $port and s['pid'] == $SVC_PID and s['process'] == '$SVC_PROC' and s['uid'] == 0 for s in d['sockets']) and len(d['sockets']) > 0")"
	assert_eq "$d: sockets: scope all_interfaces exactly for 0.0.0.0 and ::" true \
		"$(jpy "$NP_JSON" 'all((s["scope"] == "all_interfaces") == (s["address"] in ("0.0.0.0", "::")) for s in d["sockets"])')"
	for a in "127.0.0.1 $lo4" "::1 $lo6" "$L_S4 $s4" "$L_S6 $s6"; do
		# shellcheck disable=SC2086  # split on purpose: address state [client]
		set -- $a
		assert_eq "$d: reachability $1: predicted $([ "$2" = open ] && echo accepted || echo refused), connect $2" \
			"$([ "$2" = open ] && echo true || echo false) false $2" "$(reach "$1")"
	done
	assert_eq "$d: reachability: every prediction equals its own TCP connect" true \
		"$(jpy "$NP_JSON" 'all(r["tcp_accepts"] == (r["tcp_connect"]["state"] == "open") for r in d["reachability"])')"
	assert_eq "$d: reachability lists lo 127.0.0.1, lo ::1, ls0 $L_S4, ls0 $L_S6" true \
		"$(jpy "$NP_JSON" "set([('lo', '127.0.0.1'), ('lo', '::1'), ('ls0', '$L_S4'), ('ls0', '$L_S6')]) <= set((r['interface'], r['address']) for r in d['reachability'])")"
	diag_socks=$(jpy "$NP_JSON" 'sorted([s["address"], s["v6only"], s["pid"]] for s in d["sockets"] if s["proto"] == "tcp" and s["address"] == "::")')

	lnp_run "$NSL_SRV" local "$port"
	assert_match "$d: text: the verdict line says '$phrase'" \
		"^verdict: .*$(printf '%s' "$phrase" | sed 's/[][\.*^$()+?{}|]/\\&/g')" "$(cat "$NP_OUT")"
	assert_no_match "$d: text: sock_diag reads IPV6_V6ONLY, nothing is inferred" 'inferred' "$(cat "$NP_OUT")"

	lnp_json "$NSL_SRV" local --proc "$port"
	assert_eq "$d: --proc: exit 0, source proc, same verdict kind" "0 proc $kind" \
		"$NP_RC $(jpy "$NP_JSON" '"%s %s" % (d["source"], d["verdict"]["kind"])')"
	assert_eq "$d: --proc: the same addresses" "$(echo "$socks" | "$PY" -c 'import json,sys; print(json.dumps(sorted(a for a, v in json.load(sys.stdin)), separators=(",", ":")))')" \
		"$(jpy "$NP_JSON" 'sorted(s["address"] for s in d["sockets"])')"
	assert_eq "$d: --proc: v6only null (not in /proc/net) except a TCP :: socket, inferred from the connects" true \
		"$(jpy "$NP_JSON" 'all(s["v6only"] is None for s in d["sockets"] if s["address"] != "::")')"
	# /proc/net has no IPV6_V6ONLY: netprobe infers it for a TCP :: socket from
	# a connect to an IPv4 address no IPv4 socket covers; with 0.0.0.0 bound
	# too there is none, and it stays null
	case $socks in *'"0.0.0.0"'*) diag_socks=$(printf '%s' "$diag_socks" | sed 's/"::",\(true\|false\)/"::",null/g') ;; esac
	assert_eq "$d: --proc: a TCP :: socket's v6only inferred from the connects equals sock_diag's (null when 0.0.0.0 covers IPv4)" "$diag_socks" \
		"$(jpy "$NP_JSON" 'sorted([s["address"], s["v6only"], s["pid"]] for s in d["sockets"] if s["proto"] == "tcp" and s["address"] == "::")')"
	assert_eq "$d: --proc: a known v6only is inferred_from_connect, with the connect that told; unknown is null" true \
		"$(jpy "$NP_JSON" 'all((s["v6only_source"], bool(s["v6only_evidence"])) == (("inferred_from_connect", True) if s["v6only"] is not None else (None, False)) for s in d["sockets"])')"
	assert_eq "$d: --proc: the evidence is a connect to an IPv4 address of this host, open for v6only false, closed for true" true \
		"$(jpy "$NP_JSON" 'all(s["v6only_evidence"]["state"] == ("closed" if s["v6only"] else "open") and any(r["address"] == s["v6only_evidence"]["address"] and r["family"] == "ipv4" and r["tcp_connect"]["state"] == s["v6only_evidence"]["state"] for r in d["reachability"]) for s in d["sockets"] if s["v6only_evidence"])')"
	lnp_run "$NSL_SRV" local --proc "$port"
	assert_eq "$d: --proc text: every IPV6_V6ONLY=0/1 is said to be inferred, from a connect" "" \
		"$(grep -E '^  (tcp|udp) .*IPV6_V6ONLY=[01]' "$NP_OUT" | grep -Ev 'IPV6_V6ONLY=[01] \(inferred from a connect to [0-9.]+: (open|closed)\)')"
	check_local_schema "$d: --proc"
	assert_eq "$d: --proc: pid $SVC_PID" true "$(jpy "$NP_JSON" "all(s['pid'] == $SVC_PID for s in d['sockets'])")"

	# what the other host gets
	for a in "$L_S4 $s4 $L_C4" "$L_S6 $s6 $L_C6"; do
		# shellcheck disable=SC2086  # split on purpose: address state [client]
		set -- $a
		lnp_json "$NSL_CLI" "$1" "$port"
		st=$(jget "$NP_JSON" targets.0.probes.0.state)
		assert_eq "$d: from the client host, netprobe $1 $port is $2 (exit $([ "$2" = open ] && echo 0 || echo 2))" \
			"$2 $([ "$2" = open ] && echo 0 || echo 2)" "$st $NP_RC"
		check_json_basics "$d: client probe $1" "$NP_JSON" "$NP_RC"
		if [ "$2" = open ]; then
			assert_eq "$d: the client probe came from the client host ($3)" "$3" \
				"$(jget "$NP_JSON" targets.0.probes.0.local.address)"
		else
			assert_eq "$d: closed means refused by the server host (ECONNREFUSED)" ECONNREFUSED \
				"$(jget "$NP_JSON" targets.0.probes.0.error.code)"
		fi
	done
}

P=4300

# ---------------------------------------------------------------- 127.0.0.1 only
P=$((P + 1)); svc_netprobe v4lo --bind 127.0.0.1 "$P"
check_local "127.0.0.1 only" "$P" loopback_ipv4_only "127.0.0.1 only" '[["127.0.0.1",null]]' open closed closed closed
svc_stop

# ---------------------------------------------------------------- ::1 only
P=$((P + 1)); svc_netprobe v6lo --bind ::1 "$P"
check_local "::1 only" "$P" loopback_ipv6_only "::1 only" '[["::1",true]]' closed open closed closed
svc_stop

# ---------------------------------------------------------------- default: both loopbacks
P=$((P + 1)); svc_netprobe lo --want 2 "$P"
check_local "default bind (127.0.0.1 and ::1)" "$P" loopback_only "loopback only" \
	'[["127.0.0.1",null],["::1",true]]' open open closed closed
svc_stop

# ---------------------------------------------------------------- 0.0.0.0
P=$((P + 1)); svc_netprobe any4 --bind 0.0.0.0 "$P"
check_local "0.0.0.0" "$P" all_interfaces_ipv4_only "0.0.0.0 only" '[["0.0.0.0",null]]' open closed open closed
svc_stop

# ---------------------------------------------------------------- :: dual-stack
P=$((P + 1)); svc_netprobe dual --bind :: "$P"
check_local ":: dual-stack" "$P" all_interfaces_dual_stack "IPv4 and IPv6" '[["::",false]]' open open open open
wait_ev dual "any(e['peer']['address'] == '::ffff:$L_C4' for e in ev('accepted'))" || true
assert_ev ":: dual-stack: the client host's IPv4 probe arrived as ::ffff:$L_C4" true dual \
	"any(e['peer']['address'] == '::ffff:$L_C4' for e in ev('accepted'))"
assert_ev ":: dual-stack: the client host's IPv6 probe arrived from $L_C6" true dual \
	"any(e['peer']['address'] == '$L_C6' for e in ev('accepted'))"
svc_stop

# ---------------------------------------------------------------- :: IPV6_V6ONLY
P=$((P + 1)); svc_netprobe v6only --bind :: --v6only "$P"
check_local ":: --v6only" "$P" all_interfaces_ipv6_only "IPV6_V6ONLY" '[["::",true]]' closed open closed open
svc_stop

# ---------------------------------------------------------------- 0.0.0.0 and :: v6only
P=$((P + 1)); svc_netprobe both --want 2 --bind 0.0.0.0 --bind :: --v6only "$P"
check_local "0.0.0.0 + :: --v6only" "$P" all_interfaces "0.0.0.0 and" '[["0.0.0.0",null],["::",true]]' open open open open
svc_stop

# ---------------------------------------------------------------- the interface address only
P=$((P + 1)); svc_netprobe ifaddr --bind "$L_S4" "$P"
check_local "$L_S4 only" "$P" specific_addresses "$L_S4 only" "[[\"$L_S4\",null]]" closed closed open closed
lnp_json "$NSL_SRV" 127.0.0.1 "$P"
assert_eq "$L_S4 only: inside the server host, netprobe 127.0.0.1 $P is closed (exit 2)" "closed 2" \
	"$(jget "$NP_JSON" targets.0.probes.0.state) $NP_RC"
lnp_json "$NSL_SRV" "$L_S4" "$P"
assert_eq "$L_S4 only: inside the server host, netprobe $L_S4 $P is open" "open 0" \
	"$(jget "$NP_JSON" targets.0.probes.0.state) $NP_RC"
assert_ev "$L_S4 only: the client host's probe is the peer the server saw ($L_C4)" true ifaddr \
	"any(e['peer']['address'] == '$L_C4' for e in ev('accepted'))"
svc_stop

# ---------------------------------------------------------------- other loopback addresses
# 127.0.0.0/8 is all loopback, but clients of localhost use 127.0.0.1 and ::1:
# a service on 127.0.0.5 refuses both, and the verdict must say so
P=$((P + 1)); svc_netprobe lo5 --bind 127.0.0.5 "$P"
check_local "127.0.0.5 only" "$P" loopback_ipv4_only "127.0.0.5 only" '[["127.0.0.5",null]]' closed closed closed closed
lnp_json "$NSL_SRV" local "$P"
assert_match "127.0.0.5 only: the verdict says clients of localhost are refused" \
	'clients of localhost are refused' "$(jget "$NP_JSON" verdict.message)"
svc_stop
P=$((P + 1)); svc_netprobe lo57 --want 2 --bind 127.0.0.5 --bind 127.0.0.7 "$P"
check_local "127.0.0.5 and 127.0.0.7" "$P" loopback_ipv4_only "only: other hosts cannot reach it, and clients of localhost are refused too" \
	'[["127.0.0.5",null],["127.0.0.7",null]]' closed closed closed closed
svc_stop
P=$((P + 1)); svc_netprobe lo5v6 --want 2 --bind 127.0.0.5 --bind ::1 "$P"
check_local "127.0.0.5 and ::1" "$P" loopback_only "loopback only" \
	'[["127.0.0.5",null],["::1",true]]' closed open closed closed
svc_stop
P=$((P + 1)); svc_netprobe v6only5 --want 2 --bind :: --v6only --bind 127.0.0.5 "$P"
check_local ":: --v6only and 127.0.0.5" "$P" all_interfaces_ipv6_only "except at 127.0.0.5" \
	'[["127.0.0.5",null],["::",true]]' closed open closed open
svc_stop

# ---------------------------------------------------------------- a link-local address
# fe80::/10 needs its zone: the service binds fe80::5%ls0, and local shows it so
# (ss -ltn, the oracle, prints [fe80::5]%ls0)
_lt ip -n "$NSL_SRV" addr add fe80::5/64 dev ls0 nodad
P=$((P + 1)); svc_python fe80::5%ls0 "$P"
# (a specific IPv6 address: the kernel sets IPV6_V6ONLY itself)
check_local "fe80::5%ls0" "$P" specific_addresses "[fe80::5%ls0] only" '[["fe80::5",true]]' closed closed closed closed
lnp_json "$NSL_SRV" local "$P"
assert_eq "fe80::5%ls0: the socket's interface is ls0, as ss says" "ls0" "$(jget "$NP_JSON" sockets.0.interface)"
lnp_run "$NSL_SRV" local "$P"
assert_match "fe80::5%ls0: text: the socket line shows the zone" "^  tcp  ipv6  \\[fe80::5%ls0\\]:$P " "$(cat "$NP_OUT")"
assert_match "fe80::5%ls0: text: the reachability line shows fe80::5%ls0" "^  ls0 +fe80::5%ls0 +tcp yes" "$(cat "$NP_OUT")"
lnp_json "$NSL_SRV" local "$P"
assert_eq "fe80::5%ls0: reachability fe80::5 on ls0: predicted and connected open" "true open" \
	"$(jpy "$NP_JSON" "' '.join(json.dumps(r['tcp_accepts']) + ' ' + r['tcp_connect']['state'] for r in d['reachability'] if r['address'] == 'fe80::5')")"
lnp_json "$NSL_SRV" local --proc "$P"
assert_eq "fe80::5%ls0, --proc: /proc/net has no zone: interface null" "fe80::5 None" \
	"$(jpy "$NP_JSON" '" ".join("%s %s" % (s["address"], s["interface"]) for s in d["sockets"])')"
lnp_run "$NSL_SRV" local --proc "$P"
assert_match "fe80::5%ls0, --proc: text says the zone is unknown" '\[fe80::5%\?\]' "$(cat "$NP_OUT")"
svc_stop

# ---------------------------------------------------------------- a python server (not netprobe)
P=$((P + 1)); svc_python :: "$P" v6only
check_local "python on :: with IPV6_V6ONLY" "$P" all_interfaces_ipv6_only "IPV6_V6ONLY" '[["::",true]]' closed open closed open
svc_stop
P=$((P + 1)); svc_python 127.0.0.1 "$P"
check_local "python on 127.0.0.1" "$P" loopback_ipv4_only "127.0.0.1 only" '[["127.0.0.1",null]]' open closed closed closed
svc_stop

# ---------------------------------------------------------------- UDP only: 0.0.0.0
P=$((P + 1)); svc_netprobe udp4 -u --bind 0.0.0.0 "$P"
lnp_json "$NSL_SRV" local "$P"
assert_eq "udp 0.0.0.0: exit 0, verdict all_interfaces_ipv4_only about udp" "0 all_interfaces_ipv4_only udp" \
	"$NP_RC $(jpy "$NP_JSON" '"%s %s" % (d["verdict"]["kind"], d["verdict"]["proto"])')"
assert_eq "udp 0.0.0.0: sockets: one udp 0.0.0.0, pid $SVC_PID" "[[\"udp\",\"0.0.0.0\",null,$SVC_PID]]" \
	"$(jpy "$NP_JSON" '[[s["proto"], s["address"], s["v6only"], s["pid"]] for s in d["sockets"]]')"
assert_eq "udp 0.0.0.0: predicted udp: 127.0.0.1 and $L_S4 yes, ::1 and $L_S6 no; no TCP connects" \
	"true true false false" \
	"$(jpy "$NP_JSON" '" ".join(json.dumps(next(r for r in d["reachability"] if r["address"] == a)["udp_accepts"]) for a in ("127.0.0.1", "198.51.100.2", "::1", "2001:db8:100::2")) if all(r["tcp_connect"] is None and not r["tcp_accepts"] for r in d["reachability"]) else "tcp connects were made"')"
lnp_json "$NSL_CLI" -u --send 'udp-x' "$L_S4" "$P"
assert_eq "udp 0.0.0.0: from the client host, netprobe -u $L_S4 is open with the echo" "0 open $(hex_of udp-x)" \
	"$NP_RC $(jpy "$NP_JSON" '"%s %s" % (t["probes"][0]["state"], (t["probes"][0]["exchange"] or {}).get("received_hex"))')"
lnp_json "$NSL_CLI" -u --send 'udp-x' "$L_S6" "$P"
assert_eq "udp 0.0.0.0: from the client host, netprobe -u $L_S6 is closed (port unreachable), exit 2" "2 closed" \
	"$NP_RC $(jget "$NP_JSON" targets.0.probes.0.state)"
svc_stop

# ---------------------------------------------------------------- UDP on ::, --proc
# /proc/net has no IPV6_V6ONLY and UDP gets no connect: the verdict rests on the
# kernel's default, and says that it assumes it
P=$((P + 1)); svc_netprobe udp6 -u --bind :: "$P"
lnp_json "$NSL_SRV" local "$P"
assert_eq "udp ::: sock_diag: v6only false from sock_diag, dual-stack, nothing assumed" "False sock_diag all_interfaces_dual_stack False" \
	"$(jpy "$NP_JSON" '"%s %s %s %s" % (d["sockets"][0]["v6only"], d["sockets"][0]["v6only_source"], d["verdict"]["kind"], d["verdict"]["v6only_assumed"])')"
assert_no_match "udp ::: sock_diag: the verdict assumes nothing" 'assum' "$(jget "$NP_JSON" verdict.message)"
lnp_json "$NSL_SRV" local --proc "$P"
assert_eq "udp ::, --proc: v6only unknown (null, no source), the verdict assumes the default" "None None all_interfaces_dual_stack True" \
	"$(jpy "$NP_JSON" '"%s %s %s %s" % (d["sockets"][0]["v6only"], d["sockets"][0]["v6only_source"], d["verdict"]["kind"], d["verdict"]["v6only_assumed"])')"
assert_match "udp ::, --proc: the verdict says what it assumed" 'assum.*IPV6_V6ONLY' "$(jget "$NP_JSON" verdict.message)"
check_local_schema "udp ::, --proc"
svc_stop

# ---------------------------------------------------------------- nothing listens
P=$((P + 1))
lnp_json "$NSL_SRV" local "$P"
assert_eq "nothing: exit 2, JSON exit_code 2" "2 2" "$NP_RC $(jget "$NP_JSON" exit_code)"
assert_eq "nothing: verdict.kind nothing, no sockets" "nothing 0" \
	"$(jpy "$NP_JSON" '"%s %s" % (d["verdict"]["kind"], len(d["sockets"]))')"
assert_match "nothing: message says nothing listens" 'nothing listens' "$(jget "$NP_JSON" verdict.message)"
assert_eq "nothing: no address predicted to accept" true \
	"$(jpy "$NP_JSON" 'not any(r["tcp_accepts"] or r["udp_accepts"] for r in d["reachability"])')"
lnp_json "$NSL_SRV" local --proc "$P"
assert_eq "nothing, --proc: exit 2, kind nothing" "2 nothing" "$NP_RC $(jget "$NP_JSON" verdict.kind)"
lnp_json "$NSL_CLI" "$L_S4" "$P"
assert_eq "nothing: from the client host, $L_S4 closed, exit 2" "closed 2" "$(jget "$NP_JSON" targets.0.probes.0.state) $NP_RC"

# ---------------------------------------------------------------- the localhost probe
HOSTS="$NP_TMP/hosts.localhost"
printf '127.0.0.1 localhost\n::1 localhost\n127.0.0.2 lh2\n::1 lh2\n' >"$HOSTS"
# a closed DNS port on the server's own loopback: if the hosts file were not
# used, the query would be refused there, never sent to the system resolver
NODNS=@127.0.0.1:9
LH4='::1 refuses and 127\.0\.0\.1 accepts: no socket takes IPv6 on ::1, so IPv6 clients \(localhost -> ::1 first\) are refused'
LH6='127\.0\.0\.1 refuses and ::1 accepts: no socket takes IPv4 on 127\.0\.0\.1, so IPv4 clients of localhost are refused'

# he_run NAME PORT: netprobe NAME PORT in the server namespace, names from $HOSTS;
# text in $HE_TEXT, the JSON document in $NP_JSON.
he_run() {
	NP_ENV_PREFIX="CARES_HOSTS=$HOSTS " CARES_HOSTS=$HOSTS lnp_run "$NSL_SRV" "$NODNS" "$1" "$2"
	HE_TEXT=$(cat "$NP_OUT")
	HE_RC=$NP_RC
	NP_ENV_PREFIX="CARES_HOSTS=$HOSTS " CARES_HOSTS=$HOSTS lnp_json "$NSL_SRV" "$NODNS" "$1" "$2"
}

# check_he_vs_ss DESC PORT: the Happy Eyeballs words claim about the binds only
# what ss -ltn (the oracle) shows: "no socket takes IPv4 on 127.0.0.1" only when
# no listener takes 127.0.0.1 and one takes ::1 (and the mirror for IPv6); never
# "bound to X only" (the probes cannot see every bind); text and JSON agree.
check_he_vs_ss() {
	local d=$1 port=$2 msg t4 t6
	msg=$(jget "$NP_JSON" targets.0.happy_eyeballs.message)
	t4=$(ss_takes "$port" 127.0.0.1) t6=$(ss_takes "$port" ::1)
	assert_no_match "$d: no 'bound to ... only' claim (ss shows $(ss_tcp "$port"))" 'bound to [^ ]+ only' "$msg"
	if printf '%s' "$msg" | grep -q 'no socket takes IPv4 on 127.0.0.1'; then
		assert_eq "$d: says no socket takes 127.0.0.1 but ::1 accepts: ss agrees" "false true" "$t4 $t6"
	fi
	if printf '%s' "$msg" | grep -q 'no socket takes IPv6 on ::1'; then
		assert_eq "$d: says no socket takes ::1 but 127.0.0.1 accepts: ss agrees" "true false" "$t4 $t6"
	fi
	assert_eq "$d: the text warning is the JSON message" true \
		"$(printf '%s\n' "$HE_TEXT" | grep -Fq -- "warning: $msg" && echo true || echo "${msg:-<no message>}")"
	check_json_basics "$d" "$NP_JSON" "$NP_RC"
}

P=$((P + 1)); svc_netprobe he4 --bind 127.0.0.1 "$P"
he_run localhost "$P"
assert_eq "localhost, service on 127.0.0.1 only: exit 1 (degraded)" 1 "$HE_RC"
assert_match "localhost, 127.0.0.1 only: text warns ::1 refuses" "$LH4" "$HE_TEXT"
assert_match "localhost: the names came from the hosts file" 'source hosts' "$HE_TEXT"
assert_match "localhost, 127.0.0.1 only: JSON happy_eyeballs.message says the same" "$LH4" \
	"$(jget "$NP_JSON" targets.0.happy_eyeballs.message)"
assert_eq "localhost, 127.0.0.1 only: happy_eyeballs first ::1, exit_code 1" "::1 1" \
	"$(jpy "$NP_JSON" '"%s %s" % (t["happy_eyeballs"]["first"], d["exit_code"])')"
check_he_vs_ss "localhost, 127.0.0.1 only" "$P"
svc_stop

P=$((P + 1)); svc_netprobe he6 --bind ::1 "$P"
he_run localhost "$P"
assert_eq "localhost, service on ::1 only: exit 1 (degraded)" 1 "$HE_RC"
assert_match "localhost, ::1 only: text warns 127.0.0.1 refuses" "$LH6" "$HE_TEXT"
check_he_vs_ss "localhost, ::1 only" "$P"
svc_stop

# the binds the probes cannot tell apart from the above: the loopback words
# hold, and claim no bind ss does not show
P=$((P + 1)); svc_netprobe he0 --bind 0.0.0.0 "$P"
he_run localhost "$P"
assert_eq "localhost, service on 0.0.0.0: exit 1, fault ipv6_fails" "1 ipv6_fails" \
	"$HE_RC $(jget "$NP_JSON" targets.0.happy_eyeballs.fault)"
assert_match "localhost, 0.0.0.0: the words say ::1 refuses" "$LH4" "$HE_TEXT"
check_he_vs_ss "localhost, 0.0.0.0" "$P"
svc_stop
P=$((P + 1)); svc_netprobe he6any --bind :: --v6only "$P"
he_run localhost "$P"
assert_eq "localhost, service on :: IPV6_V6ONLY: exit 1, fault ipv4_fails" "1 ipv4_fails" \
	"$HE_RC $(jget "$NP_JSON" targets.0.happy_eyeballs.fault)"
assert_match "localhost, :: IPV6_V6ONLY: the words say 127.0.0.1 refuses" "$LH6" "$HE_TEXT"
check_he_vs_ss "localhost, :: IPV6_V6ONLY" "$P"
svc_stop

P=$((P + 1)); svc_netprobe he46 --want 2 "$P"
he_run localhost "$P"
assert_eq "localhost, service on both loopbacks: exit 0, no happy-eyeballs fault" "0 None" \
	"$NP_RC $(jpy "$NP_JSON" 'str((t["happy_eyeballs"] or {}).get("fault"))')"
# another 127.x address: it is refused though 127.0.0.1 is bound; only the
# family can be said, not a bind
he_run lh2 "$P"
assert_eq "lh2 (127.0.0.2 and ::1), service on 127.0.0.1 and ::1: exit 1, fault ipv4_fails" "1 ipv4_fails" \
	"$HE_RC $(jget "$NP_JSON" targets.0.happy_eyeballs.fault)"
assert_match "lh2: the general family warning" '^IPv4 addresses fail, IPv6 works' \
	"$(jget "$NP_JSON" targets.0.happy_eyeballs.message)"
assert_no_match "lh2: no word about 127.0.0.1, which ss shows bound" '127\.0\.0\.1' \
	"$(jget "$NP_JSON" targets.0.happy_eyeballs.message)"
check_he_vs_ss "lh2, service on 127.0.0.1 and ::1" "$P"
svc_stop

np_done
