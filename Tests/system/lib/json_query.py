"""Evaluates a Python expression over the JSON document on stdin.

usage: json_query.py EXPR          prints the value (strings bare, else JSON)
       json_query.py --test EXPR   prints nothing; exits 0 when the value is true
The document is bound to `j`. Exits 1 when the input is not JSON or the
expression fails (e.g. a missing key), so shell tests can branch on it.
"""
import json
import sys


def main() -> int:
    test = sys.argv[1] == "--test"
    expression = sys.argv[2] if test else sys.argv[1]
    try:
        j = json.load(sys.stdin)
        value = eval(expression, {"j": j, "any": any, "all": all, "len": len, "set": set})
    except Exception:  # noqa: BLE001 - any failure means "no match"
        return 1
    if test:
        return 0 if value else 1
    print(value if isinstance(value, str) else json.dumps(value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
