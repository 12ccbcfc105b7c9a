#!/bin/bash
# --output FILE: the report is written to FILE.tmp.PID beside FILE, then
# renamed over it once whole (what node_exporter's textfile collector needs).
# Checked: the file appears whole (promtool accepts it) with no temporary file
# left; strace shows the only file opened for writing is the temporary one
# (O_EXCL) and that a rename put it in place, so no reader can see a part; the
# old file stays readable, unchanged, by a reader that had it open; the mode
# is 0666 less the umask; a missing folder is one line and exit 3, before
# anything runs; a report that cannot be written (a 1 KiB file size limit)
# is one line and exit 3, FILE keeps its old content and nothing is left.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
command -v promtool >/dev/null 2>&1 ||
	skip "promtool not installed (Debian package prometheus)"
np_init_base
start_listener open 127.0.0.1
P=$LISTEN_PORT
D="$NP_TMP/textfile"
mkdir -p "$D"
F="$D/netprobe.prom"

# leftovers: files in the folder other than the report
leftovers() { find "$D" -mindepth 1 ! -name netprobe.prom -printf '%f\n' | sort | tr '\n' ' '; }

# ---- the file appears whole, nothing else is left, stdout is empty
np_run --format prometheus --output "$F" 127.0.0.1 "$P"
assert_rc 0 "--output: exit 0 (the verdict's)"
assert_eq "--output: nothing on stdout or stderr" "" "$(cat "$NP_OUT" "$NP_ERR")"
promtool_ok "--output: the file" "$F"
assert_eq "--output: probe_success 1 in it" 1 "$(grep -c '^probe_success 1$' "$F")"
assert_eq "--output: no temporary file left" "" "$(leftovers)"

# ---- mode: 0666 less the umask
rm -f "$F"
(umask 022 && "$NETPROBE" --format prometheus --output "$F" 127.0.0.1 "$P")
assert_eq "umask 022: mode 644" 644 "$(stat -c %a "$F")"
rm -f "$F"
(umask 077 && "$NETPROBE" --format prometheus --output "$F" 127.0.0.1 "$P")
assert_eq "umask 077: mode 600" 600 "$(stat -c %a "$F")"

# ---- a rename, not a rewrite: the old file is replaced whole; a reader that
# had it open still reads the old content
printf 'old content\n' >"$F"
old_inode=$(stat -c %i "$F")
exec 7<"$F"
np_run --format prometheus --output "$F" 127.0.0.1 "$P"
assert_ne "rename: FILE is a new inode" "$old_inode" "$(stat -c %i "$F")"
assert_eq "rename: the reader of the old file still reads it whole" "old content" "$(cat <&7)"
exec 7<&-
assert_eq "rename: the new file is the report" 1 "$(grep -c '^# TYPE probe_success gauge$' "$F")"

# ---- what the system calls say (strace): written under the temporary name
# only, created exclusively, then renamed over FILE
if command -v strace >/dev/null 2>&1; then
	strace -f -qq -e trace=openat,rename,renameat,renameat2 -o "$NP_TMP/strace" \
		"$NETPROBE" --format prometheus --output "$F" 127.0.0.1 "$P" >/dev/null 2>&1
	assert_match "strace: the temporary file is created with O_EXCL" \
		"openat\\(.*\"$F\\.tmp\\.[0-9]+\", O_WRONLY\\|O_CREAT\\|O_EXCL" "$(cat "$NP_TMP/strace")"
	assert_eq "strace: FILE itself is never opened" "" \
		"$(grep -E "openat\\(.*\"$F\"" "$NP_TMP/strace")"
	assert_match "strace: renamed over FILE" \
		"rename(at2?)?\\(.*\"$F\\.tmp\\.[0-9]+\", .*\"$F\"" "$(cat "$NP_TMP/strace")"
else
	echo "# strace not installed: system calls not checked"
fi

# ---- a missing folder: one line, exit 3, nothing probed, nothing created
np_run --format prometheus --output "$NP_TMP/no/such/dir/x.prom" 127.0.0.1 "$P"
assert_rc 3 "missing folder: exit 3"
assert_eq "missing folder: one line on stderr" 1 "$(wc -l <"$NP_ERR")"
assert_match "missing folder: it names the file and the reason" \
	"^netprobe: cannot write $NP_TMP/no/such/dir/x\\.prom: No such file or directory\$" "$(cat "$NP_ERR")"
if command -v strace >/dev/null 2>&1; then
	strace -f -qq -e trace=connect -o "$NP_TMP/strace.connect" \
		"$NETPROBE" --format prometheus --output "$NP_TMP/no/such/dir/x.prom" 127.0.0.1 "$P" \
		>/dev/null 2>&1
	assert_eq "missing folder: nothing was probed (strace: no connect)" "" \
		"$(grep 'connect(' "$NP_TMP/strace.connect")"
fi

# ---- FILE is a folder: the rename fails, nothing is left
mkdir -p "$D/adir.prom"
np_run --format prometheus --output "$D/adir.prom" 127.0.0.1 "$P"
assert_rc 3 "FILE is a folder: exit 3"
assert_eq "FILE is a folder: one line on stderr" 1 "$(wc -l <"$NP_ERR")"
rmdir "$D/adir.prom"
assert_eq "FILE is a folder: no temporary file left" "" "$(leftovers)"

# ---- the write fails (a 1 KiB file size limit, the report is larger):
# FILE keeps its old content, nothing is left, one line, exit 3
printf 'old content\n' >"$F"
printf '127.0.0.1:%s\n127.0.0.2:%s\n127.0.0.3:%s\n127.0.0.4:%s\n' "$P" "$P" "$P" "$P" >"$NP_TMP/targets"
np_run --format prometheus --file "$NP_TMP/targets" -T 1
[ "$(wc -c <"$NP_OUT")" -gt 4096 ] || fatal "the report is not over 4 KiB: the limit would not bite"
(ulimit -f 1 && np_run --format prometheus --output "$F" --file "$NP_TMP/targets" -T 1 &&
	echo "$NP_RC" >"$NP_TMP/rc" && cp "$NP_ERR" "$NP_TMP/err")
assert_eq "write fails (EFBIG): exit 3" 3 "$(cat "$NP_TMP/rc")"
assert_eq "write fails: one line on stderr" 1 "$(wc -l <"$NP_TMP/err")"
assert_match "write fails: it names FILE and the reason" "netprobe: cannot write the report to $F: File too large" \
	"$(cat "$NP_TMP/err")"
assert_eq "write fails: FILE keeps its old content" "old content" "$(cat "$F")"
assert_eq "write fails: no temporary file left" "" "$(leftovers)"

# ---- a run that fails before it writes anything (its only line is bad):
# exit 3, FILE keeps its old content (an empty exposition would drop every
# series the last good run wrote)
printf 'old content\n' >"$F"
printf 'not a target:x\n' >"$NP_TMP/bad"
np_run --format prometheus --output "$F" --file "$NP_TMP/bad"
assert_rc 3 "nothing but a bad line: exit 3"
assert_eq "nothing but a bad line: FILE keeps its old content" "old content" "$(cat "$F")"
assert_eq "nothing but a bad line: no temporary file left" "" "$(leftovers)"

# ---- the other formats: nagios (its exit code stays the status), lookup, json
np_run --format nagios -w 0.000001 --output "$F" 127.0.0.1 "$P"
assert_rc 1 "nagios --output: exit 1 (WARNING), as on stdout"
assert_match "nagios --output: the status line is in the file" "^NETPROBE WARNING - " "$(head -n 1 "$F")"
np_run --json --output "$F" 127.0.0.1 "$P"
assert_rc 0 "json --output: exit 0"
assert_eq "json --output: the document is in the file" open \
	"$("$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))["targets"][0]["probes"][0]["state"])' "$F")"
np_run lookup --format prometheus --output "$F" "@127.0.0.1:$P" -T 0.3 x.test
assert_rc 2 "lookup --output (no DNS answer: TCP port, UDP query): exit 2"
assert_eq "lookup --output: the exposition is in the file" "probe_dns_query_succeeded 0" \
	"$(grep '^probe_dns_query_succeeded ' "$F")"
assert_eq "no temporary file left after all of it" "" "$(leftovers)"

np_done
