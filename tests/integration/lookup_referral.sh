#!/bin/bash
# An empty NOERROR answer is not always NODATA.  Against knotd (which does not
# recurse: RA=0), with kdig +norecurse as the oracle for what it said:
#   referral    host.deleg.lookup.test: no answer, AA clear, the NS records of
#               deleg.lookup.test in AUTHORITY and glue in ADDITIONAL
#   incomplete  outside.lookup.test: a CNAME to target.example.net, a name in
#               no zone of this server, unanswered, no SOA for it
#   nodata      alias.lookup.test TXT (CNAME to a name of this zone, SOA in
#               AUTHORITY), nodata.lookup.test A: still NODATA
# and against the hostile responder, NS records that do not make a referral
# (another zone's; a server that recursed).  The probe says referral or
# incomplete (verdict dns_failed, exit 2); lookup says so and exits 2, not 1.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lookup_lib.sh"
lookup_init
start_lookup_knot
start_hostile_dns nsrec
start_listener web 127.0.0.1 ::1
P=$LISTEN_PORT
KS="@127.0.0.1:$KNOT_PORT"

# kdig_section NAME TYPE SECTION: "owner type rdata" lines, lower case, no final dots
kdig_section() {
	kdig @127.0.0.1 -p "$KNOT_PORT" +time=2 +retry=1 +norecurse +noall "+$3" "$1" "$2" 2>/dev/null |
		awk '!/^;/ && NF >= 5 { o = tolower($1); sub(/\.$/, "", o); r = tolower($5); sub(/\.$/, "", r); print o, $4, r }' | sort
}

# ---- referral: the oracle first
kflags=$(kdig_q host.deleg.lookup.test A | sed -n 's/^;; Flags: \([a-z ]*\);.*/\1/p')
assert_no_match "oracle: kdig sees AA clear on host.deleg.lookup.test ($kflags)" "aa" "$kflags"
assert_no_match "oracle: ... and RA clear (knotd does not recurse)" "ra" "$kflags"
assert_eq "oracle: ... NOERROR" NOERROR "$(kdig_rcode host.deleg.lookup.test A)"
want_ns=$(kdig_section host.deleg.lookup.test A authority | awk '$2 == "NS" { print $3 }' | sort | tr '\n' ' ')
want_glue=$(kdig_section host.deleg.lookup.test A additional | awk '$2 == "A" || $2 == "AAAA" { print $1 "=" $3 }' | sort | tr '\n' ' ')
assert_eq "oracle: kdig's NS for deleg.lookup.test" "ns.outside.example.net ns1.deleg.lookup.test ns2.deleg.lookup.test " "$want_ns"
assert_ne "oracle: kdig sees glue" "" "$want_glue"

np_json "$KS" host.deleg.lookup.test "$P" --timeout 2
assert_rc 2 "probe referral: exit status 2"
check_json_basics "probe referral" "$NP_JSON" "$NP_RC"
assert_eq "probe referral: dns.status referral, rcode NOERROR, verdict dns_failed" "referral NOERROR dns_failed" \
	"$(jpy "$NP_JSON" '" ".join([t["dns"]["status"], t["dns"]["rcode"], t["verdict"]])')"
assert_eq "probe referral: both queries say referral" '["referral","referral"]' \
	"$(jpy "$NP_JSON" '[q["status"] for q in t["dns"]["queries"]]')"
assert_eq "probe referral: the delegated zone" "deleg.lookup.test" "$(jget "$NP_JSON" targets.0.dns.referral.zone)"
assert_eq "probe referral: the name servers kdig shows" "$want_ns" \
	"$(jpy "$NP_JSON" '" ".join(sorted(n["name"].lower() for n in t["dns"]["referral"]["nameservers"])) + " "')"
assert_eq "probe referral: the glue kdig shows" "$want_glue" \
	"$(jpy "$NP_JSON" '" ".join(sorted(n["name"].lower() + "=" + a for n in t["dns"]["referral"]["nameservers"] for a in n["addresses"])) + " "')"
assert_eq "probe referral: no probes, no connection" "0 0" "$(jpy "$NP_JSON" '"%d %d" % (len(t["probes"]), len(t["dns"]["addresses"]))')"
np_run "$KS" host.deleg.lookup.test "$P" --timeout 2
assert_rc 2 "probe referral (text): exit status 2"
assert_match "probe referral (text): first line says dns referral" "^host\.deleg\.lookup\.test: dns referral NOERROR " "$(np_first_line)"
assert_match "probe referral (text): names the zone" "^  referral to zone deleg\.lookup\.test: " "$(grep '^  referral' "$NP_OUT")"
assert_eq "probe referral (text): a server with its glue, as kdig shows" "    ns ns1.deleg.lookup.test 127.0.0.53 ::1 (glue)" \
	"$(grep '^    ns ns1\.' "$NP_OUT")"
assert_match "probe referral (text): says whom to ask" "recursive resolver" "$(np_stdout)"
assert_no_match "probe referral (text): never 'has no A record'" "has no A record" "$(np_stdout)"

np_lookup --norecurse host.deleg.lookup.test A
assert_rc 2 "lookup referral: exit status 2, not 1 (NODATA)"
assert_match "lookup referral: header as dig has it (NOERROR)" "status: NOERROR," "$(np_stdout)"
assert_match "lookup referral: a REFERRAL line naming the zone" "^;; REFERRAL: deleg\.lookup\.test\. " "$(np_stdout)"
np_lookup --json --norecurse host.deleg.lookup.test A
SCHEMA="$top_srcdir/docs/netprobe-lookup.schema.json" check_schema "lookup referral (JSON)" "$NP_OUT"
assert_eq "lookup referral (JSON): status referral, zone, exit_code 2" "referral deleg.lookup.test. 2" \
	"$(jpy "$NP_OUT" '"%s %s %d" % (d["replies"][0]["status"], d["replies"][0]["referral"]["zone"], d["exit_code"])')"
assert_eq "lookup referral (JSON): the name servers kdig shows" "$want_ns" \
	"$(jpy "$NP_OUT" '" ".join(sorted(n["name"].lower().rstrip(".") for n in d["replies"][0]["referral"]["nameservers"])) + " "')"

# ---- incomplete: a CNAME out of the server's zones
assert_eq "oracle: kdig's answer for outside.lookup.test is the CNAME only" \
	"outside.lookup.test CNAME target.example.net" "$(kdig_section outside.lookup.test A answer)"
assert_eq "oracle: ... no AUTHORITY (no SOA for target.example.net)" "" "$(kdig_section outside.lookup.test A authority)"
np_json "$KS" outside.lookup.test "$P" --timeout 2
assert_rc 2 "probe incomplete: exit status 2"
check_json_basics "probe incomplete" "$NP_JSON" "$NP_RC"
assert_eq "probe incomplete: dns.status incomplete, verdict dns_failed" "incomplete dns_failed" \
	"$(jpy "$NP_JSON" '" ".join([t["dns"]["status"], t["verdict"]])')"
assert_eq "probe incomplete: the chain and its last target" '[["outside.lookup.test"],"target.example.net"]' \
	"$(jpy "$NP_JSON" '[t["dns"]["cnames"], t["dns"]["canonical_name"]]')"
assert_match "probe incomplete: the message names the target and why" \
	"target\.example\.net.*(recurs|RA=0)" "$(jget "$NP_JSON" targets.0.dns.error.message)"
np_run "$KS" outside.lookup.test "$P" --timeout 2
assert_match "probe incomplete (text): first line says dns incomplete" "^outside\.lookup\.test: dns incomplete NOERROR " "$(np_first_line)"
np_lookup outside.lookup.test A
assert_rc 2 "lookup incomplete: exit status 2"
assert_match "lookup incomplete: an INCOMPLETE line naming the target" "^;; INCOMPLETE: .*target\.example\.net\." "$(np_stdout)"
np_lookup --json outside.lookup.test A
assert_eq "lookup incomplete (JSON): status and chain end" "incomplete target.example.net." \
	"$(jpy "$NP_OUT" '"%s %s" % (d["replies"][0]["status"], d["replies"][0]["chain_end"])')"

# ---- still NODATA: the server said so for the chain's end (SOA in AUTHORITY)
assert_match "oracle: alias.lookup.test TXT has the SOA of lookup.test" "^lookup\.test SOA " "$(kdig_section alias.lookup.test TXT authority)"
np_lookup --json alias.lookup.test TXT
assert_eq "lookup alias TXT: the chain answered to its end counts as an answer (as dig), exit 0" "ok 0" \
	"$(jpy "$NP_OUT" '"%s %d" % (d["replies"][0]["status"], d["exit_code"])')"
np_lookup --json nodata.lookup.test A
assert_eq "lookup nodata.lookup.test A: nodata, exit 1" "nodata 1" "$(jpy "$NP_OUT" '"%s %d" % (d["replies"][0]["status"], d["exit_code"])')"
np_json "$KS" nodata.lookup.test "$P" --timeout 2
assert_eq "probe nodata.lookup.test: nodata" "nodata" "$(jget "$NP_JSON" targets.0.dns.status)"
np_lookup --json www.lookup.test A
assert_eq "lookup www: status ok, no referral, exit 0" "ok None None 0" \
	"$(jpy "$NP_OUT" '"%s %s %s %d" % (d["replies"][0]["status"], d["replies"][0]["referral"], d["replies"][0]["chain_end"], d["exit_code"])')"
np_json "$KS" host.child.lookup.test "$P" --timeout 2
assert_eq "probe host.child.lookup.test (the child zone is served here): ok" "ok" "$(jget "$NP_JSON" targets.0.dns.status)"

# ---- hostile: NS records that do not make a referral
np_json "@127.0.0.1:$HPORT" nsother.hostile.test "$P" --timeout 2
assert_eq "probe nsother (NS of an unrelated zone): nodata, not referral" "nodata null" \
	"$(jpy "$NP_JSON" 't["dns"]["status"] + " " + json.dumps(t["dns"]["referral"])')"
np_json "@127.0.0.1:$HPORT" nsrecursed.hostile.test "$P" --timeout 2
assert_eq "probe nsrecursed (RA and RD set: it recursed): nodata" "nodata" "$(jget "$NP_JSON" targets.0.dns.status)"

np_done
