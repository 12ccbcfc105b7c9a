#!/bin/bash
# TCP probe states on real packets, in the netns testbed (netns_lib.sh): open,
# closed (RST from the kernel and from an nft "reject with tcp reset"), filtered
# (nft drop; nft reject with ICMP admin prohibited, and a router's prohibit
# route: a firewall rejects, as nmap -sT says), unreachable (nft reject with ICMP
# host/address unreachable, a router's unreachable route), over IPv4 and IPv6.  Each nft rule has a counter that must have seen
# the probe's packets: the state comes from that rule and from nothing else.
# Needs root, ip and nft; SKIPs (77) otherwise.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/netns_lib.sh"
np_init
np_need_root_netns
testbed_up
netns_remote_rules
# the listener also listens on the ports nft rejects or drops: without the rule
# each of them would be open, so the state the test sees can only be the rule's
start_ns_listener tcp "$R4" "$R6" -- "$P_TCP_OPEN" "$P_TCP_RESET" "$P_TCP_DROP" \
	"$P_TCP_HOSTUNR" "$P_TCP_ADMIN"

# tcp_case DESC ADDR PORT STATE CODE [COUNTER] [ARGS...]: one probe, JSON; checks
# exit status, verdict, schema, state, proto, error code/errno, local address
# (the client's address on the link toward ADDR), and that COUNTER (an nft
# counter in the remote, "-" for none) counted the probe's packets.
tcp_case() {
	local d=$1 addr=$2 port=$3 state=$4 code=$5 counter=${6:--} before after rc verdict laddr t
	shift 6
	[ "$counter" = - ] || before=$(nft_counter "$counter")
	# silence is what "filtered" waits for: 1 s (ETIMEDOUT). An ICMP answer may be
	# lost to the kernel's ICMP rate limit when tests run in parallel; 3 s lets
	# the SYN be retransmitted (after 1 s) and draw a second one.
	if [ "$code" = ETIMEDOUT ]; then t=1; else t=3; fi
	np_json_in "$NS_CLIENT" -T "$t" "$@" "$addr" "$port"
	if [ "$state" = open ]; then rc=0 verdict=ok; else rc=2 verdict=down; fi
	check_run_basics "$d" "$rc" "$verdict"
	assert_eq "$d: one probe" "1" "$(jpy "$NP_JSON" 'len(t["probes"])')"
	assert_eq "$d: state" "$state" "$(pj 'p["state"]')"
	assert_eq "$d: proto tcp" "tcp" "$(pj 'p["proto"]')"
	assert_eq "$d: address and port probed" "$addr $port" "$(pj '"%s %s" % (p["address"], p["port"])')"
	case $addr in
	198.51.100.*) laddr=$C4 ;;
	2001:db8:100::*) laddr=$C6 ;;
	203.0.113.*) laddr=$CG4 ;;
	*) laddr=$CG6 ;;
	esac
	assert_eq "$d: local.address is the client's address toward $addr" "$laddr" \
		"$(pj 'p["local"] and p["local"]["address"]')"
	assert_eq "$d: local.port is an ephemeral port" "true" \
		"$(pj 'bool(p["local"]) and num(p["local"]["port"]) and 1024 <= p["local"]["port"] <= 65535')"
	if [ "$code" = - ]; then
		assert_eq "$d: error is null" "null" "$(pj 'p["error"]')"
	else
		check_probe_error "$d" "$code"
	fi
	if [ "$counter" != - ]; then
		after=$(nft_counter "$counter")
		assert_eq "$d: nft counter $counter saw the SYN(s)" "true" \
			"$("$PY" -c 'import sys; print(str(int(sys.argv[2]) > int(sys.argv[1])).lower())' "$before" "$after" 2>&1)"
	fi
}

# check_prohibited_words DESC: the last probe's message says a firewall rejects
# (administratively prohibited), never "no route" or "host unreachable".
check_prohibited_words() {
	local msg
	msg=$(pj 'p["error"]["message"]')
	assert_match "$1: the message says administratively prohibited" 'administratively prohibited' "$msg"
	assert_no_match "$1: the message does not say no route / host unreachable" 'no route|host unreachable' "$msg"
}

for fam in 4 6; do
	if [ "$fam" = 4 ]; then A=$R4; else A=$R6; fi

	# open: a listener; the handshake completes
	before=$(helper_count tcp)
	tcp_case "v$fam open" "$A" "$P_TCP_OPEN" open - -
	assert_eq "v$fam open: icmp is null" "null" "$(pj 'p["icmp"]')"
	assert_eq "v$fam open: kernel_rtt_ms is a number >= 0 (TCP_INFO)" "true" "$(pj 'num(p.get("kernel_rtt_ms")) and p["kernel_rtt_ms"] >= 0')"
	assert_eq "v$fam open: time_ms > 0" "true" "$(pj 'num(p["time_ms"]) and p["time_ms"] > 0')"
	assert_eq "v$fam open: tries is null (TCP)" "null" "$(pj 'p.get("tries")')"
	assert_eq "v$fam open: summary 1 of 1 open" '{"open":1,"probes":1}' "$(jget "$NP_JSON" targets.0.summary)"
	after=$(helper_count tcp)
	assert_eq "v$fam open: the listener accepted one more connection" "$((before + 1))" "$after"

	# open, and the listener's banner came back over the real connection
	np_json_in "$NS_CLIENT" -T 2 --expect "$TCP_BANNER" "$A" "$P_TCP_OPEN"
	check_run_basics "v$fam banner" 0 ok
	assert_eq "v$fam banner: open" "open" "$(pj 'p["state"]')"
	assert_eq "v$fam banner: exchange received the banner, matched" "$TCP_BANNER true" \
		"$(pj '"%s %s" % (p["exchange"]["received"], json.dumps(p["exchange"]["matched"]))')"

	# closed: nothing listens, the remote kernel answers RST
	tcp_case "v$fam closed (kernel RST)" "$A" "$P_TCP_CLOSED" closed ECONNREFUSED -
	assert_eq "v$fam closed (kernel RST): icmp is null" "null" "$(pj 'p["icmp"]')"
	assert_eq "v$fam closed (kernel RST): kernel_rtt_ms is null" "null" "$(pj 'p.get("kernel_rtt_ms")')"

	# closed: a listener is there, but nft answers the SYN with a reset
	tcp_case "v$fam closed (nft tcp reset)" "$A" "$P_TCP_RESET" closed ECONNREFUSED tcp_reset
	assert_eq "v$fam closed (nft tcp reset): icmp is null" "null" "$(pj 'p["icmp"]')"

	# filtered: nft drops the SYN; netprobe waits out the whole timeout
	tcp_case "v$fam filtered (nft drop)" "$A" "$P_TCP_DROP" filtered ETIMEDOUT tcp_drop
	assert_eq "v$fam filtered: icmp is null" "null" "$(pj 'p["icmp"]')"
	assert_eq "v$fam filtered: time_ms is at least the 1 s timeout" "true" "$(pj 'num(p["time_ms"]) and p["time_ms"] >= 1000')"
	assert_match "v$fam filtered: the message names the timeout" 'within 1(\.0+)? s' "$(pj 'p["error"]["message"]')"

	# unreachable: nft rejects with ICMP host unreachable (v4 type 3 code 1) or
	# ICMPv6 address unreachable (type 1 code 3); the kernel gives EHOSTUNREACH
	if [ "$fam" = 4 ]; then icmp="4 3 1"; else icmp="6 1 3"; fi
	tcp_case "v$fam unreachable (nft host-unreachable)" "$A" "$P_TCP_HOSTUNR" unreachable EHOSTUNREACH tcp_hostunr
	check_icmp "v$fam unreachable (nft host-unreachable)" "$icmp" "$A"

	# filtered: nft rejects with ICMP admin prohibited (v4 type 3 code 13, v6
	# type 1 code 1): a firewall rejects, whatever errno the kernel maps it to
	# (v4 EHOSTUNREACH, v6 EACCES); the words must not say "no route"
	if [ "$fam" = 4 ]; then icmp="4 3 13" code=EHOSTUNREACH; else icmp="6 1 1" code=EACCES; fi
	tcp_case "v$fam filtered (nft admin-prohibited)" "$A" "$P_TCP_ADMIN" filtered "$code" tcp_admin
	check_icmp "v$fam filtered (nft admin-prohibited)" "$icmp" "$A"
	check_prohibited_words "v$fam filtered (nft admin-prohibited)"
	# hostile to the classification: host unreachable stays unreachable, and
	# says no route (the admin-prohibited words belong to the reject only)
	tcp_case "v$fam unreachable again (nft host-unreachable)" "$A" "$P_TCP_HOSTUNR" unreachable EHOSTUNREACH tcp_hostunr
	assert_no_match "v$fam host-unreachable: not called prohibited" 'prohibited|firewall' "$(pj 'p["error"]["message"]')"

	# the oracle: nmap -sT on the same ports, state for state
	ports=("$P_TCP_OPEN" "$P_TCP_CLOSED" "$P_TCP_RESET" "$P_TCP_DROP" "$P_TCP_ADMIN")
	oracle=$(nmap_states -sT "$A" "${ports[@]}")
	assert_eq "v$fam nmap -sT itself sees the testbed's states" \
		"$P_TCP_OPEN:open $P_TCP_CLOSED:closed $P_TCP_RESET:closed $P_TCP_DROP:filtered $P_TCP_ADMIN:filtered" "$oracle"
	np_json_in "$NS_CLIENT" -T 3 "$A" "${ports[@]}"
	assert_eq "v$fam netprobe agrees with nmap -sT port by port" "$oracle" "$(np_states)"

	# all of them in one run: one address, seven ports, degraded, exit 1
	np_json_in "$NS_CLIENT" -T 1 "$A" "$P_TCP_OPEN" "$P_TCP_CLOSED" "$P_TCP_RESET" \
		"$P_TCP_DROP" "$P_TCP_HOSTUNR" "$P_TCP_ADMIN"
	check_run_basics "v$fam six ports" 1 degraded
	assert_eq "v$fam six ports: state per port" \
		"$P_TCP_OPEN:open $P_TCP_CLOSED:closed $P_TCP_RESET:closed $P_TCP_DROP:filtered $P_TCP_HOSTUNR:unreachable $P_TCP_ADMIN:filtered" \
		"$(jpy "$NP_JSON" '" ".join("%d:%s" % (p["port"], p["state"]) for p in sorted(t["probes"], key=lambda p: p["port"]))')"
	assert_eq "v$fam six ports: summary" '{"open":1,"probes":6}' "$(jget "$NP_JSON" targets.0.summary)"
	check_probes_sane "v$fam six ports" "$NP_JSON"

	# the same in text: one line per probe with its state, the verdict line
	np_run_in "$NS_CLIENT" -T 1 "$A" "$P_TCP_OPEN" "$P_TCP_DROP" "$P_TCP_HOSTUNR"
	assert_rc 1 "v$fam text: exit 1"
	out=$(np_stdout)
	assert_match "v$fam text: open line" "ipv$fam +\\[?$A\\]?:?.*$P_TCP_OPEN.* open " "$out"
	assert_match "v$fam text: filtered line" "$P_TCP_DROP.* filtered .*ETIMEDOUT|$P_TCP_DROP.* filtered " "$out"
	assert_match "v$fam text: unreachable line names the ICMP sender" "$P_TCP_HOSTUNR.* unreachable .*from $A" "$out"
	assert_match "v$fam text: verdict line" "^$A: degraded, 1 of 3 probes open$" "$out"
done

# Behind a router: the ICMP comes from the router, not from the address probed.
# "unreachable" route: v4 ICMP host unreachable (3/1) -> EHOSTUNREACH,
# v6 ICMPv6 no route (1/0) -> ENETUNREACH: unreachable; "prohibit" route: v4
# 3/13 -> EHOSTUNREACH, v6 1/1 -> EACCES: filtered (the router's firewall).
tcp_case "v4 router unreachable route" "$FAR4_UNREACH" 80 unreachable EHOSTUNREACH -
check_icmp "v4 router unreachable route" "4 3 1" "$G4"
tcp_case "v4 router prohibit route" "$FAR4_PROHIBIT" 80 filtered EHOSTUNREACH -
check_icmp "v4 router prohibit route" "4 3 13" "$G4"
check_prohibited_words "v4 router prohibit route"
tcp_case "v6 router unreachable route" "$FAR6_UNREACH" 80 unreachable ENETUNREACH -
check_icmp "v6 router unreachable route" "6 1 0" "$G6"
tcp_case "v6 router prohibit route" "$FAR6_PROHIBIT" 80 filtered EACCES -
check_icmp "v6 router prohibit route" "6 1 1" "$G6"
check_prohibited_words "v6 router prohibit route"
for far in "$FAR4_PROHIBIT" "$FAR6_PROHIBIT"; do
	oracle=$(nmap_states -sT "$far" 80)
	assert_eq "nmap -sT on $far (prohibit route): filtered" "80:filtered" "$oracle"
	np_json_in "$NS_CLIENT" -T 3 "$far" 80
	assert_eq "netprobe agrees with nmap -sT on $far" "$oracle" "$(np_states)"
done

np_done
