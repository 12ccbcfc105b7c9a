#!/bin/bash
# Successful resolution against a real knotd: A only, AAAA only, both, several
# addresses, a CNAME chain; the addresses and TTLs netprobe reports equal what
# kdig gets from the same server (and what the zone file says); -4 / -6 restrict
# the queries and probes; the server syntaxes (@IP:PORT, @[::1]:PORT, -s,
# --server=, HOST:PORT) all reach the right server.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
# one listener on every address the zone uses, so every probe is open
start_listener all 127.0.0.1 127.0.0.2 127.0.0.3 ::1
P=$LISTEN_PORT
S="@127.0.0.1:$KNOT_PORT"

# check_resolved NAME EXPECTED_ADDRS EXPECTED_QTYPES [ARGS...]
#   EXPECTED_ADDRS: "address ttl" lines, sorted (as kdig_addrs prints them)
#   EXPECTED_QTYPES: JSON list of the query types asked, sorted
check_resolved() {
	local name=$1 want=$2 qtypes=$3; shift 3
	local f nprobes
	np_json "$S" "$@" "$name" "$P"
	f=$NP_JSON
	assert_rc 0 "$name $*: exit status 0 (every probe open)"
	check_json_basics "$name $*" "$f" "$NP_RC"
	assert_eq "$name $*: host" "$name" "$(jget "$f" targets.0.host)"
	assert_eq "$name $*: ports" "[$P]" "$(jget "$f" targets.0.ports)"
	assert_eq "$name $*: dns.status" "ok" "$(jget "$f" targets.0.dns.status)"
	assert_eq "$name $*: dns.rcode" "NOERROR" "$(jget "$f" targets.0.dns.rcode)"
	assert_eq "$name $*: dns.source" "dns" "$(jget "$f" targets.0.dns.source)"
	assert_eq "$name $*: dns.server" "127.0.0.1:$KNOT_PORT" "$(jget "$f" targets.0.dns.server)"
	assert_eq "$name $*: dns.error" "null" "$(jget "$f" targets.0.dns.error)"
	assert_eq "$name $*: dns.time_ms is a number >= 0" "true" "$(jpy "$f" 'num(t["dns"]["time_ms"]) and t["dns"]["time_ms"] >= 0')"
	assert_eq "$name $*: addresses and TTLs equal the zone" "$want" "$(json_addrs "$f")"
	assert_eq "$name $*: families match the addresses" "true" \
		"$(jpy "$f" 'all(a["family"] == ("ipv6" if ":" in a["address"] else "ipv4") for a in t["dns"]["addresses"])')"
	assert_eq "$name $*: query types" "$qtypes" "$(jpy "$f" 'sorted(q["type"] for q in t["dns"]["queries"])')"
	assert_eq "$name $*: every query NOERROR with a numeric time_ms" "true" \
		"$(jpy "$f" 'all(q["rcode"] == "NOERROR" and num(q["time_ms"]) and q["time_ms"] >= 0 for q in t["dns"]["queries"])')"
	assert_eq "$name $*: each query has at least as many answers as addresses of its type" "true" \
		"$(jpy "$f" 'all(q["answers"] >= sum(1 for a in t["dns"]["addresses"] if a["family"] == ("ipv4" if q["type"] == "A" else "ipv6")) for q in t["dns"]["queries"])')"
	assert_eq "$name $*: a query with answers has status ok, one without ok or nodata" "true" \
		"$(jpy "$f" 'all(q["status"] == "ok" if any(a["family"] == ("ipv4" if q["type"] == "A" else "ipv6") for a in t["dns"]["addresses"]) else q["status"] in ("ok", "nodata") for q in t["dns"]["queries"])')"
	# one probe per address, each open, on the listener port
	local wantp
	wantp=$(printf '%s\n' "$want" | awk -v p="$P" '{ print (index($1, ":") ? "ipv6" : "ipv4"), $1, p, "open" }' | sort)
	assert_eq "$name $*: one open tcp probe per address" "$wantp" "$(json_probes "$f")"
	check_probes_sane "$name $*" "$f"
	nprobes=$(printf '%s\n' "$want" | wc -l)
	assert_eq "$name $*: summary" "{\"open\":$nprobes,\"probes\":$nprobes}" "$(jget "$f" targets.0.summary)"
	assert_eq "$name $*: verdict" "ok" "$(jget "$f" targets.0.verdict)"
	assert_eq "$name $*: exactly one target" "1" "$(jpy "$f" 'len(d["targets"])')"
}

# text output for the same question: first line and the address lines
check_text() {
	local name=$1 want=$2; shift 2
	np_run "$S" "$@" "$name" "$P"
	assert_rc 0 "$name $* (text): exit status 0"
	assert_match "$name $* (text): first line says dns ok NOERROR from the server" \
		"^$name: dns ok NOERROR from 127\.0\.0\.1:$KNOT_PORT( |$)" "$(np_first_line)"
	local a ttl qt
	for qt in A AAAA; do
		case " $* " in *" -4 "*|*" --ipv4 "*) [ "$qt" = A ] || continue ;; esac
		case " $* " in *" -6 "*|*" --ipv6 "*) [ "$qt" = AAAA ] || continue ;; esac
		assert_match "$name $* (text): a $qt query line with its rcode and time" \
			"^ *$qt +(ok|nodata) +NOERROR +[0-9]+(\.[0-9]+)? ms" "$(grep -E "^ *$qt " "$NP_OUT")"
	done
	while read -r a ttl; do
		assert_match "$name $* (text): address $a with ttl $ttl" \
			"^ *address +$a +ttl +$ttl( |$)" "$(grep -E "^ *address +$a " "$NP_OUT")"
	done <<<"$want"
	assert_match "$name $* (text): last line says ok" "^$name: ok" "$(tail -n 1 "$NP_OUT")"
}

AAAA_AND_A='["A","AAAA"]'

# ---- A only
want=$(printf '127.0.0.1 300')
assert_eq "oracle: kdig sees a4 as the zone says" "$want" "$(kdig_addrs a4.example.test)"
check_resolved a4.example.test "$(kdig_addrs a4.example.test)" "$AAAA_AND_A"
check_text a4.example.test "$want"

# ---- AAAA only
want=$(printf '::1 600')
assert_eq "oracle: kdig sees a6 as the zone says" "$want" "$(kdig_addrs a6.example.test)"
check_resolved a6.example.test "$(kdig_addrs a6.example.test)" "$AAAA_AND_A"
check_text a6.example.test "$want"

# ---- both
want=$(printf '127.0.0.1 900\n::1 960')
assert_eq "oracle: kdig sees dual as the zone says" "$want" "$(kdig_addrs dual.example.test)"
check_resolved dual.example.test "$(kdig_addrs dual.example.test)" "$AAAA_AND_A"
check_text dual.example.test "$want"
assert_eq "dual: cnames empty for a name without alias" "[]" "$(jget "$NP_JSON" targets.0.dns.cnames)"

# ---- several addresses
want=$(printf '127.0.0.1 1200\n127.0.0.2 1200\n127.0.0.3 1200\n::1 1500')
assert_eq "oracle: kdig sees multi as the zone says" "$want" "$(kdig_addrs multi.example.test)"
check_resolved multi.example.test "$(kdig_addrs multi.example.test)" "$AAAA_AND_A"
check_text multi.example.test "$want"

# ---- CNAME chain c1 -> c2 -> dual
want=$(printf '127.0.0.1 900\n::1 960')
chain='["c1.example.test","c2.example.test"]'
assert_eq "oracle: kdig sees the chain c1 -> c2" "$chain" "$(kdig_cnames c1.example.test)"
check_resolved c1.example.test "$want" "$AAAA_AND_A"
f=$NP_JSON
assert_eq "c1: dns.cnames is the alias chain in order" "$chain" "$(jget "$f" targets.0.dns.cnames)"
assert_eq "c1: canonical_name is dual.example.test (or null)" "true" \
	"$(jpy "$f" 't["dns"].get("canonical_name") in ("dual.example.test", None)')"
np_run "$S" c1.example.test "$P"
assert_rc 0 "c1 (text): exit status 0"
assert_match "c1 (text): a cname line names c1 and ends at dual" \
	"^ *cname +c1\.example\.test .*dual\.example\.test" "$(grep -E '^ *cname ' "$NP_OUT")"

# ---- -4 and -6 restrict the queries and the probes
for opt in -4 --ipv4; do
	check_resolved dual.example.test "127.0.0.1 900" '["A"]' "$opt"
	assert_eq "dual $opt: only ipv4 probed" '["ipv4"]' "$(jpy "$NP_JSON" 'sorted(set(p["family"] for p in t["probes"]))')"
done
for opt in -6 --ipv6; do
	check_resolved dual.example.test "::1 960" '["AAAA"]' "$opt"
	assert_eq "dual $opt: only ipv6 probed" '["ipv6"]' "$(jpy "$NP_JSON" 'sorted(set(p["family"] for p in t["probes"]))')"
done
check_resolved multi.example.test "$(printf '127.0.0.1 1200\n127.0.0.2 1200\n127.0.0.3 1200')" '["A"]' -4
check_resolved multi.example.test "::1 1500" '["AAAA"]' -6

# -4 on an AAAA-only name: the name has no address of that family
np_json "$S" -4 a6.example.test "$P"
assert_rc 2 "a6 -4: exit status 2 (no IPv4 address)"
check_json_basics "a6 -4" "$NP_JSON" "$NP_RC"
assert_eq "a6 -4: dns.status nodata" "nodata" "$(jget "$NP_JSON" targets.0.dns.status)"
assert_eq "a6 -4: only A asked" '["A"]' "$(jpy "$NP_JSON" 'sorted(q["type"] for q in t["dns"]["queries"])')"
assert_eq "a6 -4: no probes" "[]" "$(jget "$NP_JSON" targets.0.probes)"
assert_eq "a6 -4: verdict dns_failed" "dns_failed" "$(jget "$NP_JSON" targets.0.verdict)"

# ---- server syntaxes: each reaches knotd (a wrong server would time out / refuse)
np_json "@[::1]:$KNOT_PORT" --timeout 2 dual.example.test "$P"
assert_rc 0 "@[::1]:PORT: exit status 0"
check_json_basics "@[::1]:PORT" "$NP_JSON" "$NP_RC"
assert_eq "@[::1]:PORT: dns.server" "[::1]:$KNOT_PORT" "$(jget "$NP_JSON" targets.0.dns.server)"
assert_eq "@[::1]:PORT: addresses" "$(kdig_addrs dual.example.test)" "$(json_addrs "$NP_JSON")"

np_run --json --timeout 2 -s "127.0.0.1:$KNOT_PORT" dual.example.test "$P"
assert_rc 0 "-s IP:PORT: exit status 0"
assert_eq "-s IP:PORT: dns.server" "127.0.0.1:$KNOT_PORT" "$(jget "$NP_OUT" targets.0.dns.server)"

np_run --json --timeout 2 "--server=[::1]:$KNOT_PORT" dual.example.test "$P"
assert_rc 0 "--server=[::1]:PORT: exit status 0"
assert_eq "--server=[::1]:PORT: dns.server" "[::1]:$KNOT_PORT" "$(jget "$NP_OUT" targets.0.dns.server)"

np_run --json --timeout 2 dual.example.test "$P" "$S"
assert_rc 0 "@server after the port: exit status 0"
assert_eq "@server after the port: dns.server" "127.0.0.1:$KNOT_PORT" "$(jget "$NP_OUT" targets.0.dns.server)"

np_json "$S" "dual.example.test:$P"
assert_rc 0 "HOST:PORT form: exit status 0"
check_json_basics "HOST:PORT form" "$NP_JSON" "$NP_RC"
assert_eq "HOST:PORT form: input kept as typed" "dual.example.test:$P" "$(jget "$NP_JSON" targets.0.input)"
assert_eq "HOST:PORT form: host" "dual.example.test" "$(jget "$NP_JSON" targets.0.host)"
assert_eq "HOST:PORT form: ports" "[$P]" "$(jget "$NP_JSON" targets.0.ports)"
assert_eq "HOST:PORT form: addresses" "$(kdig_addrs dual.example.test)" "$(json_addrs "$NP_JSON")"

# a trailing dot (absolute name) resolves the same
np_json "$S" dual.example.test. "$P"
assert_rc 0 "absolute name with trailing dot: exit status 0"
assert_eq "absolute name with trailing dot: addresses" "$(kdig_addrs dual.example.test)" "$(json_addrs "$NP_JSON")"

np_done
