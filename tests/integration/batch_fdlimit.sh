#!/bin/bash
# Batch mode under a small descriptor limit (issue 10): with ulimit -n 64,
# hundreds of targets of 201 ports each (1-200 and a listener's port) run to the
# end without one EMFILE: the socket gate keeps the probes' sockets within the
# limit less 32, whatever --jobs says. Every state is right: the listener's port
# is open on 127.0.0.1-4, and nmap -sT (the oracle) agrees port by port on a
# sample of addresses.
NP_NEED_BINARY=1
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init_base
command -v nmap >/dev/null 2>&1 || skip "nmap not installed"
start_listener fd 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4
P=$LISTEN_PORT
F="$NP_TMP/targets"
{
	for a in 1 2 3 4; do echo "127.0.0.$a 1-200,$P"; done
	for b in 1 2; do for c in $(seq 1 100); do echo "127.0.$b.$c:1-200"; done; done
} >"$F"
n=$(wc -l <"$F")

for jobs in default 300; do
	opt=(); [ "$jobs" = default ] || opt=(--jobs "$jobs")
	NP_OUT="$NP_TMP/fd-$jobs.out"
	( ulimit -n 64 && exec timeout -k 2 120 "$NETPROBE" -T 5 "${opt[@]}" --file "$F" --format ndjson ) \
		>"$NP_OUT" 2>"$NP_TMP/fd-$jobs.err"
	rc=$?
	echo "# ulimit -n 64, --jobs $jobs: exit $rc"
	assert_eq "jobs $jobs: nothing on stderr" "" "$(head -c 2000 "$NP_TMP/fd-$jobs.err")"
	assert_eq "jobs $jobs: no EMFILE anywhere" "0" "$(grep -c -i -e EMFILE -e 'too many open files' "$NP_OUT")"
	# the schema check of 60,000 probes is slow in Python: once is enough
	[ "$jobs" = default ] && check_lines "jobs $jobs" "$NP_OUT"
	# all at once (each ndpy reads the whole output again):
	# targets, unfinished, probes, states other than open/closed, listener opens
	assert_eq "jobs $jobs: every target reported, none unfinished, every probe open or closed, the listener's port open on 127.0.0.1-4" \
		"$n 0 $((4 * 201 + 200 * 200)) [] 4" \
		"$(ndpy "$NP_OUT" '"%d %d %d %s %d" % (len(T), S["unfinished"], S["probes"], json.dumps(sorted(set(p["state"] for t in T for p in t["probes"]) - {"open", "closed"})), sum(1 for t in T for p in t["probes"] if p["port"] == '"$P"' and p["state"] == "open"))')"
	# the exit status is the worst target's: any address without an open port is down
	assert_eq "jobs $jobs: exit status 2 (targets with nothing open)" "2" "$rc"
done

# the oracle: nmap -sT -n -Pn on a sample, port by port
O="$NP_TMP/fd-default.out"
for addr in 127.0.0.1 127.0.0.3 127.0.1.77 127.0.2.100; do
	ports=1-200
	case $addr in 127.0.0.*) ports="1-200,$P" ;; esac
	nmap -sT -n -Pn -p "$ports" -oG "$NP_TMP/nmap-$addr" "$addr" >/dev/null 2>&1 ||
		{ not_ok "nmap on $addr failed"; continue; }
	want=$("$PY" - "$NP_TMP/nmap-$addr" "$ports" <<'PYEOF'
import re, sys
text = open(sys.argv[1]).read()
ports = {p: "closed" for p in list(range(1, 201)) + [int(x) for x in sys.argv[2].split(",")[1:]]}
m = re.search(r"Ports: (.*?)(\t|$)", text, re.M)
listed = m.group(1).split(", ") if m and m.group(1).strip() else []
for item in listed:
    f = item.strip().split("/")
    ports[int(f[0])] = f[1]
m = re.search(r"Ignored State: (\w+) \((\d+)\)", text)
# the ports not listed are closed only if nmap says so of exactly that many
said = len(listed) + (int(m.group(2)) if m else 0)
if said != len(ports):
    print("nmap accounts for %d of the %d ports scanned" % (said, len(ports)))
else:
    print(" ".join("%d:%s" % (p, s) for p, s in sorted(ports.items())) if not m or m.group(1) == "closed" else "nmap ignored " + m.group(1))
PYEOF
)
	echo "$addr $want" >>"$NP_TMP/nmap.want"
done
"$PY" - "$O" <<'PYEOF' >"$NP_TMP/np.got"
import json, sys
for l in open(sys.argv[1]):
    t = json.loads(l)
    if t.get("type") == "target":
        print(t["host"], " ".join("%d:%s" % (p["port"], p["state"]) for p in sorted(t["probes"], key=lambda p: p["port"])))
PYEOF
while read -r addr want; do
	assert_eq "nmap -sT agrees on every port of $addr" "$want" \
		"$(grep "^$addr " "$NP_TMP/np.got" | cut -d' ' -f2-)"
done <"$NP_TMP/nmap.want"
np_done
