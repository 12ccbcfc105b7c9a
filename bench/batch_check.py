#!/usr/bin/python3
"""bench/batch_check.py: the checks and sums of bench/batch.sh.

Each subcommand reads one tool's output and prints what it found, a human line
or two and then one machine line "key=value key=value ..." (last line) that
batch.sh reads.

    probes NDJSON [--expect TSV] [--dig DIGOUT]   netprobe --file -f ndjson
    lookups NDJSON [--expect TSV] [--dig DIGOUT]  netprobe lookup --file -f ndjson
    nmap NDJSON GNMAP                             netprobe vs nmap -oG, per address
    count NDJSON                                  --count: rounds vs statistics
    count-text TEXT                               the same, text output
    hyperfine JSON                                label, median, min, max, runs
    callgrind ANNOTATE-OUTPUT TARGETS             Ir by object, per target
    callers TREE-CALLER-OUTPUT FUNC...            who calls FUNC (memset, malloc)
    netstat BEFORE AFTER                          TcpExt listen-queue counters
"""
import json
import math
import re
import statistics
import sys
from collections import Counter, defaultdict


def kv(**d):
    print(" ".join("%s=%s" % (k, v) for k, v in d.items()))


def cstr(c):
    return ",".join("%s:%d" % (k, v) for k, v in sorted(c.items())) or "-"


def read_expect(path):
    exp = {}
    if path:
        for line in open(path):
            name, a = line.rstrip("\n").split("\t")
            exp[name.rstrip(".").lower()] = None if a == "-" else a
    return exp


def read_dig(path):
    """dig +noall +answer output -> {queried-name: set of A}, following CNAMEs."""
    a, cname = defaultdict(set), {}
    if not path:
        return None
    for line in open(path):
        f = line.split()
        if len(f) >= 5 and f[2] == "IN":
            owner = f[0].rstrip(".").lower()
            if f[3] == "A":
                a[owner].add(f[4])
            elif f[3] == "CNAME":
                cname[owner] = f[4].rstrip(".").lower()

    def lookup(name):
        for _ in range(10):                          # bounded CNAME chain
            if name in cname:
                name = cname[name]
        return a.get(name, set())
    return lookup


class Mismatches:
    """A name's IPv4 addresses as netprobe saw them vs the zone and vs dig."""

    def __init__(self, exp, dig):
        self.exp, self.dig = exp, dig
        self.n_exp = self.n_dig = 0
        self.examples = []

    def check(self, name, got):
        if self.exp:
            want = self.exp.get(name, "?")
            want = set() if want is None else {want}
            if got != want:
                self.n_exp += 1
                self.note("%s: netprobe %s, zone %s" % (name, sorted(got), sorted(want)))
        if self.dig and got != self.dig(name):
            self.n_dig += 1
            self.note("%s: netprobe %s, dig %s" % (name, sorted(got), sorted(self.dig(name))))

    def note(self, text):
        if len(self.examples) < 5:
            self.examples.append(text)

    def show(self):
        for e in self.examples:
            print("  mismatch: " + e)

    def zone_n(self):
        return self.n_exp if self.exp else "n/a"

    def dig_n(self):
        return self.n_dig if self.dig else "n/a"


def lines(path):
    f = sys.stdin if path == "-" else open(path, errors="replace")
    for n, line in enumerate(f, 1):
        line = line.strip()
        if line:
            try:
                yield json.loads(line)
            except ValueError:
                yield {"type": "<invalid json line %d>" % n}


def emfile_in(obj):
    s = json.dumps(obj)
    return s.count("EMFILE") + s.count("Too many open files")


def probes(args):
    path, exp_path, dig_path = args[0], opt(args, "--expect"), opt(args, "--dig")
    mism = Mismatches(read_expect(exp_path), read_dig(dig_path))
    types, states, dns, errs = Counter(), Counter(), Counter(), Counter()
    emfile = 0
    summary = None
    odd = []
    for o in lines(path):
        t = o.get("type")
        types[t] += 1
        if t == "summary":
            summary = o
            continue
        emfile += emfile_in(o)
        if t != "target":
            continue
        d = o.get("dns") or {}
        dns[d.get("status")] += 1
        if d.get("status") not in ("ok", "nxdomain", "skipped") and dns[d.get("status")] <= 2:
            odd.append("%s: dns %s" % (o.get("input"), json.dumps(
                {k: d.get(k) for k in ("status", "rcode", "error", "queries", "time_ms")}, separators=(",", ":"))))
        for p in o.get("probes") or []:
            states[p.get("state")] += 1
            if p.get("error"):
                errs[p["error"].get("code")] += 1
        host = (o.get("host") or "").rstrip(".").lower()
        got = {x["address"] for x in d.get("addresses") or [] if x.get("family") == "ipv4"}
        mism.check(host, got)
    mism.show()
    for x in odd:
        print("  example: " + x[:600])
    print("  lines by type %s; probe states %s; dns %s; probe errors %s" %
          (cstr(types), cstr(states), cstr(dns), cstr(errs)))
    if summary:
        print("  summary line: " + json.dumps(summary, separators=(",", ":")))
    kv(targets=types["target"], errors=types["error"], summary=1 if summary else 0,
       invalid=sum(v for k, v in types.items() if k and k.startswith("<invalid")),
       probes=sum(states.values()), open=states["open"], closed=states["closed"],
       other=sum(states.values()) - states["open"] - states["closed"],
       dns_ok=dns["ok"], dns_nxdomain=dns["nxdomain"], emfile=emfile,
       mismatch_zone=mism.zone_n(), mismatch_dig=mism.dig_n(),
       exit_code=summary.get("exit_code") if summary else "?",
       unfinished=summary.get("unfinished") if summary else "?")


def lookups(args):
    path, exp_path, dig_path = args[0], opt(args, "--expect"), opt(args, "--dig")
    mism = Mismatches(read_expect(exp_path), read_dig(dig_path))
    types, st = Counter(), Counter()
    summary = None
    for o in lines(path):
        t = o.get("type")
        types[t] += 1
        if t == "summary":
            summary = o
            continue
        if t != "lookup":
            continue
        name = (o.get("name") or "").rstrip(".").lower()
        got = set()
        for r in o.get("replies") or []:
            st[r.get("status")] += 1
            for rr in r.get("answer") or []:
                if rr.get("type") == "A":
                    v = rr.get("data", rr.get("rdata", rr.get("address")))
                    if isinstance(v, dict):
                        v = v.get("address")
                    got.add(v)
        mism.check(name, got)
    mism.show()
    print("  lines by type %s; reply statuses %s" % (cstr(types), cstr(st)))
    if summary:
        print("  summary line: " + json.dumps(summary, separators=(",", ":")))
    kv(lookups=types["lookup"], errors=types["error"], summary=1 if summary else 0,
       ok=st["ok"], nxdomain=st["nxdomain"], other=sum(st.values()) - st["ok"] - st["nxdomain"],
       mismatch_zone=mism.zone_n(), mismatch_dig=mism.dig_n(),
       qps=summary.get("queries_per_second") if summary else "?",
       wall_ms=summary.get("wall_ms") if summary else "?")


def nmap(args):
    npf, gn = args[0], args[1]
    ours = {}
    for o in lines(npf):
        if o.get("type") == "target":
            for p in o.get("probes") or []:
                ours[(p["address"], p["port"])] = p["state"]
    theirs = {}
    for line in open(gn):
        m = re.match(r"Host: (\S+) .*\tPorts: (.*)", line)
        if not m:
            continue
        for ent in m.group(2).split(","):
            f = ent.strip().split("/")
            theirs[(m.group(1), int(f[0]))] = f[1]
    keys = set(ours) | set(theirs)
    dis = [k for k in sorted(keys) if ours.get(k) != theirs.get(k)]
    for k in dis[:5]:
        print("  disagree: %s:%d netprobe %s, nmap %s" % (k[0], k[1], ours.get(k), theirs.get(k)))
    print("  netprobe states %s; nmap states %s" % (cstr(Counter(ours.values())), cstr(Counter(theirs.values()))))
    kv(netprobe=len(ours), nmap=len(theirs), disagreements=len(dis),
       np_open=Counter(ours.values())["open"], nmap_open=Counter(theirs.values())["open"])


def stats_of(times, sent):
    n = len(times)
    r = {"sent": sent, "open": n, "loss_percent": 100.0 * (sent - n) / sent if sent else None}
    if n:
        avg = sum(times) / n
        var = sum(t * t for t in times) / n - avg * avg
        r.update(min_ms=min(times), avg_ms=avg, max_ms=max(times), mdev_ms=math.sqrt(max(var, 0.0)))
    else:
        r.update(min_ms=None, avg_ms=None, max_ms=None, mdev_ms=None)
    return r


def close(a, b, tol):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= tol


def compare_stats(computed, printed, tol=0.0015):
    """computed, printed: {key: stats dict}; returns (agree, lines)."""
    out, ok = [], True
    for k in sorted(set(computed) | set(printed)):
        c, p = computed.get(k), printed.get(k)
        if c is None or p is None:
            ok = False
            out.append("  %s: only in %s" % (k, "rounds" if p is None else "statistics"))
            continue
        good = c["sent"] == p["sent"] and c["open"] == p["open"] and \
            close(c["loss_percent"], p["loss_percent"], 0.05) and \
            all(close(c[f], p[f], tol) for f in ("min_ms", "avg_ms", "max_ms", "mdev_ms"))
        ok = ok and good
        fmt = lambda s: "%d sent %d open %s%% loss %s/%s/%s/%s" % (
            s["sent"], s["open"], s["loss_percent"],
            *["-" if s[f] is None else "%.3f" % s[f] for f in ("min_ms", "avg_ms", "max_ms", "mdev_ms")])
        out.append("  %s: rounds give %s; printed %s: %s" % (k, fmt(c), fmt(p), "agree" if good else "DISAGREE"))
    return ok, out


def count(args):
    rounds = defaultdict(list)          # key -> [(seq, state, time)]
    printed, seqs, tms, nround, target_rounds = {}, [], [], 0, None
    for o in lines(args[0]):
        t = o.get("type")
        if t == "round":
            nround += 1
            seqs.append(o.get("seq"))
            tms.append(o.get("t_ms"))
            for p in o.get("probes") or []:
                rounds[(p["address"], p["port"], p["proto"])].append((p["state"], p.get("time_ms")))
        elif t == "target":
            target_rounds = len(o.get("rounds") or [])
            for s in o.get("statistics") or []:
                printed[(s["address"], s["port"], s["proto"])] = s
    computed = {}
    for k, v in rounds.items():
        computed[k] = stats_of([tm for st, tm in v if st == "open"], len(v))
    ok, out = compare_stats({"%s %d/%s" % k: v for k, v in computed.items()},
                            {"%s %d/%s" % k: v for k, v in printed.items()})
    print("\n".join(out))
    gaps = [b - a for a, b in zip(tms, tms[1:]) if a is not None and b is not None]
    loss = ",".join("%g" % v["loss_percent"] for v in printed.values()) or "?"
    kv(rounds=nround, target_rounds=target_rounds, seq_ok=int(seqs == list(range(1, nround + 1))),
       agree="agree" if ok and printed else "disagree", loss=loss,
       median_gap_ms="%.1f" % statistics.median(gaps) if gaps else "?")


def count_text(args):
    rnd = re.compile(r"^(\S+) (\d+)/(\w+): seq=(\d+) (\w+)(?: time=([\d.]+) ms)?")
    st = re.compile(r"^(\S+) (\d+)/(\w+): (\d+) sent, (\d+) open, ([\d.]+)% loss"
                    r"(?:, time min/avg/max/mdev = ([\d.]+)/([\d.]+)/([\d.]+)/([\d.]+) ms)?")
    rounds, printed = defaultdict(list), {}
    for line in open(args[0], errors="replace"):
        m = st.match(line)
        if m:
            g = m.groups()
            f = lambda x: None if x is None else float(x)
            printed["%s %s/%s" % g[:3]] = {"sent": int(g[3]), "open": int(g[4]), "loss_percent": float(g[5]),
                                           "min_ms": f(g[6]), "avg_ms": f(g[7]), "max_ms": f(g[8]),
                                           "mdev_ms": f(g[9])}
            continue
        m = rnd.match(line)
        if m:
            g = m.groups()
            rounds["%s %s/%s" % g[:3]].append((g[4], None if g[5] is None else float(g[5])))
    computed = {k: stats_of([t for s, t in v if s == "open" and t is not None], len(v)) for k, v in rounds.items()}
    # text prints times with 3 decimals: allow the rounding of the inputs
    ok, out = compare_stats(computed, printed, tol=0.002)
    print("\n".join(out))
    kv(rounds=sum(len(v) for v in rounds.values()), agree="agree" if ok and printed else "disagree")


def hyperfine(args):
    res = json.load(open(args[0]))["results"]
    for r in res:
        t = r["times"]
        print("%s\t%.4f\t%.4f\t%.4f\t%d\t%.4f\t%.4f" % (r["command"], statistics.median(t), min(t), max(t),
                                                      len(t), r.get("user", 0), r.get("system", 0)))


def callgrind(args):
    by_obj, total = Counter(), 0
    pat = re.compile(r"^\s*([\d,]+)\s+(?:\([^)]*\)\s+)?(.*?)(?:\s+\[(.*)\])?\s*$")
    top = []
    in_table = False
    for line in open(args[0], errors="replace"):
        if line.strip().endswith("file:function"):
            in_table = True                 # the table of functions starts
            continue
        if in_table and not line.strip() and by_obj:
            break                           # ... and ends at a blank line
        if "PROGRAM TOTALS" in line:
            total = int(line.split()[0].replace(",", ""))
            continue
        m = pat.match(line)
        if not in_table or not m or ":" not in m.group(2):
            continue
        ir = int(m.group(1).replace(",", ""))
        obj = (m.group(3) or "(inlined, no object)").split("/")[-1]
        by_obj[obj] += ir
        if len(top) < 15:
            top.append((ir, m.group(2).split(":")[-1], obj))
    n = int(args[1])
    print("  Ir by object (exclusive), per target (%d targets), share of the total %s:" % (n, format(total, ",")))
    for obj, ir in by_obj.most_common(8):
        print("    %-28s %14s  %10.0f per target  %5.1f %%" % (obj, format(ir, ","), ir / n, 100.0 * ir / total if total else 0))
    print("  top functions (exclusive Ir):")
    for ir, fn, obj in top:
        print("    %14s  %-40s %s" % (format(ir, ","), fn[:40], obj))
    kv(total_ir=total, ir_per_target=int(total / n) if n else "?")


def callers(args):
    """callgrind_annotate --tree=caller output: who calls FUNC, and how much
    of FUNC's cost each caller brings (the "<" lines above the "*" line)."""
    want = args[1:]
    block = []
    for line in open(args[0], errors="replace"):
        if not line.strip():
            block = []
            continue
        block.append(line.rstrip("\n"))
        if "*  " in line and any(re.search(r":%s \[" % re.escape(w), line) for w in want):
            fn = line.split(":")[-1].split(" [")[0]
            rows = []
            for b in block[:-1]:
                m = re.match(r"^\s*([\d,]+).*?<\s+(\S+?):(\S+) \(([\d,]+)x\)", b)
                if m and int(m.group(1).replace(",", "")) >= 10000:
                    rows.append((int(m.group(1).replace(",", "")), m.group(3), m.group(4)))
            if rows:
                print("  callers of %s:" % fn)
            for ir, caller, calls in sorted(rows, reverse=True)[:5]:
                print("    %14s Ir from %s (%s calls)" % (format(ir, ","), caller, calls))


def netstat(args):
    def read(p):
        """cat of /proc/net/netstat, snmp (header line + value line per
        protocol, "Proto: ...") and snmp6 ("Name value" lines)."""
        d, pending = {}, None
        for line in open(p):
            f = line.split()
            if not f:
                continue
            if f[0].endswith(":"):
                if pending and pending[0] == f[0]:
                    for k, v in zip(pending[1:], f[1:]):
                        d[f[0] + k] = int(v)
                    pending = None
                else:
                    pending = f
            elif len(f) == 2:
                d["Udp6:" + f[0]] = int(f[1])
        return d
    b, a = read(args[0]), read(args[1])
    f = lambda k: a.get(k, 0) - b.get(k, 0)
    kv(listen_overflows=f("TcpExt:ListenOverflows"), listen_drops=f("TcpExt:ListenDrops"),
       syn_cookies_sent=f("TcpExt:SyncookiesSent"), udp_rcvbuf_errors=f("Udp:RcvbufErrors"),
       udp_in_errors=f("Udp:InErrors"), udp6_rcvbuf_errors=f("Udp6:Udp6RcvbufErrors"),
       of_which_knotd_sockets=f("Knotd:drops"))


def opt(args, name):
    return args[args.index(name) + 1] if name in args else None


CMDS = {"probes": probes, "lookups": lookups, "nmap": nmap, "count": count, "count-text": count_text,
        "hyperfine": hyperfine, "callgrind": callgrind, "callers": callers, "netstat": netstat}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in CMDS:
        sys.exit(__doc__)
    CMDS[sys.argv[1]](sys.argv[2:])
