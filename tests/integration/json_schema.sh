#!/bin/bash
# JSON documents of every kind validate against docs/netprobe.schema.json, keys
# are snake_case, times are numbers, started_at is RFC 3339 UTC; and the schema
# check is able to fail: documents broken on purpose are rejected.
# (The other tests validate each document they produce as well.)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
start_listener v4only 127.0.0.1
P4=$LISTEN_PORT
start_silent_dns silent
start_closed_port closed
K="@127.0.0.1:$KNOT_PORT"
Q="@127.0.0.1:$SILENT_PORT"

docs=()
keep() {  # keep NAME EXPECTED_EXIT
	assert_rc "$2" "$1: exit status $2"
	assert_eq "$1: exit_code in JSON" "$2" "$(jget "$NP_JSON" exit_code)"
	cp "$NP_JSON" "$NP_TMP/doc-$1.json"; docs+=("$1")
}

np_json "$K" a4.example.test "$P4";            keep ok 0
np_json "$K" dual.example.test "$P4";          keep degraded 1
np_json "$K" c1.example.test "$CLOSED_PORT";  keep down-cname 2
np_json "$K" nxdomain.example.test "$P4";      keep nxdomain 2
np_json "$K" nodata.example.test "$P4";        keep nodata 2
np_json "$K" www.broken.test "$P4";            keep servfail 2
np_json "$K" www.outside.invalid "$P4";        keep refused 2
np_json "$Q" -T 0.3 a4.example.test "$P4";     keep timeout 2
np_json "$Q" 127.0.0.1 "$P4";                  keep literal4 0
np_json "$Q" "[::1]:$P4";                      keep literal6 2
np_json "$K" multi.example.test "$P4" "$CLOSED_PORT"; keep multi-2ports 1

for n in "${docs[@]}"; do
	f="$NP_TMP/doc-$n.json"
	check_schema "$n" "$f"
	assert_eq "$n: every key is snake_case" "[]" \
		"$(jpy "$f" '(lambda walk: walk(walk, d))(lambda w, x: sum((([k] if not __import__("re").fullmatch("[a-z][a-z0-9]*(_[a-z0-9]+)*", k) else []) + w(w, v) for k, v in x.items()), []) if isinstance(x, dict) else sum((w(w, v) for v in x), []) if isinstance(x, list) else [])')"
	assert_eq "$n: every *time_ms is a number or null" "[]" \
		"$(jpy "$f" '(lambda walk: walk(walk, d))(lambda w, x: sum((([k] if k.endswith("time_ms") and not (v is None or num(v)) else []) + w(w, v) for k, v in x.items()), []) if isinstance(x, dict) else sum((w(w, v) for v in x), []) if isinstance(x, list) else [])')"
	assert_match "$n: started_at is RFC 3339 UTC" \
		'^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$' "$(jget "$f" started_at)"
	assert_match "$n: netprobe_version is a version" '^[0-9]+\.[0-9]+\.[0-9]+' "$(jget "$f" netprobe_version)"
	assert_eq "$n: sockaddr hex is lowercase, no spaces, length bytes long" "true" \
		"$(jpy "$f" 'all(__import__("re").fullmatch("[0-9a-f]*", p["sockaddr"]["hex"]) and len(p["sockaddr"]["hex"]) == 2 * p["sockaddr"]["length"] for p in t["probes"])')"
done

# the validator must reject broken documents (otherwise a passing schema check
# proves nothing)
base="$NP_TMP/doc-degraded.json"
mutate() {  # mutate NAME PYTHON-STATEMENT   (d is the document)
	"$PY" - "$base" "$NP_TMP/bad-$1.json" "$2" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["targets"][0]
exec(sys.argv[3])
json.dump(d, open(sys.argv[2], "w"))
PYEOF
}
reject() {
	local n=$1 out
	if [ ! -f "$VALIDATOR" ] || [ ! -f "$SCHEMA" ]; then
		not_ok "schema rejects $n: validator or schema missing"; return
	fi
	out=$("$PY" "$VALIDATOR" "$SCHEMA" <"$NP_TMP/bad-$n.json" 2>&1)
	if [ $? -eq 1 ]; then
		ok "schema rejects a document with $n (exit 1)"
	else
		not_ok "schema rejects a document with $n"
		echo "#   validator said: $out"
	fi
}
mutate no-schema-version 'del d["schema_version"]';                 reject no-schema-version
mutate bad-verdict 't["verdict"] = "fine"';                         reject bad-verdict
mutate bad-dns-status 't["dns"]["status"] = "NXDOMAIN"';            reject bad-dns-status
mutate string-time 't["probes"][0]["time_ms"] = "0.5"';             reject string-time
mutate no-probes 'del t["probes"]';                                 reject no-probes
mutate bad-family 't["probes"][0]["family"] = "inet"';              reject bad-family
mutate exit-code-string 'd["exit_code"] = "1"';                     reject exit-code-string
mutate port-string 't["probes"][0]["port"] = str(t["probes"][0]["port"])'; reject port-string
mutate no-dns 'del t["dns"]';                                       reject no-dns
"$PY" -c 'print("{not json")' >"$NP_TMP/bad-not-json.json";           reject not-json

np_done
