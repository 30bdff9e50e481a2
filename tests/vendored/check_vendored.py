#!/usr/bin/env python3
"""Checks that a vendored folder still equals its origin in the shared folder.

    check_vendored.py VENDORED_DIR SHARED_DIR [--map VENDORED_NAME=SHARED_PATH ...]

The repository stands alone: its tests read only the vendored copies. When the
project's shared folder sits beside the checkout (as it does in CI), this check
makes sure each vendored file is still byte for byte the shared one, and that
neither side has a file the other lacks. When it is not there (a user's clone),
the check is skipped with exit code 77, which ctest reports as skipped.

These checks are the only tests that may look outside the repository.
"""
import argparse
import pathlib
import sys

SKIP = 77


def files(root: pathlib.Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("vendored", type=pathlib.Path)
    ap.add_argument("shared", type=pathlib.Path)
    ap.add_argument("--map", action="append", default=[],
                    help="NAME=PATH: vendored file NAME comes from PATH (not from SHARED/NAME)")
    args = ap.parse_args()

    if not args.shared.is_dir():
        print(f"skipped: {args.shared} is not beside the checkout, so there is nothing to "
              f"compare {args.vendored} with (a clone of the repository alone)")
        return SKIP
    if not args.vendored.is_dir():
        print(f"error: the vendored folder {args.vendored} does not exist")
        return 1

    mapped = {}
    for m in args.map:
        name, _, path = m.partition("=")
        mapped[name] = pathlib.Path(path)
    vendored = files(args.vendored)
    shared = files(args.shared)
    problems = []
    for name in sorted(shared - vendored):
        problems.append(f"{name}: in the shared folder, not vendored")
    for name in sorted(vendored - shared):
        if name in mapped:
            continue
        problems.append(f"{name}: vendored, not in the shared folder")
    for name in sorted(vendored & shared | set(mapped)):
        origin = mapped.get(name, args.shared / name)
        if not origin.is_file():
            problems.append(f"{name}: its origin {origin} is missing")
        elif (args.vendored / name).read_bytes() != origin.read_bytes():
            problems.append(f"{name}: differs from {origin} (copy it again)")
    if problems:
        print(f"{args.vendored} no longer equals {args.shared}:")
        for p in problems:
            print(f"  {p}")
        return 1
    print(f"{args.vendored} equals {args.shared} ({len(vendored)} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
