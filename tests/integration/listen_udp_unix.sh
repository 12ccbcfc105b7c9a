#!/bin/bash
# `netprobe listen` for datagrams and Unix sockets: UDP (-u) on 127.0.0.1 and ::1
# (datagram events whose peer is the sender's own getsockname(), echo, --reply,
# --count, netprobe -u and socat as clients), Unix stream on a path (peer_pid
# from SO_PEERCRED equals the client's pid, echo, SIGTERM removes the socket
# file), a stale socket file removed at start, a live one and a regular file
# refused (exit 2, file kept), Unix datagram (client bound to its own path), and
# abstract names.  Traffic only to 127.0.0.1, ::1 and sockets in the temp dir.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/listen_lib.sh"

np_init_listen
need_socat
have_ipv6_lo || skip "::1 cannot be bound here (no IPv6 loopback)"

# udp_check DESC SERVER ADDR DATA N: python sender from (ADDR, kernel port) sends
# DATA N times; every reply is the echo, from the server's port; N datagram
# events with the sender's address and port.
udp_check() {
	local d=$1 srv=$2 addr=$3 data=$4 n=$5 fam=ipv4 sp
	case $addr in *:*) fam=ipv6 ;; esac
	cli udp "$addr" "$LPORT" "$data" "$n"
	assert_eq "$d: $n replies, each the echo of the datagram, from port $LPORT" \
		"$("$PY" -c 'import json,sys; print(json.dumps([{"from_port": int(sys.argv[3]), "hex": sys.argv[1]}] * int(sys.argv[2]), sort_keys=True, separators=(",", ":")))' "$(hex_of "$data")" "$n" "$LPORT")" \
		"$(cj 'd.get("replies")')"
	sp=$(cj 'd["local"]["port"]')
	wait_ev "$srv" "len([e for e in ev('datagram') if e['peer']['port'] == ${sp:-0}]) >= $n" || true
	assert_ev "$d: $n datagram events whose peer is the sender's getsockname() ($addr port $sp)" \
		"$n $(cj 'd["local"]["address"]') $fam" "$srv" \
		"(lambda l: '%d %s' % (len(l), ' '.join(sorted(set('%s %s' % (e['peer']['address'], e['peer']['family']) for e in l)))))([e for e in ev('datagram') if e['peer']['port'] == ${sp:-0}])"
	assert_ev "$d: each datagram event: bytes_in = bytes_out = $(printf '%b' "$data" | wc -c)" true "$srv" \
		"all(e['bytes_in'] == e['bytes_out'] == $(printf '%b' "$data" | wc -c) for e in ev('datagram') if e['peer']['port'] == ${sp:-0})"
}

# ================================================================ UDP, echo
start_listen udp --want 2 -u 0 || fatal "netprobe listen -u did not start"
assert_ev "udp: listening on 127.0.0.1 and ::1, one port, proto udp, backlog null" \
	"[[\"127.0.0.1\",$LPORT,\"udp\",null],[\"::1\",$LPORT,\"udp\",null]]" udp \
	'[[e["local"]["address"], e["local"]["port"], e["proto"], e["backlog"]] for e in ev("listening")]'
udp_check "udp python sender 127.0.0.1" udp 127.0.0.1 'dgram-1\n' 1
udp_check "udp python sender ::1, 3 datagrams" udp ::1 'v6' 3
N_DGRAMS=4

np_json -u --send 'np-udp\n' 127.0.0.1 "$LPORT"
N_DGRAMS=$((N_DGRAMS + 1))
assert_rc 0 "netprobe -u to the listener: exit 0"
check_json_basics "netprobe -u" "$NP_JSON" "$NP_RC"
assert_eq "netprobe -u: state open, received the echo of what it sent" "open $(hex_of 'np-udp\n')" \
	"$(jpy "$NP_JSON" '"%s %s" % (t["probes"][0]["state"], t["probes"][0]["exchange"]["received_hex"])')"
PP=$(jget "$NP_JSON" targets.0.probes.0.local.port)
wait_ev udp "peer('datagram', ${PP:-0}) is not None" || true
assert_ev "netprobe -u: the datagram event's peer is the probe's local {address, port}" \
	"{\"address\":\"$(jget "$NP_JSON" targets.0.probes.0.local.address)\",\"family\":\"ipv4\",\"port\":$PP}" udp \
	"peer('datagram', ${PP:-0})['peer']"

np_json -u --send 'np6' "[::1]:$LPORT"
N_DGRAMS=$((N_DGRAMS + 1))
assert_eq "netprobe -u [::1]: exit 0, open, echo" "0 open $(hex_of np6)" \
	"$NP_RC $(jpy "$NP_JSON" '"%s %s" % (t["probes"][0]["state"], t["probes"][0]["exchange"]["received_hex"])')"

SP=$(free_port)
out=$(printf 'socat-udp' | timeout -k 2 20 socat -t 2 - "UDP4:127.0.0.1:$LPORT,bind=127.0.0.1:$SP" 2>&1)
N_DGRAMS=$((N_DGRAMS + 1))
assert_eq "socat UDP client gets the echo" socat-udp "$out"
wait_ev udp "peer('datagram', $SP) is not None" || true
assert_ev "socat UDP: datagram event's peer is socat's source 127.0.0.1:$SP" "127.0.0.1 9" udp \
	"'%s %s' % (peer('datagram', $SP)['peer']['address'], peer('datagram', $SP)['bytes_in'])"

stop_listen udp INT
assert_eq "udp: SIGINT, exit 0" 0 "$LRC"
assert_ev "udp: summary: signal SIGINT, $N_DGRAMS datagrams, 0 clients, 0 rejected" "SIGINT $N_DGRAMS 0 0" udp \
	'(lambda s: "%s %s %s %s" % (s["signal"], s["datagrams"], s["clients"], s["rejected"]))(ev("summary")[0])'
assert_ev "udp: summary bytes = the sums over the datagram events; one datagram event each; ids unique" true udp \
	'(lambda s: s["bytes_in"] == sum(e["bytes_in"] for e in ev("datagram")) and s["bytes_out"] == sum(e["bytes_out"] for e in ev("datagram")) and len(ev("datagram")) == s["datagrams"] and len(set(e["id"] for e in ev("datagram"))) == s["datagrams"])(ev("summary")[0])'

# ================================================================ UDP, --reply
start_listen reply --want 2 -u --reply 'PONG' 0 || fatal "netprobe listen -u --reply did not start"
cli udp 127.0.0.1 "$LPORT" 'ping' 1
assert_eq "udp --reply PONG: the answer is PONG, not the echo" "$(hex_of PONG)" "$(cj 'd["replies"][0] and d["replies"][0]["hex"]')"
np_json -u --send 'ping' --expect PONG "[::1]:$LPORT"
assert_eq "udp --reply: netprobe -u --expect PONG matches (exit 0)" "0 true" \
	"$NP_RC $(jpy "$NP_JSON" 'json.dumps(t["probes"][0]["exchange"]["matched"])')"
stop_listen reply TERM
assert_ev "udp --reply: 2 datagrams, each 4 bytes in and 4 (PONG) out" '[[4,4],[4,4]]' reply \
	'[[e["bytes_in"], e["bytes_out"]] for e in ev("datagram")]'

# ================================================================ UDP, --count
start_listen ucount --want 2 -u --count 3 0 || fatal "netprobe listen -u --count 3 did not start"
cli udp 127.0.0.1 "$LPORT" 'c' 3
assert_eq "udp --count 3: all 3 datagrams answered" 3 "$(cj 'len([r for r in d["replies"] if r])')"
wait_exit ucount
assert_eq "udp --count 3: stops by itself after 3 datagrams, exit 0" 0 "$LRC"
assert_ev "udp --count 3: summary with signal null, 3 datagrams" 'None 3' ucount \
	'"%s %s" % (ev("summary")[0]["signal"], ev("summary")[0]["datagrams"])'

# ================================================================ Unix stream
D="$NP_TMP/sock"
mkdir -p "$D"
US="$D/stream.sock"
start_listen ux "unix:$US" || fatal "netprobe listen unix: did not start"
assert_ev "unix stream: listening on the path, family unix, scope local, port null, removed_stale false" \
	"[\"unix\",\"$US\",\"local\",null,false,\"unix\"]" ux \
	'(lambda e: [e["local"]["family"], e["local"]["address"], e["scope"], e["local"]["port"], e["removed_stale"], e["proto"]])(E[0])'
assert_ev "unix stream: listening sockaddr is a sockaddr_un whose sun_path is the path" \
	"sockaddr_un $US" ux '(lambda s: "%s %s" % (s["struct"], [f["value"] for f in s["fields"] if f["name"] == "sun_path"][0]))(E[0]["sockaddr"])'
assert_true "unix stream: $US exists and is a socket" test -S "$US"

cli unix "$US" 'ux-hello\n'
CPID=$(cj 'd["pid"]')
assert_eq "unix stream: python client gets the echo" "$(hex_of 'ux-hello\n')" "$(cj 'd.get("received_hex")')"
wait_ev ux 'len(ev("closed")) >= 1' || true
assert_ev "unix stream: accepted event's peer_pid is the client's pid ($CPID), peer_uid $(id -u)" \
	"$CPID $(id -u)" ux '"%s %s" % (ev("accepted")[0]["peer_pid"], ev("accepted")[0]["peer_uid"])'
assert_ev "unix stream: closed: peer closed, bytes in = out = 9" 'peer closed 9 9' ux \
	'(lambda e: "%s %s %s" % (e["reason"], e["bytes_in"], e["bytes_out"]))(ev("closed")[0])'

out=$(printf 'socat-ux\n' | timeout -k 2 20 socat -t 5 - "UNIX-CONNECT:$US" 2>&1)
assert_eq "unix stream: socat gets the echo" socat-ux "$out"
np_json --send 'np-unix\n' "unix:$US"
assert_eq "unix stream: netprobe unix: probe exit 0, open, echo" "0 open $(hex_of 'np-unix\n')" \
	"$NP_RC $(jpy "$NP_JSON" '"%s %s" % (t["probes"][0]["state"], t["probes"][0]["exchange"]["received_hex"])')"
check_json_basics "netprobe unix: probe" "$NP_JSON" "$NP_RC"
assert_ev "unix stream: every accepted client has a pid and a uid (SO_PEERCRED)" true ux \
	'all(isinstance(e["peer_pid"], int) and e["peer_pid"] > 0 and e["peer_uid"] == os.getuid() for e in ev("accepted"))' 

# a second server on the live path: refused, the first keeps its file
np_run listen "unix:$US"
assert_rc 2 "unix stream: a second listen on the live path: exit 2"
assert_match "unix stream: ...stderr says in use (EADDRINUSE)" '^netprobe: .*(in use|EADDRINUSE)' "$(cat "$NP_ERR")"
assert_eq "unix stream: ...one stderr line, nothing on stdout" "1 " "$(wc -l <"$NP_ERR") $(cat "$NP_OUT")"
assert_true "unix stream: the live server still runs" server_alive
assert_true "unix stream: the live server's socket file is still there" test -S "$US"
out=$(printf 'still\n' | timeout -k 2 20 socat -t 5 - "UNIX-CONNECT:$US" 2>&1)
assert_eq "unix stream: the live server still echoes" still "$out"

stop_listen ux TERM
assert_eq "unix stream: SIGTERM, exit 0" 0 "$LRC"
assert_ev "unix stream: summary: signal SIGTERM, clients = accepted events (>= 4), bytes = sums" true ux \
	'(lambda s: s["signal"] == "SIGTERM" and s["clients"] == len(ev("accepted")) >= 4 and s["bytes_in"] == sum(e["bytes_in"] for e in ev("closed")))(ev("summary")[0])'
assert_true "unix stream: the socket file is gone after SIGTERM" test ! -e "$US"

# ================================================================ stale socket file
ST="$D/stale.sock"
cli stale "$ST"
assert_true "stale: python left a socket file nobody listens on" test -S "$ST"
start_listen stale "unix:$ST" || fatal "netprobe listen on a stale socket file did not start"
assert_ev "stale: removed_stale true" true stale 'json.dumps(E[0]["removed_stale"])'
cli unix "$ST" 'fresh'
assert_eq "stale: the new server echoes" "$(hex_of fresh)" "$(cj 'd.get("received_hex")')"
stop_listen stale INT
assert_eq "stale: SIGINT, exit 0" 0 "$LRC"
assert_true "stale: the socket file is gone after SIGINT" test ! -e "$ST"

# ================================================================ a regular file in the way
RF="$D/regular"
printf 'keep me\n' >"$RF"
np_run listen "unix:$RF"
assert_rc 2 "regular file at the path: exit 2"
assert_match "regular file: stderr says it is not a socket" '^netprobe: .*not a socket' "$(cat "$NP_ERR")"
assert_eq "regular file: one stderr line" 1 "$(wc -l <"$NP_ERR")"
assert_eq "regular file: still there, content unchanged" 'keep me' "$(cat "$RF" 2>&1)"
np_run listen -u "unix:$RF"
assert_rc 2 "regular file at the path, -u: exit 2"
assert_eq "regular file, -u: still there, content unchanged" 'keep me' "$(cat "$RF" 2>&1)"

# ================================================================ Unix datagram
UD="$D/dgram.sock"
start_listen udx -u "unix:$UD" || fatal "netprobe listen -u unix: did not start"
assert_ev "unix datagram: listening, proto unix, backlog null" "[\"$UD\",\"unix\",null]" udx \
	'[E[0]["local"]["address"], E[0]["proto"], E[0]["backlog"]]'
cli unixdgram "$UD" "$D/client.sock" 'udx\n'
assert_eq "unix datagram: the client bound to its own path gets the echo from the server's path" \
	"$(hex_of 'udx\n') $UD" "$(cj '"%s %s" % (d.get("received_hex"), d.get("from"))')"
wait_ev udx 'len(ev("datagram")) >= 1' || true
assert_ev "unix datagram: the datagram event's peer is the client's path" \
	"unix $D/client.sock 4 4" udx \
	'(lambda e: "%s %s %s %s" % (e["peer"]["family"], e["peer"]["address"], e["bytes_in"], e["bytes_out"]))(ev("datagram")[0])'
np_run listen -u "unix:$UD"
assert_rc 2 "unix datagram: a second listen -u on the live path: exit 2"
assert_true "unix datagram: the live server still runs, its file still there" test -S "$UD" -a -d "/proc/$LPID"
stop_listen udx INT
assert_eq "unix datagram: SIGINT, exit 0" 0 "$LRC"
assert_ev "unix datagram: summary 1 datagram, signal SIGINT" "1 SIGINT" udx \
	'"%s %s" % (ev("summary")[0]["datagrams"], ev("summary")[0]["signal"])'
assert_true "unix datagram: the socket file is gone after SIGINT" test ! -e "$UD"

# an unbound sender has no address: recvfrom() gives addrlen 0 and writes no
# sockaddr, so the event must say so (unix, empty address, null port, no
# sockaddr) and the server cannot answer.  The first datagram on a fresh server.
start_listen udxu -u "unix:$D/dgram-unbound.sock" || fatal "netprobe listen -u unix: did not start"
cli unbound "$D/dgram-unbound.sock" 'nobody'
wait_ev udxu 'len(ev("datagram")) >= 1' || true
assert_ev "unix datagram from an unbound sender (first datagram): peer {unix, \"\", null}, peer_sockaddr null, nothing sent back" \
	'{"address":"","family":"unix","port":null} None 6 0' udxu \
	'(lambda e: "%s %s %s %s" % (json.dumps(e["peer"], sort_keys=True, separators=(",", ":")), e["peer_sockaddr"], e["bytes_in"], e["bytes_out"]))(ev("datagram")[0])'
cli unixdgram "$D/dgram-unbound.sock" "$D/client2.sock" 'after'
assert_eq "unix datagram: after an unbound sender, a bound client still gets the echo" "$(hex_of after)" "$(cj 'd.get("received_hex")')"
stop_listen udxu TERM
assert_eq "unix datagram (unbound sender): SIGTERM, exit 0" 0 "$LRC"

# a stale datagram socket file (bound by python, closed) is removed at start too
"$PY" -c 'import socket, sys; s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.close()' "$D/stale-dgram.sock"
start_listen udxs -u "unix:$D/stale-dgram.sock" || fatal "netprobe listen -u on a stale file did not start"
assert_ev "unix datagram on a stale socket file: removed_stale true" true udxs 'json.dumps(E[0]["removed_stale"])'
stop_listen udxs TERM
assert_true "unix datagram stale: exit 0 and the file is gone" test "$LRC" = 0 -a ! -e "$D/stale-dgram.sock"

# ================================================================ abstract names
AB="netprobe-it-$$-$RANDOM"
start_listen abs "unix:@$AB" || fatal "netprobe listen unix:@ did not start"
assert_ev "abstract: listening address @$AB, removed_stale false" "@$AB false" abs \
	'"%s %s" % (E[0]["local"]["address"], json.dumps(E[0]["removed_stale"]))'
assert_ev "abstract: sun_path starts with a NUL byte" true abs \
	'[f["hex"] for f in E[0]["sockaddr"]["fields"] if f["name"] == "sun_path"][0].startswith("00")'
cli unix "@$AB" 'abs-hi'
CPID=$(cj 'd["pid"]')
assert_eq "abstract: python client gets the echo" "$(hex_of abs-hi)" "$(cj 'd.get("received_hex")')"
wait_ev abs 'len(ev("accepted")) >= 1' || true
assert_ev "abstract: peer_pid is the client's pid" "$CPID" abs 'ev("accepted")[0]["peer_pid"]'
out=$(printf 'socat-abs\n' | timeout -k 2 20 socat -t 5 - "ABSTRACT-CONNECT:$AB" 2>&1)
assert_eq "abstract: socat gets the echo" socat-abs "$out"
np_json --send 'np-abs' "unix:@$AB"
assert_eq "abstract: netprobe unix:@ probe exit 0, open, echo" "0 open $(hex_of np-abs)" \
	"$NP_RC $(jpy "$NP_JSON" '"%s %s" % (t["probes"][0]["state"], t["probes"][0]["exchange"]["received_hex"])')"
stop_listen abs TERM
assert_eq "abstract: SIGTERM, exit 0" 0 "$LRC"
assert_ev "abstract: summary 3 clients" 3 abs 'ev("summary")[0]["clients"]'

start_listen absd -u "unix:@$AB-d" || fatal "netprobe listen -u unix:@ did not start"
cli unixdgram "@$AB-d" "@$AB-c" 'adg'
assert_eq "abstract datagram: the client (bound to @$AB-c) gets the echo from @$AB-d" \
	"$(hex_of adg) @$AB-d" "$(cj '"%s %s" % (d.get("received_hex"), d.get("from"))')"
wait_ev absd 'len(ev("datagram")) >= 1' || true
assert_ev "abstract datagram: the datagram event's peer is @$AB-c" "@$AB-c" absd 'ev("datagram")[0]["peer"]["address"]'
stop_listen absd TERM
assert_eq "abstract datagram: SIGTERM, exit 0" 0 "$LRC"

np_done
