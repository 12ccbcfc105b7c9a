#!/usr/bin/python3
"""A small HTTP client for the exporter tests (tests/integration/exporter_*.sh),
doing what curl does not: a client that sends half a request and waits, raw
bytes (garbage, a huge URL, huge headers), many requests in a bounded loop, a
burst of concurrent ones. Loopback only; every wait is bounded.

  http_client.py slow PORT [BYTES]    send BYTES (default half a request), then
                                      wait for the server to close: prints
                                      "closed" or "open" (after --wait s)
  http_client.py raw PORT KIND        KIND: garbage, huge-url, huge-headers,
                                      bad-line, nul: prints the status code the
                                      server answered, or "closed" (no answer)
  http_client.py many PORT N PATH...  N requests, a new connection each, the
                                      PATHs in turn: prints "CODE COUNT" lines
  http_client.py burst PORT N PATH    N requests at once: prints "CODE COUNT"
                                      lines; bodies of 200s in --save DIR
"""
import argparse
import collections
import http.client
import os
import socket
import sys
import threading

HOST = "127.0.0.1"


def slow(port, data, wait):
    s = socket.create_connection((HOST, port), timeout=10)
    s.sendall(data)
    print("sent", flush=True)
    s.settimeout(wait)
    try:
        while True:
            b = s.recv(4096)
            if not b:
                print("closed")
                return
    except socket.timeout:
        print("open")
    except ConnectionResetError:
        print("closed")


def raw_request(kind):
    if kind == "garbage":
        return bytes(range(256)) * 8 + b"\r\n\r\n"
    if kind == "huge-url":
        return b"GET /probe?target=" + b"a" * 200000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    if kind == "huge-headers":
        h = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"b" * 1000) for i in range(200))
        return b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + h + b"\r\n"
    if kind == "bad-line":
        return b"HELLO THERE\r\n\r\n"
    if kind == "nul":
        return b"GET /pro\x00be?target=127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n"
    raise SystemExit("unknown kind " + kind)


def raw(port, kind, wait):
    s = socket.create_connection((HOST, port), timeout=wait)
    try:
        s.sendall(raw_request(kind))
    except (BrokenPipeError, ConnectionResetError):
        pass
    got = b""
    try:
        while len(got) < 65536:
            b = s.recv(4096)
            if not b:
                break
            got += b
            if b"\r\n" in got:
                break
    except (socket.timeout, ConnectionResetError):
        pass
    line = got.split(b"\r\n", 1)[0].split()
    print(line[1].decode() if len(line) > 1 and got.startswith(b"HTTP/") else "closed")


def one(port, path, timeout):
    c = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        c.request("GET", path)
        r = c.getresponse()
        return r.status, r.read()
    except (OSError, http.client.HTTPException) as e:
        return "error:" + type(e).__name__, b""
    finally:
        c.close()


def many(port, n, paths, timeout):
    counts = collections.Counter()
    for i in range(n):
        counts[one(port, paths[i % len(paths)], timeout)[0]] += 1
    for code, k in sorted(counts.items(), key=str):
        print(code, k)


def burst(port, n, path, timeout, save):
    counts = collections.Counter()
    lock = threading.Lock()
    start = threading.Barrier(n)

    def run(i):
        start.wait()
        code, body = one(port, path, timeout)
        with lock:
            counts[code] += 1
        if save and code == 200:
            with open(os.path.join(save, "%d.prom" % i), "wb") as f:
                f.write(body)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout + 30)
    for code, k in sorted(counts.items(), key=str):
        print(code, k)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["slow", "raw", "many", "burst"])
    ap.add_argument("port", type=int)
    ap.add_argument("args", nargs="*")
    ap.add_argument("--wait", type=float, default=60)
    ap.add_argument("--save")
    a = ap.parse_args()
    if a.mode == "slow":
        data = a.args[0].encode() if a.args else b"GET /metrics HTTP/1.1\r\nHost: x\r\n"
        slow(a.port, data, a.wait)
    elif a.mode == "raw":
        raw(a.port, a.args[0], a.wait)
    elif a.mode == "many":
        many(a.port, int(a.args[0]), a.args[1:], a.wait)
    else:
        burst(a.port, int(a.args[0]), a.args[1], a.wait, a.save)


if __name__ == "__main__":
    sys.exit(main())
