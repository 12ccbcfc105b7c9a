#!/bin/bash
# UDP against a host that rate-limits its ICMP errors as every Linux host does
# by default (loopback is exempt, so only the netns testbed shows it): ICMPv4
# port unreachable comes for a burst of 6 datagrams, then about one a second.
# nmap -sU is the oracle, port by port: 60 closed ports, 2 open (a responder),
# 2 dropped (nft), over IPv4 (and 60 closed + 2 open over IPv6). With too short
# a timeout the ports netprobe could not settle are open_filtered and flagged
# icmp_rate_limited, in JSON and in words. nmap runs beside netprobe from a
# second client address, so each has its own rate-limit bucket at the remote.
# Needs root, ip, nft and nmap; SKIPs (77) otherwise.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/netns_lib.sh"
np_init
np_need_root_netns
command -v nmap >/dev/null 2>&1 || skip "nmap not found (Debian package nmap): it is the oracle for UDP states"
testbed_up
netns_remote_rules
testbed_remote_icmp_default
NP_TIMEOUT_WALL=150
export R4

C4B=198.51.100.3         # the client's second address, for nmap
C6B=2001:db8:100::3
_tb ip -n "$NS_CLIENT" addr add "$C4B/24" dev nc0
_tb ip -n "$NS_CLIENT" addr add "$C6B/64" dev nc0 nodad
P_DROP2=3301
_tb nsx "$NS_REMOTE" nft add rule "$NFT_FAMILY" "$NFT_NAME" input udp dport "$P_DROP2" drop
OPEN=("$P_UDP_OPEN" 3201)
DROP=("$P_UDP_DROP" "$P_DROP2")
CLOSED=()
for p in $(seq 3100 3159); do CLOSED+=("$p"); done
# the responder listens behind the drop rules too: without them those would be open
_start_in_ns "$NS_REMOTE" udp "$PY" "$HELPERS/udp_responder.py" --addr "$R4" --addr "$R6" \
	--port "${OPEN[0]}" --port "${OPEN[1]}" --port "${DROP[0]}" --port "${DROP[1]}" \
	--prefix "$UDP_PREFIX" --lifetime "$NP_HELPER_LIFETIME" --count-file "$NP_TMP/udp.count"

# the ports interleaved, so open and dropped ones sit inside the burst and after it
PORTS4=("${OPEN[0]}" "${CLOSED[@]:0:20}" "${DROP[0]}" "${CLOSED[@]:20:20}" "${OPEN[1]}" \
	"${CLOSED[@]:40:20}" "${DROP[1]}")
PORTS6=("${OPEN[0]}" "${CLOSED[@]:0:30}" "${OPEN[1]}" "${CLOSED[@]:30:30}")

# count_states "PORT:STATE ..." STATE: how many ports have STATE
count_states() { tr ' ' '\n' <<<"$1" | grep -c ":$2\$"; }

# beside_nmap "NMAP OPTIONS" ADDR SECONDS PORT...: nmap (in the background, from
# the client's second address) and netprobe -u -T SECONDS --json on the same
# ports at once; nmap's verdict in $ORACLE, netprobe's document in $NP_JSON.
beside_nmap() {
	local scan=$1 addr=$2 secs=$3 pid; shift 3
	nmap_states "$scan" "$addr" "$@" >"$NP_TMP/nmap.out" &
	pid=$!
	np_bg_register "$pid"
	np_json_in "$NS_CLIENT" -u -T "$secs" "$addr" "$@"
	wait "$pid"
	ORACLE=$(cat "$NP_TMP/nmap.out")
	echo "# nmap $scan: $ORACLE"
}

# recheck_filtered "NMAP OPTIONS" ADDR: nmap once more, slowly, on the ports it
# called open|filtered, and their answer replaces the first. Silence proves
# nothing (on a loaded machine nmap's own pacing loses an answer now and then),
# and a second look at a few ports is what a user of nmap does. One re-ask only.
recheck_filtered() {
	local scan=$1 addr=$2 again p ports=()
	for p in $ORACLE; do [ "${p#*:}" = open_filtered ] && ports+=("${p%%:*}"); done
	[ ${#ports[@]} -gt 0 ] || return 0
	sleep 2                 # the remote's ICMP bucket refills
	again=$(nmap_states "$scan --scan-delay 1100ms --max-retries 4" "$addr" "${ports[@]}")
	echo "# nmap again on ${ports[*]}: $again"
	for p in $again; do
		ORACLE=$(sed -E "s/(^| )${p%%:*}:open_filtered( |\$)/\1$p\2/" <<<"$ORACLE")
	done
}

# ------------------------------------------------------------ IPv4, enough time
# 58 closed ports after the burst of 6 need about 58 s at one ICMP a second; 80 s
# leaves room for finding the pace. nmap's own guess of the pace is not sure
# (it gave half of these ports open|filtered now and then): one port every 1.1 s
# makes it the oracle.
beside_nmap "-sU --scan-delay 1100ms --max-retries 2 -S $C4B -e nc0" "$R4" 80 "${PORTS4[@]}"
recheck_filtered "-sU -S $C4B -e nc0" "$R4"
oracle=$ORACLE
assert_eq "v4 nmap -sU itself: 60 closed, 2 open, 2 open|filtered" "60 2 2" \
	"$(count_states "$oracle" closed) $(count_states "$oracle" open) $(count_states "$oracle" open_filtered)"
check_run_basics "v4 64 ports, -T 80" 1 degraded
assert_eq "v4 64 ports: netprobe agrees with nmap -sU port by port" "$oracle" "$(np_states)"
assert_eq "v4 64 ports: no probe flagged icmp_rate_limited (all had a paced try)" "[]" \
	"$(jpy "$NP_JSON" '[p["port"] for p in t["probes"] if p["icmp_rate_limited"] is not False]')"
assert_eq "v4 64 ports: the dropped ports had at least their resends (tries >= 3)" "True True" \
	"$(jpy "$NP_JSON" '" ".join(str(p["tries"] >= 3) for p in t["probes"] if p["state"] == "open_filtered")')"
assert_eq "v4 64 ports: and at most 64 paced ones (tries <= 65): resent while time lasts, bounded" \
	"True True" \
	"$(jpy "$NP_JSON" '" ".join(str(p["tries"] <= 65) for p in t["probes"] if p["state"] == "open_filtered")')"
assert_eq "v4 64 ports: every closed port's ICMP came from the remote" "true" \
	"$(jpy "$NP_JSON" 'all(p["icmp"] and p["icmp"]["from"] == E["R4"] for p in t["probes"] if p["state"] == "closed")')"

# ------------------------------------------------------------ IPv4, too little time
# 4 s: the burst of 6 and about 4 more; the rest stay silent while the host is
# rate-limiting, so they are open_filtered AND flagged. The bucket refills first.
sleep 7
np_json_in "$NS_CLIENT" -u -T 4 "$R4" "${CLOSED[@]}"
check_run_basics "v4 60 closed, -T 4" 2 down
states=$(np_states)
nclosed=$(count_states "$states" closed)
assert_eq "v4 60 closed, -T 4: at least the burst of 6 came back closed ($nclosed)" "true" \
	"$("$PY" -c 'import sys; print(str(6 <= int(sys.argv[1]) < 60).lower())' "$nclosed")"
assert_eq "v4 60 closed, -T 4: every port is closed or open_filtered" "60" \
	"$((nclosed + $(count_states "$states" open_filtered)))"
assert_eq "v4 60 closed, -T 4: every open_filtered probe is flagged icmp_rate_limited, no closed one" \
	"true" "$(jpy "$NP_JSON" 'all(p["icmp_rate_limited"] is (p["state"] == "open_filtered") for p in t["probes"])')"
assert_eq "v4 60 closed, -T 4: every port nmap calls closed is closed or flagged" "true" \
	"$(jpy "$NP_JSON" 'all(p["state"] == "closed" or p["icmp_rate_limited"] for p in t["probes"])')"
sleep 7
np_run_in "$NS_CLIENT" -u -T 4 "$R4" "${CLOSED[@]}"
assert_rc 2 "v4 60 closed, -T 4, text: exit 2"
out=$(np_stdout)
assert_match "v4 60 closed, -T 4, text: a flagged probe line says why" \
	'/udp +open_filtered .*rate-limit.*may be closed' "$out"
assert_match "v4 60 closed, -T 4, text: and what to do" 'longer --timeout or fewer ports' "$out"

# ------------------------------------------------------------ IPv6
beside_nmap "-sU -S $C6B -e nc0" "$R6" 60 "${PORTS6[@]}"
recheck_filtered "-sU -S $C6B -e nc0" "$R6"
oracle=$ORACLE
assert_eq "v6 nmap -sU itself: 60 closed, 2 open" "60 2" \
	"$(count_states "$oracle" closed) $(count_states "$oracle" open)"
check_run_basics "v6 62 ports" 1 degraded
assert_eq "v6 62 ports: netprobe agrees with nmap -sU port by port" "$oracle" "$(np_states)"
assert_eq "v6 62 ports: no probe flagged" "[]" \
	"$(jpy "$NP_JSON" '[p["port"] for p in t["probes"] if p["icmp_rate_limited"] is not False]')"

np_done
