#!/bin/bash
# `netprobe listen` over TCP on loopback: the port it reports, the peer address
# it prints (checked against the client's own getsockname(): the probe's JSON
# `local`, python's getsockname(), socat's fixed source port), echo, clients
# that vanish or reset, --max-bytes, --max-clients, SIGINT and its summary,
# --count, --dump, --bind 0.0.0.0 / :: / :: --v6only, and bind errors.
# Traffic only to 127.0.0.1 and ::1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/listen_lib.sh"

np_init_listen
need_socat
have_ipv6_lo || skip "::1 cannot be bound here (no IPv6 loopback)"

# expected counts for the summary of the main server
EXP_CLIENTS=0
EXP_REJECTED=0

# port_hex PORT: the two bytes of PORT in network order, "xxxx"
port_hex() { printf '%02x%02x' $(($1 >> 8)) $(($1 & 255)); }

# probe_client_ok DESC TARGET...: netprobe as the client (--send/--expect), then
# the server's accepted/closed events for the probe's own local port.
probe_client_ok() {
	local d=$1 fam=$2; shift 2
	np_json --send 'hello\n' --expect hello "$@"
	assert_rc 0 "$d: netprobe client exit status 0"
	check_json_basics "$d" "$NP_JSON" "$NP_RC"
	assert_eq "$d: probe open, --expect matched" "open true" \
		"$(jpy "$NP_JSON" '"%s %s" % (t["probes"][0]["state"], json.dumps(t["probes"][0]["exchange"]["matched"]))')"
	assert_eq "$d: echo: received bytes equal the bytes sent (hello\\n)" \
		"$(hex_of 'hello\n') 6 6" \
		"$(jpy "$NP_JSON" '"%s %s %s" % (t["probes"][0]["exchange"]["received_hex"], t["probes"][0]["exchange"]["sent_bytes"], t["probes"][0]["exchange"]["received_bytes"])')"
	local laddr lport
	laddr=$(jget "$NP_JSON" targets.0.probes.0.local.address)
	lport=$(jget "$NP_JSON" targets.0.probes.0.local.port)
	EXP_CLIENTS=$((EXP_CLIENTS + 1))
	wait_ev main "peer('closed', $lport) is not None" || true
	assert_ev "$d: accepted event's peer equals the probe's local {address, port}" \
		"{\"address\":\"$laddr\",\"family\":\"$fam\",\"port\":$lport}" main "peer('accepted', $lport)['peer']"
	assert_ev "$d: accepted on the listening socket of the same family, id > 0" \
		"$fam true" main "'%s %s' % (peer('accepted', $lport)['local']['family'], json.dumps(peer('accepted', $lport)['id'] > 0))"
	assert_ev "$d: peer_sockaddr port bytes are the client's port in network order" \
		"$(port_hex "$lport")" main "[f['hex'] for f in peer('accepted', $lport)['peer_sockaddr']['fields'] if f['name'].endswith('_port')][0]"
	assert_ev "$d: closed: peer closed, no error, 6 bytes in, 6 out" \
		'peer closed None 6 6' main "(lambda e: '%s %s %s %s' % (e['reason'], e['error'], e['bytes_in'], e['bytes_out']))(peer('closed', $lport))"
}

# socat_client_ok DESC FAMILY ADDRESS: socat as the client, from a source port we
# chose, so the server's peer port is known without asking the server.
socat_client_ok() {
	local d=$1 fam=$2 addr=$3 sp out
	sp=$(free_port)
	if [ "$fam" = ipv4 ]; then
		out=$(printf 'socat-ping\n' | timeout -k 2 20 socat -t 5 - "TCP4:$addr:$LPORT,bind=$addr:$sp" 2>"$NP_TMP/socat.err")
	else
		out=$(printf 'socat-ping\n' | timeout -k 2 20 socat -t 5 - "TCP6:[$addr]:$LPORT,bind=[$addr]:$sp" 2>"$NP_TMP/socat.err")
	fi
	EXP_CLIENTS=$((EXP_CLIENTS + 1))
	assert_eq "$d: socat gets its line echoed" "socat-ping" "$out"
	wait_ev main "peer('closed', $sp) is not None" || true
	assert_ev "$d: accepted event's peer is socat's source address and port" \
		"{\"address\":\"$addr\",\"family\":\"$fam\",\"port\":$sp}" main "peer('accepted', $sp)['peer']"
	assert_ev "$d: closed: peer closed, 11 bytes in and out" 'peer closed 11 11' main \
		"(lambda e: '%s %s %s' % (e['reason'], e['bytes_in'], e['bytes_out']))(peer('closed', $sp))"
}

# py_echo_ok DESC ADDR: python client; the server's peer equals its getsockname().
py_echo_ok() {
	local d=$1 addr=$2 fam=ipv4 lport
	case $addr in *:*) fam=ipv6 ;; esac
	cli echo "$addr" "$LPORT" 'py-echo\n'
	EXP_CLIENTS=$((EXP_CLIENTS + 1))
	assert_eq "$d: python client: echo equals what it sent" "$(hex_of 'py-echo\n')" "$(cj 'd.get("received_hex")')"
	lport=$(cj 'd["local"]["port"]')
	wait_ev main "peer('closed', $lport) is not None" || true
	assert_ev "$d: accepted event's peer equals the client's getsockname()" \
		"$(cj 'd["local"]["address"]') $fam $lport" main \
		"(lambda p: '%s %s %s' % (p['address'], p['family'], p['port']))(peer('accepted', $lport)['peer'])"
}

# ================================================================ main server
start_listen main --want 2 --max-clients 2 --max-bytes 4096 0 ||
	fatal "netprobe listen did not start"
assert_true "kernel-chosen port is a real port (1..65535): $LPORT" \
	test "${LPORT:-0}" -ge 1 -a "${LPORT:-0}" -le 65535
assert_ev "default bind: two listening events, 127.0.0.1 and ::1, one port" \
	"[[\"ipv4\",\"127.0.0.1\",$LPORT],[\"ipv6\",\"::1\",$LPORT]]" main \
	'[[e["local"]["family"], e["local"]["address"], e["local"]["port"]] for e in ev("listening")]'
assert_ev "default bind: scope loopback, proto tcp, backlog 128, removed_stale false" \
	'[["loopback","tcp",128,false],["loopback","tcp",128,false]]' main \
	'[[e["scope"], e["proto"], e["backlog"], e["removed_stale"]] for e in ev("listening")]'
assert_ev "default bind: v6only null on 127.0.0.1, true on ::1" '[null,true]' main \
	'[e["v6only"] for e in ev("listening")]'
assert_ev "listening sockaddr: sin_port / sin6_port bytes are the port in network order" \
	"[\"$(port_hex "$LPORT")\",\"$(port_hex "$LPORT")\"]" main \
	'[[f["hex"] for f in e["sockaddr"]["fields"] if f["name"].endswith("_port")][0] for e in ev("listening")]'
assert_ev "listening event is the first line" listening main 'E[0]["event"]'

# --- clients: netprobe, socat, python
probe_client_ok "netprobe client 127.0.0.1" ipv4 127.0.0.1 "$LPORT"
probe_client_ok "netprobe client [::1]" ipv6 "[::1]:$LPORT"
socat_client_ok "socat client 127.0.0.1" ipv4 127.0.0.1
socat_client_ok "socat client ::1" ipv6 ::1
py_echo_ok "python client 127.0.0.1" 127.0.0.1

# --- a client that connects and closes at once
cli vanish 127.0.0.1 "$LPORT"
EXP_CLIENTS=$((EXP_CLIENTS + 1))
VP=$(cj 'd["local"]["port"]')
wait_ev main "peer('closed', $VP) is not None" || true
assert_ev "vanishing client (connect, close): closed 'peer closed', 0 bytes in, error null" \
	'peer closed 0 None' main "(lambda e: '%s %s %s' % (e['reason'], e['bytes_in'], e['error']))(peer('closed', $VP))"

# --- a client that sends, then resets (SO_LINGER 0)
cli rst ::1 "$LPORT" 'rst-me'
EXP_CLIENTS=$((EXP_CLIENTS + 1))
RP=$(cj 'd["local"]["port"]')
assert_eq "resetting client got its echo before the RST" "$(hex_of 'rst-me')" "$(cj 'd["received_hex"]')"
wait_ev main "peer('closed', $RP) is not None" || true
assert_ev "resetting client: closed 'reset (ECONNRESET)', error.code ECONNRESET" \
	'reset (ECONNRESET) ECONNRESET' main \
	"(lambda e: '%s %s' % (e['reason'], (e['error'] or {}).get('code')))(peer('closed', $RP))"
assert_true "server still runs after a vanished and a reset client" server_alive
py_echo_ok "python client after the reset" ::1

# --- a flooding client: more than --max-bytes 4096
cli flood 127.0.0.1 "$LPORT" 262144
EXP_CLIENTS=$((EXP_CLIENTS + 1))
FP=$(cj 'd["local"]["port"]')
assert_match "flooding client: the server ended the connection (eof or reset)" '^(eof|reset)$' "$(cj 'd["end"]')"
wait_ev main "peer('closed', $FP) is not None" || true
assert_ev "flooding client: closed 'over --max-bytes: cut off'" 'over --max-bytes: cut off' main \
	"peer('closed', $FP)['reason']"
assert_ev "flooding client: bytes_in at least 4096, at most what it sent" true main \
	"4096 <= peer('closed', $FP)['bytes_in'] <= $(cj 'd["sent"]')"
assert_true "server still runs after the flood" server_alive
py_echo_ok "python client after the flood" 127.0.0.1

# --- --max-clients 2: hold two, a third is rejected
cli hold 127.0.0.1 "$LPORT" 2 'hold'
EXP_CLIENTS=$((EXP_CLIENTS + 2))
EXP_REJECTED=$((EXP_REJECTED + 1))
XP=$(cj 'd["extra"]["local"]["port"]')
assert_eq "two held clients both got their echo" "[\"$(hex_of hold)\",\"$(hex_of hold)\"]" "$(cj 'd["held_echoes"]')"
assert_eq "third client at once: no data, the server closed it" "true" \
	"$(cj 'd["extra"]["received_hex"] == "" and d["extra"]["end"] in ("eof", "reset")')"
wait_ev main "peer('rejected', $XP) is not None" || true
assert_ev "third client: a 'rejected' event for its port, address 127.0.0.1" "127.0.0.1" main \
	"peer('rejected', $XP)['peer']['address']"
assert_ev "rejected event says over --max-clients" true main "'max-clients' in peer('rejected', $XP)['reason']"
assert_ev "no 'accepted' event for the rejected client" true main "peer('accepted', $XP) is None"
H1=$(cj 'd["held"][0]["port"]'); H2=$(cj 'd["held"][1]["port"]')
wait_ev main "peer('closed', $H1) is not None and peer('closed', $H2) is not None" || true
assert_ev "held clients were accepted and later closed by the peer" '["peer closed","peer closed"]' main \
	"[peer('closed', $H1)['reason'], peer('closed', $H2)['reason']]"
py_echo_ok "python client after the held ones left" 127.0.0.1

# --- a client still connected when SIGINT comes
STAY_OUT="$NP_TMP/stay.out"
timeout -k 2 30 "$PY" "$LISTEN_CLIENT" --timeout 20 stay ::1 "$LPORT" 'stay' >"$STAY_OUT" 2>"$NP_TMP/stay.err" &
STAY_PID=$!
np_bg_register "$STAY_PID"
for i in $(seq 1 "$NP_POLLS"); do [ -s "$STAY_OUT" ] && break; sleep 0.05; done
EXP_CLIENTS=$((EXP_CLIENTS + 1))
SP=$(head -n 1 "$STAY_OUT" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["local"]["port"])' 2>/dev/null)
assert_ev "a client is connected (accepted, not closed) before SIGINT" true main \
	"peer('accepted', ${SP:-0}) is not None and peer('closed', ${SP:-0}) is None"

# --- SIGINT: summary, exit 0
stop_listen main INT
assert_eq "SIGINT: netprobe listen exits 0" 0 "$LRC"
wait "$STAY_PID" 2>/dev/null
assert_eq "the connected client saw the server close (eof)" eof \
	"$(sed -n 2p "$STAY_OUT" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["end"])' 2>/dev/null)"
assert_ev "the connected client's closed event says 'server stopping'" 'server stopping' main \
	"peer('closed', ${SP:-0})['reason']"
assert_ev "exactly one summary, the last line" 'true' main 'len(ev("summary")) == 1 and E[-1]["event"] == "summary"'
assert_ev "summary: signal SIGINT" SIGINT main 'ev("summary")[0]["signal"]'
assert_ev "summary: clients = the $EXP_CLIENTS clients this test made, rejected = $EXP_REJECTED, datagrams 0" \
	"$EXP_CLIENTS $EXP_REJECTED 0" main \
	'(lambda s: "%s %s %s" % (s["clients"], s["rejected"], s["datagrams"]))(ev("summary")[0])'
assert_ev "every accepted client has exactly one closed event" true main \
	'sorted(e["id"] for e in ev("accepted")) == sorted(e["id"] for e in ev("closed")) and len(ev("accepted")) == len(ev("closed"))'
assert_ev "summary bytes_in/bytes_out = the sums over the closed events" true main \
	'ev("summary")[0]["bytes_in"] == sum(e["bytes_in"] for e in ev("closed")) and ev("summary")[0]["bytes_out"] == sum(e["bytes_out"] for e in ev("closed"))'
assert_ev "client ids are unique" true main \
	'len(set(e["id"] for e in ev("accepted") + ev("rejected"))) == len(ev("accepted")) + len(ev("rejected"))'

# ================================================================ --count 2
start_listen count --want 2 --count 2 0 || fatal "netprobe listen --count did not start"
np_json 127.0.0.1 "$LPORT"
assert_rc 0 "--count 2: first client (netprobe) connects"
out=$(printf 'c2\n' | timeout -k 2 20 socat -t 5 - "TCP6:[::1]:$LPORT" 2>&1)
assert_eq "--count 2: second client (socat) gets its echo" c2 "$out"
wait_exit count
assert_eq "--count 2: netprobe listen stops by itself after 2 clients, exit 0" 0 "$LRC"
assert_ev "--count 2: summary with signal null and 2 clients" 'None 2' count \
	'"%s %s" % (ev("summary")[0]["signal"], ev("summary")[0]["clients"])'

# ================================================================ --dump (text)
start_listen dump --text --dump 127.0.0.1 0 || fatal "netprobe listen --dump did not start"
LPORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)\/tcp.*/\1/p' "$NP_TMP/dump.ev" | head -n 1)
assert_match "--dump text: the listening line names the port" '^[0-9]+$' "$LPORT"
cli echo 127.0.0.1 "${LPORT:-1}" 'dump\n'
DP=$(cj 'd["local"]["port"]')
for i in $(seq 1 "$NP_POLLS"); do grep -q "closed 127.0.0.1:$DP" "$NP_TMP/dump.ev" && break; sleep 0.05; done
stop_listen dump TERM
assert_eq "--dump: SIGTERM, exit 0" 0 "$LRC"
DUMP=$(cat "$NP_TMP/dump.ev")
assert_match "--dump text: accepted line names the client's address and port" \
	"accepted from 127\.0\.0\.1:$DP on 127\.0\.0\.1:$LPORT" "$DUMP"
assert_match "--dump text: sin_port bytes of the client's port $DP in network order ($(printf '%02x %02x' $((DP >> 8)) $((DP & 255))))" \
	"\+2 +$(printf '%02x %02x' $((DP >> 8)) $((DP & 255))) +sin_port = $DP \(network byte order\)" "$DUMP"
assert_match "--dump text: sin_addr bytes 7f 00 00 01" '\+4 +7f 00 00 01 +sin_addr = 127\.0\.0\.1' "$DUMP"
assert_match "--dump text: sin_family 2 in host byte order" \
	"\+0 +$(if [ "$("$PY" -c 'import sys; print(sys.byteorder)')" = little ]; then echo '02 00'; else echo '00 02'; fi) +sin_family = 2 \(host byte order\)" "$DUMP"
assert_match "text summary says stopped by SIGTERM" '^summary: 1 client, .*stopped by SIGTERM' "$DUMP"

# ================================================================ --bind 0.0.0.0
start_listen any4 --bind 0.0.0.0 --max-clients 4 0 || fatal "netprobe listen --bind 0.0.0.0 did not start"
assert_ev "--bind 0.0.0.0: one listening event, 0.0.0.0, scope all_interfaces, v6only null" \
	'[["ipv4","0.0.0.0","all_interfaces",null]]' any4 \
	'[[e["local"]["family"], e["local"]["address"], e["scope"], e["v6only"]] for e in ev("listening")]'
cli echo 127.0.0.1 "$LPORT" 'any4'
assert_eq "--bind 0.0.0.0: a client to 127.0.0.1 gets the echo" "$(hex_of any4)" "$(cj 'd.get("received_hex")')"
stop_listen any4 TERM
assert_eq "--bind 0.0.0.0: SIGTERM, exit 0" 0 "$LRC"

# ================================================================ --bind :: (dual-stack)
for flags in "--bind ::" "--bind :: --dual-stack"; do
	# shellcheck disable=SC2086
	start_listen any6 $flags --max-clients 4 0 || fatal "netprobe listen $flags did not start"
	assert_ev "$flags: one listening event on ::, scope all_interfaces, v6only false" \
		'[["ipv6","::","all_interfaces",false]]' any6 \
		'[[e["local"]["family"], e["local"]["address"], e["scope"], e["v6only"]] for e in ev("listening")]'
	cli echo 127.0.0.1 "$LPORT" 'dual'
	assert_eq "$flags: an IPv4 client (127.0.0.1) gets the echo" "$(hex_of dual)" "$(cj 'd.get("received_hex")')"
	P4=$(cj 'd["local"]["port"]')
	wait_ev any6 "peer('accepted', ${P4:-0}) is not None" || true
	assert_ev "$flags: the IPv4 client's peer shows as ::ffff:127.0.0.1, its own port" \
		"ipv6 ::ffff:127.0.0.1 $P4" any6 \
		"(lambda p: '%s %s %s' % (p['family'], p['address'], p['port']))(peer('accepted', ${P4:-0})['peer'])"
	assert_ev "$flags: peer_sockaddr is a sockaddr_in6 holding ::ffff:7f00:1" \
		'sockaddr_in6 00000000000000000000ffff7f000001' any6 \
		"(lambda s: '%s %s' % (s['struct'], [f['hex'] for f in s['fields'] if f['name'] == 'sin6_addr'][0]))(peer('accepted', ${P4:-0})['peer_sockaddr'])"
	np_json "[::1]:$LPORT"
	assert_rc 0 "$flags: an IPv6 client (::1) connects"
	stop_listen any6 TERM
	assert_eq "$flags: SIGTERM, exit 0" 0 "$LRC"
done

# ================================================================ --bind :: --v6only
start_listen v6only --bind :: --v6only 0 || fatal "netprobe listen --bind :: --v6only did not start"
assert_ev "--bind :: --v6only: v6only true, scope all_interfaces" '[["::",true,"all_interfaces"]]' v6only \
	'[[e["local"]["address"], e["v6only"], e["scope"]] for e in ev("listening")]'
np_json 127.0.0.1 "$LPORT"
assert_rc 2 "--v6only: netprobe to 127.0.0.1 gets nothing (exit 2)"
assert_eq "--v6only: the IPv4 probe is closed (ECONNREFUSED)" "closed ECONNREFUSED" \
	"$(jpy "$NP_JSON" '"%s %s" % (t["probes"][0]["state"], (t["probes"][0]["error"] or {}).get("code"))')"
cli echo 127.0.0.1 "$LPORT" 'v4'
assert_eq "--v6only: python IPv4 connect to 127.0.0.1 is refused" ConnectionRefusedError "$(cj 'd.get("error")')"
cli echo ::1 "$LPORT" 'v6'
assert_eq "--v6only: the IPv6 client (::1) gets the echo" "$(hex_of v6)" "$(cj 'd.get("received_hex")')"
stop_listen v6only TERM
assert_eq "--v6only: SIGTERM, exit 0" 0 "$LRC"
assert_ev "--v6only: no IPv4 client ever reached it" true v6only \
	'all(e["peer"]["family"] == "ipv6" and not e["peer"]["address"].startswith("::ffff:") for e in ev("accepted"))'

# ================================================================ --reply on a stream
start_listen banner --reply 'BANNER\n' 127.0.0.1 0 || fatal "netprobe listen --reply did not start"
np_json --expect BANNER 127.0.0.1 "$LPORT"
assert_rc 0 "--reply: netprobe --expect BANNER (sending nothing) matches"
assert_eq "--reply: the banner arrives on accept, escapes decoded (BANNER\\n)" "$(hex_of 'BANNER\n') true" \
	"$(jpy "$NP_JSON" '"%s %s" % (t["probes"][0]["exchange"]["received_hex"], json.dumps(t["probes"][0]["exchange"]["matched"]))')"
out=$(printf 'not echoed\n' | timeout -k 2 20 socat -t 5 - "TCP4:127.0.0.1:$LPORT" 2>&1)
assert_eq "--reply: socat gets the banner, not an echo of what it sent" BANNER "$out"
wait_ev banner 'len(ev("closed")) == 2' || true
stop_listen banner TERM
assert_eq "--reply: SIGTERM, exit 0" 0 "$LRC"
assert_ev "--reply: each client got 7 bytes out; socat's 11 bytes in were not echoed" '[[0,7],[11,7]]' banner \
	'[[e["bytes_in"], e["bytes_out"]] for e in ev("closed")]'

# ================================================================ bind errors
start_listener busy 127.0.0.1
BUSY=$LISTEN_PORT
for args in "127.0.0.1 $BUSY" "$BUSY" "--format ndjson 127.0.0.1 $BUSY"; do
	# shellcheck disable=SC2086
	np_run listen $args
	assert_rc 2 "port in use (python listens on 127.0.0.1:$BUSY), listen $args: exit 2"
	assert_eq "listen $args: exactly one stderr line" 1 "$(wc -l <"$NP_ERR")"
	assert_match "listen $args: stderr names the address and says in use" \
		"^netprobe: .*127\.0\.0\.1:$BUSY.*(in use|EADDRINUSE)" "$(cat "$NP_ERR")"
	assert_eq "listen $args: nothing on stdout" "" "$(cat "$NP_OUT")"
done
assert_eq "the python listener was not disturbed" 0 "$(helper_count busy)"

if [ "$(id -u)" -ne 0 ]; then
	echo "# skip: port 80 as a non-root user: needs root to switch to nobody"
elif [ "$(sysctl -n net.ipv4.ip_unprivileged_port_start 2>/dev/null || echo 1024)" -le 80 ]; then
	echo "# skip: net.ipv4.ip_unprivileged_port_start <= 80 here: anyone may bind port 80"
elif ! command -v setpriv >/dev/null 2>&1; then
	echo "# skip: setpriv not found (util-linux)"
elif ! setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$NETPROBE"; then
	echo "# skip: user nobody cannot execute $NETPROBE"
else
	for a in 127.0.0.1 ::1; do
		np_run_nobody() {
			NP_RUN_N=$((NP_RUN_N + 1))
			NP_OUT="$NP_TMP/run$NP_RUN_N.out"; NP_ERR="$NP_TMP/run$NP_RUN_N.err"
			NP_LAST_CMD="setpriv --reuid=nobody netprobe $*"
			timeout -k 2 "$NP_TIMEOUT_WALL" setpriv --reuid=nobody --regid=nogroup --clear-groups \
				--inh-caps=-all "$NETPROBE" "$@" >"$NP_OUT" 2>"$NP_ERR" </dev/null
			NP_RC=$?
		}
		np_run_nobody listen "$a" 80
		assert_rc 2 "user nobody, listen $a 80: exit 2 (EACCES)"
		assert_eq "user nobody, listen $a 80: one stderr line" 1 "$(wc -l <"$NP_ERR")"
		assert_match "user nobody, listen $a 80: stderr explains ports below 1024" '1024' "$(cat "$NP_ERR")"
	done
fi

# usage errors
np_run listen 70000
assert_rc 3 "listen 70000: usage error, exit 3"
np_run listen
assert_rc 3 "listen without a port: usage error, exit 3"

np_done
