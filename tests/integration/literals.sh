#!/bin/bash
# Address literals skip DNS: dns.status skipped, source literal, no query sent.
# The DNS server given is one that never answers and counts what it receives:
# a literal must finish fast and leave its count at 0 datagrams, 0 connections.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_listener both 127.0.0.1 ::1
P=$LISTEN_PORT
start_silent_dns silent
Q="@127.0.0.1:$SILENT_PORT"

# check_literal LABEL ADDRESS FAMILY ARGS...
check_literal() {
	local label=$1 addr=$2 fam=$3; shift 3
	local f before
	before=$(helper_count both)
	np_json "$Q" --timeout 2 "$@"
	f=$NP_JSON
	wait_count both $((before + 1)) >/dev/null
	assert_true "$label: the listener saw the probe connect ($before -> $(helper_count both))" \
		test "$(helper_count both)" -gt "$before"
	assert_rc 0 "$label: exit status 0"
	check_json_basics "$label" "$f" "$NP_RC"
	assert_eq "$label: host" "$addr" "$(jget "$f" targets.0.host)"
	assert_eq "$label: ports" "[$P]" "$(jget "$f" targets.0.ports)"
	assert_eq "$label: dns.status skipped" "skipped" "$(jget "$f" targets.0.dns.status)"
	assert_eq "$label: dns.source literal" "literal" "$(jget "$f" targets.0.dns.source)"
	assert_eq "$label: dns.rcode null" "null" "$(jget "$f" targets.0.dns.rcode)"
	assert_eq "$label: dns.server null" "null" "$(jget "$f" targets.0.dns.server)"
	assert_eq "$label: dns.queries empty" "[]" "$(jget "$f" targets.0.dns.queries)"
	assert_eq "$label: dns.cnames empty" "[]" "$(jget "$f" targets.0.dns.cnames)"
	assert_eq "$label: the one address, ttl null" \
		"[{\"address\":\"$addr\",\"family\":\"$fam\",\"ttl\":null}]" \
		"$(jpy "$f" '[{k: a.get(k) for k in ("address", "family", "ttl")} for a in t["dns"]["addresses"]]')"
	assert_eq "$label: one open probe" "$fam $addr $P open" "$(json_probes "$f")"
	check_probes_sane "$label" "$f"
	assert_eq "$label: verdict ok" "ok" "$(jget "$f" targets.0.verdict)"

	np_run "$Q" --timeout 2 "$@"
	assert_rc 0 "$label (text): exit status 0"
	assert_match "$label (text): first line says dns skipped" "^[^ ]+: dns skipped" "$(np_first_line)"
	sleep 0.2
	assert_eq "$label: the DNS server received nothing (datagrams tcp)" "0 0" "$(helper_count silent)"
}

check_literal "127.0.0.1 PORT" 127.0.0.1 ipv4 127.0.0.1 "$P"
check_literal "127.0.0.1:PORT" 127.0.0.1 ipv4 "127.0.0.1:$P"
assert_eq "127.0.0.1:PORT: input kept as typed" "127.0.0.1:$P" "$(jget "$NP_JSON" targets.0.input)"
check_literal "[::1]:PORT" ::1 ipv6 "[::1]:$P"
assert_eq "[::1]:PORT: input kept as typed" "[::1]:$P" "$(jget "$NP_JSON" targets.0.input)"
check_literal "::1 PORT" ::1 ipv6 ::1 "$P"

sleep 0.2
assert_eq "after all literal runs the DNS server received nothing" "0 0" "$(helper_count silent)"

np_done
