#!/usr/bin/env python3
"""bench/json_within_digits.py DIGITS BEFORE.json AFTER.json: is AFTER the `config-search recommend`
JSON answer BEFORE is, with its estimates rounded to DIGITS significant digits? (csjson8, issue 21)

The same structure, member names in the same order, the same strings, booleans and nulls (so the
same rankings and configurations). Numbers that are not estimates -- "deadline",
"best_measured_value", "samples_used", "line", and every number of a ranked configuration with
"measured": true -- must be the same text. Every other number (an estimate: an unmeasured
configuration's value, low, high, runtime; "prior_over_best"; the timings, when present) must have
at most DIGITS significant digits and differ from BEFORE's by at most half a unit of its
DIGITS-th significant digit (plus 1e-9 of that unit: the one rounding of the scaling by a power of
ten). Exit 0 when it is so, 1 (naming the first difference's path) when not, 2 on bad input.
"""
import json
import sys
from decimal import Decimal

EXACT = {"deadline", "best_measured_value", "samples_used", "line"}


def number(text):
    """A JSON number's text as a Decimal; NaN and infinities (Gson writes them) as None."""
    return None if text in ("NaN", "Infinity", "-Infinity") else Decimal(text)


def significant(d):
    t = d.as_tuple()
    digits = "".join(map(str, t.digits)).strip("0")
    return len(digits)


def within(before, after, digits):
    b, a = number(before), number(after)
    if b is None or a is None or b == 0:
        return before == after
    if significant(a) > digits:
        return False
    lead = b.adjusted()  # the decimal exponent of BEFORE's first significant digit
    unit = Decimal(10) ** (lead - digits + 1)
    return abs(a - b) <= unit * (Decimal("0.5") + Decimal("1e-9"))


def compare(b, a, path, digits, exact):
    if type(b) is not type(a):
        return "%s: %s against %s" % (path, type(b).__name__, type(a).__name__)
    if isinstance(b, dict):
        if list(b) != list(a):
            return "%s: members %s against %s" % (path, list(b), list(a))
        measured = b.get("measured") is True
        for k in b:
            why = compare(b[k], a[k], path + "." + k, digits, exact or k in EXACT or measured)
            if why:
                return why
        return None
    if isinstance(b, list):
        if len(b) != len(a):
            return "%s: %d elements against %d" % (path, len(b), len(a))
        for i, (x, y) in enumerate(zip(b, a)):
            why = compare(x, y, "%s[%d]" % (path, i), digits, exact)
            if why:
                return why
        return None
    if isinstance(b, Num):
        if b.text == a.text or (not exact and within(b.text, a.text, digits)):
            return None
        return "%s: %s against %s%s" % (path, b.text, a.text, " (not an estimate: same text expected)" if exact else "")
    return None if b == a else "%s: %r against %r" % (path, b, a)


class Num:
    """A JSON number kept as its text."""

    def __init__(self, text):
        self.text = text


def load(path):
    with open(path) as f:
        return json.load(f, parse_float=Num, parse_int=Num, parse_constant=Num)


def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    digits = int(sys.argv[1])
    try:
        b, a = load(sys.argv[2]), load(sys.argv[3])
    except (OSError, ValueError) as e:
        print("not JSON: %s" % e, file=sys.stderr)
        return 2
    why = compare(b, a, "$", digits, False)
    if why:
        print(why)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
