#!/bin/bash
# A batch stopped by a signal (issue 10): targets that finished are all in the
# output, those in flight are counted unfinished, the summary says which signal,
# and the exit status is the worst seen so far. The targets kept in flight ask a
# DNS server that never answers, with a long -T, so the run is surely in the
# middle when the signal comes (no timing is assumed: we wait for the first
# targets' output before sending it).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init_base
start_listener sig 127.0.0.1
P=$LISTEN_PORT
start_silent_dns silent
F="$NP_TMP/targets"
{
	for i in 1 2 3; do echo "127.0.0.1:$P"; done
	for i in $(seq 1 100); do echo "n$i.silent.test $P"; done
	# after more names than may be resolved at once (64): literals need no turn
	for i in 1 2; do echo "127.0.0.1:$P"; done
} >"$F"

# run_until SIGNAL FORMAT OUT: start the batch, wait (bounded) until the five
# literal targets are out, send SIGNAL, wait for the end; RC is its status. All
# 105 targets are in flight from the start (--jobs defaults to more), and the
# 100 names wait for an answer that never comes.
run_until() {
	local sig=$1 fmt=$2 out=$3 pid want
	"$NETPROBE" "@127.0.0.1:$SILENT_PORT" -T 60 --file "$F" --format "$fmt" >"$out" 2>"$out.err" &
	pid=$!
	np_bg_register "$pid"
	case $fmt in
	text) want='^127\.0\.0\.1: ok' ;;
	ndjson) want='"type":"target"' ;;
	json) want='^      "type": "target"' ;;
	esac
	wait_lines "$out" "$want" 5 >/dev/null
	stop_with "$sig" "$pid"
}

run_until INT ndjson "$NP_TMP/int.ndjson"
assert_eq "SIGINT: exit status the worst seen (all finished targets were ok)" "0" "$RC"
check_lines "SIGINT, ndjson" "$NP_TMP/int.ndjson"
assert_eq "SIGINT: the five finished targets are all there, the summary last" \
	'5 {"interrupted":"SIGINT","targets":5,"type":"summary","unfinished":100}' \
	"$(ndpy "$NP_TMP/int.ndjson" '"%d %s" % (len(T), json.dumps({k: S[k] for k in ("type", "targets", "interrupted", "unfinished")}, sort_keys=True, separators=(",", ":")))')"
assert_eq "SIGINT: nothing on stderr" "" "$(cat "$NP_TMP/int.ndjson.err")"

run_until INT text "$NP_TMP/int.txt"
assert_eq "SIGINT, text: exit 0" "0" "$RC"
assert_match "SIGINT, text: the summary line says so" \
	'^--- 5 targets, 5 probes: 5 open; 0 DNS failures; 0 bad lines; [0-9.]+ s \(interrupted by SIGINT: 100 unfinished\)$' \
	"$(tail -n 1 "$NP_TMP/int.txt")"
assert_eq "SIGINT, text: five reports" "5" "$(grep -c '^127.0.0.1: ok, 1 of 1 probe open$' "$NP_TMP/int.txt")"

run_until TERM json "$NP_TMP/term.json"
assert_eq "SIGTERM, json: exit 0" "0" "$RC"
check_schema "SIGTERM, json: one valid document" "$NP_TMP/term.json"
assert_eq "SIGTERM, json: the summary" "5 SIGTERM 100 0" \
	"$(jpy "$NP_TMP/term.json" '"%d %s %d %d" % (len(d["targets"]), d["summary"]["interrupted"], d["summary"]["unfinished"], d["exit_code"])')"

run_until HUP ndjson "$NP_TMP/hup.ndjson"
assert_eq "SIGHUP: named in the summary" "SIGHUP 100" \
	"$(ndpy "$NP_TMP/hup.ndjson" '"%s %d" % (S["interrupted"], S["unfinished"])')"
np_done
