#!/usr/bin/python3
"""UDP responder for netprobe integration tests.

Binds every address given with --addr on every port given with --port (port 0,
alone: the kernel picks one for the first address and the others reuse it),
prints the ports on one line on stdout (space-separated), then answers each
datagram with --prefix followed by the datagram's bytes, from the address and port
it arrived on, until --lifetime seconds have passed or SIGTERM/SIGINT arrives.
With --count-file it keeps the number of datagrams received in that file.

Addresses: loopback anywhere; the documentation ranges 198.51.100.0/24,
203.0.113.0/24 and 2001:db8::/32 only inside a network namespace other than the
initial one (the netns testbed), so it can never answer on a real network.
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
DOC_NETS = [ipaddress.ip_network(n) for n in
            ("198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")]


def in_private_netns():
    """True when this process runs in a named network namespace (ip netns add
    makes /run/netns/NAME), or in one that is not pid 1's."""
    try:
        me = os.stat("/proc/self/ns/net")
    except OSError:
        return False
    try:
        for name in os.listdir("/run/netns"):
            st = os.stat(os.path.join("/run/netns", name))
            if (st.st_dev, st.st_ino) == (me.st_dev, me.st_ino):
                return True
    except OSError:
        pass
    try:
        return os.stat("/proc/1/ns/net").st_ino != me.st_ino
    except OSError:
        return False


def check_addr(addr):
    ip = ipaddress.ip_address(addr)
    if ip.is_loopback:
        return
    if any(ip in n for n in DOC_NETS) and in_private_netns():
        return
    sys.exit("udp_responder.py: refusing %s: only loopback, or documentation "
             "addresses inside a private network namespace" % addr)


def make_socket(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_DGRAM)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    return s


def bind_all(addrs, ports):
    if ports != [0]:
        return ports, [make_socket(a, p) for p in ports for a in addrs]
    for _ in range(BIND_TRIES):
        socks = []
        try:
            first = make_socket(addrs[0], 0)
            socks.append(first)
            chosen = first.getsockname()[1]
            for a in addrs[1:]:
                socks.append(make_socket(a, chosen))
            return [chosen], socks
        except OSError:
            for s in socks:
                s.close()
    sys.exit("udp_responder.py: no common free port after %d tries" % BIND_TRIES)


def write_count(path, n):
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % n)
        os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", action="append", required=True)
    ap.add_argument("--port", type=int, action="append")
    ap.add_argument("--prefix", default="echo:")
    ap.add_argument("--lifetime", type=float, default=60.0)
    ap.add_argument("--count-file")
    args = ap.parse_args()
    for a in args.addr:
        check_addr(a)
    ports = args.port or [0]
    if 0 in ports and len(ports) > 1:
        sys.exit("udp_responder.py: port 0 only alone")

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    ports, socks = bind_all(args.addr, ports)
    prefix = args.prefix.encode()
    received = 0
    write_count(args.count_file, received)
    print(" ".join(str(p) for p in ports), flush=True)

    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    deadline = time.monotonic() + args.lifetime
    while not stop and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            try:
                data, peer = key.fileobj.recvfrom(65535)
            except OSError:
                continue
            received += 1
            write_count(args.count_file, received)
            try:
                key.fileobj.sendto(prefix + data, peer)
            except OSError:
                pass
    for s in socks:
        s.close()
    write_count(args.count_file, received)


if __name__ == "__main__":
    main()
