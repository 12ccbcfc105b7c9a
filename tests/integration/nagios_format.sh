#!/bin/bash
# --format nagios against hand-checked expectations: the status line
# (NETPROBE STATUS - words | perfdata), the long output, and the exit code
# for OK, WARNING (degraded; a -w threshold crossed), CRITICAL (closed port,
# NXDOMAIN, a -c threshold crossed), UNKNOWN (a bad range, LOSS without
# --count); loss thresholds with --count against a closed port (100 % loss)
# and an open one (0 %); several targets (--file). The perfdata is parsed back
# by a parser written here from the plugin guidelines' grammar
#   'label'=value[UOM];[warn];[crit];[min];[max]
# and monitoring-plugins' check_tcp (Debian monitoring-plugins-basic), the
# reference plugin, gives the same status on the same open and closed ports.
# Thresholds are made deterministic: -w 0.000001 s is crossed by any real
# connect, @0:10 (alert inside 0..10 s) by any answer within the timeout.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
start_listener v4only 127.0.0.1
P=$LISTEN_PORT
start_closed_port closed
C=$CLOSED_PORT
KS="@127.0.0.1:$KNOT_PORT"
T='[0-9]+(\.[0-9]+)?'	# a number as the status line writes it

# perf: the perfdata of the first line parsed by the guidelines' grammar, as
# JSON [[label, value, uom, warn, crit, min, max], ...]; "<bad: ...>" when
# some text does not parse (the whole perfdata must)
perf() {
	"$PY" - "$NP_OUT" <<'PYEOF'
import json, re, sys
line = open(sys.argv[1], encoding="utf-8").readline().rstrip("\n")
if " | " not in line:
    print("<bad: no ' | ' on the status line>"); sys.exit(0)
data = line.split(" | ", 1)[1]
NUM = r"-?[0-9]+(?:\.[0-9]+)?"
RANGE = r"@?(?:(?:~|%s)?:)?(?:%s)?" % (NUM, NUM)
ITEM = re.compile(
    r"(?P<label>'(?:[^']|'')+'|[^'= ]+)=(?P<value>%s|U)(?P<uom>s|ms|us|%%|B|KB|MB|TB|c)?"
    r"(?:;(?P<warn>%s)(?:;(?P<crit>%s)(?:;(?P<min>%s)?(?:;(?P<max>%s)?)?)?)?)?(?: +|$)"
    % (NUM, RANGE, RANGE, NUM, NUM))
out, pos = [], 0
while pos < len(data):
    m = ITEM.match(data, pos)
    if not m or m.end() == pos:
        print("<bad: cannot parse at %r>" % data[pos:pos + 40]); sys.exit(0)
    label = m.group("label")
    if label.startswith("'"):
        label = label[1:-1].replace("''", "'")
    out.append([label, m.group("value"), m.group("uom") or "", m.group("warn") or "",
                m.group("crit") or "", m.group("min") or "", m.group("max") or ""])
    pos = m.end()
print(json.dumps(out))
PYEOF
}

# pf FIELD LABEL: one field of one perfdata item (label, value, uom, warn, crit,
# min, max), from perf's JSON
pf() {
	"$PY" -c '
import json, sys
f = ["label", "value", "uom", "warn", "crit", "min", "max"].index(sys.argv[1])
items = json.loads(sys.argv[3]) if sys.argv[3].startswith("[") else []
v = [i[f] for i in items if i[0] == sys.argv[2]]
print(v[0] if v else "<none>")' "$1" "$2" "$PERF"
}

status_line() { head -n 1 "$NP_OUT" | sed 's/ | .*//'; }

# ---- OK: an open port, address literal
np_run --format nagios 127.0.0.1 "$P"
assert_rc 0 "open: exit 0 (OK)"
assert_match "open: status line" \
	"^NETPROBE OK - 127\\.0\\.0\\.1 $P: ok, 1 of 1 connected, time $T s\$" "$(status_line)"
PERF=$(perf)
assert_eq "open: perfdata labels, in order" '["time", "dns", "connect 127.0.0.1 '"$P"'/tcp"]' \
	"$("$PY" -c 'import json, sys; print(json.dumps([i[0] for i in json.loads(sys.argv[1])]))' "$PERF")"
assert_eq "open: time in s, no thresholds, 0;3 (the timeout)" "s;;;0;3" \
	"$(pf uom time);$(pf warn time);$(pf crit time);$(pf min time);$(pf max time)"
assert_eq "open: dns 0 s for a literal" "0" "$(pf value dns)"
assert_eq "open: the connect time is the response time" "$(pf value time)" \
	"$(pf value "connect 127.0.0.1 $P/tcp")"
assert_match "open: long output, one line for the address" \
	"^127\\.0\\.0\\.1 $P/tcp: open, $T s\$" "$(sed -n 2p "$NP_OUT")"
assert_eq "open: two lines in all" 2 "$(wc -l <"$NP_OUT")"

# ---- the reference plugin agrees on open and closed
CHECK_TCP=/usr/lib/nagios/plugins/check_tcp
if [ -x "$CHECK_TCP" ]; then
	"$CHECK_TCP" -H 127.0.0.1 -p "$P" -t 3 >"$NP_TMP/check_tcp.out" 2>&1
	ref=$?
	assert_eq "check_tcp on the open port: OK (exit 0), as netprobe" "0 $NP_RC" "$ref 0"
	np_run --format nagios -T 3 127.0.0.1 "$C"
	"$CHECK_TCP" -H 127.0.0.1 -p "$C" -t 3 >"$NP_TMP/check_tcp.out" 2>&1
	ref=$?
	assert_eq "check_tcp and netprobe on the closed port: both CRITICAL (exit 2)" "2 2" "$ref $NP_RC"
else
	echo "# check_tcp not installed (Debian monitoring-plugins-basic): not compared"
fi

# ---- WARNING: a dual-stack name, the port open on 127.0.0.1 only (degraded)
np_run --format nagios "$KS" dual.example.test "$P"
assert_rc 1 "degraded: exit 1 (WARNING)"
assert_match "degraded: status line" \
	"^NETPROBE WARNING - dual\\.example\\.test $P: degraded, 1 of 2 connected, time $T s\$" \
	"$(status_line)"
PERF=$(perf)
assert_eq "degraded: a connect item per address" "2" \
	"$("$PY" -c 'import json, sys; print(sum(1 for i in json.loads(sys.argv[1]) if i[0].startswith("connect ")))' "$PERF")"
assert_true "degraded: dns time > 0 through knotd" "$PY" -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 0 else 1)' "$(pf value dns)"
assert_match "degraded: long output names ::1 closed" "^::1 $P/tcp: closed, $T s: " \
	"$(grep '^::1 ' "$NP_OUT")"

# ---- WARNING: -w crossed on a real connect (any connect takes over 1 us)
np_run --format nagios -w 0.000001 127.0.0.1 "$P"
assert_rc 1 "-w 0.000001: exit 1 (WARNING)"
assert_match "-w 0.000001: status line says which threshold" \
	"^NETPROBE WARNING - 127\\.0\\.0\\.1 $P: ok, 1 of 1 connected, time $T s; time crosses -w 0\\.000001\$" \
	"$(status_line)"
PERF=$(perf)
assert_eq "-w 0.000001: the warn field of time" "0.000001" "$(pf warn time)"
np_run --format nagios -w @0:10 -c 20 127.0.0.1 "$P"
assert_rc 1 "-w @0:10 (inside alerts): exit 1 (WARNING)"
PERF=$(perf)
assert_eq "-w @0:10 -c 20: warn and crit fields" "@10 20" "$(pf warn time) $(pf crit time)"
np_run --format nagios -w 10 127.0.0.1 "$P"
assert_rc 0 "-w 10 not crossed: exit 0 (OK)"

# ---- CRITICAL: closed, NXDOMAIN, -c crossed
np_run --format nagios 127.0.0.1 "$C"
assert_rc 2 "closed: exit 2 (CRITICAL)"
assert_match "closed: status line" \
	"^NETPROBE CRITICAL - 127\\.0\\.0\\.1 $C: down, 0 of 1 connected, time $T s\$" "$(status_line)"
assert_match "closed: long output says closed and why" "^127\\.0\\.0\\.1 $C/tcp: closed, $T s: .*refused" \
	"$(sed -n 2p "$NP_OUT")"
assert_eq "oracle: knotd says NXDOMAIN" NXDOMAIN "$(kdig_rcode nxdomain.example.test A)"
np_run --format nagios "$KS" nxdomain.example.test "$P"
assert_rc 2 "nxdomain: exit 2 (CRITICAL)"
assert_match "nxdomain: status line names the verdict and the DNS status" \
	"^NETPROBE CRITICAL - nxdomain\\.example\\.test $P: dns_failed, dns nxdomain, time $T s\$" \
	"$(status_line)"
PERF=$(perf)
assert_eq "nxdomain: time and dns only (no address)" "time dns" \
	"$("$PY" -c 'import json, sys; print(" ".join(i[0] for i in json.loads(sys.argv[1])))' "$PERF")"
assert_match "nxdomain: long output says the DNS error" "^dns: " "$(sed -n 2p "$NP_OUT")"
np_run --format nagios -w 0.000001 -c 0.000002 127.0.0.1 "$P"
assert_rc 2 "-c 0.000002 crossed: exit 2 (CRITICAL, over the warning)"
assert_match "-c crossed: status line" "; time crosses -c 0\\.000002\$" "$(status_line)"
np_run --format nagios -c @0:10 127.0.0.1 "$P"
assert_rc 2 "-c @0:10: exit 2"

# ---- UNKNOWN: bad input, exit 3, one line on stderr, nothing on stdout
unknown() {
	local d=$1; shift
	np_run "$@"
	assert_rc 3 "$d: exit 3 (UNKNOWN)"
	assert_eq "$d: one line on stderr" 1 "$(wc -l <"$NP_ERR")"
	assert_match "$d: it names the option" "${WANT:-^netprobe: -w/--warning: }" "$(cat "$NP_ERR")"
	assert_eq "$d: nothing on stdout" "" "$(cat "$NP_OUT")"
}
unknown "bad range abc" --format nagios -w abc 127.0.0.1 "$P"
unknown "start above end 10:5" --format nagios -w 10:5 127.0.0.1 "$P"
unknown "LOSS without --count" --format nagios -w ,20% 127.0.0.1 "$P"
WANT='^netprobe: -c/--critical: ' unknown "-c LOSS without --count" --format nagios -c 1,20% 127.0.0.1 "$P"
WANT='--format nagios' unknown "-w without --format nagios" -w 1 127.0.0.1 "$P"

# ---- --count: loss thresholds
np_run --format nagios --count 2 -i 0.01 -w ,50% -c ,90% 127.0.0.1 "$C"
assert_rc 2 "--count closed: exit 2 (CRITICAL)"
assert_match "--count closed: 100 % loss, crosses -c" \
	"^NETPROBE CRITICAL - 127\\.0\\.0\\.1 $C: down, 0 of 1 connected, time $T s, 2 rounds, loss 100%; loss crosses -c 90%\$" \
	"$(status_line)"
PERF=$(perf)
assert_eq "--count closed: loss=100%;50;90;0;100" "100 % 50 90 0 100" \
	"$(pf value loss) $(pf uom loss) $(pf warn loss) $(pf crit loss) $(pf min loss) $(pf max loss)"
assert_eq "--count closed: no rtt_avg (nothing open)" "<none>" "$(pf value rtt_avg)"
np_run --format nagios --count 2 -i 0.01 -w ,50% -c ,90% 127.0.0.1 "$P"
assert_rc 0 "--count open: exit 0 (OK, 0 % loss)"
PERF=$(perf)
assert_eq "--count open: loss 0" "0" "$(pf value loss)"
assert_true "--count open: rtt_avg in s, > 0" "$PY" -c 'import sys; sys.exit(0 if sys.argv[2] == "s" and float(sys.argv[1]) > 0 else 1)' \
	"$(pf value rtt_avg)" "$(pf uom rtt_avg)"
np_run --format nagios --count 2 -i 0.01 -w ,@0:100% 127.0.0.1 "$P"
assert_rc 1 "--count open, -w ,@0:100% (any loss alerts, 0 too): exit 1 (WARNING)"
assert_match "--count open, -w ,@0:100%: status says loss" "; loss crosses -w @100%\$" "$(status_line)"

# ---- several targets: one status line, the worst; long output a line each
printf '127.0.0.1:%s\n127.0.0.1:%s\nnot a target:x\n' "$P" "$C" >"$NP_TMP/targets"
np_run --format nagios --file "$NP_TMP/targets"
assert_rc 2 "--file: exit 2 (CRITICAL beats UNKNOWN of the bad line)"
assert_eq "--file: status line" "NETPROBE CRITICAL - 2 targets: 1 OK, 1 CRITICAL; 1 bad line" \
	"$(status_line)"
assert_eq "--file: long output, a line each: the two targets and the bad line" \
	"CRITICAL OK UNKNOWN" "$(sed -n '2,$p' "$NP_OUT" | awk '{print $1}' | sort | tr '\n' ' ' | sed 's/ $//')"
PERF=$(perf)
assert_eq "--file: perfdata labels prefixed by the target" "127.0.0.1:$P time" \
	"$(pf label "127.0.0.1:$P time")"
assert_eq "--file: perfdata of the closed target" "127.0.0.1:$C connect 127.0.0.1 $C/tcp" \
	"$(pf label "127.0.0.1:$C connect 127.0.0.1 $C/tcp")"
printf '127.0.0.1:%s\n' "$P" >"$NP_TMP/one"
np_run --format nagios --file "$NP_TMP/one"
assert_rc 0 "--file, one good target: exit 0"
printf 'bad line:x\n' >"$NP_TMP/bad"
np_run --format nagios --file "$NP_TMP/bad"
assert_rc 3 "--file, only a bad line: exit 3 (UNKNOWN)"
assert_eq "--file, only a bad line: status line" "NETPROBE UNKNOWN - 0 targets; 1 bad line" \
	"$(status_line)"

# ---- hostile: a '|' in a Unix path does not start perfdata early
np_run --format nagios "unix:$NP_TMP/a|b.sock"
assert_rc 2 "unix path with '|': exit 2"
assert_match "unix path with '|': shown as \\x7c" 'a\\x7cb\.sock' "$(status_line)"
PERF=$(perf)
assert_match "unix path with '|': perfdata still parses" '^\[\["time"' "$PERF"

np_done
