#!/bin/bash
# Well-formed replies from the hostile responder (tests/helpers/dns_hostile.py,
# the build_meaning cases) that a client must not take at face value:
#   nxaddr, sfaddr  NXDOMAIN / SERVFAIL with an address record: the rcode wins,
#                   nothing is probed (dig shows the same rcode: the oracle)
#   drip            a TCP answer a byte every 0.25 s: the deadline holds (no
#                   give-up before it) and the message states the limit applied
#   bigudp          an 8 KB UDP answer without TC: not called truncated
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lookup_lib.sh"
lookup_init
start_hostile_dns meaning
HS="@127.0.0.1:$HPORT"
start_listener web 127.0.0.1 ::1
P=$LISTEN_PORT

# dig_status CASE: the rcode dig reads from the helper
dig_status() {
	dig @127.0.0.1 -p "$HPORT" +time=2 +tries=1 +noedns +nocookie "$1.hostile.test" A 2>&1 |
		sed -n 's/.*status: \([A-Z]*\).*/\1/p'
}

# ---- the rcode wins over records
for c in nxaddr:nxdomain:NXDOMAIN sfaddr:servfail:SERVFAIL; do
	IFS=: read -r name status rcode <<<"$c"
	assert_eq "oracle: dig says $rcode for $name" "$rcode" "$(dig_status "$name")"
	assert_match "oracle: dig sees the address record too" "127\.0\.0\.1" \
		"$(dig @127.0.0.1 -p "$HPORT" +time=2 +tries=1 +noedns +short "$name.hostile.test" A 2>&1)"
	np_json "$HS" "$name.hostile.test" "$P" --timeout 2
	assert_rc 2 "probe $name: exit status 2"
	check_schema "probe $name" "$NP_OUT"
	assert_eq "probe $name: dns.status $status, rcode $rcode" "$status $rcode" \
		"$(jpy "$NP_OUT" 't["dns"]["status"] + " " + t["dns"]["rcode"]')"
	assert_eq "probe $name: no addresses, no probes, verdict dns_failed" "0 0 dns_failed" \
		"$(jpy "$NP_OUT" '"%d %d %s" % (len(t["dns"]["addresses"]), len(t["probes"]), t["verdict"])')"
	assert_match "probe $name: the message says the records were not used" "not used" \
		"$(jget "$NP_OUT" targets.0.dns.error.message)"
	assert_eq "probe $name: the listener saw no connection" "0" "$(helper_count web)"
	np_run lookup "$HS" "$name.hostile.test" A
	assert_rc 2 "lookup $name: exit status 2 (the rcode, not the answer)"
	assert_match "lookup $name: status $rcode" "status: $rcode," "$(np_stdout)"
done

# ---- a TCP answer dripped a byte at a time: UDP says TC, TCP never completes
# within the timeout.  No upper bound on time (machines are noisy): the check
# is that netprobe did not give up before the limit it names.
np_run lookup "$HS" drip.hostile.test A --timeout 3
assert_rc 2 "lookup drip: exit status 2"
assert_match "lookup drip: the message names the 3 s limit" "no reply from 127\.0\.0\.1:$HPORT within 3\.000 s" "$(np_stdout)"
assert_true "lookup drip: waited the whole 3 s it names (took ${NP_ELAPSED}s)" \
	"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 2.95 else 1)' "$NP_ELAPSED"
np_json "$HS" drip.hostile.test "$P" --timeout 3
assert_rc 2 "probe drip: exit status 2"
assert_eq "probe drip: dns.status timeout" "timeout" "$(jget "$NP_OUT" targets.0.dns.status)"
assert_match "probe drip: the message names the 3 s limit" "within 3\.000 s" \
	"$(jget "$NP_OUT" targets.0.dns.error.message)"
assert_true "probe drip: waited the whole 3 s it names (took ${NP_ELAPSED}s)" \
	"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 2.95 else 1)' "$NP_ELAPSED"

# ---- an 8 KB UDP answer without TC (c-ares, without EDNS, retries it over TCP)
dig_flags=$(dig @127.0.0.1 -p "$HPORT" +time=2 +tries=1 +noedns +ignore bigudp.hostile.test A 2>&1 | sed -n 's/^;; flags: \([a-z ]*\);.*/\1/p')
assert_no_match "oracle: dig sees no tc flag on the UDP answer ($dig_flags)" "tc" "$dig_flags"
np_run lookup "$HS" bigudp.hostile.test A
assert_rc 0 "lookup bigudp: exit status 0"
assert_no_match "lookup bigudp: the UDP answer is not called truncated" "truncated" "$(np_stdout)"
assert_match "lookup bigudp: says why it went to TCP (over 512 bytes, no TC)" \
	"retried over TCP after a UDP answer of [0-9]+ bytes without TC" "$(grep '^;; SERVER' "$NP_OUT")"
np_run lookup --json "$HS" bigudp.hostile.test A
SCHEMA="$top_srcdir/docs/netprobe-lookup.schema.json" check_schema "lookup bigudp (JSON)" "$NP_OUT"
assert_eq "lookup bigudp (JSON): retried over TCP, reason oversize, not truncated" "True oversize False" \
	"$(jpy "$NP_OUT" '"%s %s %s" % (d["replies"][0]["retried_tcp"], d["replies"][0]["retry_reason"], d["replies"][0]["truncated"])')"
np_run lookup --json "$HS" huge.hostile.test A
assert_eq "lookup huge (TC set over UDP): reason truncated" "True truncated" \
	"$(jpy "$NP_OUT" '"%s %s" % (d["replies"][0]["retried_tcp"], d["replies"][0]["retry_reason"])')"

np_done
