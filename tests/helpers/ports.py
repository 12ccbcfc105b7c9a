#!/usr/bin/python3
"""Ports for netprobe integration tests that run in parallel (make -j8 check).

    ports.py free
        Print a port that nothing has bound on 127.0.0.1 and ::1, TCP and UDP,
        chosen at random BELOW the kernel's ephemeral range
        (net.ipv4.ip_local_port_range).  The kernel never hands such a port out
        itself, neither to bind(port 0) (every helper's listener, in every test
        running beside this one) nor as the source port of a connect(), so the
        port stays free until the test binds it, and netprobe's own source port
        can never equal it (a socket whose source and destination are the same
        address and port talks to itself and would look open).  Only another
        test's random pick can collide with it: 1 in ~30000.

    ports.py closed [--lifetime S]
        Hold a CLOSED port: bind such a port on 127.0.0.1 and ::1 without
        listen() for TCP (the kernel answers a SYN to a bound, non-listening
        socket with a RST), and for UDP with a socket connect()ed to port 1 of
        its own address (it only takes datagrams from there: from anyone else a
        datagram finds no socket, and the kernel answers ICMP port unreachable).
        No other program can bind the port while this one holds it.  Prints the
        port, then waits for SIGTERM/SIGINT or --lifetime seconds.

Without IPv6 on the loopback (some containers), the IPv4 side decides.
"""
import argparse
import errno
import random
import signal
import socket
import sys
import time

TRIES = 200
SIDES = ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1"))


def ephemeral_low():
    """The first port of the ephemeral range (never below 2048)."""
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return max(low, 2048)


def bind_side(family, addr, typ, port, closed):
    """One socket on addr:port, or None when the family is missing here."""
    try:
        s = socket.socket(family, typ)
    except OSError:
        return None
    if family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    try:
        s.bind((addr, port))
    except OSError as e:
        s.close()
        if family == socket.AF_INET6 and e.errno == errno.EADDRNOTAVAIL:
            return None          # no ::1 here
        raise
    if closed and typ == socket.SOCK_DGRAM:
        s.connect((addr, 1))     # takes datagrams from addr:1 only
    return s


def bind_all(port, closed):
    """TCP and UDP sockets on port on both loopback addresses (OSError if taken)."""
    socks = []
    try:
        for family, addr in SIDES:
            for typ in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                s = bind_side(family, addr, typ, port, closed)
                if s is not None:
                    socks.append(s)
    except OSError:
        for s in socks:
            s.close()
        raise
    return socks


def pick(closed):
    """A random port below the ephemeral range and its sockets."""
    low = ephemeral_low()
    for _ in range(TRIES):
        port = random.randrange(1024, low)
        try:
            return port, bind_all(port, closed)
        except OSError:
            continue
    sys.exit("ports.py: nothing free below %d after %d tries" % (low, TRIES))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("what", choices=["free", "closed"])
    ap.add_argument("--lifetime", type=float, default=1800.0)
    args = ap.parse_args()
    if args.what == "free":
        port, socks = pick(False)
        for s in socks:
            s.close()
        print(port)
        return
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    port, socks = pick(True)
    print(port, flush=True)
    end = time.monotonic() + args.lifetime
    while not stop and time.monotonic() < end:
        time.sleep(0.2)
    for s in socks:
        s.close()


if __name__ == "__main__":
    main()
