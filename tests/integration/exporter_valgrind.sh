#!/bin/bash
# netprobe exporter under valgrind (memcheck): every path a request can take
# (/, /metrics, 400, 404, a probe open, closed, by name, NXDOMAIN, a lookup, a
# UDP probe, garbage and a huge URL, a scrape cut by its timeout while its job
# runs on, 503 at --max-probes) and SIGTERM with two probes and a lookup in
# flight: no error, nothing definitely, indirectly or possibly lost, nothing
# in use at exit. In the sanitizer build (build-san) the same paths run under
# AddressSanitizer + LeakSanitizer instead, which valgrind cannot host: errors
# and leaks there end the exporter with a report on stderr. Skipped only
# without valgrind in a plain build. Loopback only; knotd for names.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/exporter_lib.sh"
if ldd "$NETPROBE" 2>/dev/null | grep -q libasan; then
	CHECKER=ASan/LSan
	CHECK=()
else
	command -v valgrind >/dev/null 2>&1 || skip "valgrind not installed"
	CHECKER=memcheck
	CHECK=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
	       --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=42)
fi
np_init
start_knot
start_listener open 127.0.0.1
OPEN=$LISTEN_PORT
start_silent_dns silent
CLIENT=("$PY" "$HELPERS/http_client.py")

# the exporter under the checker (its log in exporter.err)
EXP_WRAP=("${CHECK[@]}")

# vg_stop LABEL: SIGTERM, then exit 0 and a silent memcheck
vg_stop() {
	stop_with TERM "$EXP_PID"
	assert_eq "$1: exit 0 under $CHECKER (42: memcheck found errors)" 0 "$RC"
	assert_eq "$1: $CHECKER says nothing" "" "$(cat "$NP_TMP/exporter.err")"
}

start_exporter @127.0.0.1:"$KNOT_PORT" -T 2
for q in "target=127.0.0.1:$OPEN" "target=127.0.0.1:1" "target=a4.example.test:$OPEN" \
	"target=nxdomain.example.test:$OPEN" "module=lookup&target=multi.example.test&type=A" \
	"module=udp&target=127.0.0.1:9" "target=a4.example.test:$OPEN&family=ip4"; do
	get "/probe?$q"
	assert_eq "under $CHECKER: /probe?$q answers 200" 200 "$HTTP_CODE"
done
get "/probe?foo=1"
assert_eq "under $CHECKER: a bad parameter, 400" 400 "$HTTP_CODE"
get /nope
assert_eq "under $CHECKER: 404" 404 "$HTTP_CODE"
get /metrics
assert_eq "under $CHECKER: /metrics" 200 "$HTTP_CODE"
assert_match "under $CHECKER: garbage, a 4xx or a close" '^(4[0-9][0-9]|closed)$' \
	"$("${CLIENT[@]}" raw "$EXP_PORT" garbage --wait 20)"
assert_eq "under $CHECKER: a huge URL, 414" 414 "$("${CLIENT[@]}" raw "$EXP_PORT" huge-url --wait 20)"
vg_stop "after every path"

start_exporter @127.0.0.1:"$SILENT_PORT" -T 2 --max-probes 3
get "/probe?target=slow.example.test:$OPEN&timeout=0.5"
assert_eq "under $CHECKER: cut by its timeout, probe_success 0" 0 "$(metric probe_success)"
for i in 1 2 3; do	# two names waiting for DNS, a lookup
	q="target=s$i.example.test:$OPEN&timeout=5"
	[ "$i" = 3 ] && q="module=lookup&target=s3.example.test&timeout=5"
	curl -s -o /dev/null -w '%{http_code}' --max-time 60 "$EXP_URL/probe?$q" >"$NP_TMP/c$i" &
	np_bg_register $!
done
wait_inflight 3
get "/probe?target=127.0.0.1:$OPEN"
assert_eq "under $CHECKER: at --max-probes, 503" 503 "$HTTP_CODE"
vg_stop "SIGTERM with probes and a lookup in flight"
for i in 1 2 3; do
	for j in $(seq 1 "$NP_POLLS"); do [ -s "$NP_TMP/c$i" ] && break; sleep 0.05; done
	assert_eq "under $CHECKER: waiting scrape $i answered 503" 503 "$(cat "$NP_TMP/c$i")"
done

np_done
