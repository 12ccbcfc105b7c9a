#!/bin/bash
# Unix-domain sockets on real files in the temp dir and abstract names: every
# state (open, wrong_type both ways, refused for a stale socket file and a
# missing abstract name, missing, not_socket, denied as user nobody), datagram
# probes, the sun_path limit (exit 3 before any socket call), the sockaddr_un
# bytes in --dump and JSON against bytes computed in python, exit codes and
# verdicts, and --send/--expect over a Unix stream and datagram echo peer.
# No DNS, no root needed except for the "denied" checks (skipped otherwise).

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/local_lib.sh"
np_init_local

# Everything below the temp dir; nobody needs search permission on the way in.
chmod 0711 "$NP_TMP"
D="$NP_TMP/sock"
mkdir -m 0755 "$D"

# common shape of a one-probe Unix document
unix_doc_checks() {
	local d=$1 path=$2 socktype=$3 state=$4
	assert_eq "$d: host is the path" "$path" "$(jget "$NP_JSON" targets.0.host)"
	assert_eq "$d: input is unix:PATH" "unix:$path" "$(jget "$NP_JSON" targets.0.input)"
	assert_eq "$d: no ports, dns skipped/literal, no addresses, no happy_eyeballs" \
		'[[],"skipped","literal",[],null]' \
		"$(jpy "$NP_JSON" '[t["ports"], t["dns"]["status"], t["dns"]["source"], t["dns"]["addresses"], t["happy_eyeballs"]]')"
	assert_eq "$d: probe family/proto/socktype/address/port" \
		"[\"unix\",\"unix\",\"$socktype\",\"$path\",null]" \
		"$(p0 '[p["family"], p["proto"], p["socktype"], p["address"], p["port"]]')"
	assert_eq "$d: state" "$state" "$(p0 'p["state"]')"
	assert_eq "$d: local, kernel_rtt_ms, kernel_rttvar_ms, tries, icmp are null" \
		'[null,null,null,null,null]' \
		"$(p0 '[p["local"], p["kernel_rtt_ms"], p["kernel_rttvar_ms"], p["tries"], p["icmp"]]')"
	assert_eq "$d: error null exactly when open" "true" \
		"$(p0 '(p["error"] is None) == (p["state"] == "open")')"
	assert_eq "$d: numeric time_ms" "true" "$(p0 'num(p["time_ms"]) and p["time_ms"] >= 0')"
}

# ------------------------------------------------------------ open (stream)
start_peer stream --unix "$D/stream.sock" --mode echo
np_doc "stream listener" 0 "unix:$D/stream.sock"
unix_doc_checks "stream listener" "$D/stream.sock" stream open
assert_eq "stream listener: verdict ok, summary 1/1" '["ok",1,1]' \
	"$(jpy "$NP_JSON" '[t["verdict"], t["summary"]["probes"], t["summary"]["open"]]')"
assert_eq "stream listener: no exchange without --send/--expect" "null" "$(p0 'p["exchange"]')"
assert_eq "stream listener: the peer accepted one connection" "1" "$(wait_count stream 1)"
np_run "unix:$D/stream.sock"
assert_rc 0 "stream listener, text: exit 0"
assert_match "stream listener, text: probe line says open" "^ +unix +$D/stream.sock +stream +open " "$(np_stdout)"
assert_match "stream listener, text: summary line" "^$D/stream.sock: ok, 1 of 1 probe open" "$(np_stdout)"

# ------------------------------------------------------------ datagram
start_peer dgram --unix "$D/dgram.sock" --dgram --mode echo
np_doc "datagram socket, -u" 0 -u "unix:$D/dgram.sock"
unix_doc_checks "datagram socket, -u" "$D/dgram.sock" dgram open

np_doc "datagram socket probed as stream" 2 "unix:$D/dgram.sock"
unix_doc_checks "datagram socket probed as stream" "$D/dgram.sock" stream wrong_type
assert_eq "datagram socket probed as stream: EPROTOTYPE" \
	"[\"EPROTOTYPE\",$("$PY" -c 'import errno; print(errno.EPROTOTYPE)')]" \
	"$(p0 '[p["error"]["code"], p["error"]["errno"]]')"
assert_eq "datagram socket probed as stream: verdict down" "down" "$(jget "$NP_JSON" targets.0.verdict)"

np_doc "stream socket probed with -u" 2 -u "unix:$D/stream.sock"
unix_doc_checks "stream socket probed with -u" "$D/stream.sock" dgram wrong_type
assert_eq "stream socket probed with -u: EPROTOTYPE" "EPROTOTYPE" "$(p0 'p["error"]["code"]')"

np_doc "datagram socket, -t -u" 1 -t -u "unix:$D/dgram.sock"
assert_eq "datagram socket, -t -u: stream wrong_type + dgram open, degraded" \
	'[[["dgram","open"],["stream","wrong_type"]],"degraded",2,1]' \
	"$(jpy "$NP_JSON" '[sorted([p["socktype"], p["state"]] for p in t["probes"]), t["verdict"], t["summary"]["probes"], t["summary"]["open"]]')"

# ------------------------------------------------------------ stale socket file
"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1); s.close()   # closed, never unlinked
' "$D/stale.sock" || fatal "cannot make the stale socket"
assert_true "stale socket: the file is still there and is a socket" test -S "$D/stale.sock"
np_doc "stale socket file" 2 "unix:$D/stale.sock"
unix_doc_checks "stale socket file" "$D/stale.sock" stream refused
assert_eq "stale socket file: ECONNREFUSED" "ECONNREFUSED" "$(p0 'p["error"]["code"]')"
assert_eq "stale socket file: verdict down" "down" "$(jget "$NP_JSON" targets.0.verdict)"

# ------------------------------------------------------------ missing, not a socket
np_doc "missing path" 2 "unix:$D/nothing-here.sock"
unix_doc_checks "missing path" "$D/nothing-here.sock" stream missing
assert_eq "missing path: ENOENT" "ENOENT" "$(p0 'p["error"]["code"]')"

printf 'not a socket\n' >"$D/regular.txt"
np_doc "regular file" 2 "unix:$D/regular.txt"
unix_doc_checks "regular file" "$D/regular.txt" stream not_socket
assert_eq "regular file: ENOTSOCK" \
	"[\"ENOTSOCK\",$("$PY" -c 'import errno; print(errno.ENOTSOCK)')]" \
	"$(p0 '[p["error"]["code"], p["error"]["errno"]]')"

np_doc "a file on the way (ENOTDIR)" 2 "unix:$D/regular.txt/x.sock"
assert_eq "a file on the way: missing, ENOTDIR" '["missing","ENOTDIR"]' \
	"$(p0 '[p["state"], p["error"]["code"]]')"

# ------------------------------------------------------------ abstract names
abs="netprobe-it-$$-$RANDOM"
start_peer abstract --abstract "$abs" --mode echo
np_doc "abstract name" 0 "unix:@$abs"
unix_doc_checks "abstract name" "@$abs" stream open
assert_eq "abstract name: sockaddr length = 2 + 1 + name" "$((2 + 1 + ${#abs}))" \
	"$(p0 'p["sockaddr"]["length"]')"
assert_eq "abstract name: sockaddr hex = family, NUL, name (python)" \
	"$("$PY" -c 'import socket, struct, sys; print((struct.pack("=H", socket.AF_UNIX) + b"\0" + sys.argv[1].encode()).hex())' "$abs")" \
	"$(p0 'p["sockaddr"]["hex"]')"
assert_eq "abstract name: sun_path value is @name, byte order none" "[\"@$abs\",\"none\"]" \
	"$(p0 '[f for f in p["sockaddr"]["fields"] if f["name"] == "sun_path"][0]' | "$PY" -c 'import json, sys; f = json.load(sys.stdin); print(json.dumps([f["value"], f["byte_order"]], separators=(",", ":")))')"

# Linux: connecting to an abstract name nobody bound is ECONNREFUSED (no file
# to be missing), so netprobe says refused.
np_doc "abstract name nobody bound" 2 "unix:@$abs-unbound"
unix_doc_checks "abstract name nobody bound" "@$abs-unbound" stream refused
assert_eq "abstract name nobody bound: ECONNREFUSED" "ECONNREFUSED" "$(p0 'p["error"]["code"]')"

start_peer abstract_dgram --abstract "$abs-dg" --dgram --mode echo
np_doc "abstract datagram name, -u" 0 -u "unix:@$abs-dg"
unix_doc_checks "abstract datagram name, -u" "@$abs-dg" dgram open

# ------------------------------------------------------------ sockaddr bytes
path="$D/stream.sock"
want_hex=$("$PY" -c 'import socket, struct, sys; print((struct.pack("=H", socket.AF_UNIX) + sys.argv[1].encode() + b"\0").hex())' "$path")
np_doc "sockaddr_un JSON" 0 "unix:$path"
assert_eq "sockaddr_un JSON: struct and length = 2 + path + NUL" "[\"sockaddr_un\",$((2 + ${#path} + 1))]" \
	"$(p0 '[p["sockaddr"]["struct"], p["sockaddr"]["length"]]')"
assert_eq "sockaddr_un JSON: hex equals the bytes python computes" "$want_hex" "$(p0 'p["sockaddr"]["hex"]')"
assert_eq "sockaddr_un JSON: sun_family field" \
	"[\"sun_family\",0,2,\"$("$PY" -c 'import socket, struct; print(struct.pack("=H", socket.AF_UNIX).hex())')\",1,\"host\"]" \
	"$(p0 '[[f["name"], f["offset"], f["size"], f["hex"], f["value"], f["byte_order"]] for f in p["sockaddr"]["fields"]][0]')"
assert_eq "sockaddr_un JSON: sun_path field" \
	"[\"sun_path\",2,$((${#path} + 1)),\"${want_hex:4}\",\"$path\",\"none\"]" \
	"$(p0 '[[f["name"], f["offset"], f["size"], f["hex"], f["value"], f["byte_order"]] for f in p["sockaddr"]["fields"]][1]')"

np_run -d "unix:$path"
assert_rc 0 "--dump: exit 0"
assert_match "--dump: header names sockaddr_un and its length" \
	"sockaddr_un, $((2 + ${#path} + 1)) bytes as passed to connect\\(\\)" "$(np_stdout)"
assert_match "--dump: sun_family line" \
	"^ +\\+0 +$("$PY" -c 'import socket, struct; print(" ".join("%02x" % b for b in struct.pack("=H", socket.AF_UNIX)))') +sun_family +AF_UNIX \\(1\\), host byte order" "$(np_stdout)"
# every "+OFFSET  xx xx ..." line of the dump, put together by offset
dump_hex=$("$PY" - "$NP_OUT" <<'PYEOF'
import re, sys
buf = {}
for line in open(sys.argv[1]):
    m = re.match(r"^\s+\+(\d+)\s+((?:[0-9a-f]{2}(?: |$))+)", line.rstrip("\n"))
    if m:
        for i, b in enumerate(m.group(2).split()):
            buf[int(m.group(1)) + i] = b
print("".join(buf[i] for i in range(len(buf))) if sorted(buf) == list(range(len(buf))) else "<gaps: %s>" % sorted(buf))
PYEOF
)
assert_eq "--dump: the bytes, in order, equal the python-computed sockaddr_un" "$want_hex" "$dump_hex"
assert_match "--dump: sun_path has no byte order" "sun_path +\"$path\", bytes as they are \\(no byte order\\)" "$(np_stdout)"

np_run -d "unix:@$abs"
assert_match "--dump abstract: sun_path starts with the NUL byte" \
	"^ +\\+2 +00 $("$PY" -c 'import sys; print(" ".join("%02x" % b for b in sys.argv[1].encode()[:7]))' "$abs")" "$(np_stdout)"

# ------------------------------------------------------------ sun_path limit
mkpath() { "$PY" -c 'import sys; d = sys.argv[1] + "/"; print(d + "p" * (int(sys.argv[2]) - len(d)))' "$D" "$1"; }
p107=$(mkpath 107)
p108=$(mkpath 108)
assert_eq "test setup: path lengths" "107 108" "${#p107} ${#p108}"
np_run "unix:$p107"
assert_rc 2 "107-byte path (fits with its NUL): probed, missing, exit 2"
for p in "$p108" "$(mkpath 200)"; do
	np_run "unix:$p"
	assert_rc 3 "${#p}-byte path: exit 3"
	assert_eq "${#p}-byte path: stdout empty" "" "$(np_stdout)"
	assert_eq "${#p}-byte path: exactly one stderr line" "1" "$(wc -l <"$NP_ERR")"
	assert_match "${#p}-byte path: the line starts with netprobe: and names sun_path" "^netprobe: .*sun_path" "$(cat "$NP_ERR")"
	np_json "unix:$p"
	assert_rc 3 "${#p}-byte path, --json: exit 3"
done
np_run "unix:@$(printf 'n%.0s' $(seq 107))"
assert_rc 2 "107-byte abstract name: probed (refused), exit 2"
np_run "unix:@$(printf 'n%.0s' $(seq 108))"
assert_rc 3 "108-byte abstract name: exit 3"
assert_match "108-byte abstract name: stderr names sun_path" "^netprobe: .*sun_path" "$(cat "$NP_ERR")"

# Before any syscall: strace shows no socket(), no connect(), and no system call
# (other than the execve that carries argv) that names the path.
if ! command -v strace >/dev/null 2>&1; then
	echo "# SKIP sub-check: strace not installed, cannot prove the 108-byte path is refused before any syscall"
elif ! strace -f -o /dev/null true 2>/dev/null; then
	echo "# SKIP sub-check: strace cannot trace here (ptrace not permitted), cannot prove 'before any syscall'"
else
	# LeakSanitizer (sanitizer builds) cannot run under ptrace: turn it off here
	ASAN_OPTIONS=detect_leaks=0 strace -f -s 512 -o "$NP_TMP/strace.out" "$NETPROBE" "unix:$p108" >/dev/null 2>&1
	st_rc=$?
	assert_eq "strace run of the 108-byte path: exit 3" "3" "$st_rc"
	assert_eq "108-byte path: no socket() or connect() call" "" \
		"$(grep -E '(^|[ ])(socket|connect)\(' "$NP_TMP/strace.out")"
	assert_eq "108-byte path: no system call but execve names the path" "" \
		"$(grep -F -- "$p108" "$NP_TMP/strace.out" | grep -v -e 'execve(' -e 'read(')"
	assert_match "108-byte path: the one write is the stderr message" 'write\(2, "netprobe: .*sun_path' \
		"$(grep -E '^[0-9]+ +write\(|^write\(' "$NP_TMP/strace.out")"
fi

# ------------------------------------------------------------ --send / --expect
np_doc "stream echo, --send/--expect" 0 --send 'PING\r\n' --expect PING "unix:$D/stream.sock"
unix_doc_checks "stream echo, --send/--expect" "$D/stream.sock" stream open
assert_eq "stream echo: exchange sent 6, received 6, the echo, matched" \
	'[6,6,"PING\\r\\n","50494e470d0a","PING",true]' \
	"$(p0 '[p["exchange"][k] for k in ("sent_bytes", "received_bytes", "received", "received_hex", "expect", "matched")]')"
assert_eq "stream echo: reply_ms is a number" "true" "$(p0 'num(p["exchange"]["reply_ms"])')"

np_doc "stream echo, --expect not in the echo" 2 -T 2 --send 'PING\r\n' --expect PONG "unix:$D/stream.sock"
unix_doc_checks "stream echo, --expect not in the echo" "$D/stream.sock" stream mismatch
assert_eq "stream echo mismatch: MISMATCH, matched false, the echo kept" '["MISMATCH",false,"PING\\r\\n"]' \
	"$(p0 '[p["error"]["code"], p["exchange"]["matched"], p["exchange"]["received"]]')"

np_doc "datagram echo, --send/--expect" 0 -u --send 'hello' --expect ell "unix:$D/dgram.sock"
unix_doc_checks "datagram echo, --send/--expect" "$D/dgram.sock" dgram open
assert_eq "datagram echo: sent 5, got the echo back, matched" '[5,"hello",true]' \
	"$(p0 '[p["exchange"]["sent_bytes"], p["exchange"]["received"], p["exchange"]["matched"]]')"

# ------------------------------------------------------------ permission denied
if [ "$(id -u)" -ne 0 ]; then
	echo "# SKIP sub-check: not root, cannot make a root-owned 0600 socket and probe it as nobody"
elif ! id nobody >/dev/null 2>&1; then
	echo "# SKIP sub-check: no user nobody"
else
	as_nobody=
	if command -v setpriv >/dev/null 2>&1 &&
		setpriv --reuid=nobody --regid=nogroup --clear-groups "$NETPROBE" --version >/dev/null 2>&1; then
		as_nobody="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	fi
	if [ -z "$as_nobody" ]; then
		echo "# SKIP sub-check: setpriv cannot run $NETPROBE as nobody (is the build tree readable by nobody?)"
	else
		start_peer priv --unix "$D/priv.sock" --mode0600 --mode echo
		assert_eq "denied setup: socket is root-owned, mode 0600" "0 600" "$(stat -c '%u %a' "$D/priv.sock")"
		NP_WRAP=$as_nobody np_doc "0600 root socket, as nobody" 2 "unix:$D/priv.sock"
		unix_doc_checks "0600 root socket, as nobody" "$D/priv.sock" stream denied
		assert_eq "0600 root socket, as nobody: EACCES" "EACCES" "$(p0 'p["error"]["code"]')"
		# control: the same socket, once nobody may write it, is open for nobody
		chmod 0666 "$D/priv.sock"
		NP_WRAP=$as_nobody np_doc "0666 root socket, as nobody" 0 "unix:$D/priv.sock"
		assert_eq "0666 root socket, as nobody: open" "open" "$(p0 'p["state"]')"
		# a folder nobody may not search
		mkdir -m 0700 "$D/closed"
		start_peer closed --unix "$D/closed/in.sock" --mode echo
		NP_WRAP=$as_nobody np_doc "socket in a 0700 root folder, as nobody" 2 "unix:$D/closed/in.sock"
		assert_eq "socket in a 0700 root folder, as nobody: denied, EACCES" '["denied","EACCES"]' \
			"$(p0 '[p["state"], p["error"]["code"]]')"
		np_doc "socket in a 0700 root folder, as root" 0 "unix:$D/closed/in.sock"
	fi
fi

np_done
