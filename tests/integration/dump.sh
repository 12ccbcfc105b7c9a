#!/bin/bash
# Socket addresses byte by byte: --dump (text) and sockaddr in JSON show the
# bytes as they sit in memory: the port and address in network byte order
# (big-endian), the family in host byte order.  Expected bytes are computed
# here independently (printf, Python struct) from the port the kernel chose.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/integration/lib.sh"
np_init
start_listener both 127.0.0.1 ::1
P=$LISTEN_PORT
start_silent_dns silent
Q="@127.0.0.1:$SILENT_PORT"

PHI=$((P >> 8)); PLO=$((P & 255))
PORT_SP=$(printf '%02x %02x' "$PHI" "$PLO")     # "hi lo" as the dump shows it
PORT_HEX=$(printf '%02x%02x' "$PHI" "$PLO")
PORT_SP_LE=$(printf '%02x %02x' "$PLO" "$PHI")  # the wrong (host) order
FAM4_HEX=$("$PY" -c 'import socket, struct; print(struct.pack("=H", socket.AF_INET).hex())')
FAM6_HEX=$("$PY" -c 'import socket, struct; print(struct.pack("=H", socket.AF_INET6).hex())')
AF_INET=$("$PY" -c 'import socket; print(int(socket.AF_INET))')
AF_INET6=$("$PY" -c 'import socket; print(int(socket.AF_INET6))')
echo "# port $P = bytes $PORT_SP (network order); AF_INET in host order: $FAM4_HEX"

# dump_bytes FILE FIELD SIZE: the SIZE bytes the text dump shows for FIELD (the
# first line naming FIELD; bytes before the name, after an optional +OFFSET, or
# else right after it; a field may wrap onto following lines), lowercase, space
# separated.  Independent of column layout.
dump_bytes() {
	"$PY" - "$@" <<'PYEOF'
import re, sys
path, field, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
lines = open(path, errors="replace").read().splitlines()
hexbyte = re.compile(r"^[0-9a-fA-F]{2}$")
offset = re.compile(r"^(\+?[0-9]+:?|0x[0-9a-fA-F]+:?)$")
name_re = re.compile(r"\bsin6?_[a-z_]+\b")
def run(tokens):
    out = []
    for tok in tokens:
        if hexbyte.match(tok):
            out.append(tok.lower())
        elif out or not offset.match(tok):
            break
    return out
got = []
for i, line in enumerate(lines):
    if not re.search(r"\b%s\b" % re.escape(field), line):
        continue
    before, after = re.split(r"\b%s\b" % re.escape(field), line, maxsplit=1)
    got = run(before.split()) or run(after.split())
    j = i + 1
    while len(got) < size and j < len(lines) and not name_re.search(lines[j]):
        more = run(lines[j].split())
        if not more:
            break
        got += more
        j += 1
    break
print(" ".join(got[:size]))
PYEOF
}

# ---- text --dump, IPv4
np_run "$Q" --dump 127.0.0.1 "$P"
assert_rc 0 "--dump 127.0.0.1 PORT: exit status 0"
assert_eq "--dump: sin_family bytes (host order)" "${FAM4_HEX:0:2} ${FAM4_HEX:2:2}" "$(dump_bytes "$NP_OUT" sin_family 2)"
assert_eq "--dump: sin_port bytes are $P in network order" "$PORT_SP" "$(dump_bytes "$NP_OUT" sin_port 2)"
assert_eq "--dump: sin_addr bytes are 7f 00 00 01" "7f 00 00 01" "$(dump_bytes "$NP_OUT" sin_addr 4)"
assert_eq "--dump: sin_zero bytes are 8 zeros" "00 00 00 00 00 00 00 00" "$(dump_bytes "$NP_OUT" sin_zero 8)"
line=$(grep -E '\bsin_port\b' "$NP_OUT" | head -n 1)
assert_match "--dump: the sin_port line shows the value $P" "(^|[^0-9])$P([^0-9]|$)" "$line"

# ---- text --dump, IPv6
np_run "$Q" --dump "[::1]:$P"
assert_rc 0 "--dump [::1]:PORT: exit status 0"
assert_eq "--dump v6: sin6_family bytes (host order)" "${FAM6_HEX:0:2} ${FAM6_HEX:2:2}" "$(dump_bytes "$NP_OUT" sin6_family 2)"
assert_eq "--dump v6: sin6_port bytes are $P in network order" "$PORT_SP" "$(dump_bytes "$NP_OUT" sin6_port 2)"
assert_eq "--dump v6: sin6_flowinfo bytes are 0" "00 00 00 00" "$(dump_bytes "$NP_OUT" sin6_flowinfo 4)"
assert_eq "--dump v6: sin6_addr bytes are 15 zeros then 01" "$(printf '00 %.0s' $(seq 1 15))01" "$(dump_bytes "$NP_OUT" sin6_addr 16)"
assert_eq "--dump v6: sin6_scope_id bytes are 0" "00 00 00 00" "$(dump_bytes "$NP_OUT" sin6_scope_id 4)"

# ---- JSON sockaddr, IPv4: sockaddr_in, 16 bytes
np_json "$Q" 127.0.0.1 "$P"
f=$NP_JSON
assert_rc 0 "--json 127.0.0.1 PORT: exit status 0"
check_json_basics "sockaddr_in" "$f" "$NP_RC"
assert_eq "sockaddr_in: struct and length" "sockaddr_in 16" \
	"$(jget "$f" targets.0.probes.0.sockaddr.struct) $(jget "$f" targets.0.probes.0.sockaddr.length)"
assert_eq "sockaddr_in: hex (family host order, port and address network order, sin_zero)" \
	"${FAM4_HEX}${PORT_HEX}7f0000010000000000000000" "$(jget "$f" targets.0.probes.0.sockaddr.hex)"
fields='[f["name"], f["offset"], f["size"], f["hex"], f["value"], f["byte_order"]] for f in t["probes"][0]["sockaddr"]["fields"]'
assert_eq "sockaddr_in: fields (name offset size hex value byte_order)" \
	"[[\"sin_family\",0,2,\"$FAM4_HEX\",$AF_INET,\"host\"],[\"sin_port\",2,2,\"$PORT_HEX\",$P,\"network\"],[\"sin_addr\",4,4,\"7f000001\",\"127.0.0.1\",\"network\"],[\"sin_zero\",8,8,\"0000000000000000\",null,\"none\"]]" \
	"$(jpy "$f" "[$fields]")"
assert_eq "sockaddr_in: the field hex strings are slices of the whole hex" "true" \
	"$(jpy "$f" 'all(s["hex"][2*x["offset"]:2*(x["offset"]+x["size"])] == x["hex"] for s in [t["probes"][0]["sockaddr"]] for x in s["fields"])')"

# ---- JSON sockaddr, IPv6: sockaddr_in6, 28 bytes
np_json "$Q" "[::1]:$P"
f=$NP_JSON
assert_rc 0 "--json [::1]:PORT: exit status 0"
check_json_basics "sockaddr_in6" "$f" "$NP_RC"
assert_eq "sockaddr_in6: struct and length" "sockaddr_in6 28" \
	"$(jget "$f" targets.0.probes.0.sockaddr.struct) $(jget "$f" targets.0.probes.0.sockaddr.length)"
V6_LOOP_HEX="$(printf '0%.0s' $(seq 1 30))01"
assert_eq "sockaddr_in6: hex (family host order, port, flowinfo 0, ::1, scope_id 0)" \
	"${FAM6_HEX}${PORT_HEX}00000000${V6_LOOP_HEX}00000000" "$(jget "$f" targets.0.probes.0.sockaddr.hex)"
assert_eq "sockaddr_in6: fields (name offset size hex value byte_order)" \
	"[[\"sin6_family\",0,2,\"$FAM6_HEX\",$AF_INET6,\"host\"],[\"sin6_port\",2,2,\"$PORT_HEX\",$P,\"network\"],[\"sin6_flowinfo\",4,4,\"00000000\",0,\"network\"],[\"sin6_addr\",8,16,\"00000000000000000000000000000001\",\"::1\",\"network\"],[\"sin6_scope_id\",24,4,\"00000000\",0,\"host\"]]" \
	"$(jpy "$f" "[$fields]")"
assert_eq "sockaddr_in6: the field hex strings are slices of the whole hex" "true" \
	"$(jpy "$f" 'all(s["hex"][2*x["offset"]:2*(x["offset"]+x["size"])] == x["hex"] for s in [t["probes"][0]["sockaddr"]] for x in s["fields"])')"

sleep 0.2
assert_eq "no DNS query was sent for these literals" "0 0" "$(helper_count silent)"
np_done
