#!/bin/bash
# netprobe lookup and the main probe against a hostile DNS responder
# (tests/helpers/dns_hostile.py on 127.0.0.1, no knotd): wrong ID, a question
# that is not ours, no question, QR clear, 7 bytes, compression pointer loops
# (owner, CNAME target, two-step), a pointer past the end, counts larger than
# the data, an RDLENGTH past the end, an address one byte short, label types
# 0x40 and 0x80, a name over 255 bytes, a TXT string past its RDLENGTH,
# trailing garbage, 300 records (TC over UDP, whole over TCP), a reply after
# 0.5 s.  For every one: no crash (exit status < 128, nothing on stderr), one
# coherent report in text and in JSON, and the outcome below.
#
# What c-ares 1.18 does before netprobe sees the reply (recorded here: if a
# c-ares update changes it, these checks say so):
#   wrongid, otherq, qdzero, tiny  dropped by c-ares (ID / question checks,
#                                  shorter than a header): a timeout
#   everything else                handed to netprobe, whose decoder judges it
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lookup_lib.sh"
np_init   # no knotd and no dig needed here, but np_init asks for knotd: fine
start_hostile_dns hostile
HS="@127.0.0.1:$HPORT"
T=1   # --timeout for the cases c-ares drops (they end in a timeout)

R_LOOP="name compression pointers form a loop"
R_PTR="name compression pointer points past the message"
R_SHORT="message ends in the middle of a field"
R_LABEL="name has an unknown label type"
R_LONG="name is longer than 255 bytes"

# coherent DESC NTYPES: the text output is one report per type asked: one
# banner, one SERVER or "no reply" line each; stderr empty; no crash
coherent() {
	local d=$1 n=$2
	assert_true "$d: no crash (exit status $NP_RC < 128)" [ "$NP_RC" -lt 128 ]
	assert_eq "$d: nothing on stderr" "" "$(cat "$NP_ERR")"
	assert_eq "$d: one '; <<>> netprobe' banner per type" "$n" "$(grep -c '^; <<>> netprobe .* <<>> lookup ' "$NP_OUT")"
	assert_eq "$d: one SERVER or no-reply line per type" "$n" "$(grep -Ec '^;; (SERVER: |no reply: )' "$NP_OUT")"
}

# malformed CASE REASON: the decoder refuses the reply with REASON
malformed() {
	local c=$1 why=$2 f
	np_run lookup "$HS" "$c.hostile.test" A
	coherent "lookup $c (text)" 1
	assert_rc 2 "lookup $c (text): exit status 2"
	assert_eq "lookup $c (text): one MALFORMED line with the decoder's reason" \
		";; MALFORMED reply: $why (decoding stopped there)" "$(grep MALFORMED "$NP_OUT")"
	assert_match "lookup $c (text): the header was still shown" '^;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: [0-9]+$' "$(np_stdout)"
	np_run lookup --json "$HS" "$c.hostile.test" A AAAA
	f=$NP_OUT
	assert_rc 2 "lookup $c (JSON, A and AAAA): exit status 2"
	assert_eq "lookup $c (JSON): nothing on stderr" "" "$(cat "$NP_ERR")"
	assert_eq "lookup $c (JSON): exit_code 2, both replies MALFORMED with the reason" \
		"[2,[[\"MALFORMED\",\"$why\"],[\"MALFORMED\",\"$why\"]]]" \
		"$(jpy "$f" '[d["exit_code"], [[r["error"]["code"], r["error"]["message"]] for r in d["replies"]]]')"
	assert_eq "lookup $c (JSON): rcode and flags present, every section a list" "true" \
		"$(jpy "$f" 'all(isinstance(r["rcode"], str) and isinstance(r["flags"], list) and all(isinstance(r[k], list) for k in ("question", "answer", "authority", "additional")) for r in d["replies"])')"
}

# dropped CASE: c-ares drops the reply; netprobe times out
dropped() {
	local c=$1 before
	before=$(grep -c " $c " "$NP_TMP/hostile.log" 2>/dev/null)
	np_run lookup -T "$T" "$HS" "$c.hostile.test" A
	coherent "lookup $c (text)" 1
	assert_rc 2 "lookup $c (text): exit status 2 (c-ares 1.18 drops this reply: timeout)"
	assert_match "lookup $c (text): says no reply within ${T}.000 s" \
		"^;; no reply: no reply from 127\.0\.0\.1:$HPORT within $T\.000 s$" "$(np_stdout)"
	assert_true "lookup $c: the server did get the query (so the reply was dropped)" \
		[ "$(grep -c " $c " "$NP_TMP/hostile.log")" -gt "${before:-0}" ]
	np_run lookup --json -T "$T" "$HS" "$c.hostile.test" A
	assert_eq "lookup $c (JSON): exit_code 2, error TIMEOUT, rcode null" '[2,"TIMEOUT",null]' \
		"$(jpy "$NP_OUT" '[d["exit_code"], d["replies"][0]["error"]["code"], d["replies"][0]["rcode"]]')"
}

# main CASE STATUS CODE MESSAGE_ERE: the main probe (A and AAAA, then TCP port 9)
main() {
	local c=$1 st=$2 code=$3 msg=$4 to=${5:-2}
	np_json -T "$to" "$HS" "$c.hostile.test" 9
	assert_true "probe $c: no crash (exit status $NP_RC < 128)" [ "$NP_RC" -lt 128 ]
	assert_rc 2 "probe $c: exit status 2"
	assert_eq "probe $c: nothing on stderr" "" "$(cat "$NP_ERR")"
	assert_eq "probe $c: dns.status $st, error code $code" "$st $code" \
		"$(jpy "$NP_OUT" '"%s %s" % (t["dns"]["status"], (t["dns"]["error"] or {}).get("code"))')"
	assert_match "probe $c: error message" "$msg" "$(jget "$NP_OUT" targets.0.dns.error.message)"
	assert_eq "probe $c: no address, no probe" "[[],[]]" "$(jpy "$NP_OUT" '[t["dns"]["addresses"], t["probes"]]')"
	check_json_basics "probe $c" "$NP_OUT" "$NP_RC"
	np_run -T "$to" "$HS" "$c.hostile.test" 9
	assert_rc 2 "probe $c (text): exit status 2"
	assert_match "probe $c (text): first line says dns $st" "^$c\.hostile\.test: dns $st " "$(np_first_line)"
}

echo "# --- a good answer from the helper (the baseline)"
np_run lookup "$HS" ok.hostile.test A AAAA
coherent "lookup ok" 2
assert_rc 0 "lookup ok: exit status 0"
assert_eq "lookup ok: the answers" "ok.hostile.test. 60 IN A 127.0.0.1
ok.hostile.test. 60 IN AAAA ::1" "$(np_text_section "$NP_OUT" ANSWER)"

echo "# --- malformed: the decoder refuses them, with its reason"
malformed loop "$R_LOOP"
malformed loopcname "$R_LOOP"
malformed loop2 "$R_LOOP"
malformed ptrpast "$R_PTR"
malformed counts "$R_SHORT"
malformed rdlength "$R_SHORT"
malformed shorta "$R_SHORT"
malformed label64 "$R_LABEL"
malformed label80 "$R_LABEL"
malformed nameover "$R_LONG"
malformed txtover "$R_SHORT"

echo "# --- dropped by c-ares 1.18 before netprobe sees them: timeouts"
dropped wrongid
dropped otherq
dropped qdzero
dropped tiny

echo "# --- odd but decodable"
np_run lookup "$HS" trailing.hostile.test A
coherent "lookup trailing" 1
assert_rc 0 "lookup trailing: exit status 0 (bytes after the last record are tolerated)"
assert_eq "lookup trailing: the answer" "trailing.hostile.test. 60 IN A 127.0.0.1" "$(np_text_section "$NP_OUT" ANSWER)"
assert_match "lookup trailing: MSG SIZE counts the garbage too (12 + 27 + 16 + 100)" '^;; MSG SIZE  rcvd: 155$' "$(np_stdout)"

np_run lookup "$HS" noqr.hostile.test A
coherent "lookup noqr" 1
assert_match "lookup noqr: the flags shown lack qr" '^;; flags: aa rd ra; ' "$(np_stdout)"
# the main probe refuses such a reply (BADREPLY), and so does lookup
assert_eq "lookup noqr: a reply with QR clear is not an answer (exit 2, like the probe's BADREPLY)" \
	"2" "$NP_RC"

: >"$NP_TMP/hostile.log"
np_run lookup "$HS" huge.hostile.test A
coherent "lookup huge" 1
assert_rc 0 "lookup huge: exit status 0"
assert_match "lookup huge: TCP after a truncated UDP answer" \
	"^;; SERVER: 127\.0\.0\.1:$HPORT \(TCP, retried over TCP after a truncated UDP answer\)$" "$(np_stdout)"
assert_match "lookup huge: header counts 300 answers" '^;; flags: qr aa rd ra; QUERY: 1, ANSWER: 300, ' "$(np_stdout)"
assert_eq "lookup huge: 255 answers shown (256 records with the question)" 255 "$(np_text_section "$NP_OUT" ANSWER | wc -l)"
assert_eq "lookup huge: says how many more" ";; (45 more records not shown)" "$(grep 'more records' "$NP_OUT")"
assert_eq "lookup huge: the helper saw UDP then TCP" "udp huge 1 rd
tcp huge 1 rd" "$(cat "$NP_TMP/hostile.log")"
np_run lookup --json "$HS" huge.hostile.test AAAA
assert_eq "lookup huge (JSON): counts.answer 300, 255 in answer[], transport tcp, retried" '[300,255,"tcp",true,null]' \
	"$(jpy "$NP_OUT" '[d["replies"][0]["counts"]["answer"], len(d["replies"][0]["answer"]), d["replies"][0]["transport"], d["replies"][0]["retried_tcp"], d["replies"][0]["error"]]')"

np_run lookup -T 2 "$HS" slow.hostile.test A
coherent "lookup slow" 1
assert_rc 0 "lookup slow (answer after 0.5 s, --timeout 2): exit status 0"
assert_eq "lookup slow: the answer" "slow.hostile.test. 60 IN A 127.0.0.1" "$(np_text_section "$NP_OUT" ANSWER)"

np_run lookup "$HS" whatever.hostile.test A
coherent "lookup refused" 1
assert_rc 2 "lookup REFUSED from the helper: exit status 2"

echo "# --- the main probe against the same replies"
for c in loop loop2 ptrpast counts rdlength label64 label80 nameover; do
	case $c in
	loop*) why=$R_LOOP ;; ptrpast) why=$R_PTR ;; label*) why=$R_LABEL ;;
	nameover) why=$R_LONG ;; *) why=$R_SHORT ;;
	esac
	main "$c" error MALFORMED "^malformed answer: $why\$"
done
main loopcname error MALFORMED "^malformed CNAME record: $R_LOOP\$"
main shorta error MALFORMED '^A{1,4} record with (3|15) bytes of data$'
main noqr error BADREPLY '^reply is not marked as a response \(QR=0\)$'
for c in wrongid otherq qdzero tiny; do
	main "$c" timeout TIMEOUT "^no reply from DNS server 127\.0\.0\.1:$HPORT within $T\.000 s\$" "$T"
done
# the probe reads A/AAAA records only: a broken TXT record is no address (NODATA)
np_json "$HS" txtover.hostile.test 9
assert_rc 2 "probe txtover: exit status 2"
assert_eq "probe txtover: dns.status nodata (TXT rdata is not the probe's business)" "nodata NODATA" \
	"$(jpy "$NP_OUT" '"%s %s" % (t["dns"]["status"], (t["dns"]["error"] or {}).get("code"))')"
for c in trailing huge slow; do
	np_json -T 2 "$HS" "$c.hostile.test" 9
	assert_true "probe $c: no crash" [ "$NP_RC" -lt 128 ]
	assert_eq "probe $c: dns.status ok" "ok" "$(jget "$NP_OUT" targets.0.dns.status)"
	[ "$c" = huge ] && assert_eq "probe huge: 300 answers counted per query" "[300,300]" \
		"$(jpy "$NP_OUT" '[q["answers"] for q in t["dns"]["queries"]]')"
done

echo "# --- hostile content: one TXT record of 65,000 empty strings (issue 8 item 10)"
# Over TCP (--tcp: the A and AAAA answers queue behind it on the same
# connection) and after a truncated UDP answer. Decoding must be linear and must
# not hold up the other replies: all three arrive well inside --timeout 2, so
# none may be reported as a timeout.
for how in --tcp --udp; do
	np_run lookup $([ "$how" = --tcp ] && echo --tcp) -T 2 "$HS" txtmany.hostile.test TXT A AAAA
	coherent "lookup txtmany ($how)" 3
	assert_rc 0 "lookup txtmany ($how): exit status 0"
	assert_eq "lookup txtmany ($how): no reply reported missing" "" "$(grep 'no reply' "$NP_OUT")"
	assert_eq "lookup txtmany ($how): the A and AAAA answers" "txtmany.hostile.test. 60 IN A 127.0.0.1
txtmany.hostile.test. 60 IN AAAA ::1" "$(np_text_section "$NP_OUT" ANSWER | grep -v ' TXT ')"
done
np_run lookup --json -T 2 "$HS" txtmany.hostile.test TXT
assert_rc 0 "lookup txtmany (JSON): exit status 0"
assert_eq "lookup txtmany (JSON): 65000 strings, each empty, in text and in hex" '[65000,65000,true]' \
	"$(jpy "$NP_OUT" '[len(d["replies"][0]["answer"][0]["fields"]["strings"]), len(d["replies"][0]["answer"][0]["fields"]["strings_hex"]), set(d["replies"][0]["answer"][0]["fields"]["strings"]) == {""} == set(d["replies"][0]["answer"][0]["fields"]["strings_hex"])]')"
SCHEMA="$top_srcdir/docs/netprobe-lookup.schema.json" check_schema "lookup txtmany (JSON)" "$NP_OUT"

np_done
