#!/bin/bash
# Happy Eyeballs faults on real packets, in the netns testbed (netns_lib.sh).  A
# name with both the remote's IPv4 and IPv6 address (from a hosts file, via
# CARES_HOSTS; the DNS server named on the command line is a silent one in the
# client namespace, which must see no query).  With nft dropping IPv6 while IPv4
# is open: fault ipv6_fails; with nft rejecting IPv4 while IPv6 is open:
# ipv4_fails; both open: no fault.  Needs root, ip and nft; SKIPs (77) otherwise.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/netns_lib.sh"
np_init
np_need_root_netns
testbed_up
netns_remote_rules
start_ns_listener tcp "$R4" "$R6" -- "$P_TCP_OPEN" "$P_TCP_V6DROP" "$P_TCP_V4ADMIN"
start_ns_udp udp "$R4" "$R6" -- "$P_UDP_V6DROP"
_start_in_ns "$NS_CLIENT" dns_silent "$PY" "$HELPERS/dns_silent.py" --addr 127.0.0.1 \
	--lifetime "$NP_HELPER_LIFETIME" --count-file "$NP_TMP/dns_silent.count"
DNS="@127.0.0.1:$NS_HELPER_OUT"

NAME=dual.netns.test
printf '%s %s\n%s %s\n' "$R4" "$NAME" "$R6" "$NAME" >"$NP_TMP/hosts.dual"
export CARES_HOSTS="$NP_TMP/hosts.dual"
MSG6="IPv6 addresses fail, IPv4 works"
MSG4="IPv4 addresses fail, IPv6 works"

# check_he DESC FAULT PORT PROTO: happy_eyeballs object of the last JSON run
# (first is always the IPv6 address: RFC 6724 ranks it above IPv4).
check_he() {
	local d=$1 fault=$2 port=$3 proto=$4
	assert_eq "$d: dns source hosts, both addresses" "hosts $R4 $R6" \
		"$(jpy "$NP_JSON" '" ".join([t["dns"]["source"]] + sorted(a["address"] for a in t["dns"]["addresses"]))')"
	assert_eq "$d: happy_eyeballs.first is the IPv6 address" "$R6" "$(jget "$NP_JSON" targets.0.happy_eyeballs.first)"
	assert_eq "$d: happy_eyeballs.fallback_delay_ms" "250" "$(jget "$NP_JSON" targets.0.happy_eyeballs.fallback_delay_ms)"
	assert_eq "$d: happy_eyeballs fault/port/proto" "$fault $port $proto" \
		"$(jpy "$NP_JSON" '"%s %s %s" % tuple("null" if t["happy_eyeballs"][k] is None else t["happy_eyeballs"][k] for k in ("fault", "port", "proto"))')"
	case $fault in
	ipv6_fails) assert_match "$d: happy_eyeballs.message" "^$MSG6" "$(jget "$NP_JSON" targets.0.happy_eyeballs.message)" ;;
	ipv4_fails) assert_match "$d: happy_eyeballs.message" "^$MSG4" "$(jget "$NP_JSON" targets.0.happy_eyeballs.message)" ;;
	*) assert_eq "$d: happy_eyeballs.message is null" "null" "$(jget "$NP_JSON" targets.0.happy_eyeballs.message)" ;;
	esac
}

# probe_states: "family:port/proto:state" per probe, sorted.
probe_states() {
	jpy "$NP_JSON" '" ".join(sorted("%s:%s/%s:%s" % (p["family"], p["port"], p["proto"], p["state"]) for p in t["probes"]))'
}

# control: both families open, no fault
np_json_in "$NS_CLIENT" "$DNS" -T 2 "$NAME" "$P_TCP_OPEN"
check_run_basics "both open" 0 ok
assert_eq "both open: states" "ipv4:$P_TCP_OPEN/tcp:open ipv6:$P_TCP_OPEN/tcp:open" "$(probe_states)"
check_he "both open" null null null

# IPv6 dropped, IPv4 open: ipv6_fails
before=$(nft_counter tcp_v6drop)
np_json_in "$NS_CLIENT" "$DNS" -T 1 "$NAME" "$P_TCP_V6DROP"
check_run_basics "v6 dropped" 1 degraded
assert_eq "v6 dropped: states" "ipv4:$P_TCP_V6DROP/tcp:open ipv6:$P_TCP_V6DROP/tcp:filtered" "$(probe_states)"
check_he "v6 dropped" ipv6_fails "$P_TCP_V6DROP" tcp
assert_eq "v6 dropped: nft dropped the IPv6 SYN(s)" "true" \
	"$("$PY" -c 'import sys; print(str(int(sys.argv[2]) > int(sys.argv[1])).lower())' "$before" "$(nft_counter tcp_v6drop)" 2>&1)"
np_run_in "$NS_CLIENT" "$DNS" -T 1 "$NAME" "$P_TCP_V6DROP"
assert_rc 1 "v6 dropped, text: exit 1"
out=$(np_stdout)
assert_match "v6 dropped, text: the warning" "warning: $MSG6.*\\(seen on $P_TCP_V6DROP/tcp\\)" "$out"
assert_match "v6 dropped, text: which address a client tries first" "happy eyeballs: .* tries $R6 first" "$out"
assert_match "v6 dropped, text: verdict line" "^$NAME: degraded, 1 of 2 probes open$" "$out"

# two ports, the fault only on one: it names that port
np_json_in "$NS_CLIENT" "$DNS" -T 1 "$NAME" "$P_TCP_OPEN" "$P_TCP_V6DROP"
check_run_basics "two ports, v6 dropped on one" 1 degraded
check_he "two ports, v6 dropped on one" ipv6_fails "$P_TCP_V6DROP" tcp

# IPv4 rejected (ICMP admin prohibited), IPv6 open: ipv4_fails
np_json_in "$NS_CLIENT" "$DNS" -T 2 "$NAME" "$P_TCP_V4ADMIN"
check_run_basics "v4 rejected" 1 degraded
assert_eq "v4 rejected: states" "ipv4:$P_TCP_V4ADMIN/tcp:filtered ipv6:$P_TCP_V4ADMIN/tcp:open" "$(probe_states)"
assert_eq "v4 rejected: the IPv4 probe got ICMP 3/13 from the remote" "4 3 13 $R4" \
	"$(jpy "$NP_JSON" '" ".join("%s %s %s %s" % (p["icmp"]["version"], p["icmp"]["type"], p["icmp"]["code"], p["icmp"]["from"]) for p in t["probes"] if p["family"] == "ipv4" and p["icmp"])')"
check_he "v4 rejected" ipv4_fails "$P_TCP_V4ADMIN" tcp
np_run_in "$NS_CLIENT" "$DNS" -T 2 "$NAME" "$P_TCP_V4ADMIN"
assert_rc 1 "v4 rejected, text: exit 1"
assert_match "v4 rejected, text: the warning" "warning: $MSG4.*\\(seen on $P_TCP_V4ADMIN/tcp\\)" "$(np_stdout)"

# UDP: IPv6 datagrams dropped, IPv4 answered: ipv6_fails on udp
np_json_in "$NS_CLIENT" "$DNS" -u -T 1 "$NAME" "$P_UDP_V6DROP"
check_run_basics "udp v6 dropped" 1 degraded
assert_eq "udp v6 dropped: states" "ipv4:$P_UDP_V6DROP/udp:open ipv6:$P_UDP_V6DROP/udp:open_filtered" "$(probe_states)"
check_he "udp v6 dropped" ipv6_fails "$P_UDP_V6DROP" udp

# -4: one family only, no Happy Eyeballs to judge
np_json_in "$NS_CLIENT" "$DNS" -4 -T 1 "$NAME" "$P_TCP_V6DROP"
check_run_basics "-4" 0 ok
assert_eq "-4: happy_eyeballs is null" "null" "$(jget "$NP_JSON" targets.0.happy_eyeballs)"

assert_eq "the silent DNS server in the client namespace saw no query (hosts file only)" \
	"0 0" "$(helper_count dns_silent)"

np_done
