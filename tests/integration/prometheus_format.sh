#!/bin/bash
# --format prometheus (probe and lookup) judged by promtool, the oracle
# Prometheus ships (Debian package prometheus): `promtool check metrics` parses
# and lints every exposition netprobe writes here (an open port, a closed one,
# NXDOMAIN and a DNS timeout against knotd and a silent server, a Unix socket,
# --count, --file with several targets, lookup), and refuses a broken copy of
# one (the oracle can fail). The values are checked against what the test set
# up: the state of each port, knotd's rcode (kdig says it first), the address
# hash computed here the way blackbox_exporter does.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
command -v promtool >/dev/null 2>&1 ||
	skip "promtool not installed (Debian package prometheus)"
np_init
start_knot
start_listener open 127.0.0.1 ::1
P=$LISTEN_PORT
start_closed_port closed
C=$CLOSED_PORT
start_silent_dns silent
KS="@127.0.0.1:$KNOT_PORT"


# prom FILE SERIES: the value of the sample SERIES ("name{a=\"b\"}" exactly as
# written, labels in netprobe's order), "<none>" when absent (SERIES through
# the environment: awk -v would undo its backslashes)
prom() {
	S="$2" awk 'BEGIN { s = ENVIRON["S"] }
		!/^#/ { v = $NF; $NF = ""; sub(/ $/, ""); if ($0 == s) { print v; f = 1 } }
		END { if (!f) print "<none>" }' "$1"
}

# families FILE: the family names of the samples, in order, each run once
# (a family whose samples were split would show twice)
families() {
	awk '!/^#/ && NF { n = $1; sub(/\{.*/, "", n); if (n != last) print n; last = n }' "$1"
}

check_contiguous() {
	local d
	d=$(families "$2" | sort | uniq -d)
	assert_eq "$1: each family's samples together, HELP/TYPE once" "" \
		"$d$(grep -E '^# (HELP|TYPE) ' "$2" | awk '{print $2, $3}' | sort | uniq -d)"
}

# ---- one open target, an address literal
np_run --format prometheus 127.0.0.1 "$P"
F=$NP_OUT
assert_rc 0 "open: exit 0 (the default exit codes stay)"
promtool_ok "open" "$F"
assert_eq "open: probe_success 1" 1 "$(prom "$F" probe_success)"
assert_eq "open: probe_ip_protocol 4" 4 "$(prom "$F" probe_ip_protocol)"
assert_eq "open: probe_ip_addr_hash is blackbox's FNV-1a of 127.0.0.1" \
	"$("$PY" -c 'h = 2166136261
for b in (127, 0, 0, 1): h = ((h ^ b) * 16777619) % 2**32
print(h)')" "$(prom "$F" probe_ip_addr_hash)"
assert_eq "open: probe_dns_lookup_time_seconds 0 for a literal" 0 \
	"$(prom "$F" probe_dns_lookup_time_seconds)"
assert_eq "open: probe_timeout_seconds is the default 3" 3 "$(prom "$F" probe_timeout_seconds)"
assert_eq "open: state open at 127.0.0.1" 1 \
	"$(prom "$F" "netprobe_probe_state{address=\"127.0.0.1\",port=\"$P\",proto=\"tcp\",state=\"open\"}")"
assert_eq "open: verdict ok is 1" 1 "$(prom "$F" 'netprobe_verdict{verdict="ok"}')"
assert_eq "open: verdict down is 0" 0 "$(prom "$F" 'netprobe_verdict{verdict="down"}')"
assert_eq "open: dns source literal" 1 "$(prom "$F" 'netprobe_dns_source{source="literal"}')"
assert_eq "open: rcode -1 (no DNS asked)" -1 "$(prom "$F" netprobe_dns_rcode)"
assert_eq "open: one IPv4 address" 1 "$(prom "$F" 'netprobe_dns_addresses{family="ipv4"}')"
assert_eq "open: no ICMP family" "" "$(grep '^netprobe_icmp' "$F")"
assert_eq "open: no --expect, no probe_failed_due_to_regex" "" "$(grep probe_failed_due_to_regex "$F")"
assert_eq "open: no --count, no series family" "" "$(grep -E '^netprobe_(rounds|loss_ratio)' "$F")"
assert_eq "open: no target label with one target" "" "$(grep 'target=' "$F")"
assert_true "open: connect time is a number > 0" "$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0 else 1)' \
	"$(prom "$F" "netprobe_connect_time_seconds{address=\"127.0.0.1\",port=\"$P\",proto=\"tcp\"}")"
check_contiguous "open" "$F"

# ---- closed
np_run --format prometheus -T 2 127.0.0.1 "$C"
F=$NP_OUT
assert_rc 2 "closed: exit 2"
promtool_ok "closed" "$F"
assert_eq "closed: probe_success 0" 0 "$(prom "$F" probe_success)"
assert_eq "closed: state closed" 1 \
	"$(prom "$F" "netprobe_probe_state{address=\"127.0.0.1\",port=\"$C\",proto=\"tcp\",state=\"closed\"}")"
assert_eq "closed: verdict down" 1 "$(prom "$F" 'netprobe_verdict{verdict="down"}')"
assert_eq "closed: probe_timeout_seconds 2" 2 "$(prom "$F" probe_timeout_seconds)"

# ---- dual stack through knotd: both addresses, the DNS time, rcode 0
np_run --format prometheus "$KS" dual.example.test "$P"
F=$NP_OUT
assert_rc 0 "dual: exit 0"
promtool_ok "dual via knotd" "$F"
assert_eq "dual: rcode 0" 0 "$(prom "$F" netprobe_dns_rcode)"
assert_eq "dual: dns source dns" 1 "$(prom "$F" 'netprobe_dns_source{source="dns"}')"
assert_eq "dual: one ipv4, one ipv6" "1 1" \
	"$(prom "$F" 'netprobe_dns_addresses{family="ipv4"}') $(prom "$F" 'netprobe_dns_addresses{family="ipv6"}')"
assert_eq "dual: ::1 open" 1 \
	"$(prom "$F" "netprobe_probe_state{address=\"::1\",port=\"$P\",proto=\"tcp\",state=\"open\"}")"
assert_eq "dual: no Happy Eyeballs fault" "0 0" \
	"$(prom "$F" 'netprobe_happy_eyeballs_fault{fault="ipv6_fails"}') $(prom "$F" 'netprobe_happy_eyeballs_fault{fault="ipv4_fails"}')"

# ---- NXDOMAIN (knotd says so first) and a DNS timeout
assert_eq "oracle: knotd says NXDOMAIN" NXDOMAIN "$(kdig_rcode nxdomain.example.test A)"
np_run --format prometheus "$KS" -T 2 nxdomain.example.test "$P"
F=$NP_OUT
assert_rc 2 "nxdomain: exit 2"
promtool_ok "nxdomain" "$F"
assert_eq "nxdomain: probe_success 0" 0 "$(prom "$F" probe_success)"
assert_eq "nxdomain: rcode 3" 3 "$(prom "$F" netprobe_dns_rcode)"
assert_eq "nxdomain: verdict dns_failed" 1 "$(prom "$F" 'netprobe_verdict{verdict="dns_failed"}')"
assert_eq "nxdomain: probe_ip_protocol 0, no hash, no probe state" "0 <none>" \
	"$(prom "$F" probe_ip_protocol) $(prom "$F" probe_ip_addr_hash)$(grep '^netprobe_probe_state' "$F")"

np_run --format prometheus "@127.0.0.1:$SILENT_PORT" -T 0.3 a4.example.test "$P"
F=$NP_OUT
assert_rc 2 "dns timeout: exit 2"
promtool_ok "dns timeout" "$F"
assert_eq "dns timeout: rcode -1" -1 "$(prom "$F" netprobe_dns_rcode)"
assert_eq "dns timeout: verdict dns_failed" 1 "$(prom "$F" 'netprobe_verdict{verdict="dns_failed"}')"

# ---- a Unix socket that is not there: port "", no dns source
np_run --format prometheus "unix:$NP_TMP/no such.sock"
F=$NP_OUT
assert_rc 2 "unix missing: exit 2"
promtool_ok "unix missing" "$F"
assert_eq "unix: state missing, port \"\"" 1 \
	"$(prom "$F" "netprobe_probe_state{address=\"$NP_TMP/no such.sock\",port=\"\",proto=\"unix\",state=\"missing\"}")"
assert_eq "unix: no dns source family" "" "$(grep '^netprobe_dns_source' "$F")"

# ---- --expect: probe_failed_due_to_regex (the listener says nothing: mismatch)
np_run --format prometheus -T 0.5 --expect NOPE 127.0.0.1 "$P"
F=$NP_OUT
promtool_ok "--expect" "$F"
assert_eq "--expect: the listener closes at once: peer_closed, failed due to regex, no success" \
	"1 1 0" "$(prom "$F" "netprobe_probe_state{address=\"127.0.0.1\",port=\"$P\",proto=\"tcp\",state=\"peer_closed\"}") $(prom "$F" probe_failed_due_to_regex) $(prom "$F" probe_success)"

# ---- UDP to a closed port: ICMP port unreachable (type 3, code 3)
np_run --format prometheus -u -T 1 127.0.0.1 "$C"
F=$NP_OUT
promtool_ok "udp closed" "$F"
assert_eq "udp closed: ICMP type 3 code 3 at 127.0.0.1" "3 3" \
	"$(prom "$F" "netprobe_icmp_type{address=\"127.0.0.1\",port=\"$C\",proto=\"udp\"}") $(prom "$F" "netprobe_icmp_code{address=\"127.0.0.1\",port=\"$C\",proto=\"udp\"}")"

# ---- a hostile Unix path (quote, double quote, backslash, newline): the
# label value is the path's bytes, escaped once by the writer
np_run --format prometheus "unix:$NP_TMP/it's \"odd\""$'\n'"\\x.sock"
F=$NP_OUT
promtool_ok "hostile unix path" "$F"
assert_eq "hostile unix path: escaped once" 1 \
	"$(prom "$F" "netprobe_probe_state{address=\"$NP_TMP/it's \\\"odd\\\"\\n\\\\x.sock\",port=\"\",proto=\"unix\",state=\"missing\"}")"

# ---- --count: the series families
np_run --format prometheus --count 3 -i 0.01 127.0.0.1 "$P"
F=$NP_OUT
assert_rc 0 "--count open: exit 0"
promtool_ok "--count open" "$F"
assert_eq "--count open: 3 rounds, 3 sent, 3 open, loss 0" "3 3 3 0" \
	"$(prom "$F" netprobe_rounds) $(prom "$F" netprobe_probes_sent) $(prom "$F" netprobe_probes_open) $(prom "$F" netprobe_loss_ratio)"
assert_eq "--count open: rtt min/avg/max/mdev" 4 "$(grep -c '^netprobe_rtt_seconds{stat=' "$F")"
assert_eq "--count: no per-round lines, one exposition" 1 "$(grep -c '^# HELP probe_success ' "$F")"
np_run --format prometheus --count 2 -i 0.01 127.0.0.1 "$C"
F=$NP_OUT
promtool_ok "--count closed" "$F"
assert_eq "--count closed: loss 1, no rtt family" "1 <none>" \
	"$(prom "$F" netprobe_loss_ratio) $(prom "$F" 'netprobe_rtt_seconds{stat="avg"}')"

# ---- several targets (--file and the command line): a target label each
printf '127.0.0.1:%s\n[::1]:%s\n# a comment\n127.0.0.1:%s\nnxdomain.example.test:%s\n' \
	"$P" "$P" "$C" "$P" >"$NP_TMP/targets"
np_run --format prometheus "$KS" -T 2 --file "$NP_TMP/targets" "unix:$NP_TMP/gone.sock"
F=$NP_OUT
assert_rc 2 "--file: exit 2 (the worst)"
promtool_ok "--file, 5 targets" "$F"
cp "$F" "$NP_TMP/file.prom"
check_contiguous "--file" "$F"
assert_eq "--file: probe_success per target" "1 1 0 0 0" \
	"$(for t in "127.0.0.1:$P" "[::1]:$P" "127.0.0.1:$C" "nxdomain.example.test:$P" "unix:$NP_TMP/gone.sock"; do
		prom "$F" "probe_success{target=\"$t\"}"; done | tr '\n' ' ' | sed 's/ $//')"
assert_eq "--file: every sample has a target label" "" "$(grep -v '^#' "$F" | grep -v 'target="')"
assert_eq "--file: the closed target's state" 1 \
	"$(prom "$F" "netprobe_probe_state{target=\"127.0.0.1:$C\",address=\"127.0.0.1\",port=\"$C\",proto=\"tcp\",state=\"closed\"}")"
# a family only one target has (rcode 3) is still one family
assert_eq "--file: nxdomain's rcode" 3 "$(prom "$F" "netprobe_dns_rcode{target=\"nxdomain.example.test:$P\"}")"

# a target listed twice: its series once (node_exporter refuses a file with a
# series twice), and a line on stderr says the second was left out
printf '127.0.0.1:%s\n127.0.0.1:%s\n' "$P" "$P" >"$NP_TMP/twice"
np_run --format prometheus --file "$NP_TMP/twice"
promtool_ok "a target twice" "$NP_OUT"
assert_eq "a target twice: its probe_success once" 1 "$(grep -c '^probe_success{' "$NP_OUT")"
assert_match "a target twice: stderr says so" "comes twice" "$(cat "$NP_ERR")"

# a bad line: said on stderr, exit 3, the exposition still whole and valid
printf '127.0.0.1:%s\nnot a target at all:x\n' "$P" >"$NP_TMP/bad"
np_run --format prometheus --file "$NP_TMP/bad"
assert_rc 3 "--file with a bad line: exit 3"
promtool_ok "--file with a bad line" "$NP_OUT"
assert_eq "--file with a bad line: one line on stderr" 1 "$(wc -l <"$NP_ERR")"

# ---- lookup --format prometheus
np_run lookup --format prometheus "$KS" multi.example.test A
F=$NP_OUT
assert_rc 0 "lookup: exit 0"
promtool_ok "lookup multi A" "$F"
assert_eq "lookup: probe_success 1, query succeeded" "1 1" \
	"$(prom "$F" probe_success) $(prom "$F" probe_dns_query_succeeded)"
assert_eq "lookup: answer_rrs as kdig counts them" \
	"$(kdig @127.0.0.1 -p "$KNOT_PORT" +norecurse +noall +answer multi.example.test A | grep -c .)" \
	"$(prom "$F" probe_dns_answer_rrs)"
assert_eq "lookup: rcode 0" 0 "$(prom "$F" netprobe_dns_rcode)"
assert_eq "lookup: phases resolve and connect 0" "0 0" \
	"$(prom "$F" 'probe_dns_duration_seconds{phase="resolve"}') $(prom "$F" 'probe_dns_duration_seconds{phase="connect"}')"
np_run lookup --format prometheus "$KS" nxdomain.example.test A
F=$NP_OUT
promtool_ok "lookup nxdomain" "$F"
assert_eq "lookup nxdomain: success 0, query succeeded 1, rcode 3" "0 1 3" \
	"$(prom "$F" probe_success) $(prom "$F" probe_dns_query_succeeded) $(prom "$F" netprobe_dns_rcode)"
assert_eq "lookup nxdomain: authority has the SOA" 1 "$(prom "$F" probe_dns_authority_rrs)"
np_run lookup --format prometheus "@127.0.0.1:$SILENT_PORT" -T 0.3 a4.example.test
F=$NP_OUT
promtool_ok "lookup timeout" "$F"
assert_eq "lookup timeout: success 0, query succeeded 0, rcode -1" "0 0 -1" \
	"$(prom "$F" probe_success) $(prom "$F" probe_dns_query_succeeded) $(prom "$F" netprobe_dns_rcode)"
np_run lookup --format prometheus "$KS" --file "$NP_TMP/targets"
assert_rc 3 "lookup --file --format prometheus: refused, exit 3"
assert_eq "lookup --file --format prometheus: one line on stderr" 1 "$(wc -l <"$NP_ERR")"

# ---- the oracle can fail: a broken copy of the --file exposition
sed '0,/^probe_success{/s//probe_success{target=broken,/' "$NP_TMP/file.prom" >"$NP_TMP/broken.prom"
if promtool check metrics <"$NP_TMP/broken.prom" >/dev/null 2>&1; then
	not_ok "promtool accepts an unquoted label value: the oracle cannot fail"
else
	ok "promtool refuses a broken exposition (the oracle can fail)"
fi

np_done
