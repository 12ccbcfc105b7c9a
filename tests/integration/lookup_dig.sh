#!/bin/bash
# netprobe lookup against dig, on the same knotd, for the same questions: every
# record type (A AAAA CNAME MX NS TXT SRV SOA PTR CAA, unknown TYPEnnn), TXT
# escapes, the TXT too large for UDP (retried over TCP), a CNAME chain, a
# referral (AUTHORITY with the NS set, ADDITIONAL with the glue), the
# ADDITIONAL records knotd adds for MX/SRV/NS, the SOA in AUTHORITY of NXDOMAIN
# and NODATA, reverse lookups (-x) for IPv4 and IPv6, names that need escapes,
# and the IPv6 server address.  For each: every record of the section
# (name, ttl, class, type, rdata), from netprobe's JSON and from its text
# output, equals dig's; so do the rcode, the flags and the four counts.
#
# Normalisation: whitespace is squeezed (both sides); the hex of RFC 3597
# rdata is compared case-insensitively (dig prints it in upper case, netprobe
# in lower case).  Nothing else: a representation that differs is a failure,
# or, for the differences already reported as bugs, a "# TODO known bug" line
# (LOOKUP_STRICT=1 makes those fail too).
#
# dig runs with +noedns +nocookie: c-ares 1.18 sends no OPT record, so both ask
# the same question and get the same answer (the same truncation too).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lookup_lib.sh"
lookup_init
start_lookup_knot

# aeq DESC EXPECTED ACTUAL: assert_eq, or assert_eq_known while KNOWN is set
aeq() {
	if [ -n "${KNOWN:-}" ]; then assert_eq_known "$KNOWN" "$@"; else assert_eq "$@"; fi
}

# compare SECTION DESC NP_ARGS -- DIG_ARGS: SECTION (answer, authority or
# additional) of netprobe's JSON and text output against dig's.
compare() {
	local sec=$1 desc=$2; shift 2
	local npargs=() digargs=() want got gotx whead
	while [ $# -gt 0 ] && [ "$1" != -- ]; do npargs+=("$1"); shift; done
	shift
	digargs=("$@")
	want=$(dig_q +noall "+$sec" "${digargs[@]}" | dig_norm | hexcase)
	whead=$(dig_q "${digargs[@]}" | dig_header)
	np_lookup --json "${npargs[@]}"
	got=$(np_section "$NP_OUT" "$sec" | hexcase)
	aeq "$desc: $sec section (JSON) equals dig's" "$want" "$got"
	aeq "$desc: rcode, flags and counts equal dig's" "$whead" "$(np_header "$NP_OUT")"
	assert_eq "$desc: JSON exit_code equals the exit status" "$NP_RC" "$(jget "$NP_OUT" exit_code)"
	np_lookup "${npargs[@]}"
	local SEC
	SEC=$(printf '%s' "$sec" | tr '[:lower:]' '[:upper:]')
	gotx=$(np_text_section "$NP_OUT" "$SEC" | hexcase)
	aeq "$desc: $SEC SECTION (text) equals dig's" "$want" "$gotx"
}

# answer NAME TYPE [EXIT]: the answer section for NAME TYPE, and the exit status
# (0 when dig has answers, else EXIT, default 1).
answer() {
	local name=$1 type=$2 rc
	compare answer "$name $type" "$name" "$type" -- "$name" "$type"
	if [ -n "$(dig_q +noall +answer "$name" "$type")" ]; then rc=0; else rc=${3:-1}; fi
	aeq "$name $type: exit status $rc" "$rc" "$NP_RC"
}

echo "# --- every type, at the apex and below it"
answer lookup.test SOA
answer lookup.test NS
answer lookup.test MX
answer lookup.test TXT
answer lookup.test CAA
answer www.lookup.test A
answer www.lookup.test AAAA
answer v4only.lookup.test A
answer v6only.lookup.test AAAA
answer ttl0.lookup.test A
answer ttlmax.lookup.test A
answer mx.lookup.test MX
answer nullmx.lookup.test MX
answer _sip._tcp.lookup.test SRV
answer _ldap._tcp.lookup.test SRV
answer ptr.lookup.test PTR
answer caa.lookup.test CAA
answer unknown.lookup.test TYPE65280
answer opaque.lookup.test TYPE65534
answer child.lookup.test SOA
answer child.lookup.test NS
answer host.child.lookup.test A
answer host.child.lookup.test AAAA
answer ns.example.test A
answer example.test SOA

echo "# --- TXT: several strings, quotes, backslashes, unprintable bytes, empty"
for n in txt multi escaped binary empty semi twotxt nodata; do
	answer "$n.lookup.test" TXT
done
echo "# --- the TXT answer over 512 bytes: truncated over UDP, retried over TCP"
answer bigtxt.lookup.test TXT
np_lookup --json bigtxt.lookup.test TXT
assert_eq "bigtxt TXT: retried over TCP (JSON transport, retried_tcp)" "tcp true" \
	"$(jpy "$NP_OUT" '"%s %s" % (d["replies"][0]["transport"], json.dumps(d["replies"][0]["retried_tcp"]))')"
assert_match "bigtxt TXT: dig itself sees TC over UDP (the test asks what it thinks)" \
	'flags: qr aa tc' "$(dig_q +ignore bigtxt.lookup.test TXT)"

echo "# --- CNAME chain, CNAME out of the zone, a lone CNAME"
answer chain1.lookup.test A
answer chain1.lookup.test AAAA
answer chain1.lookup.test CNAME
answer chain2.lookup.test TXT
compare answer "outside.lookup.test A" outside.lookup.test A -- outside.lookup.test A
aeq "outside.lookup.test A: exit status 2 (the chain ends unanswered: incomplete)" 2 "$NP_RC"
answer alias.lookup.test A
answer alias.lookup.test MX
np_lookup --json chain1.lookup.test A
assert_eq "chain1 A: the chain in order, as the zone has it (JSON)" \
	'["CNAME chain2.lookup.test.","CNAME chain3.lookup.test.","CNAME www.lookup.test.","A 127.0.0.10","A 127.0.0.11"]' \
	"$(jpy "$NP_OUT" '[r["type"] + " " + r["rdata"] for r in d["replies"][0]["answer"]]')"

echo "# --- AUTHORITY and ADDITIONAL"
for sec in authority additional; do
	compare "$sec" "referral (host.deleg, --norecurse)" --norecurse host.deleg.lookup.test A -- +norecurse host.deleg.lookup.test A
	compare "$sec" "referral (deleg NS, --norecurse)" --norecurse deleg.lookup.test NS -- +norecurse deleg.lookup.test NS
	compare "$sec" "MX targets' addresses" lookup.test MX -- lookup.test MX
	compare "$sec" "SRV targets' addresses" _sip._tcp.lookup.test SRV -- _sip._tcp.lookup.test SRV
	compare "$sec" "NS glue" lookup.test NS -- lookup.test NS
	compare "$sec" "NXDOMAIN" nxdomain.lookup.test A -- nxdomain.lookup.test A
	compare "$sec" "NODATA" nodata.lookup.test A -- nodata.lookup.test A
done
np_lookup --json --norecurse host.deleg.lookup.test A
assert_eq "referral: no answer, exit status 2 (a referral, not NODATA)" "2 0" "$NP_RC $(jpy "$NP_OUT" 'len(d["replies"][0]["answer"])')"
assert_eq "referral: AUTHORITY holds the NS set, ADDITIONAL the glue A/AAAA (JSON types)" \
	'[["NS","NS","NS"],["A","A","AAAA"]]' \
	"$(jpy "$NP_OUT" '[sorted(r["type"] for r in d["replies"][0]["authority"]), sorted(r["type"] for r in d["replies"][0]["additional"])]')"
assert_eq "referral: not authoritative (no aa flag)" "false" "$(jpy "$NP_OUT" '"aa" in d["replies"][0]["flags"]')"

echo "# --- reverse lookups (-x) vs dig -x"
for a in 127.0.0.1 127.0.0.10 127.0.0.11 127.0.0.25 ::1 2001:db8::10 2001:db8::25 \
	2001:db8:1:2:3:4:5:6 2001:0db8:0000:0000:0000:0000:0000:0025; do
	compare answer "-x $a" -x "$a" -- -x "$a"
	assert_rc 0 "-x $a: exit status 0"
	np_lookup --json -x "$a"
	assert_eq "-x $a: question name equals dig's" \
		"$(dig_q +noall +question -x "$a" | awk '{ sub(/^;/, "", $1); print $1; exit }')" \
		"$(jget "$NP_OUT" replies.0.question.0.name)"
	assert_eq "-x $a: asks PTR" "PTR" "$(jget "$NP_OUT" replies.0.type)"
done
for a in 127.0.0.99 2001:db8::99; do
	compare answer "-x $a (no PTR)" -x "$a" -- -x "$a"
	compare authority "-x $a (no PTR)" -x "$a" -- -x "$a"
	assert_rc 2 "-x $a: NXDOMAIN, exit status 2"
done

echo "# --- names that need escapes in presentation form"
for n in odd-dot odd-space odd-back odd-bin odd-case; do
	answer "$n.lookup.test" PTR
done
answer 'dot\.name.lookup.test' A
# dig escapes " ( ) ; @ $ in names (they mean something in a zone file)
for n in odd-semi odd-quote odd-paren odd-at odd-dollar; do
	answer "$n.lookup.test" PTR
done
# the query name 'sp\032ace' (a space, RFC 1035 \DDD): asked as the space, as dig
# does (c-ares 1.18's ares_create_query would read only \X escapes)
answer 'sp\032ace.lookup.test' TXT

echo "# --- the server over IPv6 (@[::1]:PORT) answers the same"
for q in "www.lookup.test AAAA" "lookup.test MX" "bigtxt.lookup.test TXT" "chain1.lookup.test A"; do
	# shellcheck disable=SC2086
	set -- $q
	want=$(dig @::1 -p "$KNOT_PORT" +time=2 +tries=2 +nocookie +noedns +noall +answer "$1" "$2" | dig_norm)
	np_run lookup --json "@[::1]:$KNOT_PORT" "$1" "$2"
	assert_eq "$1 $2 via [::1]:$KNOT_PORT: answer equals dig @::1" "$want" "$(np_section "$NP_OUT" answer)"
	assert_eq "$1 $2 via [::1]: server is [::1]:$KNOT_PORT" "[::1]:$KNOT_PORT" "$(jget "$NP_OUT" replies.0.server)"
done

echo "# --- several types in one run: one reply each, in the order asked"
np_lookup --json lookup.test SOA NS MX TXT CAA
assert_eq "5 types at once: reply types in order" '["SOA","NS","MX","TXT","CAA"]' "$(jpy "$NP_OUT" '[r["type"] for r in d["replies"]]')"
want=$(for t in SOA NS MX TXT CAA; do dig_q +noall +answer lookup.test "$t" | dig_norm; done)
assert_eq "5 types at once: answers equal dig's one by one" "$want" "$(np_section "$NP_OUT" answer)"

np_done
