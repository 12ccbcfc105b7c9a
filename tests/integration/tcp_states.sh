#!/bin/bash
# TCP probe states and verdicts: every address open (ok, 0), some refused
# (degraded, 1, ECONNREFUSED with errno 111), none open (down, 2); several ports
# give addresses x ports probes.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_knot
S="@127.0.0.1:$KNOT_PORT"
start_listener both 127.0.0.1 ::1
PB=$LISTEN_PORT
start_listener v4only 127.0.0.1
P4=$LISTEN_PORT
start_closed_port closed
CL=$CLOSED_PORT
echo "# ports: both=$PB v4only=$P4 closed=$CL"

ECONNREFUSED=$("$PY" -c 'import errno; print(errno.ECONNREFUSED)')

# check_state LABEL EXPECTED_RC VERDICT EXPECTED_PROBES ARGS...
#   EXPECTED_PROBES: "family address port state" lines, sorted
check_state() {
	local label=$1 rc=$2 verdict=$3 probes=$4; shift 4
	local f n open
	np_json "$S" "$@"
	f=$NP_JSON
	assert_rc "$rc" "$label: exit status $rc"
	check_json_basics "$label" "$f" "$NP_RC"
	assert_eq "$label: probes (family address port state)" "$probes" "$(json_probes "$f")"
	check_probes_sane "$label" "$f"
	n=$(printf '%s\n' "$probes" | wc -l)
	open=$(printf '%s\n' "$probes" | grep -c ' open$')
	assert_eq "$label: summary" "{\"open\":$open,\"probes\":$n}" "$(jget "$f" targets.0.summary)"
	assert_eq "$label: verdict" "$verdict" "$(jget "$f" targets.0.verdict)"
	assert_eq "$label: closed probes carry ECONNREFUSED / errno $ECONNREFUSED and a message" "true" \
		"$(jpy "$f" 'all(p["error"]["code"] == "ECONNREFUSED" and p["error"]["errno"] == int(E["ECONNREFUSED"]) and bool(p["error"]["message"]) for p in t["probes"] if p["state"] == "closed")')"
	assert_eq "$label: dns ok from knotd" "ok dns" \
		"$(jget "$f" targets.0.dns.status) $(jget "$f" targets.0.dns.source)"

	np_run "$S" "$@"
	assert_rc "$rc" "$label (text): exit status $rc"
	local host a
	for a in "$@"; do case $a in -*|@*) ;; *) host=$a; break ;; esac; done
	case $verdict in
	ok) assert_match "$label (text): last line" "^$host: ok" "$(tail -n 1 "$NP_OUT")" ;;
	degraded) assert_match "$label (text): last line" "^$host: degraded, $open of $n probes open$" "$(tail -n 1 "$NP_OUT")" ;;
	down) assert_match "$label (text): last line" "^$host: down" "$(tail -n 1 "$NP_OUT")" ;;
	esac
	if [ "$open" -lt "$n" ]; then
		assert_match "$label (text): a closed probe line says connection refused" \
			"closed .*connection refused" "$(grep -E ' closed ' "$NP_OUT")"
	fi
	assert_eq "$label (text): one probe line per probe" "$n" \
		"$(grep -cE '^ *ipv[46] +[0-9a-f.:]+ +[0-9]+/tcp +[a-z|_]+' "$NP_OUT")"
}
export ECONNREFUSED

check_state "dual, listener on both" 0 ok \
	"$(printf 'ipv4 127.0.0.1 %s open\nipv6 ::1 %s open' "$PB" "$PB")" dual.example.test "$PB"

check_state "dual, listener on 127.0.0.1 only" 1 degraded \
	"$(printf 'ipv4 127.0.0.1 %s open\nipv6 ::1 %s closed' "$P4" "$P4")" dual.example.test "$P4"

check_state "multi, listener on 127.0.0.1 only" 1 degraded \
	"$(printf 'ipv4 127.0.0.1 %s open\nipv4 127.0.0.2 %s closed\nipv4 127.0.0.3 %s closed\nipv6 ::1 %s closed' "$P4" "$P4" "$P4" "$P4")" \
	multi.example.test "$P4"

check_state "multi -4, listener on 127.0.0.1 only" 1 degraded \
	"$(printf 'ipv4 127.0.0.1 %s open\nipv4 127.0.0.2 %s closed\nipv4 127.0.0.3 %s closed' "$P4" "$P4" "$P4")" \
	-4 multi.example.test "$P4"

check_state "dual, nothing listening" 2 down \
	"$(printf 'ipv4 127.0.0.1 %s closed\nipv6 ::1 %s closed' "$CL" "$CL")" dual.example.test "$CL"

check_state "a6 -6, listener on 127.0.0.1 only" 2 down \
	"$(printf 'ipv6 ::1 %s closed' "$P4")" -6 a6.example.test "$P4"

# several ports: addresses x ports
check_state "dual, two ports (both, closed)" 1 degraded \
	"$(printf 'ipv4 127.0.0.1 %s closed\nipv4 127.0.0.1 %s open\nipv6 ::1 %s closed\nipv6 ::1 %s open' "$CL" "$PB" "$CL" "$PB" | sort)" \
	dual.example.test "$PB" "$CL"
assert_eq "dual, two ports: ports in the order given" "[$PB,$CL]" "$(jget "$NP_JSON" targets.0.ports)"

check_state "a4, three ports (both, v4only, closed)" 1 degraded \
	"$(printf 'ipv4 127.0.0.1 %s open\nipv4 127.0.0.1 %s open\nipv4 127.0.0.1 %s closed' "$PB" "$P4" "$CL" | sort)" \
	a4.example.test "$PB" "$P4" "$CL"
assert_eq "a4, three ports: ports in the order given" "[$PB,$P4,$CL]" "$(jget "$NP_JSON" targets.0.ports)"

check_state "dual, ports both + v4only" 1 degraded \
	"$(printf 'ipv4 127.0.0.1 %s open\nipv4 127.0.0.1 %s open\nipv6 ::1 %s open\nipv6 ::1 %s closed' "$PB" "$P4" "$PB" "$P4" | sort)" \
	dual.example.test "$PB" "$P4"

np_done
