#!/bin/bash
# Real documents of the three commands that have their own schema, validated
# with tests/helpers/validate_json.py:
#
#   docs/netprobe-lookup.schema.json        netprobe lookup --json, against a
#                                           knotd on 127.0.0.1 (lookup_lib.sh's
#                                           start_lookup_knot), the silent and the
#                                           hostile DNS helpers
#   docs/netprobe-local.schema.json         netprobe local --json, ONLY inside a
#                                           network namespace this test creates
#                                           (it connects to every address of the
#                                           host it runs on)
#   docs/netprobe-listen-event.schema.json  every line of netprobe listen
#                                           --format ndjson (TCP and UDP), clients
#                                           being netprobe --send itself
#
# and mutated copies of those documents that each schema must reject, for the
# reason given (so a sample cannot "fail" for an unrelated typo).
#
# House rules: traffic only to 127.0.0.0/8, ::1 and inside the namespace made
# here; every lookup names @127.0.0.1:PORT (never the system resolver); bounded
# waits; everything started is stopped and the namespace deleted on exit, also
# on failure or interrupt; nothing asserts how long anything took.
#
# Exit 0 pass, 1 fail, 77 skip (knotd, kdig, dig or python3-jsonschema missing;
# or not root / no network namespaces: then the lookup and listen checks still
# run, and 77 is returned only if they all passed), 99 hard error.

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lookup_lib.sh"
. "$top_srcdir/tests/integration/listen_lib.sh"

SCHEMA_LOOKUP="$top_srcdir/docs/netprobe-lookup.schema.json"
SCHEMA_LOCAL="$top_srcdir/docs/netprobe-local.schema.json"
SCHEMA_LISTEN="$top_srcdir/docs/netprobe-listen-event.schema.json"

"$PY" -c 'import jsonschema' 2>/dev/null ||
	skip "python3-jsonschema not installed for $PY"
command -v knotd >/dev/null 2>&1 || [ -x /usr/sbin/knotd ] ||
	skip "knotd not installed (Debian package knot)"
np_init
command -v dig >/dev/null 2>&1 || skip "dig not installed (Debian package bind9-dnsutils)"
for f in "$SCHEMA_LOOKUP" "$SCHEMA_LOCAL" "$SCHEMA_LISTEN" "$VALIDATOR"; do
	[ -r "$f" ] || fatal "missing $f"
done

# ---------------------------------------------------------------- the namespace

NS=
cs_cleanup() {
	local rc=$? pid i pids=()
	trap - EXIT
	if [ -n "$NS" ] && [ -e "/run/netns/$NS" ]; then
		for pid in $(ip netns pids "$NS" 2>/dev/null); do
			pids+=("$pid")
			kill -TERM "$pid" 2>/dev/null
		done
		for pid in "${pids[@]+"${pids[@]}"}"; do
			for i in $(seq 1 30); do
				kill -0 "$pid" 2>/dev/null || break
				sleep 0.1
			done
			kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
		done
		ip netns del "$NS" 2>/dev/null || echo "# could not delete namespace $NS" >&2
	fi
	(exit "$rc")
	np_cleanup
}
trap cs_cleanup EXIT

# ---------------------------------------------------------------- helpers

# validate DESCRIPTION SCHEMA FILE [--lines]: the document(s) must be valid.
validate() {
	local d=$1 schema=$2 f=$3 out; shift 3
	if out=$("$PY" "$VALIDATOR" "$@" "$schema" <"$f" 2>&1); then
		ok "$d: valid against docs/${schema##*/}"
	else
		not_ok "$d: NOT valid against docs/${schema##*/}"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
		echo "#   document:"; head -c 3000 "$f" | sed 's/^/#     /'
	fi
}

# mutate SRC OUT PYTHON...: OUT = SRC (one JSON document, or with --lines-of KIND
# the first ndjson line whose event is KIND) with the statements applied to d.
mutate() {
	"$PY" - "$@" <<'PYEOF'
import json, sys
src, out, code = sys.argv[1], sys.argv[2], sys.argv[3]
kind = sys.argv[4] if len(sys.argv) > 4 else None
with open(src) as f:
    if kind:
        d = next(o for o in map(json.loads, filter(str.strip, f)) if o.get("event") == kind)
    else:
        d = json.load(f)
exec(code, {"d": d})
with open(out, "w") as f:
    f.write(json.dumps(d) + "\n")
PYEOF
}

# reject DESCRIPTION SCHEMA FILE EXPECT_ERE: the validator must say invalid (exit
# 1) with an error line matching EXPECT_ERE.
reject() {
	local d=$1 schema=$2 f=$3 want=$4 out rc
	out=$("$PY" "$VALIDATOR" "$schema" <"$f" 2>&1)
	rc=$?
	if [ "$rc" -eq 1 ] && printf '%s\n' "$out" | grep -Eq -- "$want"; then
		ok "invalid sample rejected: $d"
	else
		not_ok "invalid sample not rejected as expected: $d (validator exit $rc)"
		printf '#   want an error matching: %s\n' "$want"
		printf '%s\n' "$out" | head -n 10 | sed 's/^/#   /'
	fi
}

# lookup_doc DESCRIPTION EXPECTED_EXIT ARGS...: netprobe lookup --json ARGS (the
# caller names the server); the exit status, schema validity and exit_code.
# Leaves the document in $DOC.
lookup_doc() {
	local d=$1 rc=$2; shift 2
	np_run lookup --json "$@"
	DOC=$NP_OUT
	[ -z "$rc" ] || assert_rc "$rc" "lookup $d: exit status $rc"
	validate "lookup $d" "$SCHEMA_LOOKUP" "$DOC"
	assert_eq "lookup $d: exit_code is the exit status" "$NP_RC" "$(jget "$DOC" exit_code)"
}

# ================================================================= lookup

start_lookup_knot
start_silent_dns silent
S="@127.0.0.1:$KNOT_PORT"

lookup_doc "A" 0 "$S" www.lookup.test A
assert_eq "lookup A: both addresses as fields" '["127.0.0.10","127.0.0.11"]' \
	"$(jpy "$DOC" 'sorted(r["fields"]["address"] for r in d["replies"][0]["answer"])')"
cp "$DOC" "$NP_TMP/doc-a.json"
lookup_doc "AAAA" 0 "$S" www.lookup.test AAAA
lookup_doc "MX" 0 "$S" lookup.test MX
assert_eq "lookup MX: preference and exchange" '[[10,"mail1.lookup.test."],[20,"mail2.lookup.test."]]' \
	"$(jpy "$DOC" 'sorted([r["fields"]["preference"], r["fields"]["exchange"]] for r in d["replies"][0]["answer"])')"
cp "$DOC" "$NP_TMP/doc-mx.json"
lookup_doc "TXT (several strings)" 0 "$S" multi.lookup.test TXT
assert_eq "lookup TXT: the strings in order" '["first string","second string","third"]' \
	"$(jpy "$DOC" 'd["replies"][0]["answer"][0]["fields"]["strings"]')"
lookup_doc "TXT (escapes, bytes that are not ASCII)" 0 "$S" binary.lookup.test TXT
lookup_doc "TXT (one empty string)" 0 "$S" empty.lookup.test TXT
lookup_doc "TXT (over 512 bytes: retried over TCP)" 0 "$S" bigtxt.lookup.test TXT
assert_eq "lookup big TXT: retried_tcp, transport tcp" 'true tcp' \
	"$(jpy "$DOC" '"%s %s" % (json.dumps(d["replies"][0]["retried_tcp"]), d["replies"][0]["transport"])')"
lookup_doc "SOA" 0 "$S" lookup.test SOA
assert_eq "lookup SOA: fields" '{"expire":1209600,"minimum":300,"mname":"ns1.lookup.test.","refresh":7200,"retry":900,"rname":"hostmaster.lookup.test.","serial":2024061501}' \
	"$(jpy "$DOC" 'd["replies"][0]["answer"][0]["fields"]')"
lookup_doc "NS" 0 "$S" lookup.test NS
lookup_doc "CNAME chain" 0 "$S" chain1.lookup.test A
assert_eq "lookup CNAME chain: targets in order, then the addresses" \
	'["chain2.lookup.test.","chain3.lookup.test.","www.lookup.test.","127.0.0.10","127.0.0.11"]' \
	"$(jpy "$DOC" '[r["fields"].get("target") or r["fields"].get("address") for r in d["replies"][0]["answer"]]')"
lookup_doc "SRV" 0 "$S" _sip._tcp.lookup.test SRV
lookup_doc "CAA" 0 "$S" lookup.test CAA
lookup_doc "PTR in a forward zone" 0 "$S" ptr.lookup.test PTR
lookup_doc "several types in one run" 0 "$S" lookup.test SOA NS MX TXT CAA
assert_eq "lookup several types: one reply each, in order" '["SOA","NS","MX","TXT","CAA"]' \
	"$(jpy "$DOC" '[r["type"] for r in d["replies"]]')"
lookup_doc "NODATA" 1 "$S" nodata.lookup.test A
lookup_doc "NXDOMAIN" 2 "$S" nope.lookup.test A
assert_eq "lookup NXDOMAIN: rcode, SOA in authority" 'NXDOMAIN SOA' \
	"$(jpy "$DOC" '"%s %s" % (d["replies"][0]["rcode"], d["replies"][0]["authority"][0]["type"])')"
cp "$DOC" "$NP_TMP/doc-nx.json"
lookup_doc "REFUSED (a zone this server lacks)" 2 "$S" www.example.invalid A
assert_eq "lookup REFUSED: rcode" 'REFUSED' "$(jpy "$DOC" 'd["replies"][0]["rcode"]')"
lookup_doc "timeout (silent server)" 2 -T 0.5 "@127.0.0.1:$SILENT_PORT" www.lookup.test A
assert_eq "lookup timeout: rcode null, error TIMEOUT" 'null TIMEOUT' \
	"$(jpy "$DOC" '"%s %s" % (json.dumps(d["replies"][0]["rcode"]), d["replies"][0]["error"]["code"])')"
cp "$DOC" "$NP_TMP/doc-timeout.json"
lookup_doc "timeout over --tcp" 2 --tcp -T 0.5 "@127.0.0.1:$SILENT_PORT" www.lookup.test A
# a TCP query that got no reply was still asked over TCP
assert_eq "lookup --tcp timeout: transport tcp" 'tcp' "$(jpy "$DOC" 'd["replies"][0]["transport"]')"
lookup_doc "--tcp" 0 --tcp "$S" www.lookup.test A
assert_eq "lookup --tcp: transport tcp, not a retry" 'tcp false' \
	"$(jpy "$DOC" '"%s %s" % (d["replies"][0]["transport"], json.dumps(d["replies"][0]["retried_tcp"]))')"
lookup_doc "--norecurse" 0 --norecurse "$S" www.lookup.test A
assert_eq "lookup --norecurse: recursion_desired false" 'false' "$(jget "$DOC" recursion_desired)"
lookup_doc "-x 127.0.0.1" 0 -x 127.0.0.1 "$S"
assert_eq "lookup -x: name and PTR target" '1.0.0.127.in-addr.arpa localhost.' \
	"$(jpy "$DOC" '"%s %s" % (d["name"], d["replies"][0]["answer"][0]["fields"]["target"])')"
lookup_doc "-x ::1" 0 -x ::1 "$S"
lookup_doc "TYPE65280 (RFC 3597 rdata)" 0 "$S" unknown.lookup.test TYPE65280
assert_eq "lookup TYPE65280: type, type_code, empty fields" '[["TYPE65280",65280,{}],["TYPE65280",65280,{}]]' \
	"$(jpy "$DOC" '[[r["type"], r["type_code"], r["fields"]] for r in d["replies"][0]["answer"]]')"
cp "$DOC" "$NP_TMP/doc-unknown.json"

# hostile replies: decoded up to the fault, MALFORMED, still a valid document
start_hostile_dns hostile
H="@127.0.0.1:$HPORT"
for c in ok noqr loop ptrpast counts rdlength label64 nameover txtover trailing huge; do
	lookup_doc "hostile server, case $c" '' -T 1 "$H" "$c.hostile.test" A
done
# A record whose rdata fails to decode is not listed: the error says where it stopped.
for c in shorta loopcname; do
	np_run lookup --json -T 1 "$H" "$c.hostile.test" A
	assert_eq "lookup hostile case $c: valid against the lookup schema" 0 \
		"$("$PY" "$VALIDATOR" "$SCHEMA_LOOKUP" <"$NP_OUT" >/dev/null 2>&1; echo $?)"
done

# --compare-system asks the system resolver: never run here (real documents
# are checked by tests/integration/lookup_compare_system.sh, in namespaces of
# its own); a hand-written document with a system object instead.
mutate "$NP_TMP/doc-a.json" "$NP_TMP/doc-system.json" \
	'd["system"] = {"error": None, "error_code": None, "addresses": ["127.0.0.10", "127.0.0.11"], "only_system": [], "only_dns": [], "agree": True}'
validate "lookup hand-written: --compare-system object" "$SCHEMA_LOOKUP" "$NP_TMP/doc-system.json"

# ================================================================= listen

LISTEN_ARGS=(0)
have_ipv6_lo || LISTEN_ARGS=(127.0.0.1 0)
if start_listen tcpsrv --want "${#LISTEN_ARGS[@]}" "${LISTEN_ARGS[@]}"; then
	P=$LPORT
	np_run -T 2 --send 'hello\n' 127.0.0.1 "$P"
	assert_rc 0 "netprobe --send to the listener on 127.0.0.1: open"
	if have_ipv6_lo; then
		np_run -T 2 --send 'hi' ::1 "$P"
		assert_rc 0 "netprobe --send to the listener on ::1: open"
		want=2
	else
		want=1
	fi
	wait_ev tcpsrv "len(ev(\"closed\")) >= $want" || echo "# fewer closed events than expected"
	stop_listen tcpsrv INT
	assert_eq "listen tcp: exit status 0 after SIGINT" 0 "$LRC"
	validate "listen tcp: every ndjson line" "$SCHEMA_LISTEN" "$NP_TMP/tcpsrv.ev" --lines
	assert_eq "listen tcp: event kinds" "[\"accepted\",\"closed\",\"listening\",\"summary\"]" \
		"$(evq tcpsrv 'sorted(set(e["event"] for e in E))')"
	assert_eq "listen tcp: summary last, stopped by SIGINT" 'summary SIGINT' \
		"$(evq tcpsrv '"%s %s" % (E[-1]["event"], E[-1].get("signal"))')"
else
	not_ok "listen tcp: the server did not start (exit status $LRC)"
fi
cp "$NP_TMP/tcpsrv.ev" "$NP_TMP/listen-tcp.ndjson" 2>/dev/null

if start_listen udpsrv --udp 127.0.0.1 0; then
	np_run -u -T 1 --retries 0 --send 'ping' 127.0.0.1 "$LPORT"
	assert_rc 0 "netprobe -u --send to the UDP listener: echoed, open"
	wait_ev udpsrv 'len(ev("datagram")) >= 1' || echo "# no datagram event"
	stop_listen udpsrv INT
	validate "listen udp: every ndjson line" "$SCHEMA_LISTEN" "$NP_TMP/udpsrv.ev" --lines
	assert_eq "listen udp: event kinds" '["datagram","listening","summary"]' \
		"$(evq udpsrv 'sorted(set(e["event"] for e in E))')"
else
	not_ok "listen udp: the server did not start (exit status $LRC)"
fi

# ================================================================= local (netns only)

LOCAL_SKIP=
if [ "$(id -u)" -ne 0 ]; then
	LOCAL_SKIP="netprobe local runs only in a network namespace, which needs root (uid $(id -u))"
elif ! command -v ip >/dev/null 2>&1; then
	LOCAL_SKIP="ip(8) not found (Debian package iproute2)"
else
	NS="np-schema-$$"
	if ! out=$(ip netns add "$NS" 2>&1); then
		NS=
		LOCAL_SKIP="cannot create a network namespace: $out"
	elif ! out=$(ip -n "$NS" link set lo up 2>&1); then
		LOCAL_SKIP="cannot bring lo up in namespace $NS: $out"
	fi
fi

# in_ns CMD...: run CMD inside the namespace, capped like np_run.
in_ns() { timeout -k 2 "$NP_TIMEOUT_WALL" ip netns exec "$NS" "$@"; }

# ns_port_file NAME PYTHON: a helper in the namespace that binds, prints its port
# and sleeps (at most 120 s); sets NSPORT.
ns_helper() {
	local name=$1 code=$2 pid
	timeout -k 2 120 ip netns exec "$NS" "$PY" -c "$code" >"$NP_TMP/$name.port" 2>"$NP_TMP/$name.err" &
	pid=$!
	np_bg_register "$pid"
	NSPORT=$(_wait_port_file "$NP_TMP/$name.port" "$pid") ||
		fatal "helper $name in $NS did not start: $(cat "$NP_TMP/$name.err")"
}

# local_doc DESCRIPTION EXPECTED_EXIT PORT: netprobe local --json PORT in the
# namespace; exit status, schema, exit_code.  Leaves the document in $DOC.
local_doc() {
	local d=$1 rc=$2 port=$3
	NP_OUT="$NP_TMP/local-$port.json"
	NP_ERR="$NP_TMP/local-$port.err"
	NP_LAST_CMD="ip netns exec $NS netprobe local --json $port"
	in_ns "$NETPROBE" local --json -T 1 "$port" >"$NP_OUT" 2>"$NP_ERR" </dev/null
	NP_RC=$?
	DOC=$NP_OUT
	assert_rc "$rc" "local $d: exit status $rc"
	validate "local $d" "$SCHEMA_LOCAL" "$DOC"
	assert_eq "local $d: exit_code is the exit status" "$NP_RC" "$(jget "$DOC" exit_code)"
}

if [ -z "$LOCAL_SKIP" ]; then
	echo "# namespace $NS (lo up): every netprobe local run stays inside it"
	ns_helper tcp127 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
print(s.getsockname()[1], flush=True); time.sleep(120)'
	local_doc "TCP listener on 127.0.0.1" 0 "$NSPORT"
	assert_eq "local 127.0.0.1: verdict" 'loopback_ipv4_only tcp' \
		"$(jpy "$DOC" '"%s %s" % (d["verdict"]["kind"], d["verdict"]["proto"])')"
	assert_eq "local 127.0.0.1: the connect to 127.0.0.1 opens" 'open' \
		"$(jpy "$DOC" '[r["tcp_connect"]["state"] for r in d["reachability"] if r["address"] == "127.0.0.1"][0]')"
	cp "$DOC" "$NP_TMP/doc-local.json"

	ns_helper udpany 'import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0); s.bind(("::", 0))
print(s.getsockname()[1], flush=True); time.sleep(120)'
	local_doc "UDP socket on :: (dual-stack)" 0 "$NSPORT"
	assert_eq "local udp ::: verdict, no TCP connects" 'all_interfaces_dual_stack udp true' \
		"$(jpy "$DOC" '"%s %s %s" % (d["verdict"]["kind"], d["verdict"]["proto"], json.dumps(all(r["tcp_connect"] is None for r in d["reachability"])))')"

	ns_helper free 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
	local_doc "nothing on the port" 2 "$NSPORT"
	assert_eq "local nothing: verdict kind" 'nothing' "$(jpy "$DOC" 'd["verdict"]["kind"]')"
	cp "$DOC" "$NP_TMP/doc-local-nothing.json"
else
	echo "# SKIP the netprobe local checks: $LOCAL_SKIP"
fi

# ================================================================= invalid samples

# lookup
L=$SCHEMA_LOOKUP
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'd["replies"][0]["answer"][0]["ttl"] = str(d["replies"][0]["answer"][0]["ttl"])'
reject "lookup: ttl as a string" "$L" "$NP_TMP/bad.json" '\.answer\[0\]\.ttl: .* is not of type .integer.'
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'd["replies"][0]["answer"][0]["ttl"] = 301.0'
reject "lookup: ttl as a real (301.0)" "$L" "$NP_TMP/bad.json" '\.ttl: 301\.0 is not of type .integer.'
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'd["replies"][0]["rcode"] = "NOERR"'
reject "lookup: rcode not a mnemonic" "$L" "$NP_TMP/bad.json" '\.rcode: .NOERR.'
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'd["replies"][0]["flags"].append("QR")'
reject "lookup: flag in upper case" "$L" "$NP_TMP/bad.json" '\.flags\[[0-9]+\]: .QR. is not one of'
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'd["replies"][0]["transport"] = "sctp"'
reject "lookup: transport sctp" "$L" "$NP_TMP/bad.json" '\.transport: .sctp. is not one of'
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'd["replies"][0]["time_ms"] = -0.5'
reject "lookup: negative time_ms" "$L" "$NP_TMP/bad.json" '\.time_ms: -0\.5 is less than the minimum'
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'd["replies"][0]["answer"][0]["fields"]["address"] = "127.0.0.300"'
reject "lookup: A address not IPv4" "$L" "$NP_TMP/bad.json" '\.fields\.address: .127\.0\.0\.300. is not a .ipv4.'
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'd["replies"][0]["answer"][0]["type_code"] = 28'
reject "lookup: type A with type_code 28" "$L" "$NP_TMP/bad.json" '\.type_code: 1 was expected'
mutate "$NP_TMP/doc-a.json" "$NP_TMP/bad.json" 'del d["system"]'
reject "lookup: system key missing" "$L" "$NP_TMP/bad.json" "^\\$: 'system' is a required property"
mutate "$NP_TMP/doc-mx.json" "$NP_TMP/bad.json" 'del d["replies"][0]["answer"][0]["fields"]["exchange"]'
reject "lookup: MX fields without exchange" "$L" "$NP_TMP/bad.json" "\\.fields: 'exchange' is a required property"
mutate "$NP_TMP/doc-unknown.json" "$NP_TMP/bad.json" 'd["replies"][0]["answer"][1]["rdata"] = "\\# 4 deadbeef"'
reject "lookup: RFC 3597 hex in lower case (dig writes upper)" "$L" "$NP_TMP/bad.json" '\.rdata: .* does not match'
mutate "$NP_TMP/doc-nx.json" "$NP_TMP/bad.json" 'd["exit_code"] = 0'
reject "lookup: NXDOMAIN with exit_code 0" "$L" "$NP_TMP/bad.json" '\.exit_code: 2 was expected'
mutate "$NP_TMP/doc-timeout.json" "$NP_TMP/bad.json" 'd["replies"][0]["error"] = None'
reject "lookup: no reply and no error" "$L" "$NP_TMP/bad.json" '\.error: None is not of type .object.'
mutate "$NP_TMP/doc-system.json" "$NP_TMP/bad.json" 'd["system"]["only_dns"] = ["127.0.0.99"]'
reject "lookup: system agree with an address only DNS has" "$L" "$NP_TMP/bad.json" '\.system\.only_dns: .* is too long'

# listen
E=$SCHEMA_LISTEN
if [ -s "$NP_TMP/listen-tcp.ndjson" ]; then
	mutate "$NP_TMP/listen-tcp.ndjson" "$NP_TMP/bad.json" 'd["event"] = "acepted"' accepted
	reject "listen: event name misspelt" "$E" "$NP_TMP/bad.json" '\.event: .acepted. is not one of'
	mutate "$NP_TMP/listen-tcp.ndjson" "$NP_TMP/bad.json" 'd["signal"] = "SIGKILL"' summary
	reject "listen: summary signal SIGKILL (never caught)" "$E" "$NP_TMP/bad.json" '\.signal: .SIGKILL. is not one of'
	mutate "$NP_TMP/listen-tcp.ndjson" "$NP_TMP/bad.json" 'd["scope"] = "everywhere"' listening
	reject "listen: unknown scope" "$E" "$NP_TMP/bad.json" '\.scope: .everywhere. is not one of'
	mutate "$NP_TMP/listen-tcp.ndjson" "$NP_TMP/bad.json" 'd["sockaddr"]["hex"] = d["sockaddr"]["hex"].upper()' listening
	reject "listen: sockaddr hex in upper case" "$E" "$NP_TMP/bad.json" '\.sockaddr\.hex: .* does not match'
	mutate "$NP_TMP/listen-tcp.ndjson" "$NP_TMP/bad.json" 'del d["duration_ms"]' closed
	reject "listen: closed without duration_ms" "$E" "$NP_TMP/bad.json" "'duration_ms' is a required property"
	mutate "$NP_TMP/listen-tcp.ndjson" "$NP_TMP/bad.json" 'd["local"]["port"] = str(d["local"]["port"])' accepted
	reject "listen: port as a string" "$E" "$NP_TMP/bad.json" '\.local\.port: .* is not of type'
	mutate "$NP_TMP/listen-tcp.ndjson" "$NP_TMP/bad.json" 'd["t_ms"] = -1' accepted
	reject "listen: negative t_ms" "$E" "$NP_TMP/bad.json" '\.t_ms: -1 is less than the minimum'
fi

# local (from the namespace runs; hand-written when they were skipped)
C=$SCHEMA_LOCAL
if [ ! -s "$NP_TMP/doc-local.json" ]; then
	cat >"$NP_TMP/doc-local.json" <<'EOF'
{"schema_version": 1, "netprobe_version": "0.1.0", "command": "local", "port": 8080,
 "source": "sock_diag",
 "sockets": [{"proto": "tcp", "family": "ipv4", "address": "127.0.0.1", "port": 8080,
   "v6only": null, "v6only_source": null, "v6only_evidence": null, "interface": null,
   "scope": "loopback", "uid": 0, "inode": 12345, "pid": 42, "process": "python3"}],
 "reachability": [
   {"interface": "lo", "family": "ipv4", "address": "127.0.0.1", "tcp_accepts": true, "udp_accepts": false,
    "tcp_connect": {"state": "open", "time_ms": 0.05, "error": null}},
   {"interface": "lo", "family": "ipv6", "address": "::1", "tcp_accepts": false, "udp_accepts": false,
    "tcp_connect": {"state": "closed", "time_ms": 0.04,
      "error": {"code": "ECONNREFUSED", "errno": 111, "message": "Connection refused"}}}],
 "verdict": {"kind": "loopback_ipv4_only", "proto": "tcp", "message": "TCP port 8080 is bound to 127.0.0.1 only",
   "localhost_ipv4": true, "localhost_ipv6": false, "v6only_assumed": false},
 "exit_code": 0}
EOF
	validate "local hand-written (the namespace runs were skipped)" "$C" "$NP_TMP/doc-local.json"
fi
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'd["verdict"]["kind"] = "loopback_ipv4"'
reject "local: unknown verdict kind" "$C" "$NP_TMP/bad.json" '\.verdict\.kind: .loopback_ipv4. is not one of'
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'd["port"] = str(d["port"])'
reject "local: port as a string" "$C" "$NP_TMP/bad.json" "^\\$\\.port: .* is not of type .integer."
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'del d["sockets"][0]["pid"]'
reject "local: socket without pid" "$C" "$NP_TMP/bad.json" "'pid' is a required property"
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'd["reachability"][0]["tcp_connect"]["state"] = "opened"'
reject "local: connect state opened" "$C" "$NP_TMP/bad.json" '\.state: .opened. is not one of'
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'd["sockets"] = []'
reject "local: nothing bound yet a loopback verdict" "$C" "$NP_TMP/bad.json" '\.verdict\.kind: .nothing. was expected'
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'd["sockets"][0]["scope"] = "all_interfaces"'
reject "local: 127.0.0.1 with scope all_interfaces" "$C" "$NP_TMP/bad.json" '\.scope: .loopback. was expected'
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'd["sockets"][0].update(family="ipv6", address="::", scope="all_interfaces", v6only=True, v6only_source="inferred_from_connect")'
reject "local: an inferred v6only without the connect that told" "$C" "$NP_TMP/bad.json" '\.v6only_evidence: None is not of type .object.'
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'd["sockets"][0].update(family="ipv6", address="::", scope="all_interfaces", v6only=True, v6only_source="guessed")'
reject "local: v6only_source guessed" "$C" "$NP_TMP/bad.json" '\.v6only_source: .guessed. is not one of'
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'd["sockets"][0].update(family="ipv6", address="::", scope="all_interfaces", v6only=False)'
reject "local: a v6only with no source" "$C" "$NP_TMP/bad.json" '\.v6only_source: None is not one of'
mutate "$NP_TMP/doc-local.json" "$NP_TMP/bad.json" 'del d["verdict"]["localhost_ipv4"]'
reject "local: verdict without localhost_ipv4" "$C" "$NP_TMP/bad.json" "'localhost_ipv4' is a required property"

if [ -n "$LOCAL_SKIP" ] && [ "$np_failures" -eq 0 ]; then
	echo "# PASS so far: all $np_checks checks passed, but the netprobe local runs were skipped"
	skip "$LOCAL_SKIP"
fi
np_done
