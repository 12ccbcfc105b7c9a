#!/bin/bash
# Self-check of the integration harness, independent of netprobe: knotd serves
# tests/zones on 127.0.0.1 and ::1 with the records and rcodes the other tests
# rely on (kdig as the oracle), and the helpers listen / stay silent / count as
# promised.  When this test fails, the others' failures say nothing about netprobe.
NP_NEED_BINARY=0
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot

for srv in 127.0.0.1 ::1; do
	assert_eq "knotd answers on $srv: a4 A" "127.0.0.1" \
		"$(kdig @$srv -p "$KNOT_PORT" +time=2 +retry=1 +short a4.example.test A)"
done

assert_eq "zone: a4 has A 127.0.0.1 ttl 300 only" "127.0.0.1 300" "$(kdig_addrs a4.example.test)"
assert_eq "zone: a6 has AAAA ::1 ttl 600 only" "::1 600" "$(kdig_addrs a6.example.test)"
assert_eq "zone: dual has A ttl 900 and AAAA ttl 960" \
	"$(printf '127.0.0.1 900\n::1 960')" "$(kdig_addrs dual.example.test)"
assert_eq "zone: multi has 3 A (1200) and 1 AAAA (1500)" \
	"$(printf '127.0.0.1 1200\n127.0.0.2 1200\n127.0.0.3 1200\n::1 1500')" "$(kdig_addrs multi.example.test)"
assert_eq "zone: c1 -> c2 -> dual, addresses of dual" \
	"$(printf '127.0.0.1 900\n::1 960')" "$(kdig_addrs c1.example.test)"
assert_eq "zone: c1 CNAME chain owners" '["c1.example.test","c2.example.test"]' "$(kdig_cnames c1.example.test)"
assert_eq "zone: nodata A is NOERROR" "NOERROR" "$(kdig_rcode nodata.example.test A)"
assert_eq "zone: nodata has no addresses" "" "$(kdig_addrs nodata.example.test)"
assert_eq "zone: nxdomain.example.test is NXDOMAIN" "NXDOMAIN" "$(kdig_rcode nxdomain.example.test A)"
assert_eq "zone: a4 AAAA is NOERROR/NODATA" "NOERROR" "$(kdig_rcode a4.example.test AAAA)"
assert_eq "broken.test (zone failed to load) answers SERVFAIL" "SERVFAIL" "$(kdig_rcode www.broken.test A)"
assert_eq "broken.test AAAA answers SERVFAIL" "SERVFAIL" "$(kdig_rcode www.broken.test AAAA)"
assert_eq "outside any zone answers REFUSED" "REFUSED" "$(kdig_rcode www.outside.invalid A)"
assert_eq "outside any zone answers REFUSED on ::1 too" "REFUSED" \
	"$(kdig_q www.outside.invalid AAAA ::1 | sed -n 's/.*status: \([A-Z]*\).*/\1/p')"

# every address in the zone is loopback (house rule)
bad=$(awk '$0 !~ /^[ \t]*;/ && ($4 == "A" || $4 == "AAAA") && $5 !~ /^(127\.|::1$)/' "$ZONES"/example.test.zone)
assert_eq "zone file: every A/AAAA is loopback" "" "$bad"

# tcp_connect ADDR PORT: prints open / refused / other
tcp_connect() {
	"$PY" -c '
import socket, sys
a, p = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET)
s.settimeout(2)
try:
    s.connect((a, p)); print("open")
except ConnectionRefusedError:
    print("refused")
except OSError as e:
    print("other:", e)
' "$1" "$2"
}

# try_bind ADDR PORT tcp|udp: bind as a listener would (SO_REUSEADDR); prints
# bound / the errno name
try_bind() {
	"$PY" -c '
import errno, socket, sys
a, p, ty = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET,
                  socket.SOCK_STREAM if ty == "tcp" else socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((a, p)); print("bound")
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
' "$1" "$2" "$3"
}

# nmap_states ADDR PORT: "TCP_STATE UDP_STATE" as nmap sees them
nmap_states() {
	local six=
	case $1 in *:*) six=-6 ;; esac
	nmap $six -n -Pn -sT -sU -p "T:$2,U:$2" --max-retries 2 -oG - "$1" 2>/dev/null |
		sed -n 's/.*Ports: //p' | tr ',' '\n' | awk -F/ '{ s[$3] = $2 } END { print s["tcp"], s["udp"] }'
}

start_listener both 127.0.0.1 ::1
P=$LISTEN_PORT
assert_eq "listener (both) accepts on 127.0.0.1" "open" "$(tcp_connect 127.0.0.1 "$P")"
assert_eq "listener (both) accepts on ::1" "open" "$(tcp_connect ::1 "$P")"
wait_count both 2 >/dev/null
assert_eq "listener counted 2 connections" "2" "$(helper_count both)"
# A helper that gets no CPU for a while (a loaded machine) counts late: a fixed
# sleep reads the count too early, wait_count waits for it.
BOTH_PID=${np_bg_pids[${#np_bg_pids[@]}-1]}
kill -STOP "$BOTH_PID"
assert_eq "stopped listener: the kernel still completes a connect" "open" "$(tcp_connect 127.0.0.1 "$P")"
sleep 0.3
assert_eq "stopped listener: after a fixed 0.3 s sleep the count is still 2" "2" "$(helper_count both)"
(sleep 1; kill -CONT "$BOTH_PID") &
np_bg_register $!
assert_eq "wait_count waits for the listener to count the 3rd connection" "3" "$(wait_count both 3)"

start_listener v4only 127.0.0.1
assert_eq "listener (v4 only) accepts on 127.0.0.1" "open" "$(tcp_connect 127.0.0.1 "$LISTEN_PORT")"
assert_eq "listener (v4 only): ::1 same port refused" "refused" "$(tcp_connect ::1 "$LISTEN_PORT")"

start_closed_port closed
C=$CLOSED_PORT
assert_eq "start_closed_port: refused on 127.0.0.1" "refused" "$(tcp_connect 127.0.0.1 "$C")"
assert_eq "start_closed_port: refused on ::1" "refused" "$(tcp_connect ::1 "$C")"
# Under make -j8 other tests bind ports all the time: a closed port must stay
# closed while the test uses it, so nobody may be able to bind it (a listener
# with SO_REUSEADDR, as every helper's), and it lies below the ephemeral range,
# so neither a bind(port 0) nor netprobe's own source port can be it.
for a in 127.0.0.1 ::1; do
	for ty in tcp udp; do
		assert_eq "start_closed_port: a $ty bind on $a:$C fails (held)" "EADDRINUSE" "$(try_bind "$a" "$C" "$ty")"
	done
done
assert_true "start_closed_port: $C is below the ephemeral range ($(cat /proc/sys/net/ipv4/ip_local_port_range))" \
	test "$C" -lt "$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)"
# nmap is the oracle for the port's state, TCP (RST) and UDP (ICMP port unreachable)
if ! command -v nmap >/dev/null 2>&1; then
	echo "# SKIP sub-check: nmap not installed (Debian package nmap)"
elif [ "$(id -u)" -ne 0 ]; then
	echo "# SKIP sub-check: nmap -sU needs root"
else
	for a in 127.0.0.1 ::1; do
		assert_eq "start_closed_port: nmap says tcp and udp closed on $a" "closed closed" "$(nmap_states "$a" "$C")"
	done
fi
F=$(free_port)
assert_true "free_port $F is below the ephemeral range" \
	test "$F" -lt "$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range)"
for a in 127.0.0.1 ::1; do
	for ty in tcp udp; do
		assert_eq "free_port: a $ty bind on $a:$F works" "bound" "$(try_bind "$a" "$F" "$ty")"
	done
done

# A test's EXIT trap stops the helpers it registered.  A helper that ended
# earlier was reaped, and its pid recycled (pid_max is often 32768, and make -j8
# check forks thousands of processes a minute): then the pid belongs to someone
# else, another test's dig or knotd, and must not be signalled.  Stand-in for a
# recycled pid: a process that is not the test's child.
FOREIGN=$(setsid sleep 20 </dev/null >/dev/null 2>&1 & echo $!)
NP_NEED_BINARY=0 bash -c '. "$1/tests/integration/lib.sh"; np_init_base >/dev/null
	np_bg_register "$2"; sleep 30 & np_bg_register $!; echo $! >"$3"' _ "$top_srcdir" "$FOREIGN" "$NP_TMP/child.pid"
assert_eq "cleanup leaves a registered pid that is no longer its child alone" "sleep" \
	"$(cat "/proc/$FOREIGN/comm" 2>/dev/null || echo "<gone>")"
assert_eq "cleanup stops a registered child" "<gone>" \
	"$(cat "/proc/$(cat "$NP_TMP/child.pid")/comm" 2>/dev/null || echo "<gone>")"
[ "$(cat "/proc/$FOREIGN/comm" 2>/dev/null)" = sleep ] && kill "$FOREIGN"

start_silent_dns silent
assert_eq "silent helper starts with count 0 0" "0 0" "$(helper_count silent)"
t0=$(date +%s.%N)
out=$(kdig @127.0.0.1 -p "$SILENT_PORT" +time=1 +retry=0 a4.example.test A 2>&1)
t1=$(date +%s.%N)
assert_match "silent helper: kdig gets no answer" "timeout|failed to query" "$out"
assert_true "silent helper: kdig waited its 1 s timeout" \
	"$PY" -c 'import sys; sys.exit(0 if float(sys.argv[2]) - float(sys.argv[1]) >= 0.9 else 1)' "$t0" "$t1"
wait_count silent 1 >/dev/null
assert_eq "silent helper counted 1 datagram" "1 0" "$(helper_count silent)"

np_done
