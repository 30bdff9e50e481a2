#!/usr/bin/env python3
"""Prints line, function and branch coverage per folder from a gcovr JSON summary.

    summary.py GCOVR_SUMMARY.json [--min-lines 90 --guard sdk --guard connectors ...]

Folders are the project's components: `sdk` (the core), `sdk/store` or `store/<engine>`,
`sdk/sync` or `sync`, `connectors/<name>`, `transport/<name>`, `server/<name>`, `apps/<name>`
and so on. Exits 1 when a guarded folder's line coverage is below --min-lines.
"""
import argparse
import collections
import json
import sys

TWO_LEVEL = {"connectors", "transport", "server", "store", "apps", "examples", "bindings"}
SDK_PARTS = {"store", "sync"}


def component(path: str) -> str:
    parts = path.split("/")
    if parts[0] in TWO_LEVEL and len(parts) > 2:
        return "/".join(parts[:2])
    if parts[0] == "sdk" and len(parts) > 2 and parts[1] in SDK_PARTS:
        return "/".join(parts[:2])
    return parts[0]


def pct(covered: int, total: int) -> str:
    return f"{100.0 * covered / total:6.1f}%" if total else "     -"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("summary")
    ap.add_argument("--min-lines", type=float, default=90.0)
    ap.add_argument("--guard", action="append", default=[],
                    help="a folder prefix whose line coverage must reach --min-lines")
    args = ap.parse_args()

    data = json.load(open(args.summary))
    sums = collections.defaultdict(lambda: collections.Counter())
    for f in data["files"]:
        c = sums[component(f["filename"])]
        for k in ("line_covered", "line_total", "function_covered", "function_total",
                  "branch_covered", "branch_total"):
            c[k] += f[k]
        c["files"] += 1
    total = collections.Counter()
    for c in sums.values():
        total.update(c)

    print(f"{'folder':<22}{'files':>6}{'lines':>9}{'functions':>11}{'branches':>10}")
    for name in sorted(sums):
        c = sums[name]
        print(f"{name:<22}{c['files']:>6}{pct(c['line_covered'], c['line_total']):>9}"
              f"{pct(c['function_covered'], c['function_total']):>11}"
              f"{pct(c['branch_covered'], c['branch_total']):>10}")
    print(f"{'all':<22}{total['files']:>6}{pct(total['line_covered'], total['line_total']):>9}"
          f"{pct(total['function_covered'], total['function_total']):>11}"
          f"{pct(total['branch_covered'], total['branch_total']):>10}")

    failed = []
    for guard in args.guard:
        c = collections.Counter()
        for name, s in sums.items():
            if name == guard or name.startswith(guard + "/"):
                c.update(s)
        if not c["line_total"]:
            failed.append(f"{guard}: no instrumented lines (did the suites run?)")
            continue
        line = 100.0 * c["line_covered"] / c["line_total"]
        if line < args.min_lines:
            failed.append(f"{guard}: {line:.1f}% of lines, below {args.min_lines:g}%")
    for f in failed:
        print(f"coverage below target: {f}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
