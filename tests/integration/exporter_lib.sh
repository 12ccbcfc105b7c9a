# Shared by the exporter tests (tests/integration/exporter_*.sh): start
# `netprobe exporter` on a free loopback port, wait (bounded) until it answers,
# and fetch a path with curl into a file, its status code in HTTP_CODE.

command -v curl >/dev/null 2>&1 || skip "curl not installed (Debian package curl)"
command -v promtool >/dev/null 2>&1 || skip "promtool not installed (Debian package prometheus)"

# start_exporter ARGS...: sets EXP_PORT, EXP_PID, EXP_URL. Up to 3 tries: the
# free port may be taken between the look and the bind. EXP_NOFILE=N: under
# ulimit -n N.
start_exporter() {
	local try i
	for try in 1 2 3; do
		EXP_PORT=$(free_port) || fatal "no free port for the exporter"
		EXP_URL="http://127.0.0.1:$EXP_PORT"
		bash -c 'ulimit -n "$0" && exec "$@"' "${EXP_NOFILE:-$(ulimit -n)}" \
			"$NETPROBE" exporter --listen "127.0.0.1:$EXP_PORT" "$@" \
			>"$NP_TMP/exporter.out" 2>"$NP_TMP/exporter.err" &
		EXP_PID=$!
		np_bg_register "$EXP_PID"
		for i in $(seq 1 "$NP_POLLS"); do
			np_is_child "$EXP_PID" || break
			if curl -s -o /dev/null --max-time 5 "$EXP_URL/"; then
				echo "# exporter pid $EXP_PID on $EXP_URL ($*)"
				return 0
			fi
			sleep 0.05
		done
		echo "# exporter attempt $try failed: $(cat "$NP_TMP/exporter.err")"
		np_kill KILL "$EXP_PID"
		wait "$EXP_PID" 2>/dev/null
	done
	fatal "the exporter did not come up after 3 attempts"
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
