#!/usr/bin/python3
"""Read an instant vector back from a Prometheus server's HTTP API.

    prom_query.py URL QUERY LABEL...

Asks URL/api/v1/query?query=QUERY (the API Grafana and alerting use) and
prints one line per series: the values of the LABELs named (``-`` when a
series lacks one), then the sample's value, separated by blanks, the lines
sorted.  Nothing printed when the vector is empty (not scraped yet).

Exit status: 0 the server answered with status "success", 1 it answered with
an error (printed on stderr), 2 no answer (connection refused, timeout: the
server is not up yet). Loopback only: the test passes 127.0.0.1 URLs.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request

TIMEOUT = 5  # seconds for one request: every wait in a test is bounded


def main():
    if len(sys.argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    base, query, labels = sys.argv[1], sys.argv[2], sys.argv[3:]
    url = base.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as r:
            doc = json.load(r)
    except urllib.error.HTTPError as e:  # 400/422/503: the body says why
        sys.stderr.write("prom_query: HTTP %d: %s\n" % (e.code, e.read()[:500]))
        return 1
    except (OSError, ValueError) as e:
        sys.stderr.write("prom_query: %s\n" % e)
        return 2
    if doc.get("status") != "success":
        sys.stderr.write("prom_query: %s\n" % json.dumps(doc)[:500])
        return 1
    data = doc.get("data", {})
    if data.get("resultType") != "vector":
        sys.stderr.write("prom_query: not an instant vector: %s\n" % data.get("resultType"))
        return 1
    lines = []
    for s in data.get("result", []):
        m = s.get("metric", {})
        lines.append(" ".join([m.get(l, "-") for l in labels] + [s["value"][1]]))
    for l in sorted(lines):
        print(l)
    return 0


if __name__ == "__main__":
    sys.exit(main())
