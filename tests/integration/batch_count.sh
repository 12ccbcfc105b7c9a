#!/bin/bash
# --count (issue 10): rounds of probes as ping sends them, and ping's statistics.
# A listener on loopback gives 0 % loss, a port held closed 100 %; the statistics
# (sent, open, loss, min/avg/max/mdev) equal what the per-round lines compute
# (python, from the ndjson round objects and from the text lines); --re-resolve
# asks knotd every round; SIGINT stops a --count 0 run with its statistics.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
start_listener cnt 127.0.0.1
P=$LISTEN_PORT
start_closed_port closed
C=$CLOSED_PORT
start_silent_dns silent
K="@127.0.0.1:$KNOT_PORT"

# stats_of FILE: per (address, port) "sent open loss min avg max mdev" as ping
# computes them from the round objects, next to the statistics netprobe gave;
# prints the slots where they differ by more than the rounding of the times.
STATS_PY='
import json, math, sys
L = [json.loads(l) for l in open(sys.argv[1])]
rounds = [o for o in L if o["type"] == "round"]
stats = [s for o in L if o["type"] == "target" for s in o["statistics"]]
bad = []
for s in stats:
    ts = [p["time_ms"] for r in rounds for p in r["probes"]
          if p["address"] == s["address"] and p["port"] == s["port"] and p["proto"] == s["proto"]]
    st = [p["state"] for r in rounds for p in r["probes"]
          if p["address"] == s["address"] and p["port"] == s["port"] and p["proto"] == s["proto"]]
    op = [t for t, x in zip(ts, st) if x == "open"]
    want = {"sent": len(ts), "open": len(op), "loss_percent": 100.0 * (len(ts) - len(op)) / len(ts)}
    if op:
        avg = sum(op) / len(op)
        want.update(min_ms=min(op), avg_ms=avg, max_ms=max(op),
                    mdev_ms=math.sqrt(max(0.0, sum(t * t for t in op) / len(op) - avg * avg)))
    else:
        want.update(min_ms=None, avg_ms=None, max_ms=None, mdev_ms=None)
    for k, v in want.items():
        g = s[k]
        if (v is None) != (g is None) or (v is not None and abs(v - g) > (0.002 if k != "mdev_ms" else 0.01)):
            bad.append("%s:%s %s: want %s, got %s" % (s["address"], s["port"], k, v, g))
print("; ".join(bad) if bad else "agree (%d slots, %d rounds)" % (len(stats), len(rounds)))
'

# ---- loss 0 % on a listener, 100 % on a closed port, both in one target
np_run --count 5 -i 0.05 --format ndjson 127.0.0.1 "$P,$C"
O=$NP_OUT
assert_rc 1 "listener and closed port: degraded (1)"
assert_eq "the listener's own count: it accepted the 5 connections" "5" "$(wait_count cnt 5)"
check_lines "--count ndjson" "$O"
assert_eq "five round lines, then the target, then the summary" "round round round round round target summary" \
	"$(ndpy "$O" '" ".join(o["type"] for o in L)')"
assert_eq "seq 1-5, DNS shown only in round 1 (no --re-resolve)" "[[1,true],[2,false],[3,false],[4,false],[5,false]]" \
	"$(ndpy "$O" '[[o["seq"], o["dns"] is not None] for o in L if o["type"] == "round"]')"
assert_eq "listener: 5 sent, 5 open, 0 % loss; closed: 5 sent, 0 open, 100 % loss, no times" \
	'[[5,5,0.0,true],[5,0,100.0,false]]' \
	"$(ndpy "$O" '[[s["sent"], s["open"], s["loss_percent"], s["avg_ms"] is not None] for s in T[0]["statistics"]]')"
assert_eq "statistics equal what the round objects compute" "agree (2 slots, 5 rounds)" \
	"$("$PY" -c "$STATS_PY" "$O")"
assert_eq "the target keeps its 5 rounds, none dropped" "5 0" \
	"$(ndpy "$O" '"%d %d" % (len(T[0]["rounds"]), T[0]["rounds_dropped"])')"
assert_eq "the summary counts every round's probes" '10 {"closed":5,"open":5}' \
	"$(ndpy "$O" '"%d %s" % (S["probes"], json.dumps(S["states"], sort_keys=True, separators=(",", ":")))')"

np_run --count 4 -i 0.05 127.0.0.1 "$C"
assert_rc 2 "closed port: down (2)"
assert_match "text, closed port: 100% loss, no time part" \
	"^127\.0\.0\.1 $C/tcp: 4 sent, 0 open, 100% loss$" "$(grep "sent," "$NP_OUT")"

# ---- text: the round lines and the statistics agree too
np_run --count 6 -i 0.05 127.0.0.1 "$P"
assert_rc 0 "listener: ok (0)"
assert_eq "text: a line per round" "6" "$(grep -c "^127\.0\.0\.1 $P/tcp: seq=[1-6] open time=[0-9.]* ms$" "$NP_OUT")"
assert_match "text: the statistics heading" "^--- 127\.0\.0\.1 statistics: 6 rounds ---$" "$(grep '^--- 127' "$NP_OUT")"
assert_eq "text: ping's line from the round lines' times" "agree" "$("$PY" - "$NP_OUT" "$P" <<'PYEOF'
import math, re, sys
text = open(sys.argv[1]).read()
ts = [float(x) for x in re.findall(r"seq=\d+ open time=([0-9.]+) ms", text)]
m = re.search(r": (\d+) sent, (\d+) open, ([0-9.]+)% loss, time min/avg/max/mdev = ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+) ms", text)
avg = sum(ts) / len(ts)
want = [len(ts), len(ts), 0, min(ts), avg, max(ts), math.sqrt(max(0, sum(t * t for t in ts) / len(ts) - avg * avg))]
got = [float(x) for x in m.groups()]
print("agree" if all(abs(a - b) <= 0.002 + (0.01 if i == 6 else 0) for i, (a, b) in enumerate(zip(want, got))) else "want %s got %s" % (want, got))
PYEOF
)"
assert_match "text: the summary line last" "^--- 1 targets, 6 probes: 6 open; 0 DNS failures; 0 bad lines; [0-9.]+ s$" \
	"$(tail -n 1 "$NP_OUT")"

# ---- JSON: one document, rounds and statistics in the target
np_json --count 3 -i 0.05 "127.0.0.1:$P"
check_json_basics "--count json" "$NP_JSON" 0
assert_eq "json: 3 rounds, statistics of one slot" "3 1 3" \
	"$(jpy "$NP_JSON" '"%d %d %d" % (len(t["rounds"]), len(t["statistics"]), t["statistics"][0]["sent"])')"

# ---- --re-resolve: knotd is asked every round (kdig: the oracle for the address)
np_run "$K" --count 3 -i 0.05 --re-resolve --format ndjson a4.example.test "$P"
assert_eq "--re-resolve: every round resolved, to what kdig says" \
	"[[1,\"ok\",\"$(kdig_addrs a4.example.test | cut -d' ' -f1)\"],[2,\"ok\",\"127.0.0.1\"],[3,\"ok\",\"127.0.0.1\"]]" \
	"$(ndpy "$NP_OUT" '[[o["seq"], o["dns"]["status"], ",".join(o["dns"]["addresses"])] for o in L if o["type"] == "round"]')"
np_run "$K" --count 3 -i 0.05 --re-resolve a4.example.test "$P"
assert_eq "--re-resolve, text: a dns line in rounds 2 and 3" "2" \
	"$(grep -c '^seq=[23]: dns ok in [0-9.]* ms, 1 address$' "$NP_OUT")"
np_run "$K" --count 3 -i 0.05 nxdomain.example.test "$P"
assert_rc 2 "a name that does not resolve: dns_failed (2)"
assert_match "... and one round is enough without --re-resolve" "statistics: 1 round ---" "$(np_stdout)"

# ---- --count 0 ends when its reader does (| head -2)
timeout -k 2 "$NP_TIMEOUT_WALL" "$NETPROBE" --count 0 -i 0.01 127.0.0.1 "$C" 2>"$NP_TMP/head.err" | head -n 2 >/dev/null
rcs=("${PIPESTATUS[@]}")
assert_eq "--count 0 | head -2: netprobe ends by itself, exit 3, silent" "3 " \
	"${rcs[0]} $(cat "$NP_TMP/head.err")"

# ---- options
np_run -i 0.5 127.0.0.1 "$P"
assert_rc 3 "--interval without --count: usage error"
np_run --count 2 -i 0.001 127.0.0.1 "$P"
assert_rc 3 "--interval below 0.01: usage error"
assert_match "... saying the bound" "at least 0.01" "$(cat "$NP_ERR")"

# ---- --count 0 with more targets than --jobs: the others would wait forever
# for a place (each target keeps its place until its last round); a usage
# error, said as soon as it is known, not a silent stall
np_run --count 0 -i 0.05 --jobs 2 -f ndjson "127.0.0.1:$P" "127.0.0.2:$P" "127.0.0.3:$P"
assert_rc 3 "--count 0, 3 targets, --jobs 2: exit 3"
assert_match "... one line naming the target that cannot start, and the way out" \
	"^netprobe: 127\.0\.0\.3:$P: --count 0 keeps each target in one of the 2 places of --jobs until interrupted: this one would never start; give --jobs at least the number of targets$" \
	"$(cat "$NP_ERR")"
assert_eq "... one line on stderr" "1" "$(wc -l <"$NP_ERR")"
check_lines "--count 0 over --jobs" "$NP_OUT"
assert_eq "... the run stops at once: the summary counts the 2 started as unfinished, exit_code 3" \
	"summary 2 3" "$(ndpy "$NP_OUT" '"%s %d %d" % (S["type"], S["unfinished"], S["exit_code"])')"
printf '127.0.0.1 %s\n# the third line:\n127.0.0.1 %s\n127.0.0.1 %s\n' "$P" "$P" "$P" >"$NP_TMP/three.txt"
np_run --count 0 -i 0.05 --jobs 2 --file "$NP_TMP/three.txt"
assert_rc 3 "--count 0, a file of 3 targets, --jobs 2: exit 3"
assert_match "... the line named as a bad line is" "^netprobe: $NP_TMP/three.txt:4: --count 0 keeps each target" "$(cat "$NP_ERR")"
printf '# comment\n127.0.0.1 %s\n\n127.0.0.1 %s\n# another\n\n' "$P" "$P" >"$NP_TMP/two.txt"
"$NETPROBE" --count 0 -i 0.05 --jobs 2 --file "$NP_TMP/two.txt" >"$NP_TMP/two.out" 2>"$NP_TMP/two.err" &
pid=$!
np_bg_register "$pid"
wait_lines "$NP_TMP/two.out" 'seq=' 6 >/dev/null
stop_with INT "$pid"
assert_eq "--count 0, as many targets as --jobs (and comments after them): runs until SIGINT, exit 0, nothing on stderr" \
	"0 " "$RC $(cat "$NP_TMP/two.err")"
assert_true "... after at least 6 round lines" [ "$(grep -c "^127\.0\.0\.1 $P/tcp: seq=[0-9]* open" "$NP_TMP/two.out")" -ge 6 ]
assert_match "... and the summary line saying SIGINT, nothing unfinished" \
	"^--- 2 targets, [0-9]+ probes: [0-9]+ open; 0 DNS failures; 0 bad lines; [0-9.]+ s \(interrupted by SIGINT: 0 unfinished\)$" \
	"$(tail -n 1 "$NP_TMP/two.out")"

# ---- SIGINT in the middle of --count 0: the complete rounds' statistics
for fmt in ndjson text; do
	out="$NP_TMP/int.$fmt"
	"$NETPROBE" --count 0 -i 0.05 --format "$fmt" 127.0.0.1 "$P" "$C" >"$out" 2>"$out.err" &
	pid=$!
	np_bg_register "$pid"
	wait_lines "$out" 'seq=|"seq":' 8 >/dev/null	# a few rounds are out
	stop_with INT "$pid"
	rc=$RC
	assert_eq "SIGINT, $fmt: exit 1 (degraded: one port open, one closed)" "1" "$rc"
	assert_eq "SIGINT, $fmt: nothing on stderr" "" "$(cat "$out.err")"
	if [ "$fmt" = ndjson ]; then
		check_lines "SIGINT, --count 0" "$out"
		assert_eq "SIGINT: the target's statistics, the summary says SIGINT, nothing unfinished" \
			"1 SIGINT 0" "$(ndpy "$out" '"%d %s %d" % (len(T), S["interrupted"], S["unfinished"])')"
		assert_eq "SIGINT: statistics count exactly the rounds printed (the one in flight is not)" \
			"true" "$(ndpy "$out" 'all(s["sent"] == sum(1 for o in L if o["type"] == "round") for s in T[0]["statistics"])')"
		assert_match "SIGINT: statistics equal the round objects', both slots" "^agree \(2 slots, [0-9]+ rounds\)$" \
			"$("$PY" -c "$STATS_PY" "$out")"
	else
		assert_match "SIGINT, text: statistics, verdict, then the summary" \
			"statistics: [0-9]+ rounds ---.*$C/tcp: [0-9]+ sent, 0 open, 100% loss.*127.0.0.1: degraded.*\(interrupted by SIGINT: 0 unfinished\)" \
			"$(tr '\n' ' ' <"$out")"
	fi
done

# ---- SIGINT while a --re-resolve round waits for a DNS server that never
# answers (each round's lookup takes its -T 0.3, the gap between rounds 0.05 s):
# the target with complete rounds is reported with their statistics, and the
# lookup in flight ends before that target is freed (ASan, valgrind: no answer
# may land in freed memory); the literal beside it is resolved once
out="$NP_TMP/rr.ndjson"
"$NETPROBE" "@127.0.0.1:$SILENT_PORT" -T 0.3 --count 0 -i 0.05 --re-resolve --format ndjson \
	"n1.silent.test:$P" "127.0.0.1:$P" >"$out" 2>"$out.err" &
pid=$!
np_bg_register "$pid"
wait_lines "$out" '"type":"round","input":"n1' 2 >/dev/null
stop_with INT "$pid"
rc=$RC
assert_eq "SIGINT mid-lookup: exit 2 (the name failed every round)" "2" "$rc"
assert_eq "SIGINT mid-lookup: nothing on stderr" "" "$(cat "$out.err")"
check_lines "SIGINT mid-lookup" "$out"
assert_eq "SIGINT mid-lookup: both reported, nothing unfinished" "2 0 SIGINT" \
	"$(ndpy "$out" '"%d %d %s" % (len(T), S["unfinished"], S["interrupted"])')"
assert_eq "SIGINT mid-lookup: the name's verdict from its complete rounds" "dns_failed true" \
	"$(ndpy "$out" '" ".join([t["verdict"] + " " + str(len(t["rounds"]) == sum(1 for o in L if o["type"] == "round" and o["input"] == t["input"])).lower() for t in T if t["host"].startswith("n1")])')"
assert_eq "SIGINT mid-lookup: a literal is resolved once, --re-resolve or not" "1" \
	"$(ndpy "$out" 'sum(1 for o in L if o["type"] == "round" and o["input"].startswith("127") and o["dns"] is not None)')"
n1_rounds=$(ndpy "$out" 'sum(1 for o in L if o["type"] == "round" and o["input"].startswith("n1"))')
silent_got=$(wait_count silent "$n1_rounds")
assert_true "SIGINT mid-lookup: at least the 2 n1 rounds waited for ($n1_rounds)" [ "$n1_rounds" -ge 2 ]
assert_true "SIGINT mid-lookup: the silent server counted a query at least for each n1 round ($silent_got >= $n1_rounds)" \
	[ "$silent_got" -ge "$n1_rounds" ]
np_done
