#!/bin/bash
# The hosts file (CARES_HOSTS) is consulted first: names found there get
# source "hosts", status ok, no rcode/server/queries, ttl null, and no DNS query
# is sent (the @server given never answers and counts what it receives).
# --no-hosts goes to DNS instead.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
start_listener all 127.0.0.1 127.0.0.5 127.0.0.6 127.0.0.7 ::1
P=$LISTEN_PORT
start_silent_dns silent
Q="@127.0.0.1:$SILENT_PORT"

HOSTS="$NP_TMP/hosts"
cat >"$HOSTS" <<'EOF'
# hosts file for netprobe's hosts_file.sh test (loopback only)
127.0.0.1   localhost
::1         localhost ip6-localhost
127.0.0.5   myhost.test myalias.test
127.0.0.6   twohost.test
::1         twohost.test
127.0.0.7   a4.example.test
EOF
export CARES_HOSTS="$HOSTS"

# check_hosts LABEL NAME EXPECTED_ADDRS(sorted, one a line) ARGS...
check_hosts() {
	local label=$1 name=$2 addrs=$3; shift 3
	local f want
	np_json "$@" "$name" "$P"
	f=$NP_JSON
	assert_rc 0 "$label: exit status 0"
	check_json_basics "$label" "$f" "$NP_RC"
	assert_eq "$label: dns.status ok" "ok" "$(jget "$f" targets.0.dns.status)"
	assert_eq "$label: dns.source hosts" "hosts" "$(jget "$f" targets.0.dns.source)"
	assert_eq "$label: dns.rcode null" "null" "$(jget "$f" targets.0.dns.rcode)"
	assert_eq "$label: dns.server null" "null" "$(jget "$f" targets.0.dns.server)"
	assert_eq "$label: dns.queries empty" "[]" "$(jget "$f" targets.0.dns.queries)"
	want=$(printf '%s\n' "$addrs" | awk '{ print $1, "null" }')
	assert_eq "$label: addresses from the hosts file, ttl null" "$want" "$(json_addrs "$f")"
	want=$(printf '%s\n' "$addrs" | awk -v p="$P" '{ print (index($1, ":") ? "ipv6" : "ipv4"), $1, p, "open" }' | sort)
	assert_eq "$label: one open probe per address" "$want" "$(json_probes "$f")"
	check_probes_sane "$label" "$f"
	assert_eq "$label: verdict ok" "ok" "$(jget "$f" targets.0.verdict)"
	sleep 0.2
	assert_eq "$label: the DNS server received nothing" "0 0" "$(helper_count silent)"
}

check_hosts "localhost" localhost "$(printf '127.0.0.1\n::1')" "$Q" --timeout 2
check_hosts "myhost.test (only in the file)" myhost.test "127.0.0.5" "$Q" --timeout 2
check_hosts "myalias.test (second name on a line)" myalias.test "127.0.0.5" "$Q" --timeout 2
check_hosts "twohost.test (two lines)" twohost.test "$(printf '127.0.0.6\n::1')" "$Q" --timeout 2
check_hosts "localhost -4" localhost "127.0.0.1" "$Q" --timeout 2 -4
check_hosts "localhost -6" localhost "::1" "$Q" --timeout 2 -6

np_run "$Q" --timeout 2 myhost.test "$P"
assert_rc 0 "myhost.test (text): exit status 0"
assert_match "myhost.test (text): first line names the hosts source" "^myhost\.test: .*hosts" "$(np_first_line)"

# the hosts file wins over DNS: a4.example.test is 127.0.0.1 in the zone,
# 127.0.0.7 in the file
check_hosts "a4.example.test, in the file and in the zone" a4.example.test "127.0.0.7" \
	"@127.0.0.1:$KNOT_PORT" --timeout 2

# --no-hosts: the name goes to DNS
np_json "$Q" --timeout 0.5 --no-hosts myhost.test "$P"
assert_rc 2 "--no-hosts myhost.test @silent: exit status 2"
check_json_basics "--no-hosts @silent" "$NP_JSON" "$NP_RC"
assert_eq "--no-hosts myhost.test @silent: dns.status timeout" "timeout" "$(jget "$NP_JSON" targets.0.dns.status)"
assert_eq "--no-hosts myhost.test @silent: dns.source dns" "dns" "$(jget "$NP_JSON" targets.0.dns.source)"
wait_count silent 1 >/dev/null
assert_true "--no-hosts: the DNS server was asked ($(helper_count silent))" \
	test "$(helper_count silent | cut -d' ' -f1)" -gt 0

np_json "@127.0.0.1:$KNOT_PORT" --timeout 2 --no-hosts a4.example.test "$P"
assert_rc 0 "--no-hosts a4.example.test @knotd: exit status 0"
check_json_basics "--no-hosts @knotd" "$NP_JSON" "$NP_RC"
assert_eq "--no-hosts a4.example.test @knotd: source dns" "dns" "$(jget "$NP_JSON" targets.0.dns.source)"
assert_eq "--no-hosts a4.example.test @knotd: the zone's address, not the file's" \
	"$(kdig_addrs a4.example.test)" "$(json_addrs "$NP_JSON")"

np_json "@127.0.0.1:$KNOT_PORT" --timeout 2 --no-hosts myhost.test "$P"
assert_rc 2 "--no-hosts myhost.test @knotd: exit status 2"
assert_eq "--no-hosts myhost.test @knotd: refused (not in any zone)" "refused REFUSED" \
	"$(jget "$NP_JSON" targets.0.dns.status) $(jget "$NP_JSON" targets.0.dns.rcode)"

# a name in neither the file nor the zone falls through to DNS
np_json "@127.0.0.1:$KNOT_PORT" --timeout 2 nxdomain.example.test "$P"
assert_rc 2 "name not in the hosts file: asks DNS, exit status 2"
assert_eq "name not in the hosts file: nxdomain from knotd" "nxdomain dns 127.0.0.1:$KNOT_PORT" \
	"$(jget "$NP_JSON" targets.0.dns.status) $(jget "$NP_JSON" targets.0.dns.source) $(jget "$NP_JSON" targets.0.dns.server)"

np_done
