#!/usr/bin/env python3
"""Compare each command's options in --help with its man page and completions.

Usage: check_options.py TOP_SRCDIR HELPDIR, where HELPDIR holds probe.help,
listen.help, local.help, lookup.help, exporter.help (the output of `netprobe [CMD] --help`).
Prints one FAIL line per disagreement, naming the option and the place, and
exits 1 if there is any. check_docs.sh runs it.
"""
import os
import re
import shlex
import sys

COMMANDS = ("probe", "listen", "local", "lookup", "exporter")
MAN = {"probe": "man/netprobe.1", "listen": "man/netprobe-listen.1",
       "local": "man/netprobe-local.1", "lookup": "man/netprobe-lookup.1",
       "exporter": "man/netprobe-exporter.1"}
PAGES = ["netprobe(1)", "netprobe-listen(1)", "netprobe-local(1)",
         "netprobe-lookup(1)", "netprobe-exporter(1)", "netprobe-json(5)"]
# Each bash completion function, and the functions/loops that count positional
# arguments (and so must skip every option that takes one).
BASH_FUNC = {"probe": "_netprobe", "listen": "_netprobe_listen",
             "local": "_netprobe_local", "lookup": "_netprobe_lookup", "exporter": "_netprobe_exporter"}
BASH_SKIP = {"probe": "_netprobe_npositional", "lookup": "_netprobe_lookup"}
ZSH_ARRAY = {"probe": "args", "listen": "listen_args", "local": "local_args",
             "lookup": "lookup_args", "exporter": "exporter_args"}
ZSH_SKIP = {"lookup": "_netprobe_lookup_args"}
FISH_COND = {"probe": "__netprobe_no_subcommand", "listen": "__netprobe_using listen",
             "local": "__netprobe_using local", "lookup": "__netprobe_using lookup",
             "exporter": "__netprobe_using exporter"}
FISH_SKIP = {"probe": "__netprobe_npositional", "lookup": "__netprobe_lookup_npositional"}

failures = []


def fail(msg):
    if msg in failures:
        return
    failures.append(msg)
    print("FAIL: " + msg)


def read(top, rel):
    with open(os.path.join(top, rel), encoding="utf-8") as f:
        return f.read()


def parse_help(text):
    """{option: takes_argument} from the Options: block of --help."""
    opts, inside = {}, False
    for line in text.splitlines():
        if line.startswith("Options:"):
            inside = True
            continue
        if inside and not line.strip():
            break
        stripped = line.strip()
        if not inside or not stripped.startswith("-"):
            continue
        names = re.split(r"\s{2,}", stripped)[0]
        group = [n.strip() for n in names.split(",")]
        has_arg = any("=" in n for n in group)
        for n in group:
            opts[n.split("=")[0]] = has_arg
    if not opts:
        fail("--help: no options found in its Options: block")
    return opts


def man_options(text):
    """{option: takes_argument} from the .TP/.TQ tags of the OPTIONS section."""
    m = re.search(r"^\.SH OPTIONS\n(.*?)(?=^\.SH )", text, re.S | re.M)
    if not m:
        return None
    opts, lines = {}, m.group(1).splitlines()
    for i, line in enumerate(lines[:-1]):
        if line not in (".TP", ".TQ"):
            continue
        tag = lines[i + 1].replace("\\-", "-")
        tag = re.sub(r"\\f[BIRP]|\\f\(..|\\&|\"", "", tag)
        tag = re.sub(r"^\.[BIR]{1,2}\s+", "", tag)
        for name, rest in re.findall(r"(?<![\w-])(--?[A-Za-z0-9][\w-]*)(\s*=?)", tag):
            opts[name] = opts.get(name, False) or "=" in rest
    return opts


def func_body(text, name, marker):
    """Text of a shell function `name` up to its closing line (marker)."""
    m = re.search(r"^" + re.escape(name) + r"\s*\(\)\s*\{?\n(.*?)^" + marker,
                  text, re.S | re.M)
    return m.group(1) if m else None


def bash_options(text, cmd):
    body = func_body(text, BASH_FUNC[cmd], r"\}")
    if body is None:
        return None, set()
    # the option words: the compgen -W list offered when the word starts with -
    words = None
    for lst in re.findall(r"compgen -W '([^']*)'", body):
        if "--help" in lst.split():
            words = lst.split()
    opts = {}
    for w in words or []:
        opts[w.rstrip("=")] = w.endswith("=") or opts.get(w.rstrip("="), False)
    # options whose next word is their argument: the first case $prev block
    prev = re.search(r"case \$prev in\n(.*?)\n\s*esac", body, re.S)
    prev_names = set()
    if prev:
        for pat in re.findall(r"^\s*([^\n()]*?)\)\s*$", prev.group(1), re.M):
            prev_names.update(p.strip() for p in pat.split("|"))
    return opts, prev_names


def case_skips(body, fish=False):
    """Options a positional-counting loop skips the next word after."""
    skipped, plain = set(), set()
    if fish:
        arms = re.findall(r"case ([^\n]+)\n((?:[ \t]+set [^\n]+\n)*)", body)
        for pats, action in arms:
            names = [p.strip("'") for p in pats.split()]
            (skipped if "set skip 1" in action else plain).update(names)
    else:
        arms = re.findall(r"^\s*\(?([-\w?*=| @]+)\)\s*(.*?);;", body, re.S | re.M)
        for pats, action in arms:
            names = [p.strip() for p in pats.split("|")]
            (skipped if "skip=1" in action else plain).update(names)
    return skipped


def zsh_options(text, cmd):
    m = re.search(r"^" + ZSH_ARRAY[cmd] + r"=\(\n(.*?)^\)", text, re.S | re.M)
    if not m:
        return None
    opts = {}
    for line in m.group(1).splitlines():
        s = line.strip()
        s = re.sub(r"^'\*'", "", s)
        s = s.lstrip("'")
        s = re.sub(r"^\([^)]*\)'?", "", s)
        if s.startswith("{"):
            specs = s[1:s.index("}")].split(",")
        elif s.startswith("-"):
            specs = [re.split(r"[\[']", s)[0]]
        else:
            continue
        for spec in specs:
            name = spec.rstrip("+=-")
            if not name.startswith("-") or name == "-":
                continue
            opts[name] = spec != name
    return opts


def fish_options(text, cmd):
    opts = {}
    for line in text.splitlines():
        if not line.startswith("complete -c netprobe "):
            continue
        try:
            toks = shlex.split(line)
        except ValueError as err:
            fail("completions/netprobe.fish: cannot read %r: %s" % (line, err))
            continue
        cond, names, has_arg, i = None, [], False, 3
        while i < len(toks):
            t = toks[i]
            if t in ("-n", "-a", "-d", "-c"):
                if t == "-n":
                    cond = toks[i + 1]
                i += 2
                continue
            if t == "-s":
                names.append("-" + toks[i + 1])
                i += 2
                continue
            if t in ("-l", "-o"):
                names.append("--" + toks[i + 1])
                i += 2
                continue
            if t in ("-x", "-r", "--exclusive", "--require-parameter"):
                has_arg = True
            i += 1
        if cond == FISH_COND[cmd]:
            for n in names:
                opts[n] = has_arg
    return opts


def compare(cmd, place, help_opts, other):
    """Short options carry their argument in bash and man only beside the long one."""
    if other is None:
        fail("%s: %s: no options found for this command" % (cmd, place))
        return
    for name, has_arg in sorted(help_opts.items()):
        if name not in other:
            fail("%s: %s is in --help but missing from %s" % (cmd, name, place))
        elif (name.startswith("--") or "completions/" in place and "bash" not in place) \
                and other[name] != has_arg:
            fail("%s: %s %s an argument in --help but %s in %s" %
                 (cmd, name, "takes" if has_arg else "takes no",
                  "not" if has_arg else "does", place))
    for name in sorted(set(other) - set(help_opts)):
        fail("%s: %s is in %s but not in --help" % (cmd, name, place))


def check_skips(cmd, place, help_opts, skipped):
    for name, has_arg in sorted(help_opts.items()):
        if has_arg and name not in skipped:
            fail("%s: %s takes an argument but %s does not skip it when counting "
                 "positional arguments" % (cmd, name, place))
        if not has_arg and name in skipped:
            fail("%s: %s takes no argument but %s skips the word after it"
                 % (cmd, name, place))


def check_command(top, helpdir, cmd, bash, zsh, fish):
    with open(os.path.join(helpdir, cmd + ".help"), encoding="utf-8") as f:
        help_opts = parse_help(f.read())
    if not os.path.exists(os.path.join(top, MAN[cmd])):
        fail("%s: man page %s is missing" % (cmd, MAN[cmd]))
    else:
        compare(cmd, MAN[cmd] + " OPTIONS", help_opts, man_options(read(top, MAN[cmd])))
    bopts, prev = bash_options(bash, cmd)
    compare(cmd, "completions/netprobe.bash", help_opts, bopts)
    for name, has_arg in sorted(help_opts.items()):
        if has_arg and name not in prev:
            fail("%s: %s takes an argument but completions/netprobe.bash completes "
                 "the word after it as if not (case $prev)" % (cmd, name))
    compare(cmd, "completions/_netprobe", help_opts, zsh_options(zsh, cmd))
    compare(cmd, "completions/netprobe.fish", help_opts, fish_options(fish, cmd))
    if cmd in BASH_SKIP:
        check_skips(cmd, "completions/netprobe.bash " + BASH_SKIP[cmd], help_opts,
                    case_skips(func_body(bash, BASH_SKIP[cmd], r"\}") or ""))
    if cmd in ZSH_SKIP:
        check_skips(cmd, "completions/_netprobe " + ZSH_SKIP[cmd], help_opts,
                    case_skips(func_body(zsh, ZSH_SKIP[cmd], r"\}") or ""))
    if cmd in FISH_SKIP:
        body = re.search(r"^function " + FISH_SKIP[cmd] + r"\n(.*?)^end", fish, re.S | re.M)
        check_skips(cmd, "completions/netprobe.fish " + FISH_SKIP[cmd], help_opts,
                    case_skips(body.group(1) if body else "", fish=True))


def check_pages(top):
    """Every page is installed, names the other pages, and its file links exist."""
    makefile = read(top, "Makefile.am")
    m = re.search(r"^dist_man_MANS\s*=((?:.*\\\n)*.*)", makefile, re.M)
    installed = set(m.group(1).replace("\\\n", " ").split()) if m else set()
    for page in PAGES:
        name, sect = page[:-3], page[-2]
        rel = "man/%s.%s" % (name, sect)
        if not os.path.exists(os.path.join(top, rel)):
            fail("man page %s is missing" % rel)
            continue
        if rel not in installed:
            fail("%s is not in Makefile.am dist_man_MANS" % rel)
        text = read(top, rel)
        if not re.search(r"^\.TH %s %s " % (re.escape(name.upper().replace("-", "\\-")), sect),
                         text, re.M):
            fail("%s: .TH does not name %s %s" % (rel, name.upper(), sect))
        see = re.search(r"^\.SH SEE ALSO\n(.*?)(?=^\.SH |\Z)", text, re.S | re.M)
        see_text = see.group(1).replace("\\-", "-") if see else ""
        for other in PAGES:
            if other == page:
                continue
            oname, osect = other[:-3], other[-2]
            if not re.search(r"\b%s\s*\(%s\)" % (re.escape(oname), osect),
                             re.sub(r"\\f[BIRP]|[\"]|^\.[BIR]{1,2} ", "", see_text, flags=re.M)):
                fail("%s: SEE ALSO does not name %s" % (rel, other))
        for doc in set(re.findall(r"docs/[\w.-]+\.(?:md|json)", text.replace("\\-", "-"))):
            if not os.path.exists(os.path.join(top, doc)):
                fail("%s names %s, which does not exist" % (rel, doc))
    for rel in ["README.md"] + ["docs/" + f for f in os.listdir(os.path.join(top, "docs"))
                                if f.endswith(".md")]:
        base = os.path.dirname(rel)
        for link in re.findall(r"\]\(([^)#:\s]+)(?:#[^)]*)?\)", read(top, rel)):
            if not os.path.exists(os.path.normpath(os.path.join(top, base, link))):
                fail("%s links %s, which does not exist" % (rel, link))


def main():
    top, helpdir = sys.argv[1], sys.argv[2]
    bash = read(top, "completions/netprobe.bash")
    zsh = read(top, "completions/_netprobe")
    fish = read(top, "completions/netprobe.fish")
    for cmd in COMMANDS:
        check_command(top, helpdir, cmd, bash, zsh, fish)
    check_pages(top)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
