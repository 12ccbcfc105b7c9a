#!/bin/bash
# Bad input: exit status 3, exactly one line on stderr starting "netprobe: ",
# nothing on stdout (also with --json).  Boundaries are checked from both sides
# (a 253-byte name and a 63-byte label are accepted, 254 / 64 are not).  A
# closed stdout must not kill netprobe with SIGPIPE.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
start_silent_dns silent
# every run names a DNS server that never answers: if netprobe wrongly accepted
# a bad name it would ask this helper, never the system resolver
Q="@127.0.0.1:$SILENT_PORT"

# check_bad LABEL ARGS...
check_bad() {
	local label=$1; shift
	np_run "$@"
	assert_rc 3 "$label: exit status 3"
	assert_eq "$label: nothing on stdout" "" "$(head -c 2000 "$NP_OUT")"
	assert_eq "$label: exactly one line on stderr" "1" "$(wc -l <"$NP_ERR" | tr -d ' ')"
	assert_match "$label: the stderr line starts with 'netprobe: '" "^netprobe: ." "$(head -n 1 "$NP_ERR")"
}

rep() { printf "%${2}s" '' | tr ' ' "$1"; }   # rep CHAR N

L63=$(rep a 63)
L64=$(rep a 64)
NAME254="$(rep a 63).$(rep b 63).$(rep c 63).$(rep d 62)"      # 254 bytes
NAME253="$(rep a 63).$(rep b 63).$(rep c 63).$(rep d 48).example.test"  # 253 bytes
assert_eq "the long name is 254 bytes" 254 "${#NAME254}"
assert_eq "the limit name is 253 bytes" 253 "${#NAME253}"

check_bad "port 0" "$Q" 127.0.0.1 0
check_bad "port 65536" "$Q" 127.0.0.1 65536
check_bad "port 99999999999999999999" "$Q" 127.0.0.1 99999999999999999999
check_bad "port -1" "$Q" 127.0.0.1 -- -1
check_bad "port abc-not-a-service" "$Q" 127.0.0.1 abc-not-a-service
check_bad "port 80x (trailing garbage)" "$Q" 127.0.0.1 80x
check_bad "HOST:PORT with port 0" "$Q" 127.0.0.1:0
check_bad "empty host" "$Q" "" 80
check_bad "254-byte name" "$Q" "$NAME254" 80
check_bad "64-byte label" "$Q" "$L64.example.test" 80
check_bad "empty label (a..b)" "$Q" "a..example.test" 80
check_bad "unknown option" "$Q" --bogus-option 127.0.0.1 80
check_bad "unknown short option" "$Q" -Z 127.0.0.1 80
check_bad "missing port" "$Q" 127.0.0.1
check_bad "missing host and port" "$Q"
check_bad "--timeout -1" "$Q" --timeout -1 127.0.0.1 80
check_bad "--timeout abc" "$Q" --timeout abc 127.0.0.1 80
check_bad "--timeout=abc" "$Q" --timeout=abc 127.0.0.1 80
check_bad "-T 1x" "$Q" -T 1x 127.0.0.1 80
check_bad "--format xml" "$Q" --format xml 127.0.0.1 80
check_bad "--format=" "$Q" --format= 127.0.0.1 80
check_bad "--json with port 0" "$Q" --json 127.0.0.1 0
check_bad "--json with unknown option" --json "$Q" --bogus-option 127.0.0.1 80
check_bad "@ with port 0" @127.0.0.1:0 127.0.0.1 80
check_bad "@ with port 65536" @127.0.0.1:65536 127.0.0.1 80
check_bad "[::1] without closing bracket" "$Q" "[::1:80"
check_bad "-6 with an IPv4 literal" "$Q" -6 127.0.0.1 80
check_bad "-4 with an IPv6 literal" "$Q" -4 ::1 80
check_bad "-4 and -6 together" "$Q" -4 -6 localhost 80
check_bad "a DNS server given by name" @ns1.example.test localhost 80
check_bad "two DNS servers" "$Q" @127.0.0.2 localhost 80

# check_said LABEL LINE ARGS...: check_bad, and the stderr line is exactly LINE
# (it names the option the user typed and what is wrong with it)
check_said() {
	local label=$1 line=$2; shift 2
	check_bad "$label" "$@"
	assert_eq "$label: the message" "netprobe: $line" "$(head -n 1 "$NP_ERR")"
}
SECS="give seconds in decimal digits (30, 0.5), more than 0 and at most 3600"
check_said "listen --reply with a bad escape" \
	'bad escape in --reply: use \n \r \t \0 \\ or \xHH' listen --reply '\q' 0
check_said "listen --reply with a short \\x" \
	'bad escape in --reply: \x needs two hex digits' listen --reply '\x4' 0
check_said "--send with a bad escape" \
	'bad escape in --send: use \n \r \t \0 \\ or \xHH' "$Q" --send '\q' 127.0.0.1 80
check_said "listen --idle 0" "bad --idle '0': $SECS" listen --idle 0 0
check_said "listen --idle=abc" "bad --idle 'abc': $SECS" listen --idle=abc 0
check_said "-T 0x10 (hex)" "bad --timeout '0x10': $SECS" "$Q" -T 0x10 127.0.0.1 80
check_said "-T 1e1 (exponent)" "bad --timeout '1e1': $SECS" "$Q" -T 1e1 127.0.0.1 80
check_said "-T ' 5' (blank)" "bad --timeout ' 5': $SECS" "$Q" -T ' 5' 127.0.0.1 80
check_said "--retries 0x2" "bad --retries '0x2': give a number from 0 to 10" \
	"$Q" --retries 0x2 127.0.0.1 80
check_said "--retries +2" "bad --retries '+2': give a number from 0 to 10" \
	"$Q" --retries +2 127.0.0.1 80
check_said "listen --count 0x10" "bad --count '0x10': give a number from 1 to 1000000000" \
	listen --count 0x10 0
check_said "--help=x" "option '--help' takes no value: see netprobe --help" "$Q" --help=x
check_said "listen --v6only=1" "option '--v6only' takes no value: see netprobe --help" \
	listen --v6only=1 0
check_said "-4 -6" "-4 and -6 exclude each other" "$Q" -4 -6 localhost 80
check_said "listen --v6only --dual-stack" "--v6only and --dual-stack exclude each other" \
	listen --v6only --dual-stack :: 0
check_said "@[] (empty server)" \
	"bad DNS server '[]': the address is empty: give an IPv4 or IPv6 address" @[] localhost 80
check_said "-s [] (empty server)" \
	"bad DNS server '[]': the address is empty: give an IPv4 or IPv6 address" -s [] localhost 80
check_said "@ (nothing after it)" \
	"bad DNS server '': the address is empty: give an IPv4 or IPv6 address" @ localhost 80
check_said "@[]:53 (empty server, a port)" \
	"bad DNS server '[]:53': the address is empty: give an IPv4 or IPv6 address" @[]:53 localhost 80
sleep 0.2
assert_eq "no bad input reached the DNS server" "0 0" "$(helper_count silent)"

# the other side of each boundary is accepted: a 253-byte name and a 63-byte
# label are valid and simply do not exist in the zone (NXDOMAIN from knotd, 2)
K="@127.0.0.1:$KNOT_PORT"
np_json "$K" --timeout 2 "$NAME253" 80
assert_rc 2 "253-byte name: accepted, exit status 2 (NXDOMAIN)"
check_json_basics "253-byte name" "$NP_JSON" "$NP_RC"
assert_eq "253-byte name: NXDOMAIN from knotd" "nxdomain NXDOMAIN" \
	"$(jget "$NP_JSON" targets.0.dns.status) $(jget "$NP_JSON" targets.0.dns.rcode)"
np_json "$K" --timeout 2 "$L63.example.test" 80
assert_rc 2 "63-byte label: accepted, exit status 2 (NXDOMAIN)"
assert_eq "63-byte label: NXDOMAIN from knotd" "nxdomain NXDOMAIN" \
	"$(jget "$NP_JSON" targets.0.dns.status) $(jget "$NP_JSON" targets.0.dns.rcode)"
# port boundaries 1 and 65535 are valid (nothing listens there on 127.0.0.1? it
# does not matter: only the exit status class is checked, never 3)
for port in 1 65535; do
	np_run "$K" --timeout 1 127.0.0.1 "$port"
	assert_true "port $port: accepted (exit status $NP_RC is 0, 1 or 2)" test "$NP_RC" -le 2
done
# a service name is a valid port
np_json "$K" --timeout 1 127.0.0.1 https
assert_true "service name https: accepted (exit status $NP_RC)" test "$NP_RC" -le 2
assert_eq "service name https: port 443" "[443]" "$(jget "$NP_JSON" targets.0.ports)"
# an option given twice with the same meaning is fine (-4 -4), as is 010
np_run "$K" -4 -4 --retries 010 --timeout 1 127.0.0.1 1
assert_true "-4 -4 --retries 010: accepted (exit status $NP_RC)" test "$NP_RC" -le 2
# fractional timeout is valid
np_run "$K" --timeout 0.5 127.0.0.1 1
assert_true "--timeout 0.5: accepted (exit status $NP_RC)" test "$NP_RC" -le 2

# ---- closed stdout: no death by SIGPIPE
start_listener both 127.0.0.1 ::1
P=$LISTEN_PORT
# deterministic: stdout is a pipe whose read end is already closed.  Python's
# subprocess restores SIGPIPE to the default action in the child (restore_signals).
closed_pipe_run() {
	timeout -k 2 "$NP_TIMEOUT_WALL" "$PY" - "$@" <<'PYEOF'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=w,
                   stderr=subprocess.DEVNULL, restore_signals=True)
print(p.returncode)
PYEOF
}
for fmt in text json; do
	rc=$(closed_pipe_run "$NETPROBE" "$Q" --format "$fmt" --dump 127.0.0.1 "$P")
	assert_true "stdout a pipe with no reader ($fmt): not killed by a signal (status $rc)" \
		test "$rc" -ge 0
	assert_ne "stdout a pipe with no reader ($fmt): not SIGPIPE" "-13" "$rc"
done

# the shell way: the reader of the pipe closes it right away
"$NETPROBE" "$Q" --dump 127.0.0.1 "$P" 2>/dev/null | head -c0
rc=${PIPESTATUS[0]}
assert_ne "netprobe | head -c0: exit status is not 141 (SIGPIPE)" "141" "$rc"
assert_true "netprobe | head -c0: not killed by a signal (status $rc)" test "$rc" -lt 128
"$NETPROBE" "$Q" --json 127.0.0.1 "$P" 2>/dev/null | { exec 0<&-; sleep 0.5; }
rc=${PIPESTATUS[0]}
assert_ne "netprobe --json | (reader closes stdin): exit status is not 141" "141" "$rc"
assert_true "netprobe --json | (reader closes stdin): not killed by a signal (status $rc)" test "$rc" -lt 128

# stdout closed altogether (>&-): refused up front, one line, exit 3 (a closed
# fd 1 would otherwise be reused by the first socket and get the report)
"$NETPROBE" "$Q" 127.0.0.1 "$P" >&- 2>"$NP_TMP/closed.err"
rc=$?
assert_eq "stdout closed (>&-): exit status 3" "3" "$rc"
assert_eq "stdout closed (>&-): exactly one line on stderr" "1" "$(wc -l <"$NP_TMP/closed.err")"
assert_match "stdout closed (>&-): the line says so" '^netprobe: standard output is closed' \
	"$(cat "$NP_TMP/closed.err")"

np_done
