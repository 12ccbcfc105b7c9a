#!/bin/bash
# netprobe lookup --compare-system, which asks getaddrinfo (the system resolver)
# beside DNS.  The system resolver must never be asked in a test, so the whole
# test runs in namespaces of its own (unshare: mount, network, UTS, PID): there
# /etc/hosts, /etc/resolv.conf and /etc/nsswitch.conf are bind-mounted test
# files, resolv.conf names a knotd on the namespace's own loopback (port 53:
# resolv.conf has no port), and nscd's socket folder, if any, is hidden.
#
# Cases, each in text and JSON (schema docs/netprobe-lookup.schema.json), with
# the exit status: agree (dual-stack, CNAME chain, 3 and 40 addresses), only the
# system (hosts file, with and without DNS having the name), only DNS (nsswitch
# "files" alone; the hosts file with one family), and a system resolver that
# fails (resolv.conf at a closed and at a silent port; and DNS failing too).
# Oracles: python's socket.getaddrinfo and getent ahosts for the system, dig
# for DNS.
#
# No namespace, mount or process outlives the test: the test shell is PID 1 of
# its PID namespace (when it exits the kernel kills everything in it, and the
# mount and network namespaces go with their last process), unshare
# --kill-child kills it if unshare itself is killed, and SIGINT or SIGTERM to
# the test reach that shell, which stops its servers and removes its files.
#
# Needs root and unshare(1) with namespace support: otherwise SKIP (77).

. "${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/integration/lib.sh"

if [ "${NP_NS_INSIDE:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || skip "needs root for mount and network namespaces (uid $(id -u))"
	command -v getent >/dev/null 2>&1 || skip "getent(1) not found (Debian package libc-bin)"
	command -v dig >/dev/null 2>&1 || skip "dig not installed (Debian package bind9-dnsutils)"
fi
np_in_private_ns "$@"

# ---------------------------------------------------------------- inside the namespaces
np_init
LOOKUP_SCHEMA="$top_srcdir/docs/netprobe-lookup.schema.json"
# gai_strerror is in English whatever the caller's locale; the resolver reads
# nothing from the environment but our files
export LC_ALL=C
unset LOCALDOMAIN RES_OPTIONS HOSTALIASES
hostname np-compare || fatal "cannot set the host name in the test's UTS namespace"
np_private_etc

# system NSS HOSTS-LINES NAMESERVER: what the system resolver reads.  Written
# in place (the bind mounts hold the inodes).
system() {
	printf 'hosts: %s\n' "$1" >"$ETC/nsswitch.conf"
	printf '127.0.0.1 localhost\n::1 localhost\n%s' "$2" >"$ETC/hosts"
	printf 'nameserver %s\noptions timeout:1 attempts:1\n' "$3" >"$ETC/resolv.conf"
}
system "files dns" "" 127.0.0.1
assert_eq "hermetic: /etc/resolv.conf is the test's" "$(cat "$ETC/resolv.conf")" "$(cat /etc/resolv.conf)"
assert_eq "hermetic: /etc/nsswitch.conf is the test's" "hosts: files dns" "$(cat /etc/nsswitch.conf)"

# knotd on the namespace's 127.0.0.1 and ::1, port 53: example.test and a zone
# with a 40-address name (more than one UDP answer holds: TCP both ways)
ZONES="$NP_TMP/zones"
mkdir -p "$ZONES"
cp "$top_srcdir/tests/zones/example.test.zone" "$ZONES/" || fatal "cannot copy the zone"
{
	# shellcheck disable=SC2016  # zone-file words, not shell variables
	printf '$ORIGIN compare.test.\n$TTL 300\n'
	printf '@ IN SOA ns hostmaster 1 3600 900 604800 60\n@ IN NS ns\nns IN A 127.0.0.1\n'
	for i in $(seq 1 40); do printf 'many IN A 127.0.1.%d\n' "$i"; done
} >"$ZONES/compare.test.zone"
KNOT_FIXED_PORT=53 start_knot example.test compare.test

# ---------------------------------------------------------------- helpers

# dig_addrs NAME TYPE...: the A/AAAA addresses DNS gives, sorted (the oracle)
dig_addrs() {
	local n=$1 t; shift
	for t in "$@"; do
		dig @127.0.0.1 -p 53 +time=2 +tries=1 +nosearch +short "$n" "$t" 2>/dev/null
	done | grep -E '^[0-9a-f:.]+$' | grep -v '\.$' | sort -u
}

# gai NAME FAMILY: python's getaddrinfo (the oracle): "ok ADDR..." sorted, or
# "EAI_xxx"
gai() {
	"$PY" - "$1" "$2" <<'PYEOF'
import socket, sys
fam = {"any": socket.AF_UNSPEC, "ipv4": socket.AF_INET, "ipv6": socket.AF_INET6}[sys.argv[2]]
try:
    r = socket.getaddrinfo(sys.argv[1], None, fam, socket.SOCK_STREAM)
    print("ok " + " ".join(sorted({a[4][0] for a in r})))
except socket.gaierror as e:
    print(next((n for n in dir(socket) if n.startswith("EAI_") and getattr(socket, n) == e.errno),
               "EAI_%d" % e.errno))
PYEOF
}

# getent_addrs NAME: getent ahosts, the addresses sorted (a second oracle)
getent_addrs() { getent ahosts "$1" | awk '{ print $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# sj EXPR: jpy on the last JSON document with s = its "system" object
sj() { jpy "$NP_JSON" "(lambda s: $1)(d['system'])"; }

# text_lines PREFIX: the addresses of the text lines ";;   PREFIX ADDR ...", sorted
text_lines() {
	sed -n "s/^;;   $1 \([^ ]*\).*/\1/p" "$NP_OUT" | sort | tr '\n' ' ' | sed 's/ $//'
}

# compare D RC NAME TYPE...: run --compare-system in JSON and in text; check
# the exit status (DNS's), the schema, and that the text lists what JSON does.
# Leaves the text output in $NP_OUT and the JSON document in $NP_JSON.
compare() {
	local d=$1 rc=$2 out
	shift 2
	np_run lookup --json --compare-system @127.0.0.1:53 "$@"
	NP_JSON=$NP_OUT
	assert_rc "$rc" "$d (JSON): exit status $rc, DNS's"
	assert_eq "$d (JSON): exit_code" "$rc" "$(jget "$NP_JSON" exit_code)"
	if out=$("$PY" "$VALIDATOR" "$LOOKUP_SCHEMA" <"$NP_JSON" 2>&1); then
		ok "$d (JSON): valid against docs/netprobe-lookup.schema.json"
	else
		not_ok "$d (JSON): NOT valid against docs/netprobe-lookup.schema.json"
		printf '%s\n' "$out" | head -n 20 | sed 's/^/#   /'
	fi
	cp "$NP_JSON" "$NP_TMP/last.json"
	NP_JSON="$NP_TMP/last.json"
	np_run lookup --compare-system @127.0.0.1:53 "$@"
	assert_rc "$rc" "$d (text): exit status $rc"
	assert_eq "$d (text): nothing on stderr" "" "$(cat "$NP_ERR")"
	assert_eq "$d (text): 'only the system has' lines = JSON only_system" \
		"$(sj '" ".join(sorted(s["only_system"]))')" "$(text_lines "only the system has")"
	assert_eq "$d (text): 'only DNS has' lines = JSON only_dns" \
		"$(sj '" ".join(sorted(s["only_dns"]))')" "$(text_lines "only DNS has")"
}

# sys_is D EXPECTED-GAI: JSON system addresses (or error code) equal the oracle
sys_is() {
	assert_eq "$1: the system's addresses or error = python getaddrinfo" "$2" \
		"$(sj '("ok " + " ".join(sorted(s["addresses"]))) if s["error"] is None else s.get("error_code")')"
}

# sets D ONLY_SYSTEM ONLY_DNS AGREE: the JSON comparison
sets() {
	assert_eq "$1: only_system" "$2" "$(sj '" ".join(sorted(s["only_system"]))')"
	assert_eq "$1: only_dns" "$3" "$(sj '" ".join(sorted(s["only_dns"]))')"
	assert_eq "$1: agree" "$4" "$(sj 's["agree"]')"
}

# ---------------------------------------------------------------- agree
echo "# --- agree: nsswitch 'files dns', the hosts file without the name"
system "files dns" "" 127.0.0.1
for c in "dual.example.test A AAAA" "c1.example.test A AAAA" "multi.example.test" \
	 "many.compare.test A"; do
	read -r n types <<<"$c"
	d="agree, $n ${types:-(default A)}"
	fam=any; [ "${types:-A}" = A ] && fam=ipv4
	# shellcheck disable=SC2086
	dns=$(dig_addrs "$n" ${types:-A} | tr '\n' ' ' | sed 's/ $//')
	assert_ne "$d: dig finds addresses (the oracle works)" "" "$dns"
	assert_eq "$d: python getaddrinfo = dig (the namespace resolves with our knotd)" \
		"ok $dns" "$(gai "$n" "$fam")"
	# shellcheck disable=SC2086
	compare "$d" 0 "$n" $types
	sys_is "$d" "ok $dns"
	sets "$d" "" "" true
	assert_eq "$d: error and error_code null" "null null" "$(sj '"%s %s" % (json.dumps(s["error"]), json.dumps(s.get("error_code")))')"
	assert_eq "$d (text): the system and DNS agree" "1" "$(grep -c '^;;   the system and DNS agree$' "$NP_OUT")"
	assert_eq "$d (text): the SYSTEM line lists getaddrinfo's addresses" "$dns" \
		"$(sed -n 's/^;; SYSTEM (getaddrinfo): //p' "$NP_OUT" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
done
assert_eq "agree, many.compare.test: getent ahosts (oracle) has all 40 addresses" 40 \
	"$(getent_addrs many.compare.test | wc -w)"

# ---------------------------------------------------------------- only the system
echo "# --- only the system: the hosts file has what DNS has not"
system "files dns" "127.0.0.5 nxdomain.example.test
" 127.0.0.1
d="only system, nxdomain.example.test (DNS: NXDOMAIN)"
assert_eq "$d: dig says NXDOMAIN" NXDOMAIN \
	"$(dig @127.0.0.1 -p 53 +time=2 +tries=1 nxdomain.example.test A | sed -n 's/.*status: \([A-Z]*\).*/\1/p')"
assert_eq "$d: getent ahosts (oracle)" 127.0.0.5 "$(getent_addrs nxdomain.example.test)"
compare "$d" 2 nxdomain.example.test A AAAA
sys_is "$d" "ok 127.0.0.5"
sets "$d" 127.0.0.5 "" false
assert_match "$d (text): says where it may come from" \
	'^;;   only the system has 127\.0\.0\.5 \(hosts file' "$(cat "$NP_OUT")"

system "files dns" "127.0.0.9 a4.example.test
" 127.0.0.1
d="hosts file overrides DNS, a4.example.test A"
compare "$d" 0 a4.example.test A
sys_is "$d" "$(gai a4.example.test ipv4)"
sets "$d" 127.0.0.9 "$(dig_addrs a4.example.test A)" false
assert_no_match "$d (text): no 'agree' line" 'agree|neither' "$(cat "$NP_OUT")"

# ---------------------------------------------------------------- only DNS
echo "# --- only DNS"
system "files" "" 127.0.0.1
d="only DNS, nsswitch 'files' alone, dual.example.test"
assert_eq "$d: python getaddrinfo says EAI_NONAME" EAI_NONAME "$(gai dual.example.test any)"
compare "$d" 0 dual.example.test A AAAA
sys_is "$d" EAI_NONAME
sets "$d" "" "$(dig_addrs dual.example.test A AAAA | tr '\n' ' ' | sed 's/ $//')" false
assert_eq "$d: no addresses from the system" "[]" "$(sj 's["addresses"]')"
assert_match "$d (text): the SYSTEM line says getaddrinfo failed, and how" \
	'^;; SYSTEM \(getaddrinfo\) failed: .+ \(EAI_NONAME\)$' "$(grep '^;; SYSTEM' "$NP_OUT")"

system "files dns" "127.0.0.1 dual.example.test
" 127.0.0.1
d="only DNS, the hosts file has the IPv4 address alone, dual.example.test"
assert_eq "$d: getent ahosts (oracle)" 127.0.0.1 "$(getent_addrs dual.example.test)"
compare "$d" 0 dual.example.test A AAAA
sys_is "$d" "ok 127.0.0.1"
sets "$d" "" ::1 false

# ---------------------------------------------------------------- the system fails
echo "# --- the system resolver fails, DNS answers"
system "files dns" "" 127.0.0.2	# nothing listens there: refused
d="system resolver refused (127.0.0.2:53 closed), dual.example.test"
expect=$(gai dual.example.test any)
assert_match "$d: python getaddrinfo fails too (oracle)" '^EAI_' "$expect"
compare "$d" 0 dual.example.test A AAAA
sys_is "$d" "$expect"
sets "$d" "" "127.0.0.1 ::1" false
assert_eq "$d: the error message is what gai_strerror says" \
	"$("$PY" -c 'import socket, sys
try: socket.getaddrinfo("dual.example.test", None)
except socket.gaierror as e: print(e.strerror)')" "$(sj 's["error"]')"
assert_match "$d (text): the SYSTEM line says getaddrinfo failed, and how" \
	"^;; SYSTEM \\(getaddrinfo\\) failed: .+ \\($expect\\)\$" "$(grep '^;; SYSTEM' "$NP_OUT")"

SILENT_ADDR=127.0.0.3 SILENT_FIXED_PORT=53 start_silent_dns silent
system "files dns" "" 127.0.0.3
d="system resolver silent (127.0.0.3:53), dual.example.test"
compare "$d" 0 dual.example.test A AAAA
sys_is "$d" EAI_AGAIN
sets "$d" "" "127.0.0.1 ::1" false
assert_match "$d: the system resolver asked the silent server (the namespace's resolv.conf was used)" \
	'^[1-9][0-9]* ' "$(helper_count silent)"

d="both fail: DNS NXDOMAIN, the system resolver silent"
compare "$d" 2 nxdomain.example.test A AAAA
sys_is "$d" EAI_AGAIN
sets "$d" "" "" true
assert_no_match "$d (text): never says the system and DNS agree" 'agree' "$(cat "$NP_OUT")"
assert_eq "$d (text): says neither has an address" 1 \
	"$(grep -c '^;;   neither the system nor DNS has an address$' "$NP_OUT")"

system "files" "" 127.0.0.1
d="both without the name: DNS NXDOMAIN, the system EAI_NONAME"
compare "$d" 2 nxdomain.example.test A
sys_is "$d" EAI_NONAME
sets "$d" "" "" true
assert_eq "$d (text): says neither has an address" 1 \
	"$(grep -c '^;;   neither the system nor DNS has an address$' "$NP_OUT")"

# ---------------------------------------------------------------- hostile hosts file
echo "# --- a hosts file with junk, duplicates and 40 lines for one name"
junk=$(printf '\n# comment\nnot-an-address many.compare.test\n127.0.0.999 many.compare.test\n  \t \n')
dups=$(for i in $(seq 1 40); do printf '127.0.1.%d many.compare.test\n127.0.1.%d many.compare.test\n' "$i" "$i"; done)
system "files" "$junk
$dups
" 127.0.0.1
d="hosts file with 40 addresses (each twice) and junk lines, many.compare.test A"
assert_eq "$d: getent ahosts (oracle) has the 40" 40 \
	"$(getent_addrs many.compare.test | wc -w)"
compare "$d" 0 many.compare.test A
sys_is "$d" "ok $(dig_addrs many.compare.test A | tr '\n' ' ' | sed 's/ $//')"
sets "$d" "" "" true
assert_eq "$d: each address once" 40 "$(sj 'len(s["addresses"])')"

np_done
