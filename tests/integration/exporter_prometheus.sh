#!/bin/bash
# netprobe exporter end to end, as a user runs it: a real Prometheus server
# (Debian prometheus) scrapes `netprobe exporter` through the multi-target
# relabelling (__address__ -> __param_target -> instance, __address__ = the
# exporter), and a real blackbox_exporter (Debian prometheus-blackbox-exporter)
# beside it, through the same relabelling, on the same targets: an open port
# (IPv4 and IPv6 literals, and a name with A and AAAA), a closed port (literal
# and name), a name knotd says NXDOMAIN for, a name with no address (NODATA);
# and DNS lookups (netprobe's module=lookup, blackbox's dns prober) of a name
# that exists, an empty answer and NXDOMAIN.  The test reads probe_success back
# through Prometheus' HTTP query API (/api/v1/query) and checks the two
# exporters agree target by target, and each equals what the target is.  Also:
# probe_ip_protocol, probe_ip_addr_hash and the DNS section counts agree too;
# promtool check metrics on netprobe's /probe and /metrics, `up` is 1 for every
# scrape, `instance` is the target, Prometheus reads the exporter's own
# counters, every probe's timeout is the scrape timeout less 0.5 s; SIGTERM
# stops the exporter (exit 0) and Prometheus sees its targets go down while
# blackbox's stay up.  And docs/PROMETHEUS.md's config and alert rules pass
# promtool check config / check rules, and promtool test rules shows the
# alerts firing when they should and not otherwise.
#
# blackbox_exporter resolves names with the SYSTEM resolver, which a test must
# never ask: so the whole test runs in namespaces of its own (np_in_private_ns:
# mount, network, UTS, PID, and user when not root) where /etc/resolv.conf,
# /etc/hosts and /etc/nsswitch.conf are the test's (np_private_etc) and name a
# knotd on that namespace's own 127.0.0.1:53; its network has nothing but lo.
# netprobe names its server (@127.0.0.1:53) as always.  Prometheus' storage is
# in the test's temp folder; everything it started ends with it (the test is
# PID 1 of its PID namespace); every wait is bounded.  SKIP (77) when
# namespaces cannot be made or a program is missing.
. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

BLACKBOX=$(command -v prometheus-blackbox-exporter || command -v blackbox_exporter) ||
	skip "blackbox_exporter not installed (Debian package prometheus-blackbox-exporter)"
command -v prometheus >/dev/null 2>&1 || skip "prometheus not installed (Debian package prometheus)"
command -v promtool >/dev/null 2>&1 || skip "promtool not installed (Debian package prometheus)"
command -v curl >/dev/null 2>&1 || skip "curl not installed (Debian package curl)"
np_in_private_ns "$@"
# check_promtool, metric, start_server
. "$top_srcdir/tests/integration/exporter_lib.sh"

# ---------------------------------------------------------------- inside the namespaces
np_init
hostname np-exporter || fatal "cannot set the host name in the test's UTS namespace"
np_private_etc
printf '127.0.0.1 localhost\n::1 localhost\n' >"$ETC/hosts"
printf 'hosts: files dns\n' >"$ETC/nsswitch.conf"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$ETC/resolv.conf"
assert_eq "hermetic: /etc/resolv.conf is the test's" "$(cat "$ETC/resolv.conf")" "$(cat /etc/resolv.conf)"
assert_eq "hermetic: the network namespace has lo alone" lo \
	"$(ip -o link show | awk -F': ' '{ print $2 }' | tr '\n' ' ' | sed 's/ $//')"

KNOT_FIXED_PORT=53 start_knot example.test
start_listener open 127.0.0.1 ::1
OPEN=$LISTEN_PORT
start_closed_port closed
CLOSED=$CLOSED_PORT

# the oracles for the targets: knotd's answers, and the system resolver in
# here is that knotd (python's getaddrinfo asks it as blackbox's Go does)
assert_eq "kdig: nxdomain.example.test is NXDOMAIN" NXDOMAIN "$(kdig_rcode nxdomain.example.test A)"
assert_eq "kdig: nodata.example.test is NOERROR" NOERROR "$(kdig_rcode nodata.example.test A)"
assert_eq "the namespace's system resolver is our knotd: dual.example.test" "127.0.0.1 ::1" \
	"$("$PY" -c 'import socket; print(" ".join(sorted({a[4][0] for a in socket.getaddrinfo("dual.example.test", 80, proto=socket.IPPROTO_TCP)})))')"

# ---------------------------------------------------------------- HTTP

# fetch URL [CURL ARGS...]: GET URL into $NP_TMP/body; the status in HTTP_CODE
# (000 when no answer came)
fetch() {
	local url=$1; shift
	HTTP_CODE=$(curl -s -o "$NP_TMP/body" -w '%{http_code}' --max-time 30 "$@" "$url") || true
}

# ---------------------------------------------------------------- the exporters

# blackbox's modules: tests/helpers/blackbox.yml says what each is
BB_PORT='' NP_PORT='' PROM_PORT=''	# start_server sets them
start_server blackbox BB_PORT / "$BLACKBOX" --config.file="$HELPERS/blackbox.yml" \
	--web.listen-address=127.0.0.1:PORT
start_server netprobe NP_PORT / "$NETPROBE" exporter --listen 127.0.0.1:PORT @127.0.0.1:53
NP_SRV_PID=$SERVER_PID

# ---------------------------------------------------------------- the targets
# CASE TARGET NETPROBE-MODULE BLACKBOX-MODULE BLACKBOX-TARGET EXPECTED
CASES=(
	"open        127.0.0.1:$OPEN              tcp    tcp_connect  -              1"
	"open6       [::1]:$OPEN                  tcp    tcp_connect  -              1"
	"name_open   dual.example.test:$OPEN      tcp    tcp_connect  -              1"
	"closed      127.0.0.1:$CLOSED            tcp    tcp_connect  -              0"
	"name_closed dual.example.test:$CLOSED    tcp    tcp_connect  -              0"
	"nxdomain    nxdomain.example.test:$OPEN  tcp    tcp_connect  -              0"
	"nodata      nodata.example.test:$OPEN    tcp    tcp_connect  -              0"
	"dns_dual    dual.example.test            lookup dns_dual     127.0.0.1:53   1"
	"dns_nodata  nodata.example.test          lookup dns_nodata   127.0.0.1:53   1"
	"dns_nx      nxdomain.example.test        lookup dns_nxdomain 127.0.0.1:53   0"
)

# the probes by hand first: netprobe's /probe answers pass promtool and say
# what the targets are (a mistake here is easier to read than in Prometheus)
for c in "${CASES[@]}"; do
	read -r name target npmod _ _ want <<<"$c"
	fetch "http://127.0.0.1:$NP_PORT/probe?module=$npmod&target=$target"
	assert_eq "$name: netprobe /probe?module=$npmod&target=$target: 200" 200 "$HTTP_CODE"
	check_promtool "$name: netprobe /probe"
	assert_eq "$name: netprobe /probe: probe_success $want" "$want" "$(metric probe_success)"
done

# ---------------------------------------------------------------- Prometheus

# scrape_job JOB EXPORTER-PORT WHICH: a multi-target job as docs/PROMETHEUS.md
# shows it, one static group per case carrying its module and a `case` label
# (WHICH: np or bb, the module and target columns to use)
scrape_job() {
	local job=$1 port=$2 which=$3 c name target npmod bbmod bbtarget want
	cat <<EOF
  - job_name: $job
    metrics_path: /probe
    static_configs:
EOF
	for c in "${CASES[@]}"; do
		read -r name target npmod bbmod bbtarget want <<<"$c"
		if [ "$which" = bb ]; then
			npmod=$bbmod
			[ "$bbtarget" = - ] || target=$bbtarget
		fi
		printf "      - targets: ['%s']\n        labels: {case: %s, __param_module: %s}\n" \
			"$target" "$name" "$npmod"
	done
	cat <<EOF
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:$port
EOF
}

mkdir -p "$NP_TMP/prom/data"
{
	# 2 s: Prometheus' X-Prometheus-Scrape-Timeout-Seconds is then 2 and each
	# exporter gives its probe 1.5 s (blackbox's 0.5 s offset)
	cat <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
scrape_configs:
EOF
	scrape_job netprobe "$NP_PORT" np
	scrape_job blackbox "$BB_PORT" bb
	cat <<EOF
  - job_name: netprobe_exporter
    static_configs:
      - targets: ['127.0.0.1:$NP_PORT']
EOF
} >"$NP_TMP/prom/prometheus.yml"
if promtool check config "$NP_TMP/prom/prometheus.yml" >"$NP_TMP/promtool.out" 2>&1; then
	ok "promtool check config accepts the generated prometheus.yml"
else
	not_ok "promtool check config refuses the generated prometheus.yml"
	sed 's/^/#   /' "$NP_TMP/promtool.out" "$NP_TMP/prom/prometheus.yml"
fi
start_server prometheus PROM_PORT /-/ready prometheus --config.file="$NP_TMP/prom/prometheus.yml" \
	--storage.tsdb.path="$NP_TMP/prom/data" --web.listen-address=127.0.0.1:PORT
PROM="http://127.0.0.1:$PROM_PORT"

# pq QUERY LABEL...: prom_query.py against our Prometheus
pq() { "$PY" "$HELPERS/prom_query.py" "$PROM" "$@"; }

# Wait (bounded) until Prometheus holds probe_success for every case of both
# jobs: a series exists only once a scrape of it succeeded.
n=${#CASES[@]}
for _ in $(seq 1 "$NP_POLLS"); do
	pq 'probe_success' job case >"$NP_TMP/success.txt" 2>"$NP_TMP/pq.err"
	[ "$(grep -c '^netprobe ' "$NP_TMP/success.txt")" -eq "$n" ] &&
		[ "$(grep -c '^blackbox ' "$NP_TMP/success.txt")" -eq "$n" ] && break
	sleep 0.1
done
echo "# probe_success in Prometheus (job case value):"
sed 's/^/#   /' "$NP_TMP/success.txt"
assert_eq "Prometheus scraped every netprobe target (probe_success series)" "$n" \
	"$(grep -c '^netprobe ' "$NP_TMP/success.txt")"
assert_eq "Prometheus scraped every blackbox target (probe_success series)" "$n" \
	"$(grep -c '^blackbox ' "$NP_TMP/success.txt")"

# value JOB CASE: probe_success of that series as Prometheus has it
value() { awk -v j="$1" -v c="$2" '$1 == j && $2 == c { print $3 }' "$NP_TMP/success.txt"; }
for c in "${CASES[@]}"; do
	read -r name target npmod bbmod _ want <<<"$c"
	np=$(value netprobe "$name")
	bb=$(value blackbox "$name")
	assert_eq "$name ($target): netprobe ($npmod) and blackbox ($bbmod) agree" "$bb" "$np"
	assert_eq "$name ($target): probe_success $want" "$want" "$np"
done

# agree FAMILY CASE...: netprobe's and blackbox's FAMILY are equal, case by
# case, as Prometheus stored them (blackbox's the oracle of the meaning)
agree() {
	local fam=$1 c bb; shift
	pq "$fam" job case >"$NP_TMP/family.txt" 2>"$NP_TMP/pq.err"
	for c in "$@"; do
		bb=$(awk -v c="$c" '$1 == "blackbox" && $2 == c { print $3 }' "$NP_TMP/family.txt")
		[ -n "$bb" ] || { not_ok "$c: $fam: blackbox has none (the oracle failed)"; continue; }
		assert_eq "$c: $fam = blackbox's $bb" "$bb" \
			"$(awk -v c="$c" '$1 == "netprobe" && $2 == c { print $3 }' "$NP_TMP/family.txt")"
	done
}
# an address literal: the same address, so the same protocol and hash
agree probe_ip_protocol open open6 closed
agree probe_ip_addr_hash open open6 closed
# a lookup: the same reply from the same knotd, counted the same
for fam in probe_dns_answer_rrs probe_dns_authority_rrs probe_dns_additional_rrs; do
	agree "$fam" dns_dual dns_nodata dns_nx
done

# the relabelling: instance is the target, every scrape up
assert_eq "netprobe job: instance = the target, for every case" \
	"$(for c in "${CASES[@]}"; do read -r name target _ <<<"$c"; echo "$name $target 1"; done | sort)" \
	"$(pq 'probe_success{job="netprobe"} * 0 + 1' case instance)"
assert_eq "every scrape of both jobs and of /metrics is up" "" \
	"$(pq 'up{job=~"netprobe|blackbox|netprobe_exporter"} != 1' job instance)"
assert_eq "Prometheus kept the probe families netprobe shares with blackbox" "$n $n" \
	"$(pq 'count(probe_duration_seconds{job="netprobe"})' | tr -d '\n') $(pq 'count(probe_duration_seconds{job="blackbox"})' | tr -d '\n')"

# the exporter's own /metrics, directly and through Prometheus
fetch "http://127.0.0.1:$NP_PORT/metrics"
assert_eq "netprobe /metrics: 200" 200 "$HTTP_CODE"
check_promtool "netprobe /metrics"
served=$(pq 'sum(netprobe_exporter_requests_total{path="/probe",code="200"})')
assert_match "Prometheus reads the exporter's count of /probe answers: at least the $n by hand" \
	'^[0-9]+$' "$served"
if [ "${served:-0}" -ge "$n" ] 2>/dev/null; then
	ok "it counts $served answers"
else
	not_ok "it counts ${served:-nothing} /probe answers, fewer than the $n by hand"
fi

# Prometheus' scrape timeout (2 s, in its X-Prometheus-Scrape-Timeout-Seconds
# header) less blackbox's 0.5 s is every probe's timeout (-T is 3 s)
assert_eq "every netprobe probe's timeout is the scrape timeout less 0.5 s" "$n 1.5" \
	"$(pq 'count(probe_timeout_seconds{job="netprobe"})' | tr -d '\n') $(pq 'max(probe_timeout_seconds{job="netprobe"})' | tr -d '\n')"

# the exporter stopped (SIGTERM: exit 0) is what Prometheus users alert on:
# its scrapes go down while blackbox's stay up
stop_with TERM "$NP_SRV_PID"
assert_eq "netprobe exporter: SIGTERM while Prometheus scrapes it: exit 0" 0 "$RC"
for _ in $(seq 1 "$NP_POLLS"); do
	[ -z "$(pq 'up{job="netprobe"} == 1' case)" ] && break
	sleep 0.1
done
assert_eq "Prometheus sees every netprobe target down (up 0) once the exporter stopped" \
	"$n 0" "$(pq 'count(up{job="netprobe"} == 0)' | tr -d '\n') $(pq 'count(up{job="netprobe"} == 1) or vector(0)' | tr -d '\n')"
assert_eq "and blackbox's still up" "$n" "$(pq 'count(up{job="blackbox"} == 1)')"

# ---------------------------------------------------------------- docs/PROMETHEUS.md
# its "# file:" blocks, as a user copies them, judged by promtool: the config
# (with the rule file it names), the rules, and the rules' unit tests: each
# alert fires on the series made for it, with the annotations it renders, and
# not before its `for:`, not on a flapping target, not on blackbox's job
DOC="$NP_TMP/doc"
mkdir -p "$DOC"
"$PY" - "$top_srcdir/docs/PROMETHEUS.md" "$DOC" <<'PYEOF'
import os, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
for m in re.finditer(r"^```[a-z]*\n(# file: (\S+)\n.*?)^```", text, re.M | re.S):
    open(os.path.join(sys.argv[2], os.path.basename(m.group(2))), "w").write(m.group(1))
PYEOF
for f in prometheus.yml netprobe-rules.yml; do
	[ -s "$DOC/$f" ] || not_ok "docs/PROMETHEUS.md has no '# file: $f' block"
done

# promtool_in_doc DESCRIPTION ARGS...: promtool ARGS, run in $DOC, succeeds
promtool_in_doc() {
	local d=$1; shift
	if (cd "$DOC" && promtool "$@") >"$NP_TMP/promtool.out" 2>&1; then
		ok "$d"
	else
		not_ok "$d"
		sed 's/^/#   /' "$NP_TMP/promtool.out" | head -n 40
	fi
}
promtool_in_doc "docs/PROMETHEUS.md prometheus.yml: promtool check config (and its rule file)" \
	check config prometheus.yml
promtool_in_doc "docs/PROMETHEUS.md netprobe-rules.yml: promtool check rules" \
	check rules netprobe-rules.yml
cat >"$DOC/rules_test.yml" <<'YAML'
rule_files: [netprobe-rules.yml]
evaluation_interval: 30s
tests:
  - interval: 30s
    input_series:
      - series: 'probe_success{job="netprobe_tcp",instance="down.example:443"}'
        values: '0x20'
      - series: 'probe_success{job="netprobe_tcp",instance="flap.example:443"}'
        values: '0 0 0 1 0 0 0 1 0 0 0 1 0 0 0 1 0 0 0 1 0'
      - series: 'probe_success{job="netprobe_tcp",instance="up.example:443"}'
        values: '1x20'
      - series: 'probe_success{job="blackbox",instance="down.example:443"}'
        values: '0x20'
      - series: 'netprobe_happy_eyeballs_fault{job="netprobe_tcp",instance="he.example:443",fault="ipv6_fails"}'
        values: '1x30'
      - series: 'netprobe_happy_eyeballs_fault{job="netprobe_tcp",instance="he.example:443",fault="ipv4_fails"}'
        values: '0x30'
    alert_rule_test:
      - eval_time: 1m
        alertname: ProbeFailing
        exp_alerts: []
      - eval_time: 3m
        alertname: ProbeFailing
        exp_alerts:
          - exp_labels: {severity: critical, job: netprobe_tcp, instance: "down.example:443"}
            exp_annotations:
              summary: "down.example:443: probe failing"
              description: "netprobe has found down.example:443 (netprobe_tcp) failing for 2 minutes. netprobe_verdict and netprobe_probe_state say how: DNS, or which address and in which state."
      - eval_time: 5m
        alertname: HappyEyeballsFault
        exp_alerts: []
      - eval_time: 11m
        alertname: HappyEyeballsFault
        exp_alerts:
          - exp_labels: {severity: warning, job: netprobe_tcp, instance: "he.example:443", fault: ipv6_fails}
            exp_annotations:
              summary: "he.example:443: ipv6_fails"
              description: "Every IPv6 address of he.example:443 fails while the other family works, for 10 minutes: the service answers, slowly, to clients that try the failing family first."
YAML
promtool_in_doc "docs/PROMETHEUS.md alert rules: promtool test rules (they fire after their for:, not on a flapping or a healthy target, not on blackbox's job)" \
	test rules rules_test.yml

np_done
