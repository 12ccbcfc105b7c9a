#!/bin/bash
# The options of each command are written down in five places besides the code:
# its --help (the source of truth: it is what the binary accepts), its man page,
# and the bash, zsh and fish completions. This test takes every option, long and
# short, from `netprobe [CMD] --help` for CMD in probe, listen, local, lookup, exporter and
# fails, naming the option and the place, when
#   - the command's man page has no entry for it in its OPTIONS section,
#   - a completion does not offer it for that command,
#   - a man page or a completion lists an option --help does not have,
#   - a completion offers it with an argument where --help has none, or the
#     other way round (bash: "--opt=", zsh: "--opt=" / "-o+", fish: -x / -r).
# It also renders every man page with groff (-ww: every warning) and checks
# that each one names the others it should (SEE ALSO), and that the pages,
# README and docs link files that exist.
#
# Exit 0 pass, 1 fail, 77 skip (python3 or groff missing), 99 hard error.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
NETPROBE=${NETPROBE:-$top_srcdir/build/src/netprobe}
PY=${PYTHON3:-python3}

command -v "$PY" >/dev/null 2>&1 || { echo "SKIP: python3 missing"; exit 77; }
command -v groff >/dev/null 2>&1 || { echo "SKIP: groff missing (Debian groff-base)"; exit 77; }
[ -x "$NETPROBE" ] || { echo "ERROR: no binary at $NETPROBE"; exit 99; }

fail=0
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# --help of each command, as the binary prints it.
for cmd in probe listen local lookup exporter; do
    if [ "$cmd" = probe ]; then
        "$NETPROBE" --help >"$tmp/$cmd.help" 2>&1
    else
        "$NETPROBE" "$cmd" --help >"$tmp/$cmd.help" 2>&1
    fi
    rc=$?
    if [ $rc -ne 0 ] || ! grep -q '^Options:' "$tmp/$cmd.help"; then
        echo "FAIL: netprobe $cmd --help exited $rc or printed no Options: section"
        fail=1
    fi
done

"$PY" "$top_srcdir/tests/docs/check_options.py" "$top_srcdir" "$tmp" || fail=1

# Every man page renders without a single groff warning.
for page in "$top_srcdir"/man/*.[0-9]; do
    out=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
    if [ -n "$out" ]; then
        echo "FAIL: groff warns on ${page#"$top_srcdir"/}:"
        printf '%s\n' "$out" | head -20
        fail=1
    fi
done

if [ $fail -eq 0 ]; then
    echo "PASS: options agree in --help, man pages and completions; pages render cleanly"
fi
exit $fail
