# Shared code for the `netprobe lookup` integration tests (sourced by
# tests/integration/lookup_*.sh after lib.sh, whose np_init, assertions, np_run,
# jget/jpy, free_port and cleanup trap it reuses).
#
#   lookup_init          np_init plus: skip (77) when dig is missing
#   start_lookup_knot    knotd on 127.0.0.1@P and ::1@P serving example.test,
#                        broken.test, lookup.test, child.lookup.test and the
#                        reverse zones; sets KNOT_PORT, LS (= @127.0.0.1:P)
#   start_hostile_dns    tests/helpers/dns_hostile.py on 127.0.0.1; sets HPORT
#   dig_q ARGS...        dig against our knotd (127.0.0.1, KNOT_PORT), no
#                        search list, no EDNS cookie noise, bounded retries
#   np_answer FILE [SECTION]  "name ttl class type rdata" lines of every reply's
#                        SECTION (default answer) in a netprobe lookup JSON file
#   dig_norm             the same lines from dig's output on stdin
#
# Every name netprobe or dig resolves here is sent to @127.0.0.1:KNOT_PORT (or
# the hostile helper's port); the system resolver is never asked.

. "${top_srcdir:-$(dirname "${BASH_SOURCE[0]}")/../..}/tests/integration/lib.sh"

# The zones knotd serves for the lookup tests (file tests/zones/ZONE.zone each).
LOOKUP_ZONES="example.test broken.test lookup.test child.lookup.test
0.0.127.in-addr.arpa 8.b.d.0.1.0.0.2.ip6.arpa
1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa"

lookup_init() {
	np_init
	command -v dig >/dev/null 2>&1 || skip "dig not installed (Debian package bind9-dnsutils)"
}

# start_lookup_knot: lib.sh's start_knot with the lookup zones. Up means: both
# addresses answer the lookup.test SOA and every zone loaded (a zone that fails
# to load would answer SERVFAIL and every comparison would be meaningless;
# broken.test is meant to fail).
start_lookup_knot() {
	local z
	# shellcheck disable=SC2086
	KNOT_READY=lookup_knot_ok start_knot $LOOKUP_ZONES
	for z in $LOOKUP_ZONES; do
		[ "$z" = broken.test ] && continue
		[ "$(dig_q +norecurse "$z." SOA | sed -n 's/.*status: \([A-Z]*\).*/\1/p')" = NOERROR ] ||
			fatal "knotd did not load zone $z: $(grep -i "$z" "$NP_TMP/knot/knotd.log" | tail -n 3)"
	done
	LS="@127.0.0.1:$KNOT_PORT"
}

lookup_knot_ok() {
	kdig @"$1" -p "$KNOT_PORT" +time=1 +retry=0 +norecurse +short lookup.test. SOA 2>/dev/null |
		grep -q '^ns1\.lookup\.test\. '
}

# dig_q ARGS...: dig against our knotd over IPv4.  +nocookie +noedns: ask
# exactly what c-ares 1.18 asks (no OPT record), so both get the same answer
# (the same truncation too); +ignore: a truncated UDP answer is not retried
# unless the caller passes +tcp or +noignore.
dig_q() {
	dig @127.0.0.1 -p "$KNOT_PORT" +time=2 +tries=2 +nocookie +noedns +nosearch "$@" 2>&1
}

# dig_norm: dig +noall +answer (or +authority, +additional) lines on stdin to
# "name ttl class type rdata" with single spaces; comments and blank lines go.
dig_norm() {
	awk '/^;/ || NF == 0 { next }
	{ line = $1; for (i = 2; i <= NF; i++) line = line " " $i; print line }'
}

# np_section FILE SECTION: the records of SECTION (question excluded: answer,
# authority, additional) of every reply in a lookup JSON document, as
# "name ttl class type rdata", in reply and record order.
np_section() {
	"$PY" - "$1" "$2" <<'PYEOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
except Exception as e:
    print("<invalid json: %s>" % e); sys.exit(0)
for rep in d.get("replies", []):
    for r in rep.get(sys.argv[2]) or []:
        print(" ".join(str(x) for x in (r["name"], r["ttl"], r["class"], r["type"], r["rdata"])).strip())
PYEOF
}

# np_text_section FILE SECTION: the same lines from netprobe's text output
# (";; ANSWER SECTION:" up to the next blank line), whitespace squeezed.
np_text_section() {
	awk -v s=";; $2 SECTION:" '$0 == s { on = 1; next } on && NF == 0 { on = 0 }
	on && !/^;/ { line = $1; for (i = 2; i <= NF; i++) line = line " " $i; print line }' "$1"
}

# start_hostile_dns NAME [ARGS...]: the hostile responder; sets HPORT; the
# queries it saw go to $NP_TMP/NAME.log, the replies it sent to --save-dir
# if given in ARGS.
start_hostile_dns() {
	local name=$1 pid; shift
	"$PY" "$HELPERS/dns_hostile.py" --lifetime "$NP_HELPER_LIFETIME" --log "$NP_TMP/$name.log" "$@" \
		>"$NP_TMP/$name.port" 2>"$NP_TMP/$name.err" &
	pid=$!
	np_bg_register "$pid"
	HPORT=$(_wait_port_file "$NP_TMP/$name.port" "$pid") ||
		fatal "hostile DNS helper $name did not start: $(cat "$NP_TMP/$name.err")"
	echo "# hostile DNS helper $name on 127.0.0.1 port $HPORT (pid $pid)"
}

# np_lookup ARGS...: np_run lookup against our knotd (LS), ARGS after it.
np_lookup() { np_run lookup "$LS" "$@"; }

# np_header FILE: "rcode; flags; counts" of every reply in a lookup JSON file,
# one line each, in the form dig_header prints.
np_header() {
	jpy "$1" '"\n".join("%s; %s; QUERY: %d, ANSWER: %d, AUTHORITY: %d, ADDITIONAL: %d" % (r.get("rcode"), " ".join(r.get("flags", [])), r["counts"]["question"], r["counts"]["answer"], r["counts"]["authority"], r["counts"]["additional"]) for r in d["replies"])'
}

# dig_header: the same line from a full dig output on stdin.
dig_header() {
	awk '/->>HEADER<<-/ { s = $6; sub(/,$/, "", s) }
	/^;; flags:/ { f = $0; sub(/^;; flags: */, "", f); sub(/; QUERY/, "\nQUERY", f); split(f, p, "\n");
		print s "; " p[1] "; " p[2]; exit }'
}

# hexcase: upper-case the hex of RFC 3597 rdata ("\# N hex"). dig and netprobe
# both print it in upper case (lookup_names.sh checks that byte for byte); this
# only keeps comparisons about other fields independent of it.
hexcase() {
	"$PY" -c '
import re, sys
for line in sys.stdin:
    print(re.sub(r"(\\# [0-9]+ )([0-9A-Fa-f ]*)$", lambda m: m.group(1) + m.group(2).upper(), line.rstrip("\n")))'
}

# A difference from dig that is a known, reported bug of netprobe: printed as
# "not ok ... # TODO known" and not counted as a failure unless LOOKUP_STRICT=1
# (then it fails like any other check).  When it starts to pass it says so.
assert_eq_known() {
	local reason=$1 d=$2
	if [ "${LOOKUP_STRICT:-0}" = 1 ]; then
		assert_eq "$d" "$3" "$4"
		return
	fi
	if [ "$3" = "$4" ]; then
		ok "$d (known bug fixed? '$reason' no longer shows: drop it from the known list)"
	else
		np_checks=$((np_checks + 1))
		echo "not ok - $d # TODO known bug, not counted: $reason"
		printf '#   expected: %s\n#   actual:   %s\n' "$3" "$4"
	fi
}
