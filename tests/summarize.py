#!/usr/bin/env python3
"""Count every test point of a run and print OVCP's closing line.

Usage: tests/summarize.py LABEL=MESON_TESTLOG.json... [LABEL=FILE.tap]...

A meson test that speaks TAP counts once per test point ("ok", "not ok",
"# SKIP"); a test that does not counts once by its result. A TAP test that
crashed after some points also counts one failure for the crash. Failed
points are listed, then the last line is "N passed, N failed, N skipped".
"""
import json
import re
import sys

TAP_LINE = re.compile(r"^(not ok|ok)\b(?:\s+\d+)?\s*(?:-\s*)?(.*)$")


def tap_points(text):
    points = []
    for line in text.splitlines():
        m = TAP_LINE.match(line)
        if not m:
            continue
        desc = m.group(2)
        if re.search(r"#\s*SKIP", desc, re.I):
            points.append(("skip", desc))
        elif m.group(1) == "ok":
            points.append(("pass", desc))
        else:
            points.append(("fail", desc))
    return points


def main():
    passed = failed = skipped = 0
    failures = []
    for arg in sys.argv[1:]:
        label, _, path = arg.partition("=")
        try:
            f = open(path, encoding="utf-8", errors="replace")
        except OSError as e:
            failed += 1
            failures.append(f"{label}: no results ({e.strerror})")
            continue
        with f:
            if path.endswith(".json"):
                records = [json.loads(l) for l in f if l.strip()]
            else:
                records = [{"name": label, "stdout": f.read(), "result": "TAP"}]
        for r in records:
            points = tap_points(r.get("stdout") or "")
            result = r.get("result")
            if points:
                for kind, desc in points:
                    if kind == "pass":
                        passed += 1
                    elif kind == "skip":
                        skipped += 1
                    else:
                        failed += 1
                        failures.append(f"{label}: {r['name']}: {desc}")
                if result not in ("OK", "TAP", "EXPECTEDFAIL", "SKIP") and not any(k == "fail" for k, _ in points):
                    failed += 1
                    failures.append(f"{label}: {r['name']}: {result} after its last test point")
            elif result == "OK":
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1
                failures.append(f"{label}: {r['name']}: {result}")
    for line in failures:
        print(f"FAILED {line}")
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
