# Shared by the exporter tests (tests/integration/exporter_*.sh): start
# `netprobe exporter` on a free loopback port, wait (bounded) until it answers,
# and fetch a path with curl into a file, its status code in HTTP_CODE.

command -v curl >/dev/null 2>&1 || skip "curl not installed (Debian package curl)"
command -v promtool >/dev/null 2>&1 || skip "promtool not installed (Debian package prometheus)"

# start_server NAME PORTVAR PATH CMD...: start a server whose command line
# holds the word PORT (replaced by a free port), its output in
# $NP_TMP/NAME.out and NAME.err, and wait (bounded) until it answers PATH on
# SRV_HOST (127.0.0.1 unless set; [::1]) with 200; up to 3 tries (a free port
# may be taken between the look and the bind). Sets the variable PORTVAR, and
# SERVER_PID.
start_server() {
	local name=$1 var=$2 path=$3 host=${SRV_HOST:-127.0.0.1} try port code args; shift 3
	for try in 1 2 3; do
		port=$(free_port) || fatal "no free port for $name"
		args=("${@//PORT/$port}")
		"${args[@]}" >"$NP_TMP/$name.out" 2>"$NP_TMP/$name.err" &
		SERVER_PID=$!
		np_bg_register "$SERVER_PID"
		for _ in $(seq 1 "$NP_POLLS"); do
			np_is_child "$SERVER_PID" || break
			code=$(curl -g -s -o /dev/null -w '%{http_code}' --max-time 5 \
				"http://$host:$port$path") || true
			if [ "$code" = 200 ]; then
				printf -v "$var" %s "$port"
				echo "# $name pid $SERVER_PID on $host:$port (${args[*]})"
				return 0
			fi
			sleep 0.05
		done
		echo "# $name attempt $try on port $port failed:"
		tail -n 20 "$NP_TMP/$name.err" | sed 's/^/#   /'
		np_kill KILL "$SERVER_PID"
		wait "$SERVER_PID" 2>/dev/null
	done
	fatal "$name did not come up after 3 attempts"
}

# start_exporter ARGS...: `netprobe exporter` with ARGS on a free port of
# EXP_HOST (127.0.0.1 unless set; [::1]), behind the command prefix in the
# array EXP_WRAP when set (valgrind ...), under ulimit -n N when EXP_NOFILE=N;
# its output in $NP_TMP/exporter.out and .err (EXP_LOG=NAME: NAME.out, .err).
# Sets EXP_PORT, EXP_PID, EXP_URL (start_server: bounded wait, 3 tries).
start_exporter() {
	local host=${EXP_HOST:-127.0.0.1} pre=()
	[ -n "${EXP_NOFILE:-}" ] && pre=(bash -c 'ulimit -n "$0" && exec "$@"' "$EXP_NOFILE")
	pre+=(${EXP_WRAP[@]+"${EXP_WRAP[@]}"})
	SRV_HOST=$host start_server "${EXP_LOG:-exporter}" EXP_PORT / \
		${pre[@]+"${pre[@]}"} "$NETPROBE" exporter --listen "$host:PORT" "$@"
	EXP_PID=$SERVER_PID
	EXP_URL="http://$host:$EXP_PORT"
}

# wait_inflight N: GET /metrics (bounded) until N probes are in flight; that
# /metrics stays the last body. 1 when it never came to N.
wait_inflight() {
	for _ in $(seq 1 "$NP_POLLS"); do
		get /metrics
		[ "$(metric netprobe_exporter_probes_in_flight)" = "$1" ] && return 0
		sleep 0.05
	done
	return 1
}

# get PATH [CURL ARGS...]: GET the exporter's PATH into $NP_TMP/body; the status
# code in HTTP_CODE (000 when no answer came).
get() {
	local path=$1; shift
	HTTP_CODE=$(curl -s -o "$NP_TMP/body" -w '%{http_code}' --max-time 30 "$@" \
		"$EXP_URL$path") || true
	BODY=$(cat "$NP_TMP/body" 2>/dev/null)
}

# metric NAME_WITH_LABELS: the value of that sample in the last body ("" if none)
metric() {
	awk -v k="$1" '$1 == k { print $2 }' "$NP_TMP/body"
}

# check_promtool DESCRIPTION: promtool check metrics accepts the last body
# (lib.sh's promtool_ok: an empty body fails)
check_promtool() { promtool_ok "$1" "$NP_TMP/body"; }

# rss_kib PID: VmRSS of a process, in KiB
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
