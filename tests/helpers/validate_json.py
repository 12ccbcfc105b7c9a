#!/usr/bin/python3
"""Validate netprobe JSON output against docs/netprobe.schema.json.

    /usr/bin/python3 validate_json.py SCHEMA < doc.json
    /usr/bin/python3 validate_json.py --lines SCHEMA < docs.ndjson

Exit 0: every document is valid.  Exit 1: a document is invalid or is not
JSON; each error goes to stderr as "PATH: message", one per line.  Exit 77
(automake SKIP): jsonschema cannot be imported.  Exit 99 (automake hard
error): the schema itself is unreadable or invalid, or bad usage.

Stricter than plain json + jsonschema on purpose, because it judges output
written by C code: "integer" means an integer literal (300, not 300.0),
NaN/Infinity and duplicate keys are rejected, and "format" is asserted
(date-time, ipv4, ipv6) with a built-in RFC 3339 check when the optional
rfc3339-validator package is missing.
"""

import argparse
import datetime
import json
import re
import sys

EXIT_OK, EXIT_INVALID, EXIT_SKIP, EXIT_HARD = 0, 1, 77, 99

try:
    import jsonschema
    from jsonschema import validators
except ImportError as exc:  # pragma: no cover - depends on the host
    print(f"SKIP: python module jsonschema not importable ({exc}); "
          "install python3-jsonschema", file=sys.stderr)
    sys.exit(EXIT_SKIP)


class DocError(Exception):
    """A document that is not strict JSON."""


def reject_constant(name):
    raise DocError(f"non-standard JSON constant {name}")


def reject_duplicates(pairs):
    obj = {}
    for key, value in pairs:
        if key in obj:
            raise DocError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def load_doc(text):
    try:
        return json.loads(text, parse_constant=reject_constant,
                          object_pairs_hook=reject_duplicates)
    except json.JSONDecodeError as exc:
        raise DocError(f"not JSON: {exc}") from None


RFC3339 = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?"
    r"([Zz]|[+-][0-9]{2}:[0-9]{2})$")


def is_rfc3339(instance):
    """Fallback date-time check: RFC 3339 shape and a real calendar date."""
    if not isinstance(instance, str):
        return True
    if not RFC3339.match(instance):
        return False
    text = instance.upper().replace("Z", "+00:00")
    text = re.sub(r":60(?=[.+-])", ":59", text)  # leap second
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def strict_validator_class(schema):
    base = validators.validator_for(schema)
    base.check_schema(schema)

    def is_strict_integer(checker, instance):
        return isinstance(instance, int) and not isinstance(instance, bool)

    type_checker = base.TYPE_CHECKER.redefine("integer", is_strict_integer)
    return validators.extend(base, type_checker=type_checker), base


def make_format_checker(base):
    checker = getattr(base, "FORMAT_CHECKER", None)
    if checker is None:
        checker = jsonschema.FormatChecker()
    if "date-time" not in checker.checkers:
        checker.checks("date-time")(is_rfc3339)
    return checker


def path_of(error):
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def leaf_errors(error):
    """anyOf/oneOf errors say little; report the sub-errors that went deepest."""
    if not error.context:
        return [error]
    deepest = max(len(e.absolute_path) for e in error.context)
    if deepest <= len(error.absolute_path):
        return [error]
    leaves = []
    for sub in error.context:
        if len(sub.absolute_path) == deepest:
            leaves.extend(leaf_errors(sub))
    return leaves


def shorten(message, limit=240):
    """Keep one error per readable line: big instances are elided."""
    message = " ".join(message.split())
    if len(message) <= limit:
        return message
    return message[:limit // 2] + " ... " + message[-(limit // 2):]


def check_doc(validator, doc, prefix):
    errors = sorted(validator.iter_errors(doc),
                    key=lambda e: [str(p) for p in e.absolute_path])
    seen = set()
    for error in errors:
        for leaf in leaf_errors(error):
            line = f"{prefix}{path_of(leaf)}: {shorten(leaf.message)}"
            if line not in seen:
                seen.add(line)
                print(line, file=sys.stderr)
    return not errors


def documents(stream, lines):
    if not lines:
        yield "", stream.read()
        return
    for number, text in enumerate(stream, 1):
        if text.strip():
            yield f"line {number}: ", text


def main():
    parser = argparse.ArgumentParser(
        description="Validate JSON documents on stdin against a JSON Schema.")
    parser.add_argument("schema", help="path of the JSON Schema")
    parser.add_argument("--lines", action="store_true",
                        help="stdin holds one JSON document per line (ndjson)")
    args = parser.parse_args()

    try:
        with open(args.schema, encoding="utf-8") as fh:
            schema = json.load(fh)
        cls, base = strict_validator_class(schema)
    except (OSError, ValueError, jsonschema.SchemaError) as exc:
        print(f"{args.schema}: unusable schema: {exc}", file=sys.stderr)
        return EXIT_HARD
    validator = cls(schema, format_checker=make_format_checker(base))

    ok, count = True, 0
    for prefix, text in documents(sys.stdin, args.lines):
        count += 1
        try:
            doc = load_doc(text)
        except DocError as exc:
            print(f"{prefix}$: {exc}", file=sys.stderr)
            ok = False
            continue
        ok = check_doc(validator, doc, prefix) and ok
    if count == 0:
        print("$: no JSON document on stdin", file=sys.stderr)
        ok = False
    return EXIT_OK if ok else EXIT_INVALID


if __name__ == "__main__":
    sys.exit(main())
