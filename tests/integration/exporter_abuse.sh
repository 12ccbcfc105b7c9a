#!/bin/bash
# netprobe exporter under abuse: slow clients (half a request, then silence:
# closed by the server's client timeout while other requests are answered),
# malformed requests (garbage bytes, a NUL, a huge URL, huge headers, a bad
# request line: a 4xx or a close, never a crash), 1,000 requests in a bounded
# loop (still answering, its resident memory flat: the figures are printed),
# a burst of 80 concurrent scrapes of a target whose DNS server never answers
# (start_silent_dns) with --max-probes 16 (503 beyond it, counted as busy),
# SIGTERM while probes and a lookup are in flight (the waiting scrapes get
# 503, exit 0), and 100 scrapes at once under ulimit -n 64.
# Loopback only; every loop bounded.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/exporter_lib.sh"
np_init_base
CLIENT=("$PY" "$HELPERS/http_client.py")
start_listener open 127.0.0.1
OPEN=$LISTEN_PORT
start_silent_dns silent
start_exporter @127.0.0.1:"$SILENT_PORT" -T 2 --max-probes 16 --max-timeout 5

alive() {
	if np_is_child "$EXP_PID"; then ok "$1: the exporter is still running"
	else not_ok "$1: the exporter died"; cat "$NP_TMP/exporter.err"; fi
	get /metrics
	assert_eq "$1: /metrics still answers 200" 200 "$HTTP_CODE"
}

# ---- slow clients: half a request, and a connection that says nothing
"${CLIENT[@]}" slow "$EXP_PORT" --wait 60 >"$NP_TMP/slow1.out" 2>&1 &
slow1=$!
np_bg_register "$slow1"
"${CLIENT[@]}" slow "$EXP_PORT" "" --wait 60 >"$NP_TMP/slow2.out" 2>&1 &
slow2=$!
np_bg_register "$slow2"
for i in $(seq 1 "$NP_POLLS"); do
	grep -q sent "$NP_TMP/slow1.out" 2>/dev/null && grep -q sent "$NP_TMP/slow2.out" 2>/dev/null && break
	sleep 0.05
done
get "/probe?target=127.0.0.1:$OPEN"
assert_eq "while two clients stall: /probe answered" 200 "$HTTP_CODE"
assert_eq "while two clients stall: probe_success 1" 1 "$(metric probe_success)"
wait "$slow1"; wait "$slow2"
assert_eq "half a request: the server closed it (client timeout)" "sent closed" \
	"$(tr '\n' ' ' <"$NP_TMP/slow1.out" | sed 's/ $//')"
assert_eq "a silent connection: the server closed it" "sent closed" \
	"$(tr '\n' ' ' <"$NP_TMP/slow2.out" | sed 's/ $//')"
get /metrics
assert_true "slow clients counted (rejected_total{reason=\"slow_client\"} >= 2)" \
	test "$(metric 'netprobe_exporter_rejected_total{reason="slow_client"}')" -ge 2
alive "after slow clients"

# ---- malformed requests: a 4xx or a close, never a crash
for kind in garbage nul huge-url huge-headers bad-line; do
	code=$("${CLIENT[@]}" raw "$EXP_PORT" "$kind" --wait 20)
	assert_match "$kind: a 4xx or a close ($code)" '^(4[0-9][0-9]|closed)$' "$code"
done
assert_eq "a huge URL: 414" 414 "$("${CLIENT[@]}" raw "$EXP_PORT" huge-url --wait 20)"
long=$(head -c 3000 /dev/zero | tr '\0' a)
get "/probe?target=127.0.0.1:$OPEN&x=$long"
assert_eq "a query over 2048 bytes (inside the header limit): 413" 413 "$HTTP_CODE"
get "/probe?target=%00%0a%ff:1"
assert_eq "a target with NUL, newline and \\xff: 400" 400 "$HTTP_CODE"
assert_eq "that 400's body is one line" 1 "$(wc -l <"$NP_TMP/body")"
for q in "target=a%0ab%1b%5b31m.example.test:80" "module=lookup&target=%ff%fe%0a" \
	"target=127.0.0.1:1&%0akey%ff=1" "target=127.0.0.1:1&module=%1b%5b2J"; do
	get "/probe?$q"
	assert_eq "$q: 400" 400 "$HTTP_CODE"
	assert_eq "$q: one line of printable ASCII" "1 0" \
		"$(wc -l <"$NP_TMP/body") $(LC_ALL=C grep -c '[^ -~]' "$NP_TMP/body")"
done
alive "after malformed requests"

# ---- 1,000 requests in a bounded loop: still answering, memory flat
pid_rss() { rss_kib "$EXP_PID"; }
"${CLIENT[@]}" many "$EXP_PORT" 200 "/probe?target=127.0.0.1:$OPEN" /metrics "/probe?bad=1" \
	--wait 20 >/dev/null	# warm up: allocator pools, c-ares, MHD's
rss0=$(pid_rss)
"${CLIENT[@]}" many "$EXP_PORT" 1000 "/probe?target=127.0.0.1:$OPEN" /metrics "/probe?bad=1" / \
	--wait 20 >"$NP_TMP/many.out"
rss1=$(pid_rss)
echo "# 1000 requests: $(tr '\n' ',' <"$NP_TMP/many.out"); VmRSS before ${rss0} KiB, after ${rss1} KiB"
assert_eq "1000 requests: 750 answered 200" 750 "$(awk '$1 == 200 { print $2 }' "$NP_TMP/many.out")"
assert_eq "1000 requests: 250 answered 400" 250 "$(awk '$1 == 400 { print $2 }' "$NP_TMP/many.out")"
if ldd "$NETPROBE" 2>/dev/null | grep -q libasan; then
	# ASan's quarantine keeps freed memory (up to 256 MiB): RSS says nothing
	# there; its LeakSanitizer checks the exit instead (SIGTERM below: exit 0)
	ok "1000 requests: resident memory not judged under AddressSanitizer"
else
	assert_true "1000 requests: resident memory grew by less than 1 MiB (${rss0} -> ${rss1} KiB)" \
		test $((rss1 - rss0)) -lt 1024
fi
alive "after 1000 requests"

# ---- 80 scrapes at once of a name whose DNS never answers, --max-probes 16
mkdir -p "$NP_TMP/burst"
"${CLIENT[@]}" burst "$EXP_PORT" 80 "/probe?target=slow.example.test:$OPEN&timeout=4" \
	--wait 30 --save "$NP_TMP/burst" >"$NP_TMP/burst.out"
echo "# burst: $(tr '\n' ',' <"$NP_TMP/burst.out")"
n200=$(awk '$1 == 200 { print $2 }' "$NP_TMP/burst.out"); n200=${n200:-0}
n503=$(awk '$1 == 503 { print $2 }' "$NP_TMP/burst.out"); n503=${n503:-0}
assert_eq "burst: every scrape answered 200 or 503" 80 $((n200 + n503))
assert_true "burst: some got 503 beyond --max-probes ($n503)" test "$n503" -ge 1
assert_true "burst: at least --max-probes got 200 ($n200)" test "$n200" -ge 16
bad=0
for f in "$NP_TMP"/burst/*.prom; do
	[ -e "$f" ] || continue
	grep -qx 'probe_success 0' "$f" || bad=$((bad + 1))
	promtool check metrics <"$f" >/dev/null 2>&1 || bad=$((bad + 1))
done
assert_eq "burst: every 200 says probe_success 0 and passes promtool" 0 "$bad"
assert_eq "burst: a body saved for every 200" "$n200" \
	"$(find "$NP_TMP/burst" -name '*.prom' | wc -l)"
get /metrics
assert_eq "burst: the 503s counted as busy" "$n503" \
	"$(metric 'netprobe_exporter_rejected_total{reason="busy"}')"
assert_eq "burst: the 503s counted by path and code" "$n503" \
	"$(metric 'netprobe_exporter_requests_total{path="/probe",code="503"}')"
alive "after the burst"

# ---- a scrape's timeout before the answer: a name, a lookup
get "/probe?target=slow.example.test:$OPEN&timeout=1"
assert_eq "a name whose DNS is silent, timeout=1: 200" 200 "$HTTP_CODE"
check_promtool "a name's probe cut by its timeout"
assert_eq "cut by its timeout: probe_success 0" 0 "$(metric probe_success)"
assert_eq "cut by its timeout: probe_timeout_seconds 1" 1 "$(metric probe_timeout_seconds)"
get "/probe?module=lookup&target=slow.example.test&timeout=1"
assert_eq "a lookup of a silent server, timeout=1: 200" 200 "$HTTP_CODE"
check_promtool "a lookup cut by its timeout"
assert_eq "lookup cut by its timeout: probe_success 0" 0 "$(metric probe_success)"
assert_eq "lookup cut by its timeout: no reply came" 0 "$(metric probe_dns_query_succeeded)"
assert_eq "lookup cut by its timeout: rcode -1" -1 "$(metric netprobe_dns_rcode)"

# ---- SIGTERM while probes are in flight
# two name probes waiting for DNS, and a lookup
for i in 1 2 3; do
	q="target=slow.example.test:$OPEN&timeout=5"
	[ "$i" = 3 ] && q="module=lookup&target=slow.example.test&timeout=5"
	curl -s -o "$NP_TMP/term$i.body" -w '%{http_code}' --max-time 30 \
		"$EXP_URL/probe?$q" >"$NP_TMP/term$i.code" &
	np_bg_register $!
done
wait_inflight 3
assert_eq "three probes in flight" 3 "$(metric netprobe_exporter_probes_in_flight)"
stop_with TERM "$EXP_PID"
assert_eq "SIGTERM mid-probe: exit 0" 0 "$RC"
for i in 1 2 3; do
	for j in $(seq 1 "$NP_POLLS"); do [ -s "$NP_TMP/term$i.code" ] && break; sleep 0.05; done
	assert_eq "SIGTERM: waiting scrape $i answered 503" 503 "$(cat "$NP_TMP/term$i.code")"
done
assert_eq "SIGTERM: nothing on stderr" "" "$(cat "$NP_TMP/exporter.err")"

# ---- ulimit -n 64: 100 scrapes at once, more connections than descriptors
EXP_NOFILE=64 start_exporter -T 2 --max-probes 8
"${CLIENT[@]}" burst "$EXP_PORT" 100 "/probe?target=127.0.0.1:$OPEN" --wait 30 >"$NP_TMP/fd.out"
echo "# ulimit -n 64, 100 at once: $(tr '\n' ',' <"$NP_TMP/fd.out")"
n200=$(awk '$1 == 200 { print $2 }' "$NP_TMP/fd.out")
n503=$(awk '$1 == 503 { print $2 }' "$NP_TMP/fd.out")
assert_eq "ulimit -n 64: every scrape answered 200 or 503" 100 $(( ${n200:-0} + ${n503:-0} ))
get /metrics
assert_eq "ulimit -n 64: the exporter sees its limit" 64 "$(metric process_max_fds)"
assert_eq "ulimit -n 64: every probe that ran succeeded" "${n200:-0}" \
	"$(metric 'netprobe_exporter_probes_total{kind="tcp",result="success"}')"
alive "ulimit -n 64"
stop_with TERM "$EXP_PID"
assert_eq "ulimit -n 64: SIGTERM, exit 0" 0 "$RC"

np_done
