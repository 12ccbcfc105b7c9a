#!/bin/bash
# DNS failures, each against a server that really behaves that way (kdig checks
# it first): NXDOMAIN, NODATA, SERVFAIL (zone that failed to load), REFUSED (name
# outside every zone), and a timeout (a server that never answers).  Each gives
# its dns.status and the real rcode, verdict dns_failed, exit status 2, no probes,
# and a text first line naming the status.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
start_listener all 127.0.0.1 ::1
P=$LISTEN_PORT
start_silent_dns silent

# check_failure LABEL NAME STATUS RCODE SERVER MAX_SECONDS [ARGS...]
#   RCODE "null" for none; SERVER as netprobe should report it (host:port)
check_failure() {
	local label=$1 name=$2 status=$3 rcode=$4 server=$5 maxs=$6; shift 6
	local f want_rcode
	np_json "$@" "$name" "$P"
	f=$NP_JSON
	assert_rc 2 "$label: exit status 2"
	check_json_basics "$label" "$f" "$NP_RC"
	assert_eq "$label: dns.status" "$status" "$(jget "$f" targets.0.dns.status)"
	assert_eq "$label: dns.rcode" "$rcode" "$(jget "$f" targets.0.dns.rcode)"
	assert_eq "$label: dns.source" "dns" "$(jget "$f" targets.0.dns.source)"
	assert_eq "$label: dns.server" "$server" "$(jget "$f" targets.0.dns.server)"
	assert_eq "$label: dns.error has a code and a message" "true" \
		"$(jpy "$f" 'isinstance(t["dns"]["error"], dict) and bool(t["dns"]["error"].get("code")) and bool(t["dns"]["error"].get("message"))')"
	assert_eq "$label: no addresses" "[]" "$(jget "$f" targets.0.dns.addresses)"
	assert_eq "$label: no probes" "[]" "$(jget "$f" targets.0.probes)"
	assert_eq "$label: summary 0 of 0" '{"open":0,"probes":0}' "$(jget "$f" targets.0.summary)"
	assert_eq "$label: verdict dns_failed" "dns_failed" "$(jget "$f" targets.0.verdict)"
	assert_eq "$label: queries A and AAAA both asked" '["A","AAAA"]' \
		"$(jpy "$f" 'sorted(q["type"] for q in t["dns"]["queries"])')"
	if [ "$rcode" = null ]; then want_rcode=None; else want_rcode="\"$rcode\""; fi
	assert_eq "$label: every query's rcode is $rcode" "true" \
		"$(jpy "$f" "all(q['rcode'] == $want_rcode for q in t['dns']['queries'])")"
	assert_eq "$label: every query's status is $status" "true" \
		"$(jpy "$f" "all(q['status'] == '$status' for q in t['dns']['queries'])")"

	np_run "$@" "$name" "$P"
	assert_rc 2 "$label (text): exit status 2"
	if [ "$rcode" = null ]; then
		assert_match "$label (text): first line says dns $status" "^$name: dns $status( |$)" "$(np_first_line)"
		assert_no_match "$label (text): first line names no rcode" "NOERROR|NXDOMAIN|SERVFAIL|REFUSED" "$(np_first_line)"
	else
		assert_match "$label (text): first line says dns $status $rcode" "^$name: dns $status $rcode( |$)" "$(np_first_line)"
	fi
}

KS="127.0.0.1:$KNOT_PORT"
# Against knotd, every answer arrives at once: finishing long before the 2 s
# timeout shows the rcode was taken from the reply, not from a retry that timed out.

# ---- NXDOMAIN
assert_eq "oracle: knotd says NXDOMAIN for nxdomain.example.test" "NXDOMAIN" "$(kdig_rcode nxdomain.example.test A)"
check_failure "nxdomain" nxdomain.example.test nxdomain NXDOMAIN "$KS" 1.5 "@$KS" --timeout 2
assert_eq "nxdomain: error code" "NXDOMAIN" "$(jget "$NP_JSON" targets.0.dns.error.code)"

# ---- NODATA (name exists with a TXT record only)
assert_eq "oracle: knotd says NOERROR for nodata.example.test A" "NOERROR" "$(kdig_rcode nodata.example.test A)"
assert_eq "oracle: ... with no address" "" "$(kdig_addrs nodata.example.test)"
check_failure "nodata" nodata.example.test nodata NOERROR "$KS" 1.5 "@$KS" --timeout 2

# ---- SERVFAIL (broken.test failed to load)
assert_eq "oracle: knotd says SERVFAIL for www.broken.test" "SERVFAIL" "$(kdig_rcode www.broken.test A)"
check_failure "servfail" www.broken.test servfail SERVFAIL "$KS" 1.5 "@$KS" --timeout 2

# ---- REFUSED (outside every zone), over IPv4 and over IPv6
assert_eq "oracle: knotd says REFUSED for www.outside.invalid" "REFUSED" "$(kdig_rcode www.outside.invalid A)"
check_failure "refused" www.outside.invalid refused REFUSED "$KS" 1.5 "@$KS" --timeout 2
check_failure "refused via [::1]" www.outside.invalid refused REFUSED "[::1]:$KNOT_PORT" 1.5 \
	"@[::1]:$KNOT_PORT" --timeout 2

# ---- timeout: a server that never answers, --timeout 0.5
before=$(helper_count silent | cut -d' ' -f1)
check_failure "timeout" a4.example.test timeout null "127.0.0.1:$SILENT_PORT" 3 \
	"@127.0.0.1:$SILENT_PORT" --timeout 0.5
assert_true "timeout: waited at least the 0.5 s timeout (took ${NP_ELAPSED}s, text run)" \
	"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) >= 0.45 else 1)' "$NP_ELAPSED"
after=$(wait_count silent $((before + 1)))
assert_true "timeout: the silent server did receive queries ($before -> $after datagrams)" \
	test "$after" -gt "$before"

# ---- no file descriptor left for the DNS socket (ulimit -n 4: stdin, stdout,
# stderr and the event loop): the error names EMFILE, not "connection refused"
printf '#!/bin/bash\nulimit -n 4 || exit 99\nexec "$@"\n' >"$NP_TMP/fd4"
chmod +x "$NP_TMP/fd4"
NP_WRAP="$NP_TMP/fd4" np_json "@$KS" www.example.test "$P" --timeout 2
assert_rc 2 "emfile: exit status 2"
assert_eq "emfile: dns error code EMFILE" "error EMFILE" \
	"$(jpy "$NP_JSON" 't["dns"]["status"] + " " + t["dns"]["error"]["code"]')"
assert_match "emfile: the message names the cause" "too many open files" "$(jget "$NP_JSON" targets.0.dns.error.message)"
assert_no_match "emfile: not called connection refused" "refused" "$(jget "$NP_JSON" targets.0.dns.error.message)"
NP_WRAP="$NP_TMP/fd4" np_run lookup "@$KS" www.example.test A --timeout 2
assert_rc 2 "lookup emfile: exit status 2"
assert_match "lookup emfile: the message names the cause" "no reply: cannot open a socket to ask DNS: too many open files" "$(np_stdout)"

np_done
