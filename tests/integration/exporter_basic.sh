#!/bin/bash
# netprobe exporter, the Prometheus multi-target exporter: /probe for an open
# port, a closed port (start_closed_port), a name knotd says NXDOMAIN for, a
# lookup (kdig is the oracle for its counts); promtool check metrics on every
# /probe and /metrics answer; 400 with a body naming the parameter for an
# unknown, repeated or bad one; 404 and 405; Prometheus' scrape-timeout header
# honoured; SIGTERM ends it with status 0. Loopback only; knotd for names.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "$top_srcdir/tests/integration/exporter_lib.sh"
np_init
start_knot
start_listener open 127.0.0.1
OPEN=$LISTEN_PORT
start_closed_port closed
start_exporter @127.0.0.1:"$KNOT_PORT" -T 2 --max-timeout 10

# ---- / says what it is
get /
assert_eq "/: 200" 200 "$HTTP_CODE"
assert_match "/: names netprobe exporter and links /probe and /metrics" \
	'netprobe exporter.*' "$BODY"
assert_match "/: links /metrics" '/metrics' "$BODY"

# ---- an open port
get "/probe?target=127.0.0.1:$OPEN"
assert_eq "open: 200" 200 "$HTTP_CODE"
check_promtool "open port /probe"
assert_eq "open: probe_success 1" 1 "$(metric probe_success)"
assert_eq "open: state open at 127.0.0.1" 1 \
	"$(metric "netprobe_probe_state{address=\"127.0.0.1\",port=\"$OPEN\",proto=\"tcp\",state=\"open\"}")"
assert_eq "open: probe_ip_protocol 4" 4 "$(metric probe_ip_protocol)"
assert_eq "open: verdict ok" 1 "$(metric 'netprobe_verdict{verdict="ok"}')"
assert_eq "open: probe_timeout_seconds is -T" 2 "$(metric probe_timeout_seconds)"

# ---- a closed port
get "/probe?target=127.0.0.1:$CLOSED_PORT&module=tcp"
assert_eq "closed: 200" 200 "$HTTP_CODE"
check_promtool "closed port /probe"
assert_eq "closed: probe_success 0" 0 "$(metric probe_success)"
assert_eq "closed: state closed" 1 \
	"$(metric "netprobe_probe_state{address=\"127.0.0.1\",port=\"$CLOSED_PORT\",proto=\"tcp\",state=\"closed\"}")"
assert_eq "closed: verdict down" 1 "$(metric 'netprobe_verdict{verdict="down"}')"

# ---- a name through knotd, and one it says NXDOMAIN for
get "/probe?target=a4.example.test:$OPEN"
assert_eq "name: 200" 200 "$HTTP_CODE"
check_promtool "a name's /probe"
assert_eq "name: probe_success 1" 1 "$(metric probe_success)"
assert_eq "name: rcode 0 (NOERROR)" 0 "$(metric netprobe_dns_rcode)"
assert_eq "name: source dns" 1 "$(metric 'netprobe_dns_source{source="dns"}')"
assert_eq "kdig: nxdomain.example.test is NXDOMAIN" NXDOMAIN "$(kdig_rcode nxdomain.example.test A)"
get "/probe?target=nxdomain.example.test:$OPEN"
assert_eq "nxdomain: 200" 200 "$HTTP_CODE"
check_promtool "NXDOMAIN /probe"
assert_eq "nxdomain: probe_success 0" 0 "$(metric probe_success)"
assert_eq "nxdomain: rcode 3" 3 "$(metric netprobe_dns_rcode)"
assert_eq "nxdomain: verdict dns_failed" 1 "$(metric 'netprobe_verdict{verdict="dns_failed"}')"

# ---- module=lookup, kdig the oracle of the counts
want_an=$(kdig @127.0.0.1 -p "$KNOT_PORT" +time=2 +retry=1 +norecurse multi.example.test A |
	sed -n 's/.*ANSWER: \([0-9]*\).*/\1/p')
get "/probe?module=lookup&target=multi.example.test&type=A"
assert_eq "lookup: 200" 200 "$HTTP_CODE"
check_promtool "lookup /probe"
assert_eq "lookup: probe_success 1" 1 "$(metric probe_success)"
assert_eq "lookup: answer records as kdig counts" "$want_an" "$(metric probe_dns_answer_rrs)"
assert_eq "lookup: query succeeded" 1 "$(metric probe_dns_query_succeeded)"
get "/probe?module=lookup&target=nxdomain.example.test"
assert_eq "lookup nxdomain: probe_success 0" 0 "$(metric probe_success)"
assert_eq "lookup nxdomain: rcode 3" 3 "$(metric netprobe_dns_rcode)"
check_promtool "lookup NXDOMAIN /probe"

# ---- the timeout: -T, timeout=, the header, --max-timeout
get "/probe?target=127.0.0.1:$OPEN&timeout=0.7"
assert_eq "timeout=0.7: probe_timeout_seconds" 0.7 "$(metric probe_timeout_seconds)"
get "/probe?target=127.0.0.1:$OPEN" -H 'X-Prometheus-Scrape-Timeout-Seconds: 1.5'
assert_eq "header 1.5: probe_timeout_seconds 1 (less 0.5, as blackbox)" 1 \
	"$(metric probe_timeout_seconds)"
get "/probe?target=127.0.0.1:$OPEN&timeout=30"
assert_eq "timeout=30 above --max-timeout 10: 10" 10 "$(metric probe_timeout_seconds)"
get "/probe?target=127.0.0.1:$OPEN" -H 'X-Prometheus-Scrape-Timeout-Seconds: soon'
assert_eq "a bad timeout header: 400" 400 "$HTTP_CODE"
assert_match "a bad timeout header: the body names it" 'X-Prometheus-Scrape-Timeout-Seconds' "$BODY"

# ---- 400 with a body naming what is wrong, one line
bad() {
	local label=$1 query=$2 word=$3
	get "/probe?$query"
	assert_eq "$label: 400" 400 "$HTTP_CODE"
	assert_match "$label: the body names $word" "$word" "$BODY"
	assert_eq "$label: the body is one line" 1 "$(wc -l <"$NP_TMP/body")"
}
bad "unknown parameter" "target=127.0.0.1:$OPEN&foo=1" "'foo'"
bad "repeated target" "target=127.0.0.1:$OPEN&target=127.0.0.1:$OPEN" "'target'"
bad "no target" "module=tcp" "target"
bad "unknown module" "target=127.0.0.1:$OPEN&module=icmp" "icmp"
bad "bad timeout" "target=127.0.0.1:$OPEN&timeout=abc" "timeout"
bad "bad family" "target=127.0.0.1:$OPEN&family=ip5" "family"
bad "no port" "target=127.0.0.1" "port"
bad "two ports" "target=127.0.0.1:1,2" "port"
bad "type without lookup" "target=127.0.0.1:$OPEN&type=MX" "type"
bad "bad type" "module=lookup&target=a4.example.test&type=NOPE" "NOPE"
bad "unix without --allow-unix" "module=unix&target=unix:/tmp/x.sock" "allow-unix"
bad "a key without a value" "target" "target"

# ---- other paths and methods
get /nope
assert_eq "/nope: 404" 404 "$HTTP_CODE"
get "/probe?target=127.0.0.1:$OPEN" -X POST -d x=1
assert_eq "POST /probe: 405" 405 "$HTTP_CODE"
get "/probe?target=127.0.0.1:$OPEN" -I
assert_eq "HEAD /probe: 200" 200 "$HTTP_CODE"

# ---- /metrics: the exporter's own, promtool-clean, counting what came
get /metrics
assert_eq "/metrics: 200" 200 "$HTTP_CODE"
check_promtool "/metrics"
assert_eq "/metrics: each family's HELP and TYPE once" "" \
	"$(grep -E '^# (HELP|TYPE) ' "$NP_TMP/body" | awk '{print $2, $3}' | sort | uniq -d)"
assert_eq "/metrics: build_info" 1 "$(metric "netprobe_exporter_build_info{version=\"$("$NETPROBE" --version | awk '{print $2; exit}')\"}")"
assert_true "/metrics: 400s counted" test "$(metric 'netprobe_exporter_requests_total{path="/probe",code="400"}')" -ge 12
assert_true "/metrics: 404 counted under path other" test "$(metric 'netprobe_exporter_requests_total{path="other",code="404"}')" -ge 1
assert_true "/metrics: tcp successes counted" test "$(metric 'netprobe_exporter_probes_total{kind="tcp",result="success"}')" -ge 3
assert_true "/metrics: lookup failures counted" test "$(metric 'netprobe_exporter_probes_total{kind="lookup",result="failure"}')" -ge 1
assert_eq "/metrics: nothing in flight" 0 "$(metric netprobe_exporter_probes_in_flight)"
assert_eq "/metrics: probes_max is --max-probes' default" 64 "$(metric netprobe_exporter_probes_max)"
# the process collector against /proc, read by the test (the oracle)
rss_m=$("$PY" -c 'import sys; print(int(float(sys.argv[1]) / 1024))' "$(metric process_resident_memory_bytes)")
rss_p=$(rss_kib "$EXP_PID")
assert_true "/metrics: process_resident_memory_bytes ($rss_m KiB) within 10% of VmRSS ($rss_p KiB)" \
	test $(( (rss_m - rss_p) * (rss_m - rss_p) * 100 )) -le $(( rss_p * rss_p ))
fds_m=$(metric process_open_fds)
fds_p=$(ls "/proc/$EXP_PID/fd" | wc -l)
assert_true "/metrics: process_open_fds ($fds_m) is /proc/PID/fd's count ($fds_p), give or take the scrape's socket" \
	test $(( fds_m - fds_p )) -le 1 -a $(( fds_p - fds_m )) -le 1
assert_eq "/metrics: process_max_fds is ulimit -n" "$(ulimit -n)" "$(metric process_max_fds)"
start_p=$("$PY" -c 'import os, sys
tick = os.sysconf("SC_CLK_TCK")
st = open("/proc/%s/stat" % sys.argv[1]).read().rsplit(")", 1)[1].split()
bt = [int(l.split()[1]) for l in open("/proc/stat") if l.startswith("btime")][0]
print(bt + int(st[19]) / tick)' "$EXP_PID")
assert_eq "/metrics: process_start_time_seconds as /proc says" "$start_p" \
	"$("$PY" -c 'import sys; print(float(sys.argv[1]))' "$(metric process_start_time_seconds)")"

# ---- --listen [::1]:PORT: IPv6 loopback
main=("$EXP_PORT" "$EXP_PID" "$EXP_URL")	# the first exporter, back after this one
EXP_HOST='[::1]' EXP_LOG=ex6 start_exporter
get / -g
assert_eq "--listen [::1]:PORT: / answers 200 over IPv6" 200 "$HTTP_CODE"
assert_eq "--listen [::1]:PORT: says where it listens" \
	"netprobe exporter $("$NETPROBE" --version | awk '{print $2; exit}') listening on http://[::1]:$EXP_PORT/" \
	"$(head -n 1 "$NP_TMP/ex6.out")"
stop_with TERM "$EXP_PID"
assert_eq "--listen [::1]:PORT: SIGTERM, exit 0" 0 "$RC"
EXP_PORT=${main[0]} EXP_PID=${main[1]} EXP_URL=${main[2]}

# ---- bad command lines: one line, exit 3
"$NETPROBE" exporter --listen nowhere >/dev/null 2>"$NP_TMP/err"; rc=$?
assert_eq "--listen nowhere: exit 3" 3 "$rc"
assert_eq "--listen nowhere: one line" 1 "$(wc -l <"$NP_TMP/err")"
"$NETPROBE" exporter --max-probes 0 >/dev/null 2>"$NP_TMP/err"; rc=$?
assert_eq "--max-probes 0: exit 3" 3 "$rc"
"$NETPROBE" exporter --listen 127.0.0.1:80 example.test >/dev/null 2>"$NP_TMP/err"; rc=$?
assert_eq "a target on the command line: exit 3" 3 "$rc"
assert_match "a target on the command line: says Prometheus gives them" 'Prometheus' "$(cat "$NP_TMP/err")"
"$NETPROBE" exporter --listen localhost:9116 >/dev/null 2>"$NP_TMP/err"; rc=$?
assert_eq "--listen with a name: exit 3 (an address literal only)" 3 "$rc"
"$NETPROBE" exporter --listen "127.0.0.1:$EXP_PORT" >/dev/null 2>"$NP_TMP/err"; rc=$?
assert_eq "a port in use: exit 2" 2 "$rc"
assert_match "a port in use: says so" 'in use|EADDRINUSE' "$(cat "$NP_TMP/err")"

# ---- family=: the literal must be of that family
get "/probe?target=127.0.0.1:$OPEN&family=ip6"
assert_eq "an IPv4 literal with family=ip6: 400" 400 "$HTTP_CODE"
assert_match "that 400 names family=ip6" 'family=ip6' "$BODY"
get "/probe?target=a4.example.test:$OPEN&family=ip4"
assert_eq "family=ip4: probe_success 1" 1 "$(metric probe_success)"
assert_eq "family=ip4: no IPv6 address asked for" 0 "$(metric 'netprobe_dns_addresses{family="ipv6"}')"

# ---- SIGTERM: a clean exit
stop_with TERM "$EXP_PID"
assert_eq "SIGTERM: exit 0" 0 "$RC"
assert_eq "SIGTERM: nothing on stderr" "" "$(cat "$NP_TMP/exporter.err")"

# ---- --allow-unix: module=unix served, with @SERVER given too
_start_helper upeer "$PY" "$HELPERS/peer.py" --unix "$NP_TMP/s.sock" --mode echo \
	--lifetime "$NP_HELPER_LIFETIME"
start_exporter @127.0.0.1:"$KNOT_PORT" --allow-unix
get "/probe?module=unix&target=unix:$NP_TMP/s.sock"
assert_eq "unix, listening: 200" 200 "$HTTP_CODE"
check_promtool "unix /probe"
assert_eq "unix, listening: probe_success 1" 1 "$(metric probe_success)"
get "/probe?module=unix&target=unix:$NP_TMP/none.sock"
assert_eq "unix, no such path: probe_success 0" 0 "$(metric probe_success)"
assert_eq "unix, no such path: state missing" 1 \
	"$(metric "netprobe_probe_state{address=\"$NP_TMP/none.sock\",port=\"\",proto=\"unix\",state=\"missing\"}")"
bad "a unix: target with module=tcp" "target=unix:$NP_TMP/s.sock" "module=unix"
stop_with TERM "$EXP_PID"
assert_eq "SIGTERM: exit 0" 0 "$RC"

np_done
