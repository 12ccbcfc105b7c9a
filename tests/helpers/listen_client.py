#!/usr/bin/python3
"""Clients for the `netprobe listen` integration tests (listen_tcp.sh,
listen_udp_unix.sh).  Each mode does one thing to the server and prints one
JSON object on stdout saying what this side saw: its own address as
getsockname() gives it (the oracle for the server's "peer"), its pid, what it
got back.  Exit 0 when the mode ran (whatever the server did), 2 on a socket
error the mode does not expect (printed to stderr).  Every socket operation has
a timeout (--timeout, default 5 s): nothing here can hang.

    listen_client.py echo ADDR PORT DATA        connect, send DATA, read len(DATA) back
    listen_client.py vanish ADDR PORT           connect, close at once (FIN)
    listen_client.py rst ADDR PORT DATA         connect, send, read the echo, SO_LINGER 0 close (RST)
    listen_client.py stay ADDR PORT DATA        connect, echo DATA once, print, then wait (up to
                                                --timeout) for the server to close: prints a 2nd
                                                line {"end": "eof"|"reset"|"timeout"}
    listen_client.py flood ADDR PORT NBYTES     connect, send NBYTES, read until EOF or reset
    listen_client.py hold ADDR PORT N DATA      N connections each echoing DATA, kept open,
                                                then one more: does it get EOF / reset / data?
    listen_client.py crowd ADDR PORT N DATA     N connections at once, DATA sent on each, all kept
                                                open; waits (up to --timeout in all) until each is
                                                "served" (DATA echoed), "closed" (EOF), "reset"; the
                                                rest are "hung".  Prints the outcomes in order, then
                                                closes them all
    listen_client.py udp ADDR PORT DATA [N]     bind (ADDR, 0), send DATA N times, read the replies
    listen_client.py unix PATH DATA             Unix stream: connect, send, read back (pid printed)
    listen_client.py unixdgram PATH MYPATH DATA Unix datagram: bind MYPATH, sendto PATH, recvfrom
    listen_client.py serve ADDR PORT [v6only|dual] [LIFETIME]  (ADDR may be fe80::1%IFNAME)
                                                a plain TCP server (not netprobe): bind, listen,
                                                print {"ready"...}, accept and close until SIGTERM
                                                or LIFETIME seconds (default 120)
    listen_client.py unbound PATH DATA          Unix datagram from an unbound socket (no address
                                                to answer to): send DATA, do not wait
    listen_client.py stale PATH                 bind a Unix stream socket at PATH and close it:
                                                leaves a socket file nobody listens on

ADDR is an IPv4 or IPv6 literal; PATH is a filesystem path or @name (abstract).
DATA may contain \\n (a newline).
"""

import json
import os
import socket
import struct
import sys

TIMEOUT = 5.0


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def unix_addr(path):
    return "\0" + path[1:] if path.startswith("@") else path


def show_unix(a):
    if isinstance(a, bytes):
        return "@" + a[1:].decode() if a[:1] == b"\0" else a.decode()
    if a.startswith("\0"):
        return "@" + a[1:]
    return a


def data_arg(s):
    return s.replace("\\n", "\n").encode()


def local_of(s):
    a = s.getsockname()
    return {"address": a[0], "port": a[1]}


def connect(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect((addr, int(port)))
    return s


def read_n(s, n):
    """Read up to n bytes; stop early on EOF.  Returns (bytes, end) where end is
    None (got n), "eof" or "reset"."""
    got = b""
    while len(got) < n:
        try:
            c = s.recv(n - len(got))
        except ConnectionResetError:
            return got, "reset"
        if not c:
            return got, "eof"
        got += c
    return got, None


def read_to_end(s):
    got = b""
    while True:
        try:
            c = s.recv(65536)
        except ConnectionResetError:
            return got, "reset"
        except socket.timeout:
            return got, "timeout"
        if not c:
            return got, "eof"
        got += c


def out(obj):
    obj["pid"] = os.getpid()
    print(json.dumps(obj, sort_keys=True), flush=True)


def m_echo(addr, port, data):
    d = data_arg(data)
    s = connect(addr, port)
    loc = local_of(s)
    s.sendall(d)
    got, end = read_n(s, len(d))
    s.close()
    out({"local": loc, "sent_hex": d.hex(), "received_hex": got.hex(), "end": end})


def m_vanish(addr, port):
    s = connect(addr, port)
    loc = local_of(s)
    s.close()
    out({"local": loc})


def m_rst(addr, port, data):
    d = data_arg(data)
    s = connect(addr, port)
    loc = local_of(s)
    s.sendall(d)
    got, end = read_n(s, len(d))       # the server has read it: it is connected for sure
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()                          # linger 0: the kernel sends RST, not FIN
    out({"local": loc, "received_hex": got.hex(), "end": end})


def m_stay(addr, port, data):
    d = data_arg(data)
    s = connect(addr, port)
    loc = local_of(s)
    s.sendall(d)
    got, end = read_n(s, len(d))
    out({"local": loc, "received_hex": got.hex(), "end": end})
    rest, end = read_to_end(s)
    s.close()
    print(json.dumps({"end": end, "more_hex": rest.hex()}), flush=True)


def m_flood(addr, port, nbytes):
    s = connect(addr, port)
    loc = local_of(s)
    sent = 0
    send_error = None
    chunk = b"F" * 65536
    n = int(nbytes)
    try:
        while sent < n:
            sent += s.send(chunk[: min(len(chunk), n - sent)])
    except (ConnectionResetError, BrokenPipeError) as e:
        send_error = type(e).__name__
    except socket.timeout:
        send_error = "timeout"
    got, end = read_to_end(s)
    s.close()
    out({"local": loc, "sent": sent, "send_error": send_error,
         "received": len(got), "end": end})


def m_hold(addr, port, n, data):
    d = data_arg(data)
    held = []
    echoes = []
    for _ in range(int(n)):
        s = connect(addr, port)
        s.sendall(d)
        got, end = read_n(s, len(d))  # the server accepted and served this one
        echoes.append(got.hex())
        held.append(s)
    x = connect(addr, port)
    xloc = local_of(x)
    try:
        x.sendall(d)
    except (ConnectionResetError, BrokenPipeError):
        pass
    got, end = read_to_end(x)
    x.close()
    res = {"held": [local_of(s) for s in held], "held_echoes": echoes,
           "extra": {"local": xloc, "received_hex": got.hex(), "end": end}}
    for s in held:
        s.close()
    out(res)


def crowd_outcome(s, d, got):
    """One read on a readable socket: None while the echo is incomplete."""
    try:
        c = s.recv(65536)
    except ConnectionResetError:
        return "reset"
    if not c:
        return "closed"
    got += c
    return "served" if len(got) >= len(d) else None


def m_crowd(addr, port, n, data):
    import select
    import time
    d = data_arg(data)
    socks, got, outcome = [], {}, {}
    for _ in range(int(n)):
        s = connect(addr, port)    # the kernel completes it: the backlog holds it
        s.sendall(d)
        socks.append(s)
        got[s] = bytearray()
    deadline = time.monotonic() + TIMEOUT
    while len(outcome) < len(socks) and time.monotonic() < deadline:
        waiting = [s for s in socks if s not in outcome]
        ready, _, _ = select.select(waiting, [], [], max(0.0, deadline - time.monotonic()))
        for s in ready:
            o = crowd_outcome(s, d, got[s])
            if o:
                outcome[s] = o
    res = {"outcomes": [outcome.get(s, "hung") for s in socks],
           "local": [local_of(s) for s in socks]}
    for s in socks:
        s.close()
    out(res)


def m_udp(addr, port, data, count="1"):
    d = data_arg(data)
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    s.bind((addr, 0))
    loc = local_of(s)
    replies = []
    for _ in range(int(count)):
        s.sendto(d, (addr, int(port)))
        try:
            r, frm = s.recvfrom(65536)
            replies.append({"hex": r.hex(), "from_port": frm[1]})
        except socket.timeout:
            replies.append(None)
    s.close()
    out({"local": loc, "sent_hex": d.hex(), "replies": replies})


def m_unix(path, data):
    d = data_arg(data)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(TIMEOUT)
    s.connect(unix_addr(path))
    s.sendall(d)
    got, end = read_n(s, len(d))
    s.close()
    out({"sent_hex": d.hex(), "received_hex": got.hex(), "end": end})


def m_unixdgram(path, mypath, data):
    d = data_arg(data)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.settimeout(TIMEOUT)
    s.bind(unix_addr(mypath))
    try:
        s.sendto(d, unix_addr(path))
        r, frm = s.recvfrom(65536)
        res = {"sent_hex": d.hex(), "received_hex": r.hex(), "from": show_unix(frm)}
    finally:
        s.close()
        if not mypath.startswith("@"):
            try:
                os.unlink(mypath)
            except OSError:
                pass
    out(res)


def m_serve(addr, port, mode="", lifetime="120"):
    import signal
    import time
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam(addr) == socket.AF_INET6 and mode in ("v6only", "dual"):
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if mode == "v6only" else 0)
    if "%" in addr:                    # fe80::5%eth0: the zone goes in sin6_scope_id
        host, zone = addr.split("%", 1)
        s.bind((host, int(port), 0, socket.if_nametoindex(zone)))
    else:
        s.bind((addr, int(port)))
    s.listen(16)
    out({"ready": True, "local": local_of(s)})
    end = time.monotonic() + float(lifetime)
    s.settimeout(0.5)
    while time.monotonic() < end:
        try:
            c, _ = s.accept()
            c.close()
        except socket.timeout:
            pass


def m_unbound(path, data):
    d = data_arg(data)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.sendto(d, unix_addr(path))
    s.close()
    out({"sent_hex": d.hex()})


def m_stale(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(unix_addr(path))
    s.close()
    out({"path": path, "exists": os.path.exists(path)})


MODES = {"echo": m_echo, "vanish": m_vanish, "stay": m_stay, "rst": m_rst, "flood": m_flood,
         "hold": m_hold, "crowd": m_crowd, "udp": m_udp, "unix": m_unix, "unixdgram": m_unixdgram,
         "stale": m_stale, "serve": m_serve, "unbound": m_unbound}


def main():
    global TIMEOUT
    args = sys.argv[1:]
    if len(args) >= 2 and args[0] == "--timeout":
        TIMEOUT = float(args[1])
        args = args[2:]
    if not args or args[0] not in MODES:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        MODES[args[0]](*args[1:])
    except TypeError as e:
        print("listen_client.py: bad arguments for %s: %s" % (args[0], e), file=sys.stderr)
        return 2
    except OSError as e:
        print("listen_client.py %s: %s: %s" % (args[0], type(e).__name__, e), file=sys.stderr)
        print(json.dumps({"error": type(e).__name__, "errno": e.errno, "pid": os.getpid()}), flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
