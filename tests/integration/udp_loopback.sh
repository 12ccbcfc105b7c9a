#!/bin/bash
# UDP probes on 127.0.0.1 and ::1 against python peers on kernel-chosen ports:
# an echo peer (open, the echo of --send in exchange.received, local = the
# address the peer's recvfrom() saw), a port no socket takes datagrams on
# (closed, with the ICMP port unreachable the kernel queued: type 3 code 3 for
# IPv4, ICMPv6 type 1 code 4 for ::1; start_closed_port holds it so that no
# test running beside this one can bind it meanwhile), a bound but silent
# socket (open_filtered; tries = 1 + --retries and the socket really got that
# many datagrams), --expect not in the reply (mismatch), and -t -u giving a
# TCP and a UDP probe per address.
# Every document is validated against docs/netprobe.schema.json.  No DNS.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/local_lib.sh"
np_init_local

# unbound_ports ADDR N: N distinct ports below the ephemeral range that nothing
# has bound on ADDR (UDP) right now.
unbound_ports() {
	"$PY" - "$1" "$2" <<'PYEOF'
import random, socket, sys
addr, n = sys.argv[1], int(sys.argv[2])
fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
found = []
for port in random.sample(range(2048, max(low, 4096)), 4 * n):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    try:
        s.bind((addr, port))
        found.append(port)
    except OSError:
        pass
    finally:
        s.close()
    if len(found) == n:
        break
print(" ".join(map(str, found)))
PYEOF
}

ADDRS="127.0.0.1"
if have_ipv6_loopback; then
	ADDRS="$ADDRS ::1"
else
	echo "# ::1 cannot be bound here: IPv6 checks skipped"
fi

# udp_shape DESC FAMILY: what every UDP probe document has
udp_shape() {
	assert_eq "$1: proto udp, socktype dgram, family $2, no TCP_INFO rtt" \
		"[\"udp\",\"dgram\",\"$2\",null,null]" \
		"$(p0 '[p["proto"], p["socktype"], p["family"], p["kernel_rtt_ms"], p["kernel_rttvar_ms"]]')"
	assert_eq "$1: error null exactly when open" "true" "$(p0 '(p["error"] is None) == (p["state"] == "open")')"
}

for A in $ADDRS; do
	case $A in *:*) fam=ipv6; tag="[::1]"; icmp='[6,1,4,"::1"]' ;; *) fam=ipv4; tag=$A; icmp='[4,3,3,"127.0.0.1"]' ;; esac

	# ---------------------------------------------------- echo responder
	start_peer "echo_$fam" --udp "$A" --mode echo
	P_ECHO=$PEER_PORT
	np_doc "$tag echo, --send" 0 -u --send 'hello\x21' "$A" "$P_ECHO"
	udp_shape "$tag echo" "$fam"
	assert_eq "$tag echo: open, 1 try, no ICMP, verdict ok" '["open",1,null,"ok"]' \
		"$(jpy "$NP_JSON" '(lambda p: [p["state"], p["tries"], p["icmp"], t["verdict"]])(t["probes"][0])')"
	assert_eq "$tag echo: exchange sent 6, received 6, the echo of --send" '[6,6,"hello!","68656c6c6f21",null,null]' \
		"$(p0 '[p["exchange"][k] for k in ("sent_bytes", "received_bytes", "received", "received_hex", "expect", "matched")]')"
	assert_eq "$tag echo: reply_ms is a number" "true" "$(p0 'num(p["exchange"]["reply_ms"])')"
	wait_count "echo_$fam" 1 >/dev/null
	assert_eq "$tag echo: local address/port is what the peer's recvfrom() saw" \
		"$(tail -n 1 "$NP_TMP/echo_$fam.peers")" "$(p0 '"%s %d" % (p["local"]["address"], p["local"]["port"])')"

	np_doc "$tag echo, --expect in the reply" 0 -u --send 'PING 1' --expect 'PING' "$A" "$P_ECHO"
	assert_eq "$tag echo, --expect in the reply: open, matched" '["open",true]' \
		"$(p0 '[p["state"], p["exchange"]["matched"]]')"

	np_doc "$tag echo, --expect not in the reply" 2 -u --send 'PING 1' --expect 'PONG' "$A" "$P_ECHO"
	udp_shape "$tag echo, --expect not in the reply" "$fam"
	assert_eq "$tag echo, --expect not in the reply: mismatch, MISMATCH, matched false, echo kept" \
		'["mismatch","MISMATCH",false,"PING 1","down"]' \
		"$(jpy "$NP_JSON" '(lambda p: [p["state"], p["error"]["code"], p["exchange"]["matched"], p["exchange"]["received"], t["verdict"]])(t["probes"][0])')"

	np_run -u --send 'hello' "$A" "$P_ECHO"
	assert_rc 0 "$tag echo, text: exit 0"
	assert_match "$tag echo, text: probe line with udp and open" "^ +$fam +$A +$P_ECHO/udp +open " "$(np_stdout)"

	# ---------------------------------------------------- no socket takes it
	start_closed_port "closed_$fam"
	CP=$CLOSED_PORT
	np_doc "$tag closed port" 2 -u "$A" "$CP"
	udp_shape "$tag closed port" "$fam"
	assert_eq "$tag closed port: closed, ECONNREFUSED, verdict down" '["closed","ECONNREFUSED","down"]' \
		"$(jpy "$NP_JSON" '(lambda p: [p["state"], p["error"]["code"], t["verdict"]])(t["probes"][0])')"
	assert_eq "$tag closed port: icmp version, type, code, from" "$icmp" \
		"$(p0 '[p["icmp"][k] for k in ("version", "type", "code", "from")]')"
	assert_eq "$tag closed port: icmp description" "port unreachable" "$(p0 'p["icmp"]["description"]')"
	assert_eq "$tag closed port: tries 1 (the ICMP ended it)" "1" "$(p0 'p["tries"]')"

	# ---------------------------------------------------- bound but silent
	start_peer "silent_$fam" --udp "$A" --mode silent
	P_SILENT=$PEER_PORT
	np_doc "$tag silent, --timeout 0.6 --retries 2" 2 -u --timeout 0.6 --retries 2 "$A" "$P_SILENT"
	udp_shape "$tag silent" "$fam"
	assert_eq "$tag silent: open_filtered, ETIMEDOUT, tries 3, no ICMP, nothing received" \
		'["open_filtered","ETIMEDOUT",3,null,0,null]' \
		"$(p0 '[p["state"], p["error"]["code"], p["tries"], p["icmp"], p["exchange"]["received_bytes"], p["exchange"]["reply_ms"]]')"
	assert_eq "$tag silent: the socket received 3 datagrams" "3" "$(wait_count "silent_$fam" 3)"

	np_doc "$tag silent, --retries 0" 2 -u --timeout 0.6 --retries 0 --send 'abc' "$A" "$P_SILENT"
	assert_eq "$tag silent, --retries 0: open_filtered, tries 1, sent 3 bytes" '["open_filtered",1,3]' \
		"$(p0 '[p["state"], p["tries"], p["exchange"]["sent_bytes"]]')"
	assert_eq "$tag silent, --retries 0: one more datagram (4 in all)" "4" "$(wait_count "silent_$fam" 4)"

	np_doc "$tag silent, --retries 1 --send abc" 2 -u --timeout 0.6 --retries 1 --send 'abc' "$A" "$P_SILENT"
	assert_eq "$tag silent, --retries 1: tries 2, sent_bytes counts both datagrams" '[2,6]' \
		"$(p0 '[p["tries"], p["exchange"]["sent_bytes"]]')"
	assert_eq "$tag silent, --retries 1: two more datagrams (6 in all)" "6" "$(wait_count "silent_$fam" 6)"
	# netprobe has exited: nothing more can arrive
	sleep 0.3
	assert_eq "$tag silent: no datagram beyond the tries" "6" "$(head -n 1 "$NP_TMP/silent_$fam.count")"

	# ---------------------------------------------------- 63 closed and a silent one
	# loopback is exempt from the ICMP rate limit: 63 port unreachables come back
	# at once, more than a rate-limited host sends, so nothing is paced and
	# nothing flagged: the silent port keeps its own resends (tries 3)
	read -r -a MANY <<<"$(unbound_ports "$A" 63)"
	np_doc "$tag 63 closed + silent" 2 -u --timeout 1 "$A" "${MANY[@]}" "$P_SILENT"
	assert_eq "$tag 63 closed + silent: 63 closed, one open_filtered" "63 1" \
		"$(jpy "$NP_JSON" '"%d %d" % (sum(p["state"] == "closed" for p in t["probes"]), sum(p["state"] == "open_filtered" for p in t["probes"]))')"
	assert_eq "$tag 63 closed + silent: nothing flagged icmp_rate_limited" "[]" \
		"$(jpy "$NP_JSON" '[p["port"] for p in t["probes"] if p["icmp_rate_limited"] is not False]')"
	assert_eq "$tag 63 closed + silent: the silent port had its 3 tries" "3" \
		"$(jpy "$NP_JSON" '[p["tries"] for p in t["probes"] if p["state"] == "open_filtered"]' | tr -d '[]')"
done

# ---------------------------------------------------- -t -u: both protocols per address
P_BOTH=$(free_port) || fatal "no free port"
for A in $ADDRS; do
	case $A in *:*) n=6 ;; *) n=4 ;; esac
	start_peer "both_udp$n" --udp "$A" --port "$P_BOTH" --mode echo
	start_peer "both_tcp$n" --tcp "$A" --port "$P_BOTH" --mode accept
done
np_doc "127.0.0.1 -t -u" 0 -t -u --send 'x' 127.0.0.1 "$P_BOTH"
assert_eq "127.0.0.1 -t -u: a tcp and a udp probe, both open" '[["tcp","stream","open"],["udp","dgram","open"]]' \
	"$(jpy "$NP_JSON" 'sorted([p["proto"], p["socktype"], p["state"]] for p in t["probes"])')"
assert_eq "127.0.0.1 -t -u: tries null for tcp, 1 for udp; rtt number for tcp only" '[[null,true],[1,false]]' \
	"$(jpy "$NP_JSON" '[[p["tries"], num(p["kernel_rtt_ms"])] for p in sorted(t["probes"], key=lambda p: p["proto"])]')"

if have_ipv6_loopback; then
	printf '127.0.0.1 dual.test\n::1 dual.test\n' >"$NP_TMP/hosts.dual"
	CARES_HOSTS="$NP_TMP/hosts.dual" np_doc "dual.test -t -u" 0 -t -u dual.test "$P_BOTH"
	assert_eq "dual.test -t -u: 2 addresses x (tcp, udp) = 4 probes, all open" \
		'[["ipv4","tcp","open"],["ipv4","udp","open"],["ipv6","tcp","open"],["ipv6","udp","open"]]' \
		"$(jpy "$NP_JSON" 'sorted([p["family"], p["proto"], p["state"]] for p in t["probes"])')"
	assert_eq "dual.test -t -u: summary 4/4, verdict ok, happy_eyeballs without fault" '[4,4,"ok",null]' \
		"$(jpy "$NP_JSON" '[t["summary"]["probes"], t["summary"]["open"], t["verdict"], t["happy_eyeballs"]["fault"]]')"
	start_closed_port closed_dual
	CP=$CLOSED_PORT
	CARES_HOSTS="$NP_TMP/hosts.dual" np_doc "dual.test -u, closed port" 2 -u dual.test "$CP"
	assert_eq "dual.test -u closed port: both closed with ICMPv4 and ICMPv6" '[[4,"closed"],[6,"closed"]]' \
		"$(jpy "$NP_JSON" 'sorted([p["icmp"]["version"], p["state"]] for p in t["probes"])')"
fi

np_done
