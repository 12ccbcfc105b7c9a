#!/usr/bin/python3
"""TCP listener for netprobe integration tests.

Binds every address given with --addr on one port (port 0: the kernel picks a
port for the first address and the others reuse it), prints the port on one line
on stdout, then accepts and closes connections until --lifetime seconds have passed
or SIGTERM/SIGINT arrives.  With --count-file it keeps the number of accepted
connections in that file.  --backlog (default 64) is listen()'s: a benchmark
that opens thousands of connections a second wants more (bench/exporter.sh).  Loopback only: any non-loopback address is refused.
"""
import argparse
import ipaddress
import os
import selectors
import signal
import socket
import sys
import time

BIND_TRIES = 50


def loopback_only(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        sys.exit("listener.py: refusing non-loopback address %s" % addr)


def make_socket(addr, port, backlog=64):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    s.listen(backlog)
    return s


def bind_all(addrs, port, backlog):
    """Bind all addresses on one port; retry (bounded) when port 0 collides."""
    for _ in range(BIND_TRIES):
        socks = []
        try:
            first = make_socket(addrs[0], port, backlog)
            socks.append(first)
            chosen = first.getsockname()[1]
            for a in addrs[1:]:
                socks.append(make_socket(a, chosen, backlog))
            return chosen, socks
        except OSError:
            for s in socks:
                s.close()
            if port != 0:
                raise
    sys.exit("listener.py: no common free port after %d tries" % BIND_TRIES)


def write_count(path, n):
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % n)
        os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", action="append", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=60.0)
    ap.add_argument("--count-file")
    ap.add_argument("--backlog", type=int, default=64)
    args = ap.parse_args()
    for a in args.addr:
        loopback_only(a)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    port, socks = bind_all(args.addr, args.port, args.backlog)
    accepted = 0
    write_count(args.count_file, accepted)
    print(port, flush=True)

    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + args.lifetime
    while not stop and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            try:
                conn, _peer = key.fileobj.accept()
            except OSError:
                continue
            conn.close()
            accepted += 1
            write_count(args.count_file, accepted)
    for s in socks:
        s.close()
    write_count(args.count_file, accepted)


if __name__ == "__main__":
    main()
