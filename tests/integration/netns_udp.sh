#!/bin/bash
# UDP probe states on real packets, in the netns testbed (netns_lib.sh): open (a
# responder echoes the datagram; knotd answers the DNS query netprobe sends to
# port 53), mismatch (--expect not in the reply), closed (ICMP port unreachable
# from the remote kernel), open_filtered (nft drop: tries = retries + 1, and the
# nft counter saw exactly that many datagrams), unreachable (nft reject with ICMP
# host/address unreachable), filtered (nft reject with ICMP admin prohibited),
# and the same ICMP from a router's unreachable/prohibit routes; IPv4 and IPv6.
# Needs root, ip and nft; SKIPs (77) otherwise.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/netns_lib.sh"
np_init
np_need_root_netns
testbed_up
netns_remote_rules
# the responder also listens on the ports nft drops or rejects: without the
# rule each would answer (open), so the state seen can only be the rule's
start_ns_udp udp "$R4" "$R6" -- "$P_UDP_OPEN" "$P_UDP_DROP" "$P_UDP_HOSTUNR" "$P_UDP_ADMIN"
start_ns_knot

# udp_case DESC ADDR PORT STATE CODE COUNTER [ARGS...]: one UDP probe, JSON;
# checks exit status, verdict, schema, state, proto, error, tries, local address;
# with COUNTER (an nft counter in the remote, "-" for none) that the rule saw
# exactly as many datagrams as netprobe says it sent.
udp_case() {
	local d=$1 addr=$2 port=$3 state=$4 code=$5 counter=$6 before after rc verdict laddr
	shift 6
	[ "$counter" = - ] || before=$(nft_counter "$counter")
	np_json_in "$NS_CLIENT" -u "$@" "$addr" "$port"
	if [ "$state" = open ]; then rc=0 verdict=ok; else rc=2 verdict=down; fi
	check_run_basics "$d" "$rc" "$verdict"
	assert_eq "$d: one probe" "1" "$(jpy "$NP_JSON" 'len(t["probes"])')"
	assert_eq "$d: state" "$state" "$(pj 'p["state"]')"
	assert_eq "$d: proto udp, socktype dgram" "udp dgram" "$(pj '"%s %s" % (p["proto"], p.get("socktype"))')"
	assert_eq "$d: address and port probed" "$addr $port" "$(pj '"%s %s" % (p["address"], p["port"])')"
	case $addr in
	198.51.100.*) laddr=$C4 ;;
	2001:db8:100::*) laddr=$C6 ;;
	203.0.113.*) laddr=$CG4 ;;
	*) laddr=$CG6 ;;
	esac
	assert_eq "$d: local.address is the client's address toward $addr" "$laddr" \
		"$(pj 'p["local"] and p["local"]["address"]')"
	assert_eq "$d: tries is an integer >= 1" "true" "$(pj 'isinstance(p.get("tries"), int) and p["tries"] >= 1')"
	assert_eq "$d: kernel_rtt_ms is null (UDP)" "null" "$(pj 'p.get("kernel_rtt_ms")')"
	case $code in
	-) assert_eq "$d: error is null" "null" "$(pj 'p["error"]')" ;;
	"?") ;;  # the caller checks the error
	*) check_probe_error "$d" "$code" ;;
	esac
	if [ "$counter" != - ]; then
		after=$(nft_counter "$counter")
		assert_eq "$d: nft counter $counter saw exactly the datagrams sent (tries)" \
			"$(pj 'p["tries"]')" "$("$PY" -c 'import sys; print(int(sys.argv[2]) - int(sys.argv[1]))' "$before" "$after" 2>&1)"
	fi
}

# check_admin_error DESC ERRNO_NAMES: for an admin-prohibited ICMP the error
# code is one of ERRNO_NAMES (space-separated) and errno is that name's number,
# as the schema says ("symbolic errno name, its number").
check_admin_error() {
	local d=$1 names=$2 code errnum
	code=$(pj 'p["error"] and p["error"]["code"]')
	errnum=$(pj 'p["error"] and p["error"]["errno"]')
	assert_match "$d: error.code is one of: $names" "^(${names// /|})\$" "$code"
	assert_eq "$d: error.errno ($errnum) is the number of error.code ($code)" "$(errno_num "$code")" "$errnum"
}

for fam in 4 6; do
	if [ "$fam" = 4 ]; then A=$R4; else A=$R6; fi

	# open: the responder echoes "echo:" + the datagram
	before=$(helper_count udp)
	udp_case "v$fam open (--send)" "$A" "$P_UDP_OPEN" open - - -T 2 --send "hello-v$fam"
	assert_eq "v$fam open (--send): icmp is null" "null" "$(pj 'p["icmp"]')"
	# 8 bytes per datagram sent (a slow machine may have resent), one echo back
	assert_eq "v$fam open (--send): exchange sent 8 bytes a try, received the 13-byte echo" \
		"True 13 ${UDP_PREFIX}hello-v$fam" \
		"$(pj '"%s %s %s" % (p["exchange"]["sent_bytes"] == 8 * p["tries"], p["exchange"]["received_bytes"], p["exchange"]["received"])')"
	assert_eq "v$fam open (--send): reply_ms is a number" "true" "$(pj 'num(p["exchange"]["reply_ms"])')"
	after=$(helper_count udp)
	assert_eq "v$fam open (--send): the responder received as many datagrams as netprobe sent" \
		"$(pj 'p["tries"]')" "$((after - before))"

	# open: no --send, port not 53/123: an empty datagram, the echo is the prefix
	udp_case "v$fam open (empty datagram)" "$A" "$P_UDP_OPEN" open - - -T 2
	assert_eq "v$fam open (empty datagram): sent 0 bytes, received the bare prefix" \
		"0 ${#UDP_PREFIX} $UDP_PREFIX" \
		"$(pj '"%s %s %s" % (p["exchange"]["sent_bytes"], p["exchange"]["received_bytes"], p["exchange"]["received"])')"

	# --expect: found -> open, matched; absent -> mismatch (the reply was real)
	udp_case "v$fam open (--expect found)" "$A" "$P_UDP_OPEN" open - - -T 2 --send ping --expect "${UDP_PREFIX}ping"
	assert_eq "v$fam open (--expect found): matched" "true" "$(pj 'p["exchange"]["matched"]')"
	udp_case "v$fam mismatch (--expect absent)" "$A" "$P_UDP_OPEN" mismatch "?" - -T 2 --send ping --expect pong
	assert_eq "v$fam mismatch: error.code MISMATCH" "MISMATCH" "$(pj 'p["error"] and p["error"]["code"]')"
	assert_eq "v$fam mismatch: received the echo, matched false" "${UDP_PREFIX}ping false" \
		"$(pj '"%s %s" % (p["exchange"]["received"], json.dumps(p["exchange"]["matched"]))')"

	# port 53: netprobe sends a DNS query (". NS", ID 0x6e70); knotd answers
	udp_case "v$fam open (DNS on 53, knotd)" "$A" 53 open - - -T 2
	assert_eq "v$fam DNS on 53: sent the 17-byte query" "17" "$(pj 'p["exchange"]["sent_bytes"]')"
	assert_eq "v$fam DNS on 53: the reply has our ID 6e70 and QR set" "6e70 1" \
		"$(pj '"%s %d" % (p["exchange"]["received_hex"].replace(" ", "")[:4], int(p["exchange"]["received_hex"].replace(" ", "")[4:6], 16) >> 7)')"
	rcode=$(ns_kdig "$A" . NS | sed -n 's/.*status: \([A-Z]*\).*/\1/p' | head -n 1)
	assert_eq "v$fam DNS on 53: the reply's rcode is the one kdig gets from knotd ($rcode)" \
		"$rcode" "$(pj '{0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}.get(int(p["exchange"]["received_hex"].replace(" ", "")[7], 16), "?")')"

	# closed: nothing listens; the remote kernel answers ICMP port unreachable
	if [ "$fam" = 4 ]; then icmp="4 3 3"; else icmp="6 1 4"; fi
	udp_case "v$fam closed (ICMP port unreachable)" "$A" "$P_UDP_CLOSED" closed ECONNREFUSED - -T 2
	check_icmp "v$fam closed (ICMP port unreachable)" "$icmp" "$A"

	# open_filtered: nft drops every datagram; 1 + 2 retries, all seen by nft,
	# none by the responder that listens behind the rule
	before=$(helper_count udp)
	udp_case "v$fam open_filtered (nft drop)" "$A" "$P_UDP_DROP" open_filtered ETIMEDOUT udp_drop -T 1 --retries 2
	assert_eq "v$fam open_filtered: tries = retries + 1 = 3" "3" "$(pj 'p["tries"]')"
	assert_eq "v$fam open_filtered: icmp is null" "null" "$(pj 'p["icmp"]')"
	assert_eq "v$fam open_filtered: time_ms is at least the 1 s timeout" "true" "$(pj 'num(p["time_ms"]) and p["time_ms"] >= 1000')"
	assert_eq "v$fam open_filtered: exchange sent 0 bytes (3 empty datagrams), received none" "0 0" \
		"$(pj '"%s %s" % (p["exchange"]["sent_bytes"], p["exchange"]["received_bytes"])')"
	assert_eq "v$fam open_filtered: the responder behind the rule got nothing" "$before" "$(helper_count udp)"
	udp_case "v$fam open_filtered (--retries 0)" "$A" "$P_UDP_DROP" open_filtered ETIMEDOUT udp_drop -T 1 --retries 0
	assert_eq "v$fam open_filtered (--retries 0): tries 1" "1" "$(pj 'p["tries"]')"

	# unreachable: nft rejects with ICMP host unreachable / ICMPv6 address unreachable
	if [ "$fam" = 4 ]; then icmp="4 3 1"; else icmp="6 1 3"; fi
	udp_case "v$fam unreachable (nft host-unreachable)" "$A" "$P_UDP_HOSTUNR" unreachable EHOSTUNREACH udp_hostunr -T 2
	check_icmp "v$fam unreachable (nft host-unreachable)" "$icmp" "$A"

	# filtered: nft rejects with ICMP admin prohibited.  The kernel's errno is
	# EHOSTUNREACH for ICMPv4 3/13 and EACCES for ICMPv6 1/1.
	if [ "$fam" = 4 ]; then icmp="4 3 13" names="EACCES EHOSTUNREACH"; else icmp="6 1 1" names="EACCES"; fi
	udp_case "v$fam filtered (nft admin-prohibited)" "$A" "$P_UDP_ADMIN" filtered "?" udp_admin -T 2
	check_icmp "v$fam filtered (nft admin-prohibited)" "$icmp" "$A"
	check_admin_error "v$fam filtered (nft admin-prohibited)" "$names"
	assert_match "v$fam filtered (nft admin-prohibited): the message says so" 'administratively prohibited' "$(pj 'p["error"]["message"]')"

	# -t -u together: TCP on the UDP responder's port is refused (closed), UDP
	# is open: two probes, degraded, exit 1
	np_json_in "$NS_CLIENT" -t -u -T 2 "$A" "$P_UDP_OPEN"
	check_run_basics "v$fam -t -u" 1 degraded
	assert_eq "v$fam -t -u: one probe per protocol" "tcp:closed udp:open" \
		"$(jpy "$NP_JSON" '" ".join(sorted("%s:%s" % (p["proto"], p["state"]) for p in t["probes"]))')"
	assert_eq "v$fam -t -u: tries null for tcp, a number for udp" "tcp:null udp:true" \
		"$(jpy "$NP_JSON" '" ".join(sorted("%s:%s" % (p["proto"], "null" if p.get("tries") is None else str(num(p["tries"])).lower()) for p in t["probes"]))')"

	# text: the probe lines carry the state, the ICMP sender, the datagram count
	np_run_in "$NS_CLIENT" -u -T 1 --retries 2 "$A" "$P_UDP_OPEN" "$P_UDP_CLOSED" "$P_UDP_DROP"
	assert_rc 1 "v$fam text: exit 1"
	out=$(np_stdout)
	assert_match "v$fam text: open line" "$P_UDP_OPEN/udp +open " "$out"
	assert_match "v$fam text: closed line names the ICMP sender" "$P_UDP_CLOSED/udp +closed .*from $A" "$out"
	assert_match "v$fam text: open_filtered line counts 3 datagrams" "$P_UDP_DROP/udp +open_filtered .*3 datagrams sent" "$out"
	assert_match "v$fam text: verdict line" "^$A: degraded, 1 of 3 probes open$" "$out"
done

# Behind a router: the ICMP comes from the router.  "unreachable" route: v4
# 3/1 -> EHOSTUNREACH, v6 1/0 (no route) -> ENETUNREACH, both unreachable;
# "prohibit" route: v4 3/13, v6 1/1, both filtered.
udp_case "v4 router unreachable route" "$FAR4_UNREACH" 4000 unreachable EHOSTUNREACH - -T 2
check_icmp "v4 router unreachable route" "4 3 1" "$G4"
udp_case "v4 router prohibit route" "$FAR4_PROHIBIT" 4000 filtered "?" - -T 2
check_icmp "v4 router prohibit route" "4 3 13" "$G4"
check_admin_error "v4 router prohibit route" "EACCES EHOSTUNREACH"
udp_case "v6 router unreachable route" "$FAR6_UNREACH" 4000 unreachable ENETUNREACH - -T 2
check_icmp "v6 router unreachable route" "6 1 0" "$G6"
udp_case "v6 router prohibit route" "$FAR6_PROHIBIT" 4000 filtered "?" - -T 2
check_icmp "v6 router prohibit route" "6 1 1" "$G6"
check_admin_error "v6 router prohibit route" "EACCES"

np_done
