#!/usr/bin/python3
"""Scripted peer for netprobe's loopback and Unix-socket integration tests
(tcp_exchange.sh, udp_loopback.sh, unix_states.sh).

One socket, chosen by exactly one of:
    --tcp ADDR        TCP listener on ADDR (loopback only), port --port (0: kernel-chosen)
    --udp ADDR        UDP socket on ADDR (loopback only), port --port (0: kernel-chosen)
    --unix PATH       Unix-domain socket file (stream, or datagram with --dgram)
    --abstract NAME   Linux abstract Unix name (stream, or datagram with --dgram)
When it is ready it prints one line on stdout: the port (IP) or "ready" (Unix),
then serves until --lifetime seconds have passed or SIGTERM/SIGINT arrives.

--mode says what it does with each connection (stream) or datagram:
    accept    accept, keep the connection until the peer closes (default)
    echo      send back every byte received (stream) / every datagram (dgram)
    banner    send --banner at once, then keep reading until the peer closes
    banner-close  send --banner, then close
    close     close at once after accept (the peer sees EOF, or a reset when it
              had already sent data that nobody read)
    reset     wait for the first bytes from the peer (or its EOF), then close
              with SO_LINGER {1, 0}: the kernel sends a RST
    silent    datagrams: read and count, never answer

--peers-file FILE: one line "ADDRESS PORT" per accepted connection or received
datagram (the peer's address, getpeername / recvfrom), for local.port checks.
--count-file FILE: the number of connections accepted or datagrams received.
--mode0600: chmod 0600 the socket file (Unix paths only), for permission tests.
"""
import argparse
import ipaddress
import os
import selectors
import signal
import socket
import struct
import sys
import time

BUF = 65536


def loopback_only(addr):
    if not ipaddress.ip_address(addr).is_loopback:
        sys.exit("peer.py: refusing non-loopback address %s" % addr)


def write_file(path, text):
    if path:
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, path)


class Peer:
    def __init__(self, args):
        self.args = args
        self.sel = selectors.DefaultSelector()
        self.count = 0
        self.peers = []
        self.banner = args.banner.encode().decode("unicode_escape").encode("latin-1")

    def note(self, peer):
        self.count += 1
        if isinstance(peer, tuple):
            self.peers.append("%s %d" % (peer[0], peer[1]))
        else:
            self.peers.append(repr(peer))
        write_file(self.args.count_file, "%d\n" % self.count)
        write_file(self.args.peers_file, "".join(p + "\n" for p in self.peers))

    # ------------------------------------------------------------ stream

    def on_accept(self, lsock):
        try:
            conn, peer = lsock.accept()
        except (BlockingIOError, InterruptedError):
            return
        self.note(peer if peer else "unnamed")
        mode = self.args.mode
        if mode == "close":
            conn.close()
            return
        if mode in ("banner", "banner-close"):
            conn.setblocking(True)
            conn.sendall(self.banner)
            if mode == "banner-close":
                conn.close()
                return
        conn.setblocking(False)
        self.sel.register(conn, selectors.EVENT_READ, self.on_stream_data)

    def on_stream_data(self, conn):
        try:
            data = conn.recv(BUF)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if self.args.mode == "reset":
            self.sel.unregister(conn)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
            return
        if not data:
            self.sel.unregister(conn)
            conn.close()
            return
        if self.args.mode == "echo":
            try:
                conn.setblocking(True)
                conn.sendall(data)
                conn.setblocking(False)
            except OSError:
                self.sel.unregister(conn)
                conn.close()

    # ------------------------------------------------------------ datagram

    def on_datagram(self, sock):
        try:
            data, peer = sock.recvfrom(BUF)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        self.note(peer if peer else "unnamed")
        if self.args.mode == "echo" and peer:
            try:
                sock.sendto(data, peer)
            except OSError:
                pass

    # ------------------------------------------------------------ setup

    def open(self):
        a = self.args
        stype = socket.SOCK_DGRAM if (a.dgram or a.udp) else socket.SOCK_STREAM
        if a.tcp or a.udp:
            addr = a.tcp or a.udp
            loopback_only(addr)
            fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
            s = socket.socket(fam, stype)
            if fam == socket.AF_INET6:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            s.bind((addr, a.port))
            hello = "%d" % s.getsockname()[1]
        else:
            s = socket.socket(socket.AF_UNIX, stype)
            if a.unix:
                s.bind(a.unix)
                if a.mode0600:
                    os.chmod(a.unix, 0o600)
            else:
                s.bind("\0" + a.abstract)
            hello = "ready"
        if stype == socket.SOCK_STREAM:
            s.listen(64)
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, self.on_accept)
        else:
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, self.on_datagram)
        write_file(a.count_file, "0\n")
        write_file(a.peers_file, "")
        print(hello, flush=True)
        return s

    def run(self):
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        signal.signal(signal.SIGINT, lambda *_: stop.append(1))
        self.open()
        end = time.monotonic() + self.args.lifetime
        while not stop and time.monotonic() < end:
            for key, _ in self.sel.select(timeout=0.2):
                key.data(key.fileobj)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--tcp")
    g.add_argument("--udp")
    g.add_argument("--unix")
    g.add_argument("--abstract")
    ap.add_argument("--port", type=int, default=0, help="IP port (default 0: kernel-chosen)")
    ap.add_argument("--dgram", action="store_true")
    ap.add_argument("--mode", default="accept",
                    choices=["accept", "echo", "banner", "banner-close", "close", "reset", "silent"])
    ap.add_argument("--banner", default="")
    ap.add_argument("--peers-file")
    ap.add_argument("--count-file")
    ap.add_argument("--mode0600", action="store_true")
    ap.add_argument("--lifetime", type=float, default=120.0)
    Peer(ap.parse_args()).run()


if __name__ == "__main__":
    main()
