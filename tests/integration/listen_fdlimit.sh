#!/bin/bash
# `netprobe listen` at its file descriptor limit: prlimit lowers the running
# server's RLIMIT_NOFILE to 12, then more clients connect at once than it has
# descriptors for.  accept4() fails with EMFILE while the clients wait in the
# backlog; the server must neither spin on it (its CPU time, read from
# /proc/PID/stat, stays small: a CPU bound, not a wall-clock one) nor leave the
# clients hanging: each gets served or closed at once, with a `rejected` event
# naming EMFILE and one `fd_limit` event (text and ndjson, valid against the
# schema).  Once clients leave it serves again.  Traffic only to 127.0.0.1.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/listen_lib.sh"

np_init_listen
command -v prlimit >/dev/null 2>&1 || skip "prlimit not installed (Debian package util-linux)"
SCHEMA_LISTEN="$top_srcdir/docs/netprobe-listen-event.schema.json"
HZ=$(getconf CLK_TCK)
LIMIT=12
CROWD=16

# cpu_ticks PID: utime + stime of PID, in clock ticks (fields 14 and 15 of
# /proc/PID/stat, counted after the ")" that ends the command name).
cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

# crowd NAME: lower the server's fd limit, send the crowd (3 s at most), and check
# the CPU it used meanwhile and that no client hung.  Sets SERVED, CLOSED (closed
# by the server: EOF, or RST as the client had sent data the server never read).
crowd() {
	local name=$1 t0 t1 outcomes
	prlimit --pid "$LPID" --nofile=$LIMIT: ||
		fatal "prlimit --pid $LPID --nofile=$LIMIT failed"
	t0=$(cpu_ticks "$LPID")
	cli --timeout 3 crowd 127.0.0.1 "$LPORT" "$CROWD" 'x\n'
	t1=$(cpu_ticks "$LPID")
	assert_true "$name: the server still runs after the crowd" server_alive
	assert_true "$name: CPU used while $CROWD clients met $LIMIT descriptors: $((t1 - t0)) ticks, under $((HZ / 2)) (0.5 s; a spin on EMFILE takes the whole wait)" \
		test "$((t1 - t0))" -lt "$((HZ / 2))"
	outcomes=$(cj '" ".join(d["outcomes"])')
	echo "# $name: client outcomes: $outcomes"
	SERVED=$(cj 'd["outcomes"].count("served")')
	CLOSED=$(cj 'd["outcomes"].count("closed") + d["outcomes"].count("reset")')
	assert_eq "$name: no client hangs: each is served or closed (EOF or reset)" "$CROWD" "$((SERVED + CLOSED))"
	assert_true "$name: some clients are served ($SERVED)" test "$SERVED" -ge 1
	assert_true "$name: the clients beyond the limit are closed ($CLOSED)" test "$CLOSED" -ge 1
}

# ================================================================ ndjson
start_listen fd --bind 127.0.0.1 0 || fatal "netprobe listen did not start"
crowd fd
wait_ev fd "len(ev('rejected')) >= $CLOSED" || true
assert_ev "fd: one fd_limit event: EMFILE, errno 24, limit $LIMIT, action reject" \
	"1 EMFILE 24 $LIMIT reject" fd \
	'(lambda l: "%d %s %s %s %s" % (len(l), l[0]["error"]["code"], l[0]["error"]["errno"], l[0]["limit"], l[0]["action"]))(ev("fd_limit"))'
assert_ev "fd: one rejected event per closed client ($CLOSED), each naming EMFILE" true fd \
	"len(ev('rejected')) == $CLOSED and all('EMFILE' in e['reason'] for e in ev('rejected'))"
assert_ev "fd: one accepted event per served client ($SERVED)" "$SERVED" fd 'len(ev("accepted"))'
CLOSED_PORTS=$(cj 'sorted(l["port"] for l, o in zip(d["local"], d["outcomes"]) if o != "served")')
assert_ev "fd: the rejected peers are the crowd's closed clients" "$CLOSED_PORTS" fd \
	'sorted(e["peer"]["port"] for e in ev("rejected"))'
# the crowd has gone: descriptors are free again, and a new client is served
wait_ev fd "len(ev('closed')) >= $SERVED" || true
cli echo 127.0.0.1 "$LPORT" 'after\n'
assert_eq "fd: after the crowd left, a new client is echoed" "$(hex_of 'after\n')" "$(cj 'd.get("received_hex")')"
stop_listen fd INT
assert_eq "fd: SIGINT, exit 0" 0 "$LRC"
assert_ev "fd: summary: rejected = $CLOSED, clients = $SERVED + 1" "$CLOSED $((SERVED + 1))" fd \
	'"%s %s" % (ev("summary")[0]["rejected"], ev("summary")[0]["clients"])'
if "$PY" "$VALIDATOR" --lines "$SCHEMA_LISTEN" <"$NP_TMP/fd.ev" >"$NP_TMP/fd.val" 2>&1; then
	ok "fd: every line valid against docs/netprobe-listen-event.schema.json"
else
	not_ok "fd: every line valid against docs/netprobe-listen-event.schema.json"
	sed 's/^/#   /' "$NP_TMP/fd.val" | head -n 20
fi

# ================================================================ text
start_listen fdt --text --bind 127.0.0.1 0 || fatal "netprobe listen --text did not start"
LPORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)\/tcp.*/\1/p' "$NP_TMP/fdt.ev" | head -n 1)
crowd fdt
for i in $(seq 1 "$NP_POLLS"); do
	[ "$(grep -c ' rejected from ' "$NP_TMP/fdt.ev")" -ge "$CLOSED" ] && break
	sleep 0.05
done
assert_match "fdt: the fd limit line names EMFILE and the limit" \
	"^fd limit: accept\(\) failed: .*\(EMFILE\).* limit $LIMIT" "$(grep '^fd limit' "$NP_TMP/fdt.ev")"
assert_eq "fdt: one rejected line per closed client, each naming EMFILE" "$CLOSED" \
	"$(grep -c '^#[0-9]* rejected from 127\.0\.0\.1:[0-9]* on .*EMFILE' "$NP_TMP/fdt.ev")"
stop_listen fdt TERM
assert_eq "fdt: SIGTERM, exit 0" 0 "$LRC"
assert_match "fdt: the summary counts the rejected" "^summary: $SERVED clients?, $CLOSED rejected" \
	"$(tail -n 1 "$NP_TMP/fdt.ev")"

# ================================================================ no room even with the spare: pause
# A limit below the descriptors it already holds: freeing the spare does not make
# room, so accepting pauses (the clients wait in the backlog, which is what a
# pause means), its CPU stays small, and once the limit is raised it serves again.
start_listen fdp --bind 127.0.0.1 0 || fatal "netprobe listen did not start"
# every descriptor below the epoll one is taken, and the spare came after it: a
# limit of epoll's number + 1 leaves no room even when the spare is closed
EPFD=$(for f in /proc/"$LPID"/fd/*; do
	[ "$(readlink "$f")" = "anon_inode:[eventpoll]" ] && basename "$f"; done | head -n 1)
assert_match "fdp: the server's epoll descriptor is found" '^[0-9]+$' "$EPFD"
LIMIT=$((${EPFD:-3} + 1))
CROWD=4
prlimit --pid "$LPID" --nofile=$LIMIT: || fatal "prlimit --pid $LPID --nofile=$LIMIT failed"
t0=$(cpu_ticks "$LPID")
cli --timeout 1.5 crowd 127.0.0.1 "$LPORT" "$CROWD" 'x\n'
t1=$(cpu_ticks "$LPID")
assert_true "fdp: CPU used while paused at the limit: $((t1 - t0)) ticks, under $((HZ / 2)) (0.5 s)" \
	test "$((t1 - t0))" -lt "$((HZ / 2))"
assert_eq "fdp: the clients wait in the backlog while accepting is paused" \
	"hung hung hung hung" "$(cj '" ".join(d["outcomes"])')"
assert_ev "fdp: one fd_limit event: pause for 100 ms at a time, EMFILE, limit $LIMIT" \
	"pause:100.0 EMFILE $LIMIT" fdp \
	'" ".join("%s:%s" % (e["action"], e["pause_ms"]) for e in ev("fd_limit")) + " %s %s" % (ev("fd_limit")[-1]["error"]["code"], ev("fd_limit")[-1]["limit"])'
prlimit --pid "$LPID" --nofile=64: || fatal "prlimit --pid $LPID --nofile=64 failed"
cli echo 127.0.0.1 "$LPORT" 'resumed\n'
assert_eq "fdp: with the limit raised it accepts and echoes again" "$(hex_of 'resumed\n')" \
	"$(cj 'd.get("received_hex")')"
stop_listen fdp INT
assert_eq "fdp: SIGINT, exit 0" 0 "$LRC"
if "$PY" "$VALIDATOR" --lines "$SCHEMA_LISTEN" <"$NP_TMP/fdp.ev" >"$NP_TMP/fdp.val" 2>&1; then
	ok "fdp: every line valid against docs/netprobe-listen-event.schema.json"
else
	not_ok "fdp: every line valid against docs/netprobe-listen-event.schema.json"
	sed 's/^/#   /' "$NP_TMP/fdp.val" | head -n 20
fi

np_done
