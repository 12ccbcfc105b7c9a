#!/bin/bash
# The per-probe and lookup families (src/metrics.c through the writer
# src/promtext.c) judged by promtool, the oracle Prometheus itself ships (Debian
# package prometheus): `promtool check metrics` parses and lints what
# tests/unit/promtext_sample writes with np_metrics_probe / np_metrics_lookup on
# hand-made results: tests/unit/dual_target.h's target with every optional
# family, a Unix socket whose path is hostile (quotes, backslash, newline, a
# byte that is not UTF-8), an NXDOMAIN lookup. (/metrics, the exporter's own,
# is judged on the running server: exporter_basic.sh.) And promtool is shown
# able to fail: broken variants of the same exposition (a bad escape, a raw
# non-UTF-8 byte, a second TYPE line, a gauge named like a counter) must each
# be refused, and promtool_ok refuses the empty exposition promtool accepts.
# No network, no server.
# shellcheck disable=SC2034  # read by lib.sh: no netprobe run here
NP_NEED_BINARY=0
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
command -v promtool >/dev/null 2>&1 ||
	skip "promtool not installed (Debian package prometheus)"
np_init_base
SAMPLE="${top_builddir:-$top_srcdir/build}/tests/unit/promtext_sample"
[ -x "$SAMPLE" ] || fatal "$SAMPLE not built (make check builds it)"

# check_refused NAME FILE: promtool refuses FILE (exit 1 parse error, 3 lint)
check_refused() {
	local rc=0
	promtool check metrics <"$2" >"$NP_TMP/promtool.out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ]; then
		ok "$1: promtool refuses it (exit $rc: $(head -n 1 "$NP_TMP/promtool.out"))"
	else
		not_ok "$1: promtool accepts a broken exposition"
	fi
}

"$SAMPLE" probe >"$NP_TMP/probe.prom" || fatal "promtext_sample probe failed"
"$SAMPLE" unix >"$NP_TMP/unix.prom" || fatal "promtext_sample unix failed"
"$SAMPLE" lookup >"$NP_TMP/lookup.prom" || fatal "promtext_sample lookup failed"
promtool_ok "per-probe families (--format prometheus, /probe)" "$NP_TMP/probe.prom"
promtool_ok "a Unix socket with a hostile path" "$NP_TMP/unix.prom"
promtool_ok "lookup families (lookup --format prometheus, /probe?module=lookup)" \
	"$NP_TMP/lookup.prom"

# every family docs/METRICS.md lists for a probe and a lookup is there: the
# sample left none out, so promtool judged them all
fams() { awk '$1 == "#" && $2 == "TYPE" { print $3 }' "$@" | sort -u | tr '\n' ' '; }
assert_eq "the sample has every per-probe and lookup family" \
	"netprobe_connect_time_seconds netprobe_dns_addresses netprobe_dns_rcode \
netprobe_dns_source netprobe_happy_eyeballs_fault netprobe_icmp_code netprobe_icmp_type \
netprobe_loss_ratio netprobe_probe_state netprobe_probes_open netprobe_probes_sent \
netprobe_rounds netprobe_rtt_seconds netprobe_verdict probe_dns_additional_rrs \
probe_dns_answer_rrs probe_dns_authority_rrs probe_dns_duration_seconds \
probe_dns_lookup_time_seconds probe_dns_query_succeeded probe_duration_seconds \
probe_failed_due_to_regex probe_ip_addr_hash probe_ip_protocol probe_success \
probe_timeout_seconds " "$(fams "$NP_TMP/probe.prom" "$NP_TMP/lookup.prom")"

# the hostile Unix path reached promtool escaped, on one line
if grep -q '^netprobe_probe_state{address="/run/it'"'"'s \\"odd\\"\\\\\\n\\\\xff.sock",' \
	"$NP_TMP/unix.prom"; then
	ok "a path with quotes, backslash, newline and \\xff is one escaped label value"
else
	not_ok "the hostile path's label value is not escaped as expected"
	grep -a unix "$NP_TMP/unix.prom" | sed 's/^/#   /'
fi

# every family's HELP and TYPE exactly once (promtool 2.42 does not check that
# a family comes back after another: the writer refuses to; see test_promtext)
dups=$(grep -E '^# (HELP|TYPE) ' "$NP_TMP/probe.prom" "$NP_TMP/unix.prom" \
	"$NP_TMP/lookup.prom" |
	awk '{print $1, $3, $4}' | sort | uniq -d)
if [ -z "$dups" ]; then
	ok "each family's HELP and TYPE once"
else
	not_ok "HELP/TYPE repeated: $dups"
fi

# ---- the oracle can fail
sed 's/state="open"/state="op\\qen"/' "$NP_TMP/probe.prom" >"$NP_TMP/bad_escape.prom"
check_refused "an invalid escape \\q in a label value" "$NP_TMP/bad_escape.prom"
sed 's/\\\\xff\.sock/\xff.sock/' "$NP_TMP/unix.prom" >"$NP_TMP/bad_utf8.prom"
grep -aq $'\xff' "$NP_TMP/bad_utf8.prom" || fatal "the raw 0xff byte was not put in"
check_refused "a raw 0xff byte in a label value" "$NP_TMP/bad_utf8.prom"
sed 's/^\(# TYPE probe_success gauge\)$/\1\n\1/' "$NP_TMP/probe.prom" >"$NP_TMP/bad_type.prom"
check_refused "a second TYPE line" "$NP_TMP/bad_type.prom"
sed 's/probe_success/probe_success_total/' "$NP_TMP/probe.prom" >"$NP_TMP/bad_lint.prom"
check_refused "a gauge named like a counter (_total)" "$NP_TMP/bad_lint.prom"
printf 'probe_success{a="1"} notanumber\n' >"$NP_TMP/bad_value.prom"
check_refused "a value that is not a number" "$NP_TMP/bad_value.prom"
: >"$NP_TMP/empty.prom"
promtool check metrics <"$NP_TMP/empty.prom" >/dev/null 2>&1 ||
	fatal "promtool refuses an empty exposition: the check below proves nothing"
assert_eq "promtool_ok fails an empty exposition (promtool alone accepts it)" 1 \
	"$( (np_failures=0; promtool_ok empty "$NP_TMP/empty.prom" >/dev/null; echo "$np_failures") )"

np_done
