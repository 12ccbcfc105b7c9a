#!/usr/bin/python3
"""A hostile DNS responder for netprobe tests (tests/integration/lookup_hostile.sh).

Binds UDP and TCP on one port of 127.0.0.1 (port 0: the kernel picks; printed on
one line on stdout) and answers every query according to the first label of
its name (case-insensitive; anything may follow: loop.hostile.test, loop.x):

  ok         a good answer: one record of the asked type (A 127.0.0.1, AAAA ::1;
             any other type gets an A record)
  wrongid    the good answer with another ID (a resolver must drop it)
  otherq     a good answer whose question names another name (dropped too)
  qdzero     a good answer with QDCOUNT 0 and no question section
  noqr       the good answer with QR clear (it does not claim to be a response)
  tiny       7 bytes: shorter than a DNS header
  loop       the answer's owner name is a compression pointer to itself
  loopcname  a CNAME whose target is a compression pointer to itself
  loop2      owner name -> pointer -> pointer back (a two-step loop)
  ptrpast    the answer's owner name is a pointer past the end of the message
  counts     ANCOUNT 10, one record present (counts larger than the data)
  rdlength   an A record whose RDLENGTH (256) runs past the end
  shorta     an address one byte short: A with RDLENGTH 3, AAAA with 15
  label64    the answer's owner name starts with label length byte 0x40
  label80    the same with 0x80 (the other reserved label type)
  nameover   an owner name of 5 x 63-byte labels: longer than 255 bytes
  txtover    a TXT record whose character-string length runs past its RDLENGTH
  trailing   the good answer and 100 bytes of garbage after the last record
  huge       over UDP: TC set, no records; over TCP: 300 records of the asked
             type (netprobe keeps 256 records per message and counts the rest)
  slow       the good answer, sent 0.5 s after the query

 hostile content (build_content; issue 8 items 10, 11):
  txtmany    TXT: over UDP TC set, no records; over TCP one TXT record of
             TXTMANY_STRINGS empty character-strings (a 65,000-byte rdata).
             A/AAAA: the good answer (so a lookup of TXT A AAAA mixes both)
  esc        control bytes, ESC (and a C1 CSI, NUL, DEL, 0xff) in every field
             that carries text: the answer is one record of the asked type
             (A/AAAA: a CNAME to a name full of escapes, then the address at
             that name); the additional section holds one such record of every
             type netprobe decodes (ESC_TYPES) and an unknown type

Replies whose meaning is wrong rather than whose bytes are (see
build_meaning below):
  nxaddr     rcode NXDOMAIN with an address record of the asked type
  sfaddr     rcode SERVFAIL with an address record of the asked type
  bigudp     over UDP: the good answer padded with 200 records to about 8 KB,
             TC clear; over TCP: the good answer
  drip       over UDP: TC set, no records; over TCP: the good answer sent one
             byte every 0.25 s (about 10 s in all)
  nsother    NOERROR, AA and RA clear, no answer, NS records in AUTHORITY for
             an unrelated zone (elsewhere.example.): not a referral for the name
  nsrecursed NOERROR, RA set, no answer, NS records in AUTHORITY for the
             name's parent: a recursive answer, not a referral
  anything else: REFUSED

With --save-dir DIR every reply is also written to DIR/hostile-CASE[-tcp].bin
(the DNS message only, no TCP length prefix): seeds for tests/fuzz/corpus.
With --log FILE one line "PROTO CASE QTYPE RD" is appended per query received
(PROTO udp or tcp, QTYPE a number, RD "rd" or "nord": the query's RD bit).
Exits after --lifetime seconds or on SIGTERM/SIGINT.  Loopback only.
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

BIND_TRIES = 50
SLOW_DELAY = 0.5
DRIP_DELAY = 0.25
BIGUDP_RECORDS = 200
HUGE_RECORDS = 300


def parse_query(q):
    """(id, flags, qname labels, qtype, qclass, question bytes) or None."""
    if len(q) < 12:
        return None
    qid, flags, qd = struct.unpack("!HHH", q[:6])
    if qd < 1:
        return None
    pos, labels = 12, []
    while pos < len(q):
        n = q[pos]
        if n == 0:
            pos += 1
            break
        if n & 0xC0:
            return None
        labels.append(q[pos + 1:pos + 1 + n])
        pos += 1 + n
    if pos + 4 > len(q):
        return None
    qtype, qclass = struct.unpack("!HH", q[pos:pos + 4])
    return qid, flags, labels, qtype, qclass, q[12:pos + 4]


def header(qid, flags, qd, an, ns=0, ar=0):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def rr(name, rtype, rdata, ttl=60, rclass=1, rdlength=None):
    if rdlength is None:
        rdlength = len(rdata)
    return name + struct.pack("!HHIH", rtype, rclass, ttl, rdlength) + rdata


def addr_rdata(qtype):
    if qtype == 28:
        return 28, socket.inet_pton(socket.AF_INET6, "::1")
    return 1, socket.inet_pton(socket.AF_INET, "127.0.0.1")


def encode_name(text):
    out = b""
    for lab in text.strip(".").split("."):
        out += bytes([len(lab)]) + lab.encode()
    return out + b"\0"


def build(case, qid, rd, question, qtype, tcp):
    """The reply bytes for CASE, or None for no reply."""
    flags = 0x8400 | (rd & 0x0100) | 0x0080   # qr aa (rd as asked) ra
    rtype, rdata = addr_rdata(qtype)
    good = rr(b"\xc0\x0c", rtype, rdata)
    if case == "ok" or case == "slow":
        return header(qid, flags, 1, 1) + question + good
    if case == "wrongid":
        return header(qid ^ 0x5A5A, flags, 1, 1) + question + good
    if case == "otherq":
        other = encode_name("other.hostile.test") + question[-4:]
        return header(qid, flags, 1, 1) + other + good
    if case == "qdzero":
        name = encode_name("qdzero.hostile.test")
        return header(qid, flags, 0, 1) + rr(name, rtype, rdata)
    if case == "noqr":
        return header(qid, flags & ~0x8000, 1, 1) + question + good
    if case == "tiny":
        return struct.pack("!HHH", qid, flags, 1)[:6] + b"\x00"
    body = header(qid, flags, 1, 1) + question
    at = len(body)        # where the answer record starts
    if case == "loop":
        return body + rr(struct.pack("!H", 0xC000 | at), rtype, rdata)
    if case == "loopcname":
        rdat = at + 2 + 10   # owner is a 2-byte pointer, then the fixed fields
        return body + rr(b"\xc0\x0c", 5, struct.pack("!H", 0xC000 | rdat))
    if case == "loop2":
        # owner: pointer to at+2; at+2 holds a pointer back to at
        return body + struct.pack("!HH", 0xC000 | (at + 2), 0xC000 | at) + \
            struct.pack("!HHIH", rtype, 1, 60, len(rdata)) + rdata
    if case == "ptrpast":
        return body + rr(b"\xff\xf0", rtype, rdata)
    if case == "counts":
        return header(qid, flags, 1, 10) + question + good
    if case == "rdlength":
        return body + rr(b"\xc0\x0c", 1, rdata[:4], rdlength=256)
    if case == "shorta":
        return body + rr(b"\xc0\x0c", rtype, rdata[:-1])
    if case == "label64":
        return body + rr(b"\x40" + b"x" * 64 + b"\x00", rtype, rdata)
    if case == "label80":
        return body + rr(b"\x80" + b"x" * 8 + b"\x00", rtype, rdata)
    if case == "nameover":
        name = b"".join(bytes([63]) + bytes([0x61 + i]) * 63 for i in range(5)) + b"\x00"
        return body + rr(name, rtype, rdata)
    if case == "txtover":
        return body + rr(b"\xc0\x0c", 16, b"\x32abcd")
    if case == "trailing":
        return header(qid, flags, 1, 1) + question + good + b"\xee" * 100
    if case == "huge":
        if not tcp:
            return header(qid, flags | 0x0200, 1, 0) + question
        return header(qid, flags, 1, HUGE_RECORDS) + question + b"".join(
            rr(b"\xc0\x0c", rtype, rdata[:-1] + bytes([i % 250 + 1])) for i in range(HUGE_RECORDS))
    content = build_content(case, qid, flags, question, qtype, tcp)
    if content is not None:
        return content
    meant = build_meaning(case, qid, flags, question, qtype, tcp)
    if meant is not None:
        return meant
    return header(qid, (flags & ~0x0400) | 5, 1, 0) + question   # REFUSED


# ---- hostile content: huge and escape-laden records (issue 8 items 10, 11) ----

TXTMANY_STRINGS = 65000
# What a server can put in a label or a string to attack a terminal: ESC
# sequences (colour, clear screen, cursor up), a newline and a forged line,
# carriage return, NUL, DEL, a C1 CSI byte (0x9b), an invalid UTF-8 byte.
ESC_BYTES = b"\x1b[2J\n;;forged\r\x00\x7f\x9b\xff\"\\"
ESC_LABEL = b"\x1b\x07\n;;f.x\x7f\x9b\xff\x00"
ESC_TYPES = (1, 2, 5, 6, 12, 15, 16, 28, 33, 257, 65280)


def esc_name():
    """A name whose first label carries escapes, under the question's name."""
    return bytes([len(ESC_LABEL)]) + ESC_LABEL + b"\xc0\x0c"


def esc_rdata(rtype):
    """rdata of RTYPE with escapes in every text field."""
    n = esc_name()
    if rtype == 1:
        return socket.inet_pton(socket.AF_INET, "127.0.0.1")
    if rtype == 28:
        return socket.inet_pton(socket.AF_INET6, "::1")
    if rtype in (2, 5, 12):
        return n
    if rtype == 6:
        return n + n + struct.pack("!IIIII", 1, 2, 3, 4, 5)
    if rtype == 15:
        return struct.pack("!H", 10) + n
    if rtype == 16:
        return bytes([len(ESC_BYTES)]) + ESC_BYTES + b"\x02\x1b\n" + b"\x00"
    if rtype == 33:
        return struct.pack("!HHH", 1, 2, 3) + n
    if rtype == 257:
        tag = b"i\x1b[2J\n;;f"
        return b"\x00" + bytes([len(tag)]) + tag + ESC_BYTES
    return ESC_BYTES    # an unknown type: rdata shown in hex


def build_content(case, qid, flags, question, qtype, tcp):
    """The reply for a hostile-content CASE, or None when CASE is not one."""
    if case == "txtmany":
        if qtype != 16:
            rtype, rdata = addr_rdata(qtype)
            return header(qid, flags, 1, 1) + question + rr(b"\xc0\x0c", rtype, rdata)
        if not tcp:
            return header(qid, flags | 0x0200, 1, 0) + question
        return header(qid, flags, 1, 1) + question + \
            rr(b"\xc0\x0c", 16, b"\x00" * TXTMANY_STRINGS)
    if case == "esc":
        extra = b"".join(rr(b"\xc0\x0c", t, esc_rdata(t)) for t in ESC_TYPES)
        if qtype in (1, 28):
            answer = rr(b"\xc0\x0c", 5, esc_name()) + rr(esc_name(), qtype, esc_rdata(qtype))
            return header(qid, flags, 1, 2, 0, len(ESC_TYPES)) + question + answer + extra
        answer = rr(b"\xc0\x0c", qtype, esc_rdata(qtype))
        return header(qid, flags, 1, 1, 0, len(ESC_TYPES)) + question + answer + extra
    return None


# ---- well-formed replies that mean something a client must not take at face
# value: an rcode that contradicts the records, a big answer without TC, a
# TCP answer dripped a byte at a time.
def build_meaning(case, qid, flags, question, qtype, tcp):
    rtype, rdata = addr_rdata(qtype)
    good = rr(b"\xc0\x0c", rtype, rdata)
    if case == "nxaddr":
        return header(qid, flags | 3, 1, 1) + question + good
    if case == "sfaddr":
        return header(qid, flags | 2, 1, 1) + question + good
    if case == "bigudp":
        if tcp:
            return header(qid, flags, 1, 1) + question + good
        pad = b"".join(rr(b"\xc0\x0c", 16, b"\x24" + b"p" * 36) for _ in range(BIGUDP_RECORDS))
        return header(qid, flags, 1, 1 + BIGUDP_RECORDS) + question + good + pad
    if case in ("nsother", "nsrecursed"):
        zone = "elsewhere.example" if case == "nsother" else "hostile.test"
        fl = flags & ~0x0480 if case == "nsother" else (flags & ~0x0400) | 0x0080
        ns = rr(encode_name(zone), 2, encode_name("ns." + zone))
        return header(qid, fl, 1, 0, 1) + question + ns
    if case == "drip":
        if not tcp:
            return header(qid, flags | 0x0200, 1, 0) + question
        return header(qid, flags, 1, 1) + question + good
    return None


def bind_pair(addr, port):
    for _ in range(BIND_TRIES):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
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
    sys.exit("dns_hostile.py: no free UDP+TCP port after %d tries" % BIND_TRIES)


class Server:
    def __init__(self, args):
        self.args = args
        self.sel = selectors.DefaultSelector()
        self.pending = []          # (due, kind, target, bytes)
        self.conns = {}            # socket -> bytearray of input
        self.drip_end = {}         # socket -> when its dripping ends

    def log(self, proto, case, qtype, qflags):
        if self.args.log:
            with open(self.args.log, "a") as f:
                f.write("%s %s %d %s\n" % (proto, case, qtype, "rd" if qflags & 0x0100 else "nord"))

    def save(self, case, tcp, msg):
        if self.args.save_dir:
            name = "hostile-%s%s.bin" % (case, "-tcp" if tcp else "")
            with open(os.path.join(self.args.save_dir, name), "wb") as f:
                f.write(msg)

    def answer(self, q, tcp):
        p = parse_query(q)
        if p is None:
            return None, None
        qid, qflags, labels, qtype, _qclass, question = p
        case = labels[0].decode("ascii", "replace").lower() if labels else ""
        self.log("tcp" if tcp else "udp", case, qtype, qflags)
        msg = build(case, qid, qflags, question, qtype, tcp)
        if msg is not None:
            self.save(case, tcp, msg)
        return case, msg

    def on_udp(self, sock):
        q, peer = sock.recvfrom(65535)
        case, msg = self.answer(q, False)
        if msg is not None:
            due = time.monotonic() + (SLOW_DELAY if case == "slow" else 0)
            self.pending.append((due, "udp", (sock, peer), msg))

    def on_accept(self, lsock):
        c, _ = lsock.accept()
        c.setblocking(False)
        self.conns[c] = bytearray()
        self.sel.register(c, selectors.EVENT_READ)

    def close_conn(self, c):
        self.sel.unregister(c)
        self.conns.pop(c, None)
        self.drip_end.pop(c, None)
        c.close()

    def on_tcp(self, c):
        try:
            data = c.recv(65535)
        except OSError:
            data = b""
        if not data:
            self.close_conn(c)
            return
        buf = self.conns[c]
        buf += data
        while len(buf) >= 2:
            n = struct.unpack("!H", buf[:2])[0]
            if len(buf) < 2 + n:
                break
            q = bytes(buf[2:2 + n])
            del buf[:2 + n]
            case, msg = self.answer(q, True)
            if msg is None:
                continue
            framed = struct.pack("!H", len(msg)) + msg
            now = time.monotonic()
            if case == "drip":
                # after what is already dripping on this connection: two
                # answers' bytes never interleave
                start = max(now, self.drip_end.get(c, now))
                for i in range(len(framed)):
                    self.pending.append((start + i * DRIP_DELAY, "tcp", c, framed[i:i + 1]))
                self.drip_end[c] = start + len(framed) * DRIP_DELAY
                continue
            self.pending.append((now + (SLOW_DELAY if case == "slow" else 0), "tcp", c, framed))

    def flush(self):
        now = time.monotonic()
        keep = []
        for item in self.pending:
            due, kind, target, msg = item
            if due > now:
                keep.append(item)
                continue
            try:
                if kind == "udp":
                    target[0].sendto(msg, target[1])
                elif target in self.conns:
                    target.setblocking(True)
                    target.settimeout(2)
                    target.sendall(msg)
                    target.setblocking(False)
            except OSError:
                pass
        self.pending = keep

    def run(self):
        args = self.args
        stop = []
        signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
        signal.signal(signal.SIGINT, lambda *_: stop.append(1))
        port, udp, tcp = bind_pair(args.addr, args.port)
        udp.setblocking(False)
        tcp.setblocking(False)
        self.sel.register(udp, selectors.EVENT_READ)
        self.sel.register(tcp, selectors.EVENT_READ)
        print(port, flush=True)
        deadline = time.monotonic() + args.lifetime
        while not stop and time.monotonic() < deadline:
            wait = 0.2
            if self.pending:
                wait = max(0.0, min(wait, min(p[0] for p in self.pending) - time.monotonic()))
            for key, _ in self.sel.select(timeout=wait):
                try:
                    if key.fileobj is udp:
                        self.on_udp(udp)
                    elif key.fileobj is tcp:
                        self.on_accept(tcp)
                    else:
                        self.on_tcp(key.fileobj)
                except (OSError, BlockingIOError):
                    continue
            self.flush()
        for c in list(self.conns):
            self.close_conn(c)
        udp.close()
        tcp.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--addr", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--lifetime", type=float, default=60.0)
    ap.add_argument("--log")
    ap.add_argument("--save-dir")
    args = ap.parse_args()
    if not ipaddress.ip_address(args.addr).is_loopback:
        sys.exit("dns_hostile.py: refusing non-loopback address %s" % args.addr)
    Server(args).run()


if __name__ == "__main__":
    main()
