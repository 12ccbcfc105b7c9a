#!/bin/bash
# netprobe lookup --file: a list of NAME [TYPE...] lines on one c-ares channel,
# against a real knotd serving a zone generated here (a few thousand names).
# Oracle: dig -f against the same knotd, one query a line: the same rcode and
# the same answer set for every (name, type). Also: bad lines (an unknown type,
# AXFR, a name over 253 bytes, a label over 63, a NUL byte, a line over 4096
# bytes) each reported as FILE:LINE on stderr and as an error object while the
# rest runs, exit 3; every ndjson line and the --json document valid against
# docs/netprobe-lookup.schema.json; --file - from a pipe; the command line's
# TYPEs as the default; SIGINT in the middle of a run against a silent server
# prints the summary with the unfinished names; a closed stdout and a reader
# that goes away (EPIPE) stop the run with exit 3.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lookup_lib.sh"
lookup_init
LOOKUP_SCHEMA="$top_srcdir/docs/netprobe-lookup.schema.json"
NAMES=${NP_BATCH_NAMES:-3000}

# ---- the zone: h<i> A (and AAAA every 3rd, MX every 10th), c<i> CNAME h<i>
mkdir -p "$NP_TMP/zones"	# start_knot takes generated zones from there
"$PY" - "$NAMES" >"$NP_TMP/zones/batch.test.zone" <<'PYEOF'
import sys
n = int(sys.argv[1])
print("$ORIGIN batch.test.\n$TTL 300")
print("@ SOA ns.batch.test. hostmaster.batch.test. 1 3600 900 604800 300")
print("@ NS ns\nns A 127.0.0.1\nmail A 127.0.0.25")
for i in range(n):
    print("h%d A 127.%d.%d.%d" % (i, (i >> 16) & 255, (i >> 8) & 255, i & 255))
    if i % 3 == 0:
        print("h%d AAAA fd00::%x" % (i, i))
    if i % 10 == 0:
        print("h%d MX 10 mail.batch.test." % i)
    if i % 7 == 0:
        print("c%d CNAME h%d" % (i, i))
PYEOF
start_knot example.test batch.test
LS="@127.0.0.1:$KNOT_PORT"

# ---- the list: good names, NXDOMAIN names, several types a line, comments,
# blank lines, and bad lines at known line numbers (written to bad.expect)
LIST="$NP_TMP/names.txt"
"$PY" - "$NAMES" "$LIST" "$NP_TMP/bad.expect" "$NP_TMP/dig.in" <<'PYEOF'
import sys
n, path, badpath, digpath = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
lines, bad, dig = [], [], []
def add(line, kind=None):
    lines.append(line)
    if kind:
        bad.append("%d %s" % (len(lines), kind))
for i in range(n):
    if i % 100 == 0:
        add("# comment %d" % i)
        add("")
    if i % 50 == 7:
        name, types = "nx%d.batch.test" % i, ["A"]
        add(name)
    elif i % 20 == 3:
        name, types = "h%d.batch.test" % i, ["A", "AAAA", "MX"]
        add("  %s\tA AAAA   MX  # three types" % name)
    elif i % 7 == 0:
        name, types = "c%d.batch.test" % i, ["A"]
        add(name)
    else:
        name, types = "h%d.batch.test" % i, ["A"]
        add(name)
    for t in types:
        dig.append("%s %s" % (name, t))
    if i == 10: add("h1.batch.test BOGUS", "BOGUS")
    if i == 20: add("h1.batch.test AXFR", "AXFR")
    if i == 30: add("%s.batch.test" % ".".join(["a" * 60] * 4), "253")
    if i == 40: add("%s.batch.test" % ("b" * 64), "63")
    if i == 50: add("h1.batch\0.test", "NUL")
    if i == 60: add("h1.batch.test " + "A " * 2600, "LONG")
    if i == 70: add("h1.batch.test " + " ".join(["A"] * 17), "TYPES")
with open(path, "w") as f:
    f.write("\n".join(lines) + "\n")
with open(badpath, "w") as f:
    f.write("\n".join(bad) + "\n")
with open(digpath, "w") as f:
    f.write("\n".join(dig) + "\n")
PYEOF
NBAD=$(wc -l <"$NP_TMP/bad.expect")
NQUERIES=$(wc -l <"$NP_TMP/dig.in")
echo "# list: $(wc -l <"$LIST") lines, $NQUERIES queries, $NBAD bad lines"

# ---- the oracle: dig -f, one query a line, the same server
dig @127.0.0.1 -p "$KNOT_PORT" +time=2 +tries=2 +nocookie +noedns +nosearch -f "$NP_TMP/dig.in" \
	>"$NP_TMP/dig.out" 2>&1
# canon: "name type rcode | sorted answers" per query, sorted; from dig's
# output (dig) or netprobe's ndjson / json document (np)
canon() {
	"$PY" - "$1" "$2" <<'PYEOF'
import json, sys
kind, path = sys.argv[1], sys.argv[2]
out = []
def norm(name):
    return name.rstrip(".").lower()
if kind == "dig":
    status, q, ans, sect = None, None, [], None
    def flush():
        if q:
            out.append("%s %s %s | %s" % (q[0], q[1], status, " ; ".join(sorted(ans))))
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if "->>HEADER<<-" in line:
            flush()
            status, q, ans, sect = line.split("status: ")[1].split(",")[0], None, [], None
        elif line.startswith(";; ") and line.endswith(" SECTION:"):
            sect = line[3:-9]
        elif not line or line.startswith(";;"):
            if not line:
                sect = None
        elif sect == "QUESTION":
            f = line[1:].split()
            q = (norm(f[0]), f[2])
        elif sect == "ANSWER":
            f = line.split(None, 4)
            ans.append("%s %s %s %s %s" % (norm(f[0]), f[1], f[2], f[3], f[4]))
    flush()
else:
    text = open(path).read()
    if kind == "json":
        items = json.loads(text)["lookups"]
    else:
        items = [json.loads(l) for l in text.splitlines() if l.strip()]
    for o in items:
        if o.get("type") != "lookup":
            continue
        for r in o["replies"]:
            ans = ["%s %s %s %s %s" % (norm(a["name"]), a["ttl"], a["class"], a["type"], a["rdata"])
                   for a in r["answer"]]
            out.append("%s %s %s | %s" % (norm(o["name"]), r["type"], r["rcode"], " ; ".join(sorted(ans))))
print("\n".join(sorted(out)))
PYEOF
}
canon dig "$NP_TMP/dig.out" >"$NP_TMP/dig.canon"
assert_eq "oracle: dig answered every query" "$NQUERIES" "$(wc -l <"$NP_TMP/dig.canon")"
echo "# dig's rcodes: $(awk '{print $3}' "$NP_TMP/dig.canon" | sort | uniq -c | tr '\n' ' ')"

# validate_lines DESC FILE: every line valid against the lookup schema
validate_lines() {
	local out
	if out=$("$PY" "$VALIDATOR" --lines "$LOOKUP_SCHEMA" <"$2" 2>&1); then
		ok "$1: every line valid against docs/netprobe-lookup.schema.json"
	else
		not_ok "$1: lines NOT valid against docs/netprobe-lookup.schema.json"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
	fi
}

echo "# --- ndjson: the same answers as dig -f, bad lines reported, the run goes on"
np_run lookup "$LS" --file "$LIST" --format ndjson
assert_rc 3 "ndjson: exit 3 (bad lines in the file)"
validate_lines "ndjson" "$NP_OUT"
canon nd "$NP_OUT" >"$NP_TMP/np.canon"
if diff -u "$NP_TMP/dig.canon" "$NP_TMP/np.canon" >"$NP_TMP/canon.diff"; then
	ok "ndjson: every (name, type) has dig's rcode and answer set ($NQUERIES queries)"
else
	not_ok "ndjson: answers differ from dig -f"
	head -n 30 "$NP_TMP/canon.diff" | sed 's/^/#   /'
fi
assert_eq "ndjson: the error objects are the bad lines, by line number" \
	"$(cut -d' ' -f1 "$NP_TMP/bad.expect" | sort -n | tr '\n' ' ')" \
	"$(jq -r 'select(.type == "error") | .source.line' "$NP_OUT" | sort -n | tr '\n' ' ')"
assert_eq "ndjson: each bad line is one 'netprobe: FILE:LINE: reason' line on stderr" \
	"$(cut -d' ' -f1 "$NP_TMP/bad.expect" | sed "s|^|netprobe: $LIST:|" | tr '\n' ' ')" \
	"$(sed 's/^\(netprobe: [^:]*:[0-9]*\): .*/\1/' "$NP_ERR" | tr '\n' ' ')"
for kind in BOGUS AXFR 253 63 NUL LONG TYPES; do
	line=$(awk -v k="$kind" '$2 == k { print $1 }' "$NP_TMP/bad.expect")
	assert_match "stderr: line $line ($kind) has a reason" "^netprobe: $LIST:$line: .{10,}" \
		"$(grep "^netprobe: $LIST:$line: " "$NP_ERR")"
done
assert_match "stderr: AXFR is called a zone transfer" "zone transfer" "$(grep ":$(awk '$2 == "AXFR" { print $1 }' "$NP_TMP/bad.expect"): " "$NP_ERR")"
assert_eq "ndjson: the summary is the last line" "summary" "$(tail -n 1 "$NP_OUT" | jq -r .type)"
NGOOD=$(grep -c '"type":"lookup"' "$NP_OUT")
assert_eq "ndjson: summary counts names, queries, bad lines, nothing unfinished, exit 3" \
	"[$NGOOD,$NQUERIES,$NBAD,0,null,3]" \
	"$(tail -n 1 "$NP_OUT" | jq -c '[.names, .queries, .bad_lines, .unfinished, .interrupted, .exit_code]')"
assert_eq "ndjson: summary statuses add up to the queries" "$NQUERIES" \
	"$(tail -n 1 "$NP_OUT" | jq '[.statuses[]] | add')"
assert_eq "ndjson: every lookup says where it came from" "0" \
	"$(jq -c 'select(.type == "lookup") | select(.source.file != "'"$LIST"'" or (.source.line | type) != "number")' "$NP_OUT" | wc -l)"
H1_LINE=$(grep -anx 'h1.batch.test' "$LIST" | cut -d: -f1)
assert_eq "ndjson: a lookup's line holds its name (h1.batch.test, line $H1_LINE)" \
	"h1.batch.test $H1_LINE" \
	"$(jq -r 'select(.type == "lookup" and .name == "h1.batch.test") | "\(.name) \(.source.line)"' "$NP_OUT")"
assert_eq "ndjson: every lookup's source.line is the line of the file that holds its name" "" \
	"$(jq -r 'select(.type == "lookup") | "\(.source.line) \(.name)"' "$NP_OUT" |
	   awk 'NR == FNR { sub(/#.*/, ""); first[FNR] = $1; next } first[$1] != $2' "$LIST" -)"

echo "# --- json: one valid document, the same lookups"
np_run lookup "$LS" --file "$LIST" --json
assert_rc 3 "json: exit 3"
SCHEMA=$LOOKUP_SCHEMA check_schema "json document" "$NP_OUT"
canon json "$NP_OUT" >"$NP_TMP/np2.canon"
assert_true "json: the same answers as dig -f" cmp -s "$NP_TMP/dig.canon" "$NP_TMP/np2.canon"
assert_eq "json: lookups + errors + summary + exit_code" "[$((NGOOD + NBAD)),$NBAD,3,3]" \
	"$(jq -c '[(.lookups | length), ([.lookups[] | select(.type == "error")] | length), .summary.exit_code, .exit_code]' "$NP_OUT")"
assert_match "json: pretty-printed (2-space indent)" '^  "lookups": \[$' "$(grep -m1 '"lookups"' "$NP_OUT")"

echo "# --- text: each name as a single lookup prints it, then the summary"
np_run lookup "$LS" --file "$LIST"
assert_rc 3 "text: exit 3"
assert_eq "text: one dig-style header per query" "$NQUERIES" "$(grep -c '^; <<>> netprobe .* <<>> lookup ' "$NP_OUT")"
assert_match "text: the summary line" \
	"^;; summary: $NGOOD names, $NQUERIES queries in [0-9]+\.[0-9]{3} s \([0-9]+ queries/s\): [0-9]+ ok, [0-9]+ nxdomain, [0-9]+ nodata; $NBAD bad lines$" \
	"$(tail -n 1 "$NP_OUT")"
np_run lookup "$LS" --short --file "$LIST"
assert_eq "text --short: one rdata line per A answer of h5" "127.0.0.5" "$(grep -x '127\.0\.0\.5' "$NP_OUT")"

echo "# --- the command line's TYPEs are the default for lines without types"
printf 'h10.batch.test\nh20.batch.test A\n' >"$NP_TMP/two.txt"
np_run lookup "$LS" --file "$NP_TMP/two.txt" -f ndjson MX
assert_rc 0 "default types: exit 0"
assert_eq "default types: MX for the line without types, A for the other" '["MX"] ["A"]' \
	"$(jq -c 'select(.type == "lookup") | [.replies[].type]' "$NP_OUT" | sort -r | tr '\n' ' ' | sed 's/ $//')"

echo "# --- --file - from a pipe"
NP_OUT="$NP_TMP/pipe.out"; NP_ERR="$NP_TMP/pipe.err"
grep -av "AXFR\|BOGUS" "$LIST" | head -n 400 >"$NP_TMP/short.txt"
# shellcheck disable=SC2016  # expanded by the inner shell, from its arguments
timeout -k 2 "$NP_TIMEOUT_WALL" sh -c 'cat "$1" | "$2" lookup "$3" --file - -f ndjson' sh \
	"$NP_TMP/short.txt" "$NETPROBE" "$LS" >"$NP_OUT" 2>"$NP_ERR"
NP_RC=$?
assert_rc 3 "pipe: exit 3 (bad lines among the first 400)"
"$NETPROBE" lookup "$LS" --file "$NP_TMP/short.txt" -f ndjson >"$NP_TMP/file.out" 2>/dev/null
assert_eq "pipe: the same answers as the same lines from a file" \
	"$(canon nd "$NP_TMP/file.out")" "$(canon nd "$NP_OUT")"
# dig's answers for the names of those lines (each name is on one line only)
awk '!/^[[:space:]]*(#|$)/ { print tolower($1) }' "$NP_TMP/short.txt" >"$NP_TMP/short.names"
awk 'NR == FNR { want[$1]; next } $1 in want' "$NP_TMP/short.names" "$NP_TMP/dig.canon" \
	>"$NP_TMP/short.dig.canon"
assert_eq "pipe: every (name, type) has dig's rcode and answer set" \
	"$(cat "$NP_TMP/short.dig.canon")" "$(canon nd "$NP_OUT")"
assert_eq "pipe: source.file is <stdin>" "<stdin>" "$(head -n 1 "$NP_OUT" | jq -r .source.file)"
assert_match "pipe: bad lines named <stdin>:LINE" '^netprobe: <stdin>:[0-9]+: ' "$(head -n 1 "$NP_ERR")"

echo "# --- refused combinations, a missing file"
np_run lookup "$LS" --file "$LIST" -x 127.0.0.1
assert_rc 3 "-x with --file: exit 3"
assert_match "-x with --file: one line says why" '^netprobe: .*-x.*--file' "$(cat "$NP_ERR")"
np_run lookup "$LS" --file "$LIST" --compare-system
assert_rc 3 "--compare-system with --file: exit 3"
assert_match "--compare-system with --file: one line says why" '^netprobe: .*--compare-system.*--file' "$(cat "$NP_ERR")"
np_run lookup "$LS" --file "$NP_TMP/missing.txt"
assert_rc 3 "a missing file: exit 3"
assert_match "a missing file: named" "^netprobe: .*missing\.txt.*No such file" "$(cat "$NP_ERR")"
np_run lookup "$LS" --file "$LIST" h1.batch.test
assert_rc 3 "a name beside --file: exit 3 (TYPEs only)"

echo "# --- SIGINT in the middle: the summary, with the unfinished names"
start_silent_dns silent
head -n 500 "$LIST" | grep -av '^#' | grep -a . | grep -av 'AXFR\|BOGUS' >"$NP_TMP/sig.txt"
for fmt in text ndjson; do
	out="$NP_TMP/sig.$fmt.out"
	timeout -k 2 "$NP_TIMEOUT_WALL" "$NETPROBE" lookup "@127.0.0.1:$SILENT_PORT" -T 20 --jobs 10 \
		--file "$NP_TMP/sig.txt" -f "$fmt" >"$out" 2>"$NP_TMP/sig.err" &
	pid=$!
	np_bg_register "$pid"
	before=$(helper_count silent | cut -d' ' -f1)
	got=$(wait_count silent $((before + 10)))
	np_kill INT "$pid"
	wait "$pid"
	rc=$?
	assert_eq "SIGINT ($fmt): the silent server saw the queries first" "yes" \
		"$([ "$got" -ge $((before + 10)) ] && echo yes || echo "no ($got)")"
	assert_eq "SIGINT ($fmt): exit 0 (nothing finished, nothing failed)" 0 "$rc"
	if [ "$fmt" = text ]; then
		assert_match "SIGINT (text): summary with the unfinished names" \
			'^;; summary: 0 names, 0 queries in .*; [0-9]+ bad lines \(interrupted by SIGINT: 10 unfinished\)$' \
			"$(tail -n 1 "$out")"
	else
		assert_eq "SIGINT (ndjson): summary interrupted, 10 unfinished" '["summary","SIGINT",10]' \
			"$(tail -n 1 "$out" | jq -c '[.type, .interrupted, .unfinished]')"
		validate_lines "SIGINT (ndjson)" "$out"
	fi
done

echo "# --- a closed stdout, a reader that goes away"
NP_OUT="$NP_TMP/closed.out"; NP_ERR="$NP_TMP/closed.err"
timeout -k 2 "$NP_TIMEOUT_WALL" "$NETPROBE" lookup "$LS" --file "$LIST" >&- 2>"$NP_ERR"
NP_RC=$?
assert_rc 3 "closed stdout: exit 3"
assert_match "closed stdout: said once" '^netprobe: .*standard output' "$(cat "$NP_ERR")"
# shellcheck disable=SC2016  # expanded by the inner shell, from its arguments
timeout -k 2 "$NP_TIMEOUT_WALL" bash -c '"$1" lookup "$2" --file "$3" 2>"$4" | head -c 100 >/dev/null; exit "${PIPESTATUS[0]}"' \
	bash "$NETPROBE" "$LS" "$LIST" "$NP_ERR"
NP_RC=$?
assert_rc 3 "EPIPE: exit 3, the run stopped"
assert_eq "EPIPE: no word on stderr but the bad lines read before" "" \
	"$(grep -v "^netprobe: $LIST:[0-9]*: " "$NP_ERR")"

np_done
