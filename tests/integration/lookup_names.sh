#!/bin/bash
# Names as a server reads them, with dig/kdig as the oracle: the root works
# (lookup . NS, as dig . NS), a name with escaped bytes (\DDD, \.) is sent as
# those bytes and its real reply is accepted, in lookup and in the probe; bad
# names (empty labels, bad escapes, over 63 octets a label or 255 a name, in
# wire form) are bad input: one line on stderr, exit 3, no query sent.  AXFR
# and IXFR are refused the same way until full transfers exist.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lookup_lib.sh"
lookup_init
start_lookup_knot
start_listener web 127.0.0.1 ::1
P=$LISTEN_PORT

# ---- the root name: what dig says, netprobe says (knotd serves no root zone:
# REFUSED, but a DNS answer, not "bad input")
dig_root=$(dig_q +norecurse . NS | sed -n 's/.*status: \([A-Z]*\).*/\1/p')
assert_ne "oracle: dig . NS gets a reply" "" "$dig_root"
np_lookup --norecurse . NS
assert_eq "lookup . NS: nothing on stderr" "" "$(cat "$NP_ERR")"
assert_match "lookup . NS: the status dig saw ($dig_root)" "status: $dig_root," "$(np_stdout)"
assert_match "lookup . NS: the question is the root" "^;\. +IN +NS$" "$(np_stdout)"
assert_rc 2 "lookup . NS: exit status 2 (the server refused), not 3"
np_lookup --json --norecurse . NS
assert_eq "lookup . NS (JSON): question name '.'" "." "$(jpy "$NP_OUT" 'd["replies"][0]["question"][0]["name"]')"

# ---- escaped bytes: sent as bytes, the reply matched on wire names
for n in 'dot\.name.lookup.test' 'dot\046name.lookup.test' '\119ww.lookup.test' 'WWW.Lookup.TEST'; do
	want=$(kdig_addrs "$n" | awk '{ print $1 }' | sort | tr '\n' ' ')
	assert_ne "oracle: kdig finds addresses for $n" "" "$want"
	np_json "@127.0.0.1:$KNOT_PORT" "$n" "$P"
	assert_eq "probe $n: dns ok, not a 'spoofed' reply" "ok" "$(jget "$NP_OUT" targets.0.dns.status)"
	assert_eq "probe $n: the addresses kdig gives" "$want" \
		"$(jpy "$NP_OUT" '" ".join(sorted(a["address"] for a in t["dns"]["addresses"])) + " "')"
	np_lookup --json "$n" A
	assert_eq "lookup $n: the A records kdig gives" \
		"$(kdig_addrs "$n" | awk '$1 !~ /:/ { print $1 }' | sort | tr '\n' ' ')" \
		"$(jpy "$NP_OUT" '" ".join(sorted(r["rdata"] for r in d["replies"][0]["answer"] if r["type"] == "A")) + " "')"
done
# a name with a space in it (TXT only there): NODATA for A, as kdig says
assert_eq "oracle: kdig says NOERROR for sp\\032ace A" NOERROR "$(kdig_rcode 'sp\032ace.lookup.test' A)"
np_json "@127.0.0.1:$KNOT_PORT" 'sp\032ace.lookup.test' "$P"
assert_eq "probe sp\\032ace: nodata, not a mismatch" "nodata" "$(jget "$NP_OUT" targets.0.dns.status)"

# ---- bad names: exit 3, one line on stderr, nothing on stdout
long63=$(printf 'x%.0s' $(seq 1 64))
long255="$(printf 'y%.0s' $(seq 1 63)).$(printf 'y%.0s' $(seq 1 63)).$(printf 'y%.0s' $(seq 1 63)).$(printf 'y%.0s' $(seq 1 63)).yy"
bad() {
	local what=$1 why=$2; shift 2
	np_run "$@"
	assert_rc 3 "$what: exit status 3 (bad input)"
	assert_eq "$what: one line on stderr" 1 "$(wc -l <"$NP_ERR")"
	assert_match "$what: stderr says why ($why)" "$why" "$(cat "$NP_ERR")"
	assert_eq "$what: nothing on stdout" "" "$(np_stdout)"
}
for cmd in lookup probe; do
	pre=(); [ "$cmd" = lookup ] && pre=(lookup)
	post=(); [ "$cmd" = probe ] && post=("$P")
	bad "$cmd a.." "empty label" "${pre[@]}" "$LS" 'a..' "${post[@]}"
	bad "$cmd ..x" "empty label" "${pre[@]}" "$LS" '..x' "${post[@]}"
	bad "$cmd a\\999.test" "bad escape" "${pre[@]}" "$LS" 'a\999.test' "${post[@]}"
	bad "$cmd a\\06.test" "bad escape" "${pre[@]}" "$LS" 'a\06.test' "${post[@]}"
	bad "$cmd 64-octet label" "63 octets" "${pre[@]}" "$LS" "$long63.test" "${post[@]}"
	bad "$cmd 260-octet name" "255" "${pre[@]}" "$LS" "$long255" "${post[@]}"
done

# ---- zone transfers: refused until netprobe can show a whole one
for t in AXFR IXFR axfr TYPE252 TYPE251; do
	bad "lookup lookup.test $t" "zone transfer" lookup "$LS" lookup.test "$t"
done

# ---- RFC 3597 rdata: the output is what dig prints (upper-case hex), byte for
# byte, and the documentation shows that same form
np_lookup --short unknown.lookup.test TYPE65280
assert_eq "unknown type: rdata exactly as dig +short prints it" \
	"$(dig_q +short unknown.lookup.test TYPE65280 | sort)" "$(np_stdout | sort)"
assert_match "README shows raw rdata as the output has it" '\\# 4 DEADBEEF' "$(grep -F 'RFC 3597' "$top_srcdir/README.md")"
assert_eq "README has no lower-case form of it" "" "$(grep -F '\# 4 deadbeef' "$top_srcdir/README.md")"
assert_eq "the man page has no lower-case form of it" "" "$(grep -F 'e# 4 deadbeef' "$top_srcdir/man/netprobe-lookup.1")"
assert_match "the man page shows the upper-case form" 'e# 4 DEADBEEF' "$(grep -F 'e# 4 ' "$top_srcdir/man/netprobe-lookup.1")"

np_done
