#!/bin/bash
# --reset (issue 10): close each TCP connection with a reset (SO_LINGER 0), as
# nmap -sT does, instead of a FIN. In a network namespace of the test's own, the
# kernel is the oracle: a graceful close leaves one TIME_WAIT socket per
# connection (ss), a reset leaves none and counts one RST sent per connection
# (nstat TcpOutRsts), and after an exchange `netprobe listen` sees its peer
# reset the connection; the states reported are the same either way.
# Adversarial: a refused port, --reset where there is no TCP (datagram only),
# --reset=ARG.
NP_NEED_BINARY=1
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/listen_lib.sh"
command -v ss >/dev/null 2>&1 || skip "ss not found (Debian package iproute2)"
command -v nstat >/dev/null 2>&1 || skip "nstat not found (Debian package iproute2)"
np_in_private_ns "$@"
np_init_listen

start_listener r 127.0.0.1 127.0.0.2
P=$LISTEN_PORT
start_closed_port closed
C=$CLOSED_PORT
N=5

# TIME_WAIT sockets on the listener's port, either end (whoever closed first)
time_wait() { ss -Htan state time-wait "( sport = :$P or dport = :$P )" | wc -l; }
# wait until the listener accepted $1 connections in all (bounded: 5 s)
accepted() { wait_count r "$1"; }
rsts() { nstat -az TcpOutRsts | awk '$1 == "TcpOutRsts" { print $2 }'; }

# 1. The default: a FIN, and a TIME_WAIT socket left for each connection
np_run --count "$N" -i 0.02 -f ndjson 127.0.0.1 "$P"
assert_rc 0 "default: exit 0"
assert_eq "default: $N rounds, all open" "$N open" \
	"$(ndpy "$NP_OUT" '"%d %s" % (len([p for o in L if o["type"] == "round" for p in o["probes"]]), ",".join(sorted(set(p["state"] for o in L if o["type"] == "round" for p in o["probes"]))))')"
assert_eq "the listener accepted $N connections in all" "$N" "$(accepted "$N")"
assert_eq "default: ss shows one TIME_WAIT socket per connection" "$N" "$(time_wait)"

# 2. --reset: the same states, no TIME_WAIT, one RST sent per connection. The
# TIME_WAIT sockets of 1. stay for a minute: this goes to the second address,
# and counts only its sockets.
time_wait() { ss -Htan state time-wait "( dst 127.0.0.2 and dport = :$P ) or ( src 127.0.0.2 and sport = :$P )" | wc -l; }
before=$(rsts)
np_run --reset --count "$N" -i 0.02 -f ndjson 127.0.0.2 "$P"
assert_rc 0 "--reset: exit 0"
assert_eq "--reset: $N rounds, all open (as without it)" "$N open" \
	"$(ndpy "$NP_OUT" '"%d %s" % (len([p for o in L if o["type"] == "round" for p in o["probes"]]), ",".join(sorted(set(p["state"] for o in L if o["type"] == "round" for p in o["probes"]))))')"
assert_eq "the listener accepted $((2 * N)) connections in all" "$((2 * N))" "$(accepted "$((2 * N))")"
after=$(rsts)
assert_eq "--reset: ss shows no TIME_WAIT socket" "0" "$(time_wait)"
assert_eq "--reset: the kernel sent one RST per connection (TcpOutRsts)" "$N" "$((after - before))"

# 3. A refused port: closed, with or without --reset (nothing to reset)
np_run --reset 127.0.0.2 "$C"
assert_rc 2 "--reset, refused port: exit 2"
assert_match "--reset, refused port: closed" 'closed' "$(np_stdout)"

# 4. An exchange first, then the reset, against `netprobe listen` (it echoes):
# the banner check passes, and the server sees its peer reset the connection
# (without --reset: close it)
start_listen srv 127.0.0.3 0
for mode in reset close; do
	opt=(); [ "$mode" = reset ] && opt=(--reset)
	np_run "${opt[@]}" --send 'hello\n' --expect hello -f json 127.0.0.3 "$LPORT"
	assert_rc 0 "$mode after an exchange: exit 0"
	assert_eq "$mode after an exchange: open, the answer matched" "open true" \
		"$(jpy "$NP_OUT" '"%s %s" % (t["probes"][0]["state"], json.dumps(t["probes"][0]["exchange"]["matched"]))')"
	lport=$(jget "$NP_OUT" targets.0.probes.0.local.port)
	wait_ev srv "peer('closed', $lport) is not None" || true
	want="peer closed"; [ "$mode" = reset ] && want="reset (ECONNRESET)"
	assert_ev "$mode after an exchange: the server saw: $want, 6 bytes in, 6 out" "$want 6 6" srv \
		"(lambda e: '%s %s %s' % (e['reason'], e['bytes_in'], e['bytes_out']))(peer('closed', $lport))"
done

# 5. Bad input: one line on stderr, exit 3
np_run --reset -u 127.0.0.2 "$P"
assert_rc 3 "--reset with datagrams only: exit 3"
assert_match "--reset with datagrams only: says why" 'reset.*TCP' "$(cat "$NP_ERR")"
assert_eq "--reset with datagrams only: one line" "1" "$(wc -l <"$NP_ERR")"
np_run --reset=now 127.0.0.2 "$P"
assert_rc 3 "--reset=ARG: exit 3"
np_done
