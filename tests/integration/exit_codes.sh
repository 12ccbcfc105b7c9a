#!/bin/bash
# Exit statuses (Nagios convention) for each outcome, the same in text and JSON
# mode, and equal to the JSON exit_code; --help and --version exit 0.
#   0 every probe open   1 degraded   2 nothing open / name did not resolve
#   3 usage error / bad input
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
start_listener both 127.0.0.1 ::1
PB=$LISTEN_PORT
start_listener v4only 127.0.0.1
P4=$LISTEN_PORT
start_closed_port closed
CL=$CLOSED_PORT
start_silent_dns silent
K="@127.0.0.1:$KNOT_PORT"
Q="@127.0.0.1:$SILENT_PORT"

# check_exit LABEL EXPECTED VERDICT ARGS...   (VERDICT "-" when no JSON is expected)
check_exit() {
	local label=$1 want=$2 verdict=$3; shift 3
	np_run "$@"
	assert_rc "$want" "$label (text): exit status $want"
	np_run --format=text "$@"
	assert_rc "$want" "$label (--format=text): exit status $want"
	np_json "$@"
	assert_rc "$want" "$label (--json): exit status $want"
	np_run -j "$@"
	assert_rc "$want" "$label (-j): exit status $want"
	np_run --format json "$@"
	assert_rc "$want" "$label (--format json): exit status $want"
	if [ "$verdict" != - ]; then
		check_json_basics "$label" "$NP_OUT" "$NP_RC"
		assert_eq "$label: verdict $verdict" "$verdict" "$(jget "$NP_OUT" targets.0.verdict)"
	else
		assert_eq "$label (--format json): nothing on stdout" "" "$(cat "$NP_OUT")"
	fi
}

check_exit "all open" 0 ok "$K" dual.example.test "$PB"
check_exit "all open, literal" 0 ok "$Q" 127.0.0.1 "$PB"
check_exit "one of two open" 1 degraded "$K" dual.example.test "$P4"
check_exit "one of two ports open" 1 degraded "$K" a4.example.test "$PB" "$CL"
check_exit "nothing open" 2 down "$K" dual.example.test "$CL"
check_exit "nothing open, literal" 2 down "$Q" ::1 "$CL"
check_exit "nxdomain" 2 dns_failed "$K" nxdomain.example.test "$PB"
check_exit "servfail" 2 dns_failed "$K" www.broken.test "$PB"
check_exit "dns timeout" 2 dns_failed "$Q" -T 0.3 a4.example.test "$PB"
check_exit "bad port" 3 - "$Q" 127.0.0.1 0
check_exit "unknown option" 3 - "$Q" --no-such-option 127.0.0.1 "$PB"

# --help and --version
np_run --help
assert_rc 0 "--help: exit status 0"
assert_match "--help: mentions the usage" "[Uu]sage" "$(cat "$NP_OUT")"
assert_match "--help: documents the exit statuses" "[Ee]xit|EXIT" "$(cat "$NP_OUT")"
np_run -h
assert_rc 0 "-h: exit status 0"
np_run --version
assert_rc 0 "--version: exit status 0"
version=$(grep -Eo '[0-9]+\.[0-9]+\.[0-9]+' "$NP_OUT" | head -n 1)
assert_match "--version: prints a version number" '^[0-9]+\.[0-9]+\.[0-9]+$' "$version"
np_run -V
assert_rc 0 "-V: exit status 0"
np_json "$Q" 127.0.0.1 "$PB"
assert_eq "netprobe_version in JSON equals --version" "$version" "$(jget "$NP_JSON" netprobe_version)"

np_done
