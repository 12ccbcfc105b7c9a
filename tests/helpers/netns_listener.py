#!/usr/bin/python3
"""TCP listener for the netns testbed of the netprobe integration tests.

Like listener.py, but it may bind documentation addresses (198.51.100.0/24,
203.0.113.0/24, 2001:db8::/32) when it runs inside a network namespace other
than the initial one, and it listens on several ports at once.  Binds every
--addr on every --port, prints the ports on one line on stdout (space-separated),
then accepts connections, writes --banner (if any) and closes, until --lifetime
seconds have passed or SIGTERM/SIGINT arrives.  With --count-file it keeps the
number of accepted connections in that file.
"""
import argparse
import ipaddress
import os
import selectors
import signal
import socket
import sys
import time

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
    sys.exit("netns_listener.py: refusing %s: only loopback, or documentation "
             "addresses inside a private network namespace" % addr)


def make_socket(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    s.listen(64)
    return s


def write_count(path, n):
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % n)
        os.replace(tmp, path)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", action="append", required=True)
    ap.add_argument("--port", type=int, action="append", required=True)
    ap.add_argument("--banner", default="")
    ap.add_argument("--lifetime", type=float, default=60.0)
    ap.add_argument("--count-file")
    args = ap.parse_args()
    for a in args.addr:
        check_addr(a)
    if any(p <= 0 or p > 65535 for p in args.port):
        sys.exit("netns_listener.py: ports must be 1-65535")

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    socks = [make_socket(a, p) for p in args.port for a in args.addr]
    banner = args.banner.encode()
    accepted = 0
    write_count(args.count_file, accepted)
    print(" ".join(str(p) for p in args.port), flush=True)

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
            if banner:
                try:
                    conn.settimeout(1.0)
                    conn.sendall(banner)
                except OSError:
                    pass
            conn.close()
            accepted += 1
            write_count(args.count_file, accepted)
    for s in socks:
        s.close()
    write_count(args.count_file, accepted)


if __name__ == "__main__":
    main()
