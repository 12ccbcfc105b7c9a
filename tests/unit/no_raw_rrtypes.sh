#!/bin/bash
# Issue 9, seam 4: DNS record types are named by the descriptor table
# (src/rrtypes.c, src/rrtypes.h) and nowhere else. This greps src/ for what
# the table replaced: a type compared with or set to a number, a switch on a
# type with numeric cases, a type name spelled as a string, and a second
# big-endian reader. Prints each offending line; exit 1 if there is one.
# Usage: tests/unit/no_raw_rrtypes.sh [SRCDIR]   (--count: print the count only)
count_only=false
[ "$1" = --count ] && { count_only=true; shift; }
src=${1:-${top_srcdir:-$(dirname "$0")/../..}/src}
[ -d "$src" ] || { echo "no source folder $src" >&2; exit 99; }
files=$(ls "$src"/*.c "$src"/*.h | grep -v '/rrtypes\.[ch]$')

offences() {
	# 1. a type (type, qtype, types[i], ->type...) compared with or set to a number
	grep -nHE '\b(q?type|types)(\[[^]]*\])?[[:space:]]*(==|!=|=)[[:space:]]*[0-9]+\b' $files |
		grep -vE '\bint type = 0;'
	# 1b. a number chosen in place of a type: "t == 251 ? ...", "? 28 : 1", "i ? 28 : 1"
	grep -nHE '(types?|qtype|\bt)\b[^;]*\?[[:space:]]*[0-9]+[[:space:]]*:' $files |
		grep -vE 'socktype|icmp'
	grep -nHE 'types?\[[^]]*\+\+\][[:space:]]*=[^;]*\?[[:space:]]*[0-9]+' $files
	# 2. numeric cases of a switch on a type
	awk '/switch[[:space:]]*\(/ { on = ($0 ~ /type/ && $0 !~ /socktype|icmp/) }
	     on && /case[[:space:]]+[0-9]+[[:space:]]*:/ { print FILENAME ":" FNR ":" $0 }' $files
	# 3. a type name as a string of its own (ANY is a class too: a switch on
	#    a class may name it)
	awk '/switch[[:space:]]*\(/ { class = ($0 ~ /class/) }
	     /"(A|NS|CNAME|SOA|PTR|MX|TXT|AAAA|SRV|OPT|CAA|ANY|AXFR|IXFR)"/ &&
	     !(class && /case[[:space:]]+[0-9]+[[:space:]]*:[[:space:]]*return "ANY"/) {
		print FILENAME ":" FNR ":" $0 }' $files
	# 4. a big-endian reader other than src/bytes.h
	grep -nHE '\b(get16|get32)[[:space:]]*\(const' $files
	grep -nHE '<<[[:space:]]*8[[:space:]]*\|[[:space:]]*[a-z_>.-]*\[' $files | grep -v '/bytes\.h:'
}

# comments may name types and numbers: they are words, not code
out=$(offences | grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*)' | sort -u)
n=$(printf '%s' "$out" | grep -c .)
if $count_only; then
	echo "$n"
	exit 0
fi
if [ "$n" -ne 0 ]; then
	echo "$out"
	echo "FAIL: $n raw DNS type numbers/names outside src/rrtypes.[ch] (issue 9, seam 4)"
	exit 1
fi
echo "ok: no raw DNS type numbers or names outside src/rrtypes.[ch]"
