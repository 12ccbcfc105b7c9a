#!/usr/bin/python3
"""bench/gen_zone.py: the generated inputs of bench/batch.sh.

    gen_zone.py zone DIR --names N --port P
        DIR/bench.test.zone  a zone with N names: nameI A 127.a.b.c (I = 1..N,
                             each its own address, spread over 127.0.0.0/8),
                             every 10th also AAAA ::1, plus 50 CNAMEs
                             aliasJ -> nameJ
        DIR/names.txt        the names asked (N lines): N - 150 nameI, the 50
                             aliasJ, and 100 absentK (not in the zone: NXDOMAIN)
        DIR/names_ports.txt  the same names, "NAME P" (netprobe --file)
        DIR/queries.txt      the same names, "NAME A" (dnsperf -d)
        DIR/expect.tsv       NAME, then its A address or "-" (NXDOMAIN)

    gen_zone.py literals FILE --count N --port P [--addrs FILE]
        N lines "127.a.b.c P", each address once (netprobe --file); with
        --addrs, the same addresses one per line (nmap -iL).

Address I is 127.a.b.c with a = 1 + I % 254, b = 1 + (I // 254) % 254,
c = 1 + (I // 64516) % 254: consecutive names land on different /16s, no
octet is 0 or 255, and the first 16 million are distinct.  Addresses with
a <= CLOSED_MAX_A (about 10 %) are the ones batch.sh makes answer a TCP
reset (nft), so a literal list is "most open, some closed".
"""
import argparse
import os
import sys

ORIGIN = "bench.test"
N_ALIASES = 50
N_ABSENT = 100
CLOSED_MAX_A = 25


def addr(i):
    return "127.%d.%d.%d" % (1 + i % 254, 1 + (i // 254) % 254, 1 + (i // 64516) % 254)


def zone(args):
    n = args.names
    if n < 1000:
        sys.exit("gen_zone.py: --names must be at least 1000")
    d = args.dir
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, ORIGIN + ".zone"), "w") as z:
        z.write("$ORIGIN %s.\n$TTL 3600\n" % ORIGIN)
        z.write("@ SOA ns.%s. hostmaster.%s. 1 3600 600 86400 300\n" % (ORIGIN, ORIGIN))
        z.write("@ NS ns\nns A 127.0.0.1\n")
        for i in range(1, n + 1):
            z.write("name%d A %s\n" % (i, addr(i)))
            if i % 10 == 0:
                z.write("name%d AAAA ::1\n" % i)
        for j in range(1, N_ALIASES + 1):
            z.write("alias%d CNAME name%d\n" % (j, j))
    asked = []                                   # (name, A address or None)
    for i in range(1, n - N_ALIASES - N_ABSENT + 1):
        asked.append(("name%d.%s" % (i, ORIGIN), addr(i)))
    for j in range(1, N_ALIASES + 1):
        asked.append(("alias%d.%s" % (j, ORIGIN), addr(j)))
    for k in range(1, N_ABSENT + 1):
        asked.append(("absent%d.%s" % (k, ORIGIN), None))
    # interleave the aliases and absent names with the rest, so that they are
    # not all at the end of the file
    step = len(asked) // (N_ALIASES + N_ABSENT)
    tail = asked[-(N_ALIASES + N_ABSENT):]
    head = asked[:-(N_ALIASES + N_ABSENT)]
    mixed = []
    for k, item in enumerate(tail):
        mixed.extend(head[k * (step - 1):(k + 1) * (step - 1)])
        mixed.append(item)
    mixed.extend(head[len(tail) * (step - 1):])
    assert len(mixed) == n
    with open(os.path.join(d, "names.txt"), "w") as f1, \
         open(os.path.join(d, "names_ports.txt"), "w") as f2, \
         open(os.path.join(d, "queries.txt"), "w") as f3, \
         open(os.path.join(d, "expect.tsv"), "w") as f4:
        for name, a in mixed:
            f1.write(name + "\n")
            f2.write("%s %d\n" % (name, args.port))
            f3.write(name + " A\n")
            f4.write("%s\t%s\n" % (name, a or "-"))


def literals(args):
    with open(args.file, "w") as f:
        ad = open(args.addrs, "w") if args.addrs else None
        for i in range(1, args.count + 1):
            a = addr(i)
            f.write("%s %d\n" % (a, args.port))
            if ad:
                ad.write(a + "\n")
        if ad:
            ad.close()


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    z = sub.add_parser("zone")
    z.add_argument("dir")
    z.add_argument("--names", type=int, default=20000)
    z.add_argument("--port", type=int, required=True)
    lit = sub.add_parser("literals")
    lit.add_argument("file")
    lit.add_argument("--count", type=int, required=True)
    lit.add_argument("--port", type=int, required=True)
    lit.add_argument("--addrs")
    args = p.parse_args()
    if args.cmd == "zone":
        zone(args)
    else:
        if not 1 <= args.count <= 16000000:
            sys.exit("gen_zone.py: --count must be 1..16000000")
        literals(args)


if __name__ == "__main__":
    main()
