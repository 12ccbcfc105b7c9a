#!/bin/bash
# Proves docs/netprobe.schema.json can fail: every sample in valid/ must pass,
# and every sample in invalid/ must fail with the error named in its .expect
# file (so a sample cannot "fail" for an unrelated typo).
# Exit 0 pass, 1 fail, 77 skip (no jsonschema for /usr/bin/python3), 99 hard error.

set -u

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
PYTHON=${NP_PYTHON:-/usr/bin/python3}
schema=$top_srcdir/docs/netprobe.schema.json
validator=$top_srcdir/tests/helpers/validate_json.py
samples=$top_srcdir/tests/schema

if ! "$PYTHON" -c 'import jsonschema' 2>/dev/null; then
	echo "SKIP: $PYTHON cannot import jsonschema (apt-get install python3-jsonschema)"
	exit 77
fi
for f in "$schema" "$validator"; do
	[ -r "$f" ] || { echo "ERROR: missing $f"; exit 99; }
done

tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
failures=0
checks=0

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

validate() {
	"$PYTHON" "$validator" "$@" "$schema" 2>"$tmp/err"
}

# 1. Valid samples pass.
for doc in "$samples"/valid/*.json; do
	checks=$((checks + 1))
	if validate <"$doc"; then
		echo "ok: valid/${doc##*/} accepted"
	else
		fail "valid/${doc##*/} rejected:"
		sed 's/^/    /' "$tmp/err"
	fi
done

# 2. Invalid samples fail, for the reason their .expect file names.
for doc in "$samples"/invalid/*.json; do
	checks=$((checks + 1))
	name=invalid/${doc##*/}
	expect=${doc%.json}.expect
	if [ ! -r "$expect" ]; then
		fail "$name has no ${expect##*/}"
		continue
	fi
	validate <"$doc"
	rc=$?
	if [ "$rc" -ne 1 ]; then
		fail "$name: validator exit $rc, want 1"
		sed 's/^/    /' "$tmp/err"
	elif ! grep -qF -- "$(cat "$expect")" "$tmp/err"; then
		fail "$name rejected, but not with: $(cat "$expect")"
		sed 's/^/    /' "$tmp/err"
	else
		echo "ok: $name rejected: $(head -n 1 "$tmp/err")"
	fi
done

# 3. --lines: one document per line (ndjson), errors carry the line number.
compact() {
	"$PYTHON" -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))))' "$1"
}
for doc in "$samples"/valid/*.json; do compact "$doc"; done >"$tmp/valid.ndjson"
checks=$((checks + 1))
if validate --lines <"$tmp/valid.ndjson"; then
	echo "ok: --lines accepts $(wc -l <"$tmp/valid.ndjson") valid documents"
else
	fail "--lines rejected the valid samples:"
	sed 's/^/    /' "$tmp/err"
fi
{ cat "$tmp/valid.ndjson"; compact "$samples/invalid/missing-verdict.json"; } >"$tmp/mixed.ndjson"
bad_line=$(wc -l <"$tmp/mixed.ndjson")
checks=$((checks + 1))
if validate --lines <"$tmp/mixed.ndjson"; then
	fail "--lines accepted a stream with an invalid line"
elif ! grep -q "^line $bad_line: .*'verdict' is a required property" "$tmp/err"; then
	fail "--lines did not name line $bad_line:"
	sed 's/^/    /' "$tmp/err"
else
	echo "ok: --lines rejects line $bad_line"
fi

# 4. Not JSON, and no document at all, are failures, not passes.
checks=$((checks + 1))
if printf 'netprobe: not json\n' | validate; then
	fail "text on stdin was accepted"
else
	echo "ok: non-JSON input rejected"
fi
checks=$((checks + 1))
if validate </dev/null; then
	fail "empty stdin was accepted"
else
	echo "ok: empty input rejected"
fi

# 5. The samples that cover the v1 additions (Unix targets, UDP with ICMP, the
# exchange, happy_eyeballs, the batch keys) are all there, so deleting one
# cannot pass unnoticed.
for name in valid/unix-path valid/unix-abstract-refused valid/udp-icmp valid/udp-open-filtered \
	valid/tcp-exchange valid/tcp-peer-closed valid/batch-file-bad-lines \
	invalid/proto-sctp invalid/tries-string \
	invalid/exchange-matched-string invalid/unix-probe-with-port; do
	checks=$((checks + 1))
	if [ -r "$samples/$name.json" ]; then
		echo "ok: $name.json present"
	else
		fail "$name.json is missing"
	fi
done

# 6. Every key of the contract is required: drop it from a valid sample and the
# validator must name it.  (path in the document, "." for its top, then the key)
while read -r sample where key; do
	checks=$((checks + 1))
	"$PYTHON" - "$samples/valid/$sample.json" "$where" "$key" >"$tmp/drop.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
o = d
for part in [p for p in sys.argv[2].split(".") if p]:
    o = o[int(part)] if isinstance(o, list) else o[part]
del o[sys.argv[3]]
print(json.dumps(d))
PYEOF
	jpath=\$$(printf '%s' "$where" | sed -E 's/\.([0-9]+)/[\1]/g; s/^\.?/./; s/^\.$//')
	want="$jpath: '$key' is a required property"
	if validate <"$tmp/drop.json"; then
		fail "valid/$sample.json without $where.$key was accepted"
	elif ! grep -qF -- "$want" "$tmp/err"; then
		fail "valid/$sample.json without $where.$key rejected, but not with: $want"
		sed 's/^/    /' "$tmp/err"
	else
		echo "ok: $key required at $jpath"
	fi
done <<'EOF'
tcp-exchange targets.0.dns addresses_dropped
tcp-exchange targets.0 happy_eyeballs
tcp-exchange targets.0.happy_eyeballs first
tcp-exchange targets.0.happy_eyeballs fallback_delay_ms
tcp-exchange targets.0.happy_eyeballs fault
tcp-exchange targets.0.happy_eyeballs port
tcp-exchange targets.0.happy_eyeballs proto
tcp-exchange targets.0.happy_eyeballs message
tcp-exchange targets.0.probes.0 socktype
tcp-exchange targets.0.probes.0 local
tcp-exchange targets.0.probes.0 kernel_rtt_ms
tcp-exchange targets.0.probes.0 kernel_rttvar_ms
tcp-exchange targets.0.probes.0 tries
tcp-exchange targets.0.probes.0 icmp
tcp-exchange targets.0.probes.0 exchange
tcp-exchange targets.0.probes.0.local address
tcp-exchange targets.0.probes.0.local port
tcp-exchange targets.0.probes.0.exchange sent_bytes
tcp-exchange targets.0.probes.0.exchange received_bytes
tcp-exchange targets.0.probes.0.exchange received
tcp-exchange targets.0.probes.0.exchange received_hex
tcp-exchange targets.0.probes.0.exchange reply_ms
tcp-exchange targets.0.probes.0.exchange expect
tcp-exchange targets.0.probes.0.exchange matched
udp-icmp targets.0.probes.0.icmp version
udp-icmp targets.0.probes.0.icmp type
udp-icmp targets.0.probes.0.icmp code
udp-icmp targets.0.probes.0.icmp description
udp-icmp targets.0.probes.0.icmp from
batch-file-bad-lines . schema_version
batch-file-bad-lines . netprobe_version
batch-file-bad-lines . started_at
batch-file-bad-lines . host_byte_order
batch-file-bad-lines . targets
batch-file-bad-lines . summary
batch-file-bad-lines . exit_code
batch-file-bad-lines targets.0 source
batch-file-bad-lines targets.0 input
batch-file-bad-lines targets.0 error
batch-file-bad-lines targets.0.source file
batch-file-bad-lines targets.0.source line
batch-file-bad-lines targets.0.error code
batch-file-bad-lines targets.0.error message
batch-file-bad-lines targets.2 source
batch-file-bad-lines targets.2 rounds
batch-file-bad-lines targets.2 rounds_dropped
batch-file-bad-lines targets.2 statistics
batch-file-bad-lines summary type
batch-file-bad-lines summary targets
batch-file-bad-lines summary bad_lines
batch-file-bad-lines summary probes
batch-file-bad-lines summary states
batch-file-bad-lines summary verdicts
batch-file-bad-lines summary dns_failures
batch-file-bad-lines summary wall_ms
batch-file-bad-lines summary interrupted
batch-file-bad-lines summary unfinished
batch-file-bad-lines summary exit_code
batch-file-bad-lines summary.verdicts ok
batch-file-bad-lines summary.verdicts degraded
batch-file-bad-lines summary.verdicts down
batch-file-bad-lines summary.verdicts dns_failed
EOF

echo "$checks checks, $failures failed"
[ "$failures" -eq 0 ]
