#!/bin/bash
# netprobe lookup's behaviour on a real knotd (and a silent and a hostile
# helper where knotd cannot show it): exit statuses (0 answers, 1 NODATA, 2
# NXDOMAIN/SERVFAIL/REFUSED/timeout/refused connection, 3 bad input) equal in
# text and JSON; --short equals dig +short; a truncated UDP answer retried over
# TCP and said so; --tcp asks over TCP from the start; --norecurse clears RD in
# the query; the JSON document's shape and number types for every record type;
# --dump's header fields and each record's TYPE/CLASS/TTL/RDLENGTH bytes in
# network order with their values.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lookup_lib.sh"
lookup_init
start_lookup_knot
start_silent_dns silent
start_hostile_dns hostile
HS="@127.0.0.1:$HPORT"

# first_status: the status of the first reply in the text output
first_status() { sed -n 's/.*->>HEADER<<- .*status: \([A-Z0-9]*\),.*/\1/p' "$NP_OUT" | head -n 1; }

echo "# --- exit statuses, text and JSON"
# check_exit EXIT STATUS DESC ARGS...: text status line, JSON rcode, exit status
check_exit() {
	local rc=$1 st=$2 d=$3; shift 3
	np_lookup "$@"
	assert_rc "$rc" "$d: exit status $rc"
	[ "$st" = - ] || assert_eq "$d: text header says status: $st" "$st" "$(first_status)"
	np_lookup --json "$@"
	assert_rc "$rc" "$d (JSON): exit status $rc"
	assert_eq "$d (JSON): exit_code $rc" "$rc" "$(jget "$NP_OUT" exit_code)"
	[ "$st" = - ] || assert_eq "$d (JSON): rcode $st" "$st" "$(jget "$NP_OUT" replies.0.rcode)"
	assert_eq "$d (JSON): error null (a well-formed reply)" "null" "$(jget "$NP_OUT" replies.0.error)"
}
check_exit 0 NOERROR "answers (www A)" www.lookup.test A
check_exit 0 NOERROR "answers via a CNAME chain" chain1.lookup.test AAAA
check_exit 1 NOERROR "NODATA (nodata A)" nodata.lookup.test A
check_exit 2 NOERROR "a referral (below a delegation, --norecurse): not NODATA" --norecurse host.deleg.lookup.test A
check_exit 2 NOERROR "a CNAME out of every zone, unanswered (incomplete)" outside.lookup.test A
check_exit 2 NXDOMAIN "NXDOMAIN" nxdomain.lookup.test A
check_exit 2 NXDOMAIN "NXDOMAIN (-x, no PTR)" -x 127.0.0.99
check_exit 2 SERVFAIL "SERVFAIL (zone failed to load)" www.broken.test A
check_exit 2 REFUSED "REFUSED (outside every zone)" name.outside.invalid A
# several types: the worst outcome decides (answers + NODATA -> 1)
check_exit 1 NOERROR "www A + MX (answers and NODATA)" www.lookup.test A MX
check_exit 0 NOERROR "www A + AAAA (answers both)" www.lookup.test A AAAA

np_run lookup -T 1 "@127.0.0.1:$SILENT_PORT" www.lookup.test A
assert_rc 2 "timeout (silent server): exit status 2"
assert_match "timeout: text says no reply, from whom, within what" \
	"^;; no reply: no reply from 127\.0\.0\.1:$SILENT_PORT within 1\.000 s$" "$(np_stdout)"
assert_match "timeout: the silent server did receive the query" '^[1-9][0-9]* ' "$(helper_count silent)"
np_run lookup --json -T 1 "@127.0.0.1:$SILENT_PORT" www.lookup.test A
assert_rc 2 "timeout (JSON): exit status 2"
assert_eq "timeout (JSON): error.code TIMEOUT, rcode null, flags [], exit_code 2" \
	'["TIMEOUT",null,[],2]' "$(jpy "$NP_OUT" '[d["replies"][0]["error"]["code"], d["replies"][0]["rcode"], d["replies"][0]["flags"], d["exit_code"]]')"
assert_match "timeout (JSON): error.message names the server" "127\.0\.0\.1:$SILENT_PORT" "$(jget "$NP_OUT" replies.0.error.message)"
assert_eq "timeout (JSON): every section present (empty)" '[[],[],[],[]]' \
	"$(jpy "$NP_OUT" '[d["replies"][0].get(k) for k in ("question", "answer", "authority", "additional")]')"
np_run lookup --short -T 1 "@127.0.0.1:$SILENT_PORT" www.lookup.test A
assert_rc 2 "timeout --short: exit status 2"
assert_match "timeout --short: one ';;' line with the reason" "^;; no reply from 127\.0\.0\.1:$SILENT_PORT within 1\.000 s$" "$(np_stdout)"

start_closed_port closed
CP=$CLOSED_PORT
np_run lookup --json -T 2 "@127.0.0.1:$CP" --tcp www.lookup.test A
assert_rc 2 "nothing listening (TCP): exit status 2"
assert_eq "nothing listening (TCP): error.code ECONNREFUSED" "ECONNREFUSED" "$(jget "$NP_OUT" replies.0.error.code)"

echo "# --- bad input: exit 3, one 'netprobe: ' line on stderr, nothing on stdout"
L63=$(printf 'x%.0s' $(seq 1 63))
N253="$L63.$L63.$L63.$(printf 'y%.0s' $(seq 1 61))"
N254="$L63.$L63.$L63.$(printf 'y%.0s' $(seq 1 62))"
bad() {
	local d=$1; shift
	np_run lookup "$@"
	assert_rc 3 "bad input, $d: exit status 3"
	assert_eq "bad input, $d: stdout empty" "" "$(np_stdout)"
	assert_match "bad input, $d: one 'netprobe: ' line on stderr" '^netprobe: .+$' "$(cat "$NP_ERR")"
	assert_eq "bad input, $d: exactly one stderr line" 1 "$(wc -l <"$NP_ERR")"
}
bad "unknown type name" "$LS" www.lookup.test BOGUS
bad "type TYPE0" "$LS" www.lookup.test TYPE0
bad "type TYPE65536" "$LS" www.lookup.test TYPE65536
bad "-x with 3 octets" "$LS" -x 1.2.3
bad "-x with a bad IPv6" "$LS" -x 2001:db8::g
bad "-x with a name" "$LS" -x www.lookup.test
bad "-x with an octet 256" "$LS" -x 127.0.0.256
bad "a 254-byte name" "$LS" "$N254"
bad "a 254-byte name with a trailing dot" "$LS" "$N254."
bad "an empty label" "$LS" www..lookup.test
bad "a 64-byte label" "$LS" "${L63}x.lookup.test"
bad "no name" "$LS"
bad "--timeout 0" "$LS" -T 0 www.lookup.test
bad "unknown option" "$LS" --bogus www.lookup.test
bad "--format xml" "$LS" --format xml www.lookup.test
bad "server not an address" @not-an-address www.lookup.test
for n in "$N253" "$N253."; do
	np_run lookup "$LS" "$n" A
	assert_rc 2 "a 253-byte name (${#n} characters) is asked (knotd: REFUSED, exit 2)"
	assert_eq "a 253-byte name: status REFUSED from knotd" "REFUSED" "$(first_status)"
done

echo "# --- -x builds the reverse name python's ipaddress builds"
for a in 0.0.0.0 255.255.255.255 127.0.0.1 :: ::1 ::ffff:127.0.0.1 2001:db8:: fe80::1:2 \
	2001:db8:ffff:ffff:ffff:ffff:ffff:ffff; do
	np_lookup --json -x "$a"
	assert_eq "-x $a: the question asked is ipaddress's reverse_pointer" \
		"$("$PY" -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]).reverse_pointer + ".")' "$a") PTR" \
		"$(jpy "$NP_OUT" 'd["replies"][0]["question"][0]["name"] + " " + d["replies"][0]["question"][0]["type"]')"
done

echo "# --- --short equals dig +short"
short() {
	local want
	want=$(dig_q +short "$@" | hexcase)
	np_lookup --short "$@"
	assert_eq "--short $*: equals dig +short" "$want" "$(np_stdout | hexcase)"
}
for q in "www.lookup.test A" "www.lookup.test AAAA" "chain1.lookup.test A" "chain1.lookup.test CNAME" \
	"lookup.test MX" "lookup.test NS" "lookup.test SOA" "lookup.test TXT" "lookup.test CAA" \
	"multi.lookup.test TXT" "escaped.lookup.test TXT" "binary.lookup.test TXT" "empty.lookup.test TXT" \
	"bigtxt.lookup.test TXT" "_sip._tcp.lookup.test SRV" "ptr.lookup.test PTR" "caa.lookup.test CAA" \
	"unknown.lookup.test TYPE65280" "nodata.lookup.test A" "nxdomain.lookup.test A" \
	"host.child.lookup.test AAAA"; do
	# shellcheck disable=SC2086
	short $q
done
short -x 127.0.0.11
short -x 2001:db8::25
short -x ::1

echo "# --- a truncated UDP answer is retried over TCP, and said so"
np_lookup bigtxt.lookup.test TXT
assert_rc 0 "bigtxt TXT: exit status 0"
assert_match "bigtxt TXT: text SERVER line says TCP, retried after a truncated UDP answer" \
	"^;; SERVER: 127\.0\.0\.1:$KNOT_PORT \(TCP, retried over TCP after a truncated UDP answer\)$" "$(np_stdout)"
np_lookup --json bigtxt.lookup.test TXT
assert_eq "bigtxt TXT (JSON): transport tcp, retried_tcp true, truncated false (the TCP answer is whole)" \
	'["tcp",true,false]' "$(jpy "$NP_OUT" '[d["replies"][0][k] for k in ("transport", "retried_tcp", "truncated")]')"
assert_eq "bigtxt TXT (JSON): size over 512 and the 4 strings of 160 bytes" \
	'[true,[160,160,160,160]]' "$(jpy "$NP_OUT" '[d["replies"][0]["size"] > 512, [len(s) for s in d["replies"][0]["answer"][0]["fields"]["strings"]]]')"
np_lookup --json bigtxt.lookup.test TXT A
assert_eq "bigtxt TXT + A at once: TXT retried over TCP, A stays UDP" \
	'[["TXT","tcp",true],["A","udp",false]]' "$(jpy "$NP_OUT" '[[r["type"], r["transport"], r["retried_tcp"]] for r in d["replies"]]')"
np_lookup www.lookup.test A
assert_match "www A: text SERVER line says UDP, nothing else" "^;; SERVER: 127\.0\.0\.1:$KNOT_PORT \(UDP\)$" "$(np_stdout)"
# the hostile helper logs the transports: UDP first (TC), then TCP
: >"$NP_TMP/hostile.log"
np_run lookup --json "$HS" huge.hostile.test A
assert_eq "hostile huge A: the query went over UDP, then over TCP" "udp huge 1 rd
tcp huge 1 rd" "$(cat "$NP_TMP/hostile.log")"
assert_eq "hostile huge A (JSON): transport tcp, retried_tcp true" '["tcp",true]' \
	"$(jpy "$NP_OUT" '[d["replies"][0]["transport"], d["replies"][0]["retried_tcp"]]')"

echo "# --- --tcp: TCP from the start"
np_lookup --tcp www.lookup.test A
assert_rc 0 "--tcp www A: exit status 0"
assert_match "--tcp www A: text SERVER line says TCP (not retried)" "^;; SERVER: 127\.0\.0\.1:$KNOT_PORT \(TCP\)$" "$(np_stdout)"
np_lookup --json -t bigtxt.lookup.test TXT A
assert_eq "-t (JSON): every reply tcp, none retried (the big TXT too)" '[["tcp",false],["tcp",false]]' \
	"$(jpy "$NP_OUT" '[[r["transport"], r["retried_tcp"]] for r in d["replies"]]')"
: >"$NP_TMP/hostile.log"
np_run lookup --tcp "$HS" ok.hostile.test A AAAA
assert_rc 0 "--tcp hostile ok: exit status 0"
assert_eq "--tcp: the server saw TCP queries only" "tcp ok 1 rd
tcp ok 28 rd" "$(sort "$NP_TMP/hostile.log")"

echo "# --- --norecurse clears RD in the query"
: >"$NP_TMP/hostile.log"
np_run lookup --norecurse "$HS" ok.hostile.test A
np_run lookup "$HS" ok.hostile.test A
assert_eq "the server saw RD clear with --norecurse, set without" "udp ok 1 nord
udp ok 1 rd" "$(cat "$NP_TMP/hostile.log")"
np_lookup --json --norecurse www.lookup.test A
assert_eq "--norecurse (JSON): recursion_desired false, knotd's flags lack rd" '[false,["qr","aa"]]' \
	"$(jpy "$NP_OUT" '[d["recursion_desired"], d["replies"][0]["flags"]]')"
np_lookup --json www.lookup.test A
assert_eq "default (JSON): recursion_desired true, knotd echoes rd" '[true,["qr","aa","rd"]]' \
	"$(jpy "$NP_OUT" '[d["recursion_desired"], d["replies"][0]["flags"]]')"
np_lookup --norecurse www.lookup.test A
assert_match "--norecurse (text): flags: qr aa;" '^;; flags: qr aa; QUERY: 1, ANSWER: 2,' "$(np_stdout)"

echo "# --- JSON: shape, sections, numbers as numbers, fields per type"
cat >"$NP_TMP/shape.py" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
rc = int(sys.argv[2])
errs = []
def isint(x):
    return isinstance(x, int) and not isinstance(x, bool)
def isnum(x):
    return isinstance(x, (int, float)) and not isinstance(x, bool)
def need(cond, what):
    if not cond:
        errs.append(what)
need(d.get("schema_version") == 1, "schema_version 1")
need(d.get("command") == "lookup", "command lookup")
need(isinstance(d.get("name"), str), "name string")
need(isinstance(d.get("recursion_desired"), bool), "recursion_desired bool")
need(d.get("exit_code") == rc and isint(d.get("exit_code")), "exit_code int = exit status")
need("system" in d and d["system"] is None, "system null without --compare-system")
need(isinstance(d.get("replies"), list) and d["replies"], "replies non-empty list")
FIELDS = {
    "A": {"address": str}, "AAAA": {"address": str},
    "CNAME": {"target": str}, "NS": {"target": str}, "PTR": {"target": str},
    "MX": {"preference": int, "exchange": str},
    "SRV": {"priority": int, "weight": int, "port": int, "target": str},
    "SOA": {"mname": str, "rname": str, "serial": int, "refresh": int, "retry": int,
            "expire": int, "minimum": int},
    "TXT": {"strings": list, "strings_hex": list}, "CAA": {"flags": int, "tag": str, "value": str},
}
for i, r in enumerate(d["replies"]):
    p = "replies[%d]" % i
    for k, t in (("type", str), ("server", str), ("transport", str), ("opcode", str), ("rcode", str)):
        need(isinstance(r.get(k), t), "%s.%s %s" % (p, k, t.__name__))
    need(r.get("transport") in ("udp", "tcp"), p + ".transport udp|tcp")
    for k in ("retried_tcp", "truncated"):
        need(isinstance(r.get(k), bool), "%s.%s bool" % (p, k))
    need(isnum(r.get("time_ms")) and r["time_ms"] >= 0, p + ".time_ms number >= 0")
    need(isinstance(r.get("flags"), list) and all(isinstance(f, str) for f in r["flags"]), p + ".flags list of strings")
    need("qr" in r.get("flags", []), p + ".flags has qr")
    need(isint(r.get("id")) and 0 <= r["id"] <= 65535, p + ".id int 0..65535")
    need(isint(r.get("size")) and r["size"] >= 12, p + ".size int >= 12")
    need(r.get("error") is None, p + ".error null")
    c = r.get("counts", {})
    for s in ("question", "answer", "authority", "additional"):
        need(isinstance(r.get(s), list), "%s.%s list" % (p, s))
        need(isint(c.get(s)) and c.get(s) == len(r.get(s, [])), "%s.counts.%s int = len(%s)" % (p, s, s))
        for j, rec in enumerate(r.get(s, [])):
            q = "%s.%s[%d]" % (p, s, j)
            need(isinstance(rec.get("name"), str) and rec["name"].endswith("."), q + ".name ends with a dot")
            need(isinstance(rec.get("type"), str) and isint(rec.get("type_code")), q + ".type string, type_code int")
            need(rec.get("class") == "IN", q + ".class IN")
            need(isint(rec.get("offset")) and 12 <= rec["offset"] < r["size"], q + ".offset int within the message")
            if s == "question":
                need("ttl" not in rec and "rdata" not in rec, q + " has no ttl/rdata")
                continue
            need(isint(rec.get("ttl")) and 0 <= rec["ttl"] <= 2**31 - 1, q + ".ttl int 0..2^31-1")
            need(isint(rec.get("rdlength")) and 0 <= rec["rdlength"] <= r["size"], q + ".rdlength int")
            need(isinstance(rec.get("rdata"), str), q + ".rdata string")
            f = rec.get("fields")
            need(isinstance(f, dict), q + ".fields object")
            want = FIELDS.get(rec["type"], {})
            need(isinstance(f, dict) and sorted(f) == sorted(want), "%s.fields keys %s, got %s" % (q, sorted(want), sorted(f or {})))
            for k, t in want.items():
                v = (f or {}).get(k)
                need(isint(v) if t is int else isinstance(v, t), "%s.fields.%s %s" % (q, k, t.__name__))
            if rec["type"] == "TXT" and isinstance(f, dict):
                need(all(isinstance(x, str) for x in f.get("strings", [])), q + ".fields.strings strings")
                need(rec["rdata"] == " ".join('"%s"' % x for x in f.get("strings", [])), q + ": rdata = the strings quoted")
print("\n".join(errs) if errs else "ok")
PYEOF
shape() {
	local d=$1; shift
	np_lookup --json "$@"
	assert_eq "JSON shape: $d" ok "$("$PY" "$NP_TMP/shape.py" "$NP_OUT" "$NP_RC")"
}
shape "apex SOA NS MX TXT CAA" lookup.test SOA NS MX TXT CAA
shape "A AAAA CNAME chain" chain1.lookup.test A AAAA CNAME
shape "SRV with additional" _sip._tcp.lookup.test SRV
shape "TXT escapes" escaped.lookup.test TXT
shape "TXT unprintable" binary.lookup.test TXT
shape "TXT several, empty" multi.lookup.test TXT
shape "big TXT over TCP" bigtxt.lookup.test TXT
shape "CAA" caa.lookup.test CAA
shape "unknown types" unknown.lookup.test TYPE65280
shape "PTR (-x v4)" -x 127.0.0.11
shape "PTR (-x v6)" -x 2001:db8::10
shape "NXDOMAIN (SOA in authority)" nxdomain.lookup.test A
shape "referral" --norecurse host.deleg.lookup.test A
shape "SERVFAIL" www.broken.test A
shape "REFUSED" name.outside.invalid A

# field values equal the zone file
np_lookup --json lookup.test SOA MX
assert_eq "SOA fields equal the zone" \
	'{"expire":1209600,"minimum":300,"mname":"ns1.lookup.test.","refresh":7200,"retry":900,"rname":"hostmaster.lookup.test.","serial":2024061501}' \
	"$(jget "$NP_OUT" replies.0.answer.0.fields)"
assert_eq "MX fields equal the zone" '[{"exchange":"mail1.lookup.test.","preference":10},{"exchange":"mail2.lookup.test.","preference":20}]' \
	"$(jpy "$NP_OUT" 'sorted((r["fields"] for r in d["replies"][1]["answer"]), key=lambda f: f["preference"])')"
np_lookup --json _sip._tcp.lookup.test SRV
assert_eq "SRV fields equal the zone" \
	'[{"port":5060,"priority":10,"target":"sip1.lookup.test.","weight":60},{"port":5061,"priority":20,"target":"sip2.lookup.test.","weight":0}]' \
	"$(jpy "$NP_OUT" 'sorted((r["fields"] for r in d["replies"][0]["answer"]), key=lambda f: f["priority"])')"
np_lookup --json caa.lookup.test CAA
assert_eq "CAA fields equal the zone" \
	'[{"flags":0,"tag":"issue","value":"ca.example.net; account=12345"},{"flags":128,"tag":"tbs","value":"Unknown"}]' \
	"$(jpy "$NP_OUT" 'sorted((r["fields"] for r in d["replies"][0]["answer"]), key=lambda f: f["flags"])')"
np_lookup --json multi.lookup.test TXT
assert_eq "TXT strings equal the zone" '["first string","second string","third"]' "$(jget "$NP_OUT" replies.0.answer.0.fields.strings)"
np_lookup --json empty.lookup.test TXT
assert_eq "TXT with one empty string" '[""]' "$(jget "$NP_OUT" replies.0.answer.0.fields.strings)"
np_lookup --json escaped.lookup.test TXT
# the strings carry dig's escapes (\" \\ \DDD), not the raw bytes
assert_eq "TXT strings keep the presentation escapes" '["say \\\"hi\\\" \\\\ back\\\\slash"]' "$(jget "$NP_OUT" replies.0.answer.0.fields.strings)"
# strings_hex: the bytes themselves, as kdig's presentation decodes to (the oracle)
TXT_HEX_PY=$(cat <<'PYEOF'
import json, re, sys
out = []
for tok in re.findall(r'"((?:[^"\\]|\\.)*)"', sys.stdin.read()):
    b = re.sub(rb'\\([0-9]{3}|.)', lambda m: bytes([int(m.group(1))]) if m.group(1).isdigit() else m.group(1), tok.encode())
    out.append(b.hex())
print(json.dumps(out, separators=(",", ":")))
PYEOF
)
for n in escaped binary multi empty; do
	np_lookup --json "$n.lookup.test" TXT
	assert_eq "TXT $n: strings_hex are the bytes kdig shows" \
		"$(kdig @127.0.0.1 -p "$KNOT_PORT" +time=2 +retry=1 +short "$n.lookup.test" TXT 2>&1 | "$PY" -c "$TXT_HEX_PY")" \
		"$(jget "$NP_OUT" replies.0.answer.0.fields.strings_hex)"
done
np_lookup --json ttlmax.lookup.test A
assert_eq "TTL 2147483647 is the integer 2147483647" "2147483647" "$(jpy "$NP_OUT" 'd["replies"][0]["answer"][0]["ttl"]')"
np_lookup --json ttl0.lookup.test A
assert_eq "TTL 0 is the integer 0" "0" "$(jpy "$NP_OUT" 'd["replies"][0]["answer"][0]["ttl"]')"
np_lookup --json unknown.lookup.test TYPE65280
assert_eq "unknown type: type TYPE65280, type_code 65280, fields {}, rdlength 0 and 4" \
	'[["TYPE65280",65280,{},0,"\\# 0"],["TYPE65280",65280,{},4,"\\# 4 DEADBEEF"]]' \
	"$(jpy "$NP_OUT" 'sorted([r["type"], r["type_code"], r["fields"], r["rdlength"], r["rdata"]] for r in d["replies"][0]["answer"])')"

echo "# --- --dump: header fields and each record's fixed fields, bytes and values"
np_lookup --dump ttlmax.lookup.test A
assert_rc 0 "--dump ttlmax A: exit status 0"
out=$(np_stdout)
assert_match "--dump: TTL line shows 7f ff ff ff and 2147483647 s" '^;;   002a  7f ff ff ff +TTL +2147483647 s$' "$out"
assert_match "--dump: TYPE line 00 01 A (1)" '^;;   0026  00 01 +TYPE +A \(1\)$' "$out"
assert_match "--dump: CLASS line 00 01 IN (1)" '^;;   0028  00 01 +CLASS +IN \(1\)$' "$out"
assert_match "--dump: RDLENGTH line 00 04, 4 bytes" '^;;   002e  00 04 +RDLENGTH +4 bytes$' "$out"
assert_match "--dump: RDATA line 7f 00 00 0d, 127.0.0.13" '^;;   0030  7f 00 00 0d +RDATA +127\.0\.0\.13$' "$out"
assert_match "--dump: flags 85 00 = qr aa rd, QUERY, NOERROR" '^;;   0002  85 00 +flags +qr aa rd; opcode QUERY; rcode NOERROR$' "$out"
assert_match "--dump: QDCOUNT 00 01" '^;;   0004  00 01 +QDCOUNT +1$' "$out"
assert_match "--dump: ANCOUNT 00 01" '^;;   0006  00 01 +ANCOUNT +1$' "$out"
id=$(sed -n 's/.*->>HEADER<<- .*id: \([0-9]*\)$/\1/p' "$NP_OUT")
assert_match "--dump: ID line is the header's id, big-endian" "^;;   0000  $(printf '%02x %02x' $((id >> 8)) $((id & 255))) +ID +$id\$" "$out"
# every fixed field of every record in some bigger replies: the bytes shown,
# read as big-endian, are the value shown; TTL 4 bytes, the others 2
cat >"$NP_TMP/dump.py" <<'PYEOF'
import re, sys
errs, seen = [], {}
for line in open(sys.argv[1]):
    m = re.match(r"^;;   ([0-9a-f]{4})  ((?:[0-9a-f]{2} ?)*(?:\.\.)?) +(\S+) +(.*)$", line.rstrip("\n"))
    if not m:
        continue
    off, hexs, field, text = m.groups()
    b = [int(x, 16) for x in hexs.replace("..", "").split()]
    val = 0
    for x in b:
        val = val * 256 + x
    seen[field] = seen.get(field, 0) + 1
    if field == "TTL":
        ok = len(b) == 4 and text == "%d s" % val
    elif field == "RDLENGTH":
        ok = len(b) == 2 and text == "%d bytes" % val
    elif field in ("TYPE", "CLASS"):
        ok = len(b) == 2 and text.endswith("(%d)" % val)
    elif field in ("ID", "QDCOUNT", "ANCOUNT", "NSCOUNT", "ARCOUNT"):
        ok = len(b) == 2 and text == str(val)
    else:
        continue
    if not ok:
        errs.append("%s %s: bytes %s do not read as %r" % (off, field, hexs, text))
print("; ".join(errs) if errs else "ok %s" % " ".join("%s=%d" % kv for kv in sorted(seen.items())))
PYEOF
dumpcheck() {
	local d=$1 want=$2; shift 2
	np_lookup --dump "$@"
	assert_eq "--dump $d: every TTL/TYPE/CLASS/RDLENGTH/count line reads as its value" "ok $want" "$("$PY" "$NP_TMP/dump.py" "$NP_OUT")"
}
dumpcheck "lookup.test MX (2 answers, 3 additional)" \
	"ANCOUNT=1 ARCOUNT=1 CLASS=5 ID=1 NAME=5 NSCOUNT=1 QCLASS=1 QDCOUNT=1 QNAME=1 QTYPE=1 RDATA=5 RDLENGTH=5 TTL=5 TYPE=5 flags=1" lookup.test MX
dumpcheck "referral (3 authority, 3 additional)" \
	"ANCOUNT=1 ARCOUNT=1 CLASS=6 ID=1 NAME=6 NSCOUNT=1 QCLASS=1 QDCOUNT=1 QNAME=1 QTYPE=1 RDATA=6 RDLENGTH=6 TTL=6 TYPE=6 flags=1" \
	--norecurse host.deleg.lookup.test A
dumpcheck "unknown types" \
	"ANCOUNT=1 ARCOUNT=1 CLASS=2 ID=1 NAME=2 NSCOUNT=1 QCLASS=1 QDCOUNT=1 QNAME=1 QTYPE=1 RDATA=2 RDLENGTH=2 TTL=2 TYPE=2 flags=1" \
	unknown.lookup.test TYPE65280
np_lookup --dump lookup.test MX
assert_match "--dump MX: TTL 3000 is 00 00 0b b8" '^;;   [0-9a-f]{4}  00 00 0b b8 +TTL +3000 s$' "$(np_stdout)"
assert_match "--dump MX: additional AAAA TYPE is 00 1c" '^;;   [0-9a-f]{4}  00 1c +TYPE +AAAA \(28\)$' "$(np_stdout)"
assert_match "--dump MX: TYPE MX is 00 0f" '^;;   [0-9a-f]{4}  00 0f +TYPE +MX \(15\)$' "$(np_stdout)"
np_lookup --dump unknown.lookup.test TYPE65280
assert_match "--dump TYPE65280: TYPE bytes ff 00" '^;;   [0-9a-f]{4}  ff 00 +TYPE +TYPE65280 \(65280\)$' "$(np_stdout)"
assert_match "--dump TYPE65280: RDATA de ad be ef" '^;;   [0-9a-f]{4}  de ad be ef +RDATA +\\# 4 DEADBEEF$' "$(np_stdout)"
np_lookup --dump --json www.lookup.test A
assert_eq "--dump with --json: still one JSON document" "0" "$(jget "$NP_OUT" exit_code)"

np_done
