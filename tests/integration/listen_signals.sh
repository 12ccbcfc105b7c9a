#!/bin/bash
# `netprobe listen` and the ways it is told to stop.  SIGHUP (the terminal went
# away) stops it as SIGTERM does: exit 0, a summary naming SIGHUP, clients
# closed, the Unix socket file it created removed.  A reader of its output that
# goes away (`netprobe listen | head -n 1`) stops it too: the next event meets
# EPIPE (SIGPIPE is ignored), and it exits 3 with one line on stderr instead of
# serving on with every event lost.  Traffic only to 127.0.0.1 and sockets in
# the temp dir; every wait bounded; nothing asserts how long anything took.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/listen_lib.sh"

np_init_listen
need_socat
SCHEMA_LISTEN="$top_srcdir/docs/netprobe-listen-event.schema.json"

# valid_lines DESC NAME: every event line of server NAME validates against the
# listen event schema.
valid_lines() {
	if "$PY" "$VALIDATOR" --lines "$SCHEMA_LISTEN" <"$NP_TMP/$2.ev" >"$NP_TMP/$2.val" 2>&1; then
		ok "$1: every line valid against docs/netprobe-listen-event.schema.json"
	else
		not_ok "$1: every line valid against docs/netprobe-listen-event.schema.json"
		sed 's/^/#   /' "$NP_TMP/$2.val" | head -n 20
	fi
}

# ================================================================ SIGHUP, Unix path
US="$NP_TMP/hup.sock"
start_listen hup "unix:$US" || fatal "netprobe listen unix: did not start"
cli unix "$US" 'before-hup\n'
assert_eq "hup: the server echoes before SIGHUP" "$(hex_of 'before-hup\n')" "$(cj 'd.get("received_hex")')"
stop_listen hup HUP
assert_eq "hup: SIGHUP on listen unix:PATH, exit 0 (not 129)" 0 "$LRC"
assert_ev "hup: the last line is the summary, signal SIGHUP, 1 client" "summary SIGHUP 1" hup \
	'"%s %s %s" % (E[-1]["event"], E[-1].get("signal"), E[-1].get("clients"))'
assert_true "hup: the socket file is gone after SIGHUP" test ! -e "$US"
assert_eq "hup: nothing on stderr" "" "$(cat "$NP_TMP/hup.err")"
valid_lines "hup" hup

# ================================================================ SIGHUP, TCP, a client connected (text)
start_listen huptext --text 127.0.0.1 0 || fatal "netprobe listen --text did not start"
P=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)\/tcp.*/\1/p' "$NP_TMP/huptext.ev" | head -n 1)
assert_match "huptext: the listening line names the port" '^[0-9]+$' "$P"
timeout -k 2 30 "$PY" "$LISTEN_CLIENT" stay 127.0.0.1 "${P:-1}" 'hello\n' >"$NP_TMP/stay.json" 2>&1 &
STAY=$!
np_bg_register "$STAY"
for i in $(seq 1 "$NP_POLLS"); do grep -q '^#1 accepted' "$NP_TMP/huptext.ev" && break; sleep 0.05; done
stop_listen huptext HUP
assert_eq "huptext: SIGHUP with a client connected, exit 0" 0 "$LRC"
assert_match "huptext: the client is closed: server stopping" '^#1 closed .*server stopping' \
	"$(grep '^#1 closed' "$NP_TMP/huptext.ev")"
assert_match "huptext: the last line is the summary, stopped by SIGHUP" \
	'^summary: 1 client, 0 rejected, .*; stopped by SIGHUP$' "$(tail -n 1 "$NP_TMP/huptext.ev")"
wait "$STAY"
assert_match "huptext: the client saw the server close (eof or reset)" '"end": "(eof|reset)"' \
	"$(cat "$NP_TMP/stay.json")"

# ================================================================ the reader goes away
# pipe_gone NAME WHERE ARGS...: `netprobe listen ARGS` with its stdout a fifo
# that `head -n 1` reads; once head has its line and has exited (so nobody reads
# the pipe), clients connect to WHERE (a port on 127.0.0.1, or a Unix path) one
# by one (at most 5) while netprobe runs: the next event it writes meets EPIPE.
# Sets LRC (its exit status, "killed" when it never stopped) and FIRST.
pipe_gone() {
	local name=$1 fifo="$NP_TMP/$1.fifo" hp i; shift
	mkfifo "$fifo"
	head -n 1 <"$fifo" >"$NP_TMP/$name.first" &
	hp=$!
	timeout -k 2 "$NP_HELPER_LIFETIME" "$NETPROBE" listen "$@" >"$fifo" 2>"$NP_TMP/$name.err" </dev/null &
	LWRAP=$!
	np_bg_register "$LWRAP"
	for i in $(seq 1 "$NP_POLLS"); do np_is_child "$hp" || break; sleep 0.05; done
	wait "$hp"
	FIRST=$(cat "$NP_TMP/$name.first")
	echo "# $name: head read: $FIRST"
}

# connect_while_alive WHERE: clients until the server (LWRAP) is gone, at most 5.
connect_while_alive() {
	local i
	for i in 1 2 3 4 5; do
		np_is_child "$LWRAP" || break
		case $1 in
		/*) timeout -k 2 10 socat -t 1 - "UNIX-CONNECT:$1" </dev/null >/dev/null 2>&1 ;;
		*) timeout -k 2 10 socat -t 1 - "TCP:127.0.0.1:$1" </dev/null >/dev/null 2>&1 ;;
		esac
		sleep 0.1
	done
}

# gone_checks NAME: exit 3, one stderr line naming standard output and EPIPE.
gone_checks() {
	local name=$1
	assert_eq "$name: stops when its reader is gone, exit 3" 3 "$LRC"
	assert_eq "$name: one line on stderr" 1 "$(wc -l <"$NP_TMP/$name.err" | tr -d ' ')"
	assert_match "$name: it says standard output is gone (EPIPE)" \
		'^netprobe: .*standard output.*EPIPE' "$(head -n 1 "$NP_TMP/$name.err")"
}

pipe_gone pipejson --format ndjson --bind 127.0.0.1 0
P=$(printf '%s\n' "$FIRST" | "$PY" -c 'import json,sys; print(json.loads(sys.stdin.read())["local"]["port"])' 2>/dev/null)
assert_match "pipejson: head got the listening event" '^[0-9]+$' "$P"
connect_while_alive "${P:-1}"
wait_exit pipejson
gone_checks pipejson

pipe_gone pipetext 127.0.0.1 0
P=$(printf '%s\n' "$FIRST" | sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)\/tcp.*/\1/p')
assert_match "pipetext: head got the listening line" '^[0-9]+$' "$P"
connect_while_alive "${P:-1}"
wait_exit pipetext
gone_checks pipetext

UP="$NP_TMP/pipe.sock"
pipe_gone pipeunix "unix:$UP"
assert_match "pipeunix: head got the listening line" "^listening on unix:$UP" "$FIRST"
connect_while_alive "$UP"
wait_exit pipeunix
gone_checks pipeunix
assert_true "pipeunix: the socket file is removed when it stops" test ! -e "$UP"

np_done
