#!/bin/bash
# Bytes from the network and from the user never reach the terminal raw, and
# never make a result vanish from JSON (issue 8, items 11 and 13).
#
# The hostile DNS responder (tests/helpers/dns_hostile.py, case "esc") puts
# ESC sequences, newlines with forged lines, NUL, DEL, a C1 CSI byte and bytes
# that are not UTF-8 into every field of every record type netprobe decodes,
# and an unknown type. For each type asked, in every format (text, --short,
# --dump, --json): no byte outside printable ASCII but the newline, no forged
# line, every record listed with its rdata, the JSON valid against its schema,
# and the records as kdig presents them (kdig is the oracle for the escapes).
# The main probe gets the same replies (CNAME chain full of escapes).
# From the user: a unix: path and --expect with ESC, a newline and bytes that
# are not UTF-8, a peer that answers escapes, an --expect so long that the
# error message is cut at 255 bytes inside a UTF-8 character: the host and
# --expect escaped in text, the target and its probe present in JSON (Python's
# backslashreplace is the oracle for how stray bytes are written), and a fatal
# message on stderr escaped too.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lookup_lib.sh"
. "$top_srcdir/tests/integration/local_lib.sh"
np_init
start_hostile_dns hostile
HS="@127.0.0.1:$HPORT"
LOOKUP_SCHEMA="$top_srcdir/docs/netprobe-lookup.schema.json"
TYPES="A AAAA NS CNAME SOA PTR MX TXT SRV CAA TYPE65280"

# raw_bytes FILE: the bytes (hex, sorted) outside printable ASCII and newline
raw_bytes() {
	"$PY" -c 'import sys
d = open(sys.argv[1], "rb").read()
print(" ".join(sorted({"%02x" % b for b in d if b != 10 and not 32 <= b < 127})))' "$1"
}

# clean DESC: the last run printed no raw control or non-ASCII byte and no
# forged line (one starting with ";;f" or "forged"), on stdout or stderr
clean() {
	assert_eq "$1: no raw byte outside printable ASCII on stdout" "" "$(raw_bytes "$NP_OUT")"
	assert_eq "$1: no raw byte outside printable ASCII on stderr" "" "$(raw_bytes "$NP_ERR")"
	assert_eq "$1: no forged line" "" "$(grep -E '^(;;f|forged)' "$NP_OUT" "$NP_ERR")"
}

# the records of every section but the question, as kdig presents them
kdig_records() {
	kdig @127.0.0.1 -p "$HPORT" +noedns +time=2 +retry=0 +noall +answer +authority \
		+additional esc.hostile.test "$1" 2>&1 | dig_norm
}

echo "# --- lookup: every decoder, every format"
for T in $TYPES; do
	for fmt in text --short --dump --json; do
		np_run lookup $([ "$fmt" = text ] || echo "$fmt") "$HS" esc.hostile.test "$T"
		assert_rc 0 "lookup $T $fmt: exit status 0"
		clean "lookup $T $fmt"
	done
	SCHEMA=$LOOKUP_SCHEMA check_schema "lookup $T (JSON)" "$NP_OUT"
	assert_eq "lookup $T (JSON): 11 additional records, every record with its rdata" \
		'[11,true]' "$(jpy "$NP_OUT" '[len(d["replies"][0]["additional"]), all(isinstance(x.get("rdata"), str) and x["rdata"] != "" for s in ("answer", "additional") for x in d["replies"][0][s])]')"
	assert_eq "lookup $T: the records as kdig presents them" "$(kdig_records "$T")" \
		"$( (np_section "$NP_OUT" answer; np_section "$NP_OUT" additional) | dig_norm)"
done
np_run lookup "$HS" esc.hostile.test CAA
assert_eq "lookup CAA (text): tag and value escaped as dig does, on one line" \
	'esc.hostile.test. 60 IN CAA 0 i\027[2J\010;;f "\027[2J\010;;forged\013\000\127\155\255\"\\"' \
	"$(np_text_section "$NP_OUT" ANSWER)"
np_run lookup --json "$HS" esc.hostile.test TXT
assert_eq "lookup TXT (JSON): strings_hex are the bytes the server sent" \
	'["1b5b324a0a3b3b666f726765640d007f9bff225c","1b0a",""]' \
	"$(jpy "$NP_OUT" 'd["replies"][0]["answer"][0]["fields"]["strings_hex"]')"
assert_eq "lookup TXT (JSON): strings are dig's escaped text" \
	'["\\027[2J\\010;;forged\\013\\000\\127\\155\\255\\\"\\\\","\\027\\010",""]' \
	"$(jpy "$NP_OUT" 'd["replies"][0]["answer"][0]["fields"]["strings"]')"

echo "# --- lookup: a query name with escapes, from the user"
np_run lookup "$HS" $'esc.x\x1b[2J\n;;forged.hostile.test' A
assert_true "lookup name with ESC: no crash (exit status $NP_RC < 128)" [ "$NP_RC" -lt 128 ]
clean "lookup name with ESC (text)"
np_run lookup --json "$HS" $'esc.x\x1b\xff.hostile.test' A
assert_true "lookup name with ESC and 0xff (JSON): no crash" [ "$NP_RC" -lt 128 ]
clean "lookup name with ESC and 0xff (JSON)"
if [ "$NP_RC" -ne 3 ]; then
	assert_eq "lookup name with 0xff (JSON): the name is there, stray byte as \\xff" \
		'esc.x\u001b\\xff.hostile.test' "$(jpy "$NP_OUT" 'json.dumps(d["name"])[1:-1]')"
fi

echo "# --- the main probe against the same replies"
for fmt in text --dump --json; do
	np_run $([ "$fmt" = text ] || echo "$fmt") -T 2 "$HS" esc.hostile.test 9
	assert_true "probe esc $fmt: no crash (exit status $NP_RC < 128)" [ "$NP_RC" -lt 128 ]
	clean "probe esc $fmt"
done
check_json_basics "probe esc" "$NP_OUT" "$NP_RC"

echo "# --- from the user: a unix: path, --expect, a peer that answers escapes"
UPATH="$NP_TMP/u"$'\x1b[2J\n;;forged\xff'".sock"
start_peer upeer --unix "$UPATH" --mode banner-close --banner '\x1b[31m\n;;forged \xff\r\n'
EXPECT=$'\x1b]0;t\x07\n;;forged\xff'
# what the user gave, as JSON must carry it: Python's backslashreplace
export UPATH_JSON EXPECT_JSON
UPATH_JSON=$("$PY" -c 'import os, sys; print(os.fsencode(sys.argv[1]).decode("utf-8", "backslashreplace"))' "$UPATH")
EXPECT_JSON=$("$PY" -c 'import os, sys; print(os.fsencode(sys.argv[1]).decode("utf-8", "backslashreplace"))' "$EXPECT")
for fmt in text --json; do
	np_run $([ "$fmt" = text ] || echo "$fmt") -T 2 --expect "$EXPECT" "unix:$UPATH"
	assert_true "unix path with escapes $fmt: no crash (exit status $NP_RC < 128)" [ "$NP_RC" -lt 128 ]
	clean "unix path with escapes $fmt"
done
assert_eq "unix path (JSON): the target, its probe and its error are there" '[1,1,1,"mismatch",true]' \
	"$(jpy "$NP_OUT" '[len(d["targets"]), len(t["probes"]), t["summary"]["probes"], t["probes"][0]["state"], isinstance(t["probes"][0]["error"]["message"], str)]')"
assert_eq "unix path (JSON): host and input as given, stray bytes as \\xHH" '[true,true]' \
	"$(jpy "$NP_OUT" '[t["host"] == E["UPATH_JSON"], t["input"] == "unix:" + E["UPATH_JSON"]]')"
assert_eq "unix path (JSON): --expect as given, stray bytes as \\xHH" 'true' \
	"$(jpy "$NP_OUT" 't["probes"][0]["exchange"]["expect"] == E["EXPECT_JSON"]')"
assert_eq "unix path (JSON): the peer's answer, escaped, and its bytes" \
	'["\\x1b[31m\\n;;forged \\xff\\r\\n","1b5b33316d0a3b3b666f7267656420ff0d0a"]' \
	"$(jpy "$NP_OUT" '[t["probes"][0]["exchange"]["received"], t["probes"][0]["exchange"]["received_hex"]]')"
check_json_basics "unix path with escapes" "$NP_OUT" "$NP_RC"
np_run -T 2 --expect "$EXPECT" "unix:$UPATH"
UPATH_TEXT=$("$PY" -c 'import os, sys
b = os.fsencode(sys.argv[1])
m = {0x0a: "\\n", 0x0d: "\\r", 0x09: "\\t", 0x5c: "\\\\", 0x22: "\\\""}
print("".join(m.get(c) or (chr(c) if 32 <= c < 127 else "\\x%02x" % c) for c in b))' "$UPATH")
assert_eq "unix path (text): the first line names the path escaped" \
	"$UPATH_TEXT: unix-domain socket, no DNS (source literal)" "$(np_first_line)"
assert_eq "unix path (text): the last line names the path escaped" \
	"$UPATH_TEXT: down, 0 of 1 probe open" "$(tail -n 1 "$NP_OUT")"
assert_match "unix path (text): --expect escaped" \
	'; expected "\\x1b\]0;t\\x07\\n;;forged\\xff": not found$' "$(np_stdout)"

echo "# --- an error message cut at 255 bytes inside a UTF-8 character"
# one of the two lands the cut inside a character, whatever the path's length
for pad in "" x; do
	LONG=$pad$("$PY" -c 'print("\u00e9" * 300)')
	np_json -T 2 --expect "$LONG" "unix:$UPATH"
	assert_eq "long --expect '$pad' (JSON): the probe is there with its error" '[1,1,"MISMATCH"]' \
		"$(jpy "$NP_OUT" '[len(d["targets"]), len(t["probes"]), t["probes"][0]["error"]["code"]]')"
	assert_eq "long --expect '$pad' (JSON): the message is cut between characters" 'true' \
		"$(jpy "$NP_OUT" 't["probes"][0]["error"]["message"].endswith("\u00e9")')"
	check_json_basics "long --expect '$pad'" "$NP_OUT" "$NP_RC"
done

echo "# --- local: a process name is whatever its owner chose"
# a listener on 127.0.0.1 that renamed itself (prctl PR_SET_NAME, 15 bytes)
"$PY" -c 'import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(15, b"\x1b[2J\n;;forged\xff", 0, 0, 0)
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(4)
print(s.getsockname()[1], flush=True)
time.sleep(60)' >"$NP_TMP/comm.port" 2>"$NP_TMP/comm.err" &
np_bg_register $!
CPORT=$(_wait_port_file "$NP_TMP/comm.port" $!) || fatal "renamed listener did not start: $(cat "$NP_TMP/comm.err")"
np_run local "$CPORT"
assert_rc 0 "local with a renamed process: exit status 0"
clean "local with a renamed process (text)"
assert_match "local (text): the process name escaped" 'pid [0-9]+ \(\\x1b\[2J\\n;;forged\\xff\)' "$(np_stdout)"
np_run local --json "$CPORT"
clean "local with a renamed process (JSON)"
assert_eq "local (JSON): the socket and its process name, stray byte as \\xHH" \
	'["\u001b[2J\n;;forged\\xff"]' \
	"$("$PY" -c 'import json, sys; print(json.dumps([x["process"] for x in json.load(open(sys.argv[1]))["sockets"]]))' "$NP_OUT")"
SCHEMA="$top_srcdir/docs/netprobe-local.schema.json" check_schema "local with a renamed process (JSON)" "$NP_OUT"

echo "# --- a fatal message quotes the argument escaped"
np_run 127.0.0.1 $'9\x1b[2J\n;;forged'
assert_rc 3 "bad port with ESC: exit status 3"
clean "bad port with ESC"
assert_eq "bad port with ESC: one line on stderr" 1 "$(wc -l <"$NP_ERR")"

np_done
