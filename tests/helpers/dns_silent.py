#!/usr/bin/python3
"""A DNS server that never answers, for netprobe integration tests.

Binds UDP (and TCP, same port) on 127.0.0.1 port 0 (or --addr/--port), prints the
port on one line on stdout, reads and ignores every datagram, accepts TCP
connections and never answers on them.  It counts what it received: with
--count-file the file always holds "<datagrams> <tcp_connections>", updated on
every arrival and on exit, so a test can prove that no query was sent (0 0) or
that one was (>= 1).  Exits after --lifetime seconds or on SIGTERM/SIGINT.
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


def bind_pair(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    for _ in range(BIND_TRIES):
        u = socket.socket(family, socket.SOCK_DGRAM)
        t = socket.socket(family, socket.SOCK_STREAM)
        try:
            if family == socket.AF_INET6:
                u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                t.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            u.bind((addr, port))
            chosen = u.getsockname()[1]
            t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            t.bind((addr, chosen))
            t.listen(16)
            return chosen, u, t
        except OSError:
            u.close()
            t.close()
            if port != 0:
                raise
    sys.exit("dns_silent.py: no free UDP+TCP port after %d tries" % BIND_TRIES)


def write_count(path, udp, tcp):
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d %d\n" % (udp, tcp))
        os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=60.0)
    ap.add_argument("--count-file")
    args = ap.parse_args()
    if not ipaddress.ip_address(args.addr).is_loopback:
        sys.exit("dns_silent.py: refusing non-loopback address %s" % args.addr)

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    port, udp, tcp = bind_pair(args.addr, args.port)
    datagrams = 0
    conns = []
    write_count(args.count_file, 0, 0)
    print(port, flush=True)

    sel = selectors.DefaultSelector()
    udp.setblocking(False)
    tcp.setblocking(False)
    sel.register(udp, selectors.EVENT_READ)
    sel.register(tcp, selectors.EVENT_READ)
    deadline = time.monotonic() + args.lifetime
    while not stop and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            try:
                if key.fileobj is udp:
                    udp.recvfrom(65535)
                    datagrams += 1
                else:
                    c, _peer = tcp.accept()
                    conns.append(c)  # held open, never answered
            except OSError:
                continue
            write_count(args.count_file, datagrams, len(conns))
    for c in conns:
        c.close()
    udp.close()
    tcp.close()
    write_count(args.count_file, datagrams, len(conns))


if __name__ == "__main__":
    main()
