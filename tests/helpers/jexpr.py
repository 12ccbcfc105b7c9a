#!/usr/bin/python3
"""Evaluate a Python expression over netprobe's JSON output, for the tests.

    jexpr.py json|ndjson|events FILE EXPR

Prints the value (a string as it is, anything else as compact JSON with sorted
keys), or one line "<...>" saying why there is none (the file is not valid, the
expression failed), so that an assertion comparing it always fails then.

What EXPR sees, by mode:
  json    d: the document; t: its first target (None if it has none);
          E: os.environ; num(x): x is a JSON number
  ndjson  L: every object; T: the targets; E: the error objects; S: the last
          object (the summary)
  events  E: the event objects of `netprobe listen --format ndjson` (duplicate
          keys and NaN refused; an unfinished last line ignored); V: os.environ;
          ev(kind), peer(kind, port)
"""
import json
import os
import sys


def load_json(path):
    with open(path) as f:
        d = json.load(f)
    try:
        t = d["targets"][0]
    except Exception:
        t = None
    return {"d": d, "t": t, "E": os.environ,
            "num": lambda x: isinstance(x, (int, float)) and not isinstance(x, bool)}


def load_ndjson(path):
    L = [json.loads(l) for l in open(path, encoding="utf-8", errors="replace") if l.strip()]
    return {"L": L, "T": [o for o in L if o.get("type") == "target"],
            "E": [o for o in L if o.get("type") == "error"], "S": L[-1] if L else {}}


def no_dups(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate key %r" % k)
        d[k] = v
    return d


def no_const(c):
    raise ValueError("non-JSON constant %s" % c)


class BadLine(Exception):
    pass


def load_events(path):
    E = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                o = json.loads(line, object_pairs_hook=no_dups, parse_constant=no_const)
                if not isinstance(o, dict):
                    raise ValueError("not an object")
            except ValueError as e:
                if not line.endswith("\n"):
                    break            # a line still being written
                raise BadLine("<bad line %d: %s>" % (n, e))
            E.append(o)

    def ev(kind):
        return [e for e in E if e.get("event") == kind]

    def peer(kind, port):
        for e in ev(kind):
            if (e.get("peer") or {}).get("port") == int(port):
                return e
        return None
    return {"E": E, "V": os.environ, "ev": ev, "peer": peer}


LOADERS = {"json": ("<invalid json: %s>", load_json),
           "ndjson": ("<invalid ndjson: %s>", load_ndjson),
           "events": (None, load_events)}


def main():
    mode, path, expr = sys.argv[1:4]
    bad, loader = LOADERS[mode]
    try:
        names = loader(path)
    except BadLine as e:
        print(e)
        return
    except Exception as e:
        if bad is None:
            raise
        print(bad % e)
        return
    try:
        # one namespace, as globals: a comprehension in EXPR sees them all
        r = eval(expr, {"json": json, "os": os, "sys": sys, **names})
    except Exception as e:
        print("<error: %s: %s>" % (type(e).__name__, e))
        return
    print(r if isinstance(r, str) else json.dumps(r, sort_keys=True, separators=(",", ":")))


if __name__ == "__main__":
    main()
