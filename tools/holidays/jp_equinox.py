#!/usr/bin/python3
"""Dates of Japan's equinox holidays (Shunbun no Hi, Shubun no Hi).

The Act on National Holidays (Law No. 178 of 1948, art. 2) puts both holidays on
"the vernal / autumnal equinox day", which the National Astronomical Observatory
of Japan (NAOJ) announces in the official gazette on 1 February of the year
before. For planning further ahead the standard approximation, valid 1980-2099,
is used (NAOJ reference, "Rika Nenpyo"; also Wikipedia ja "春分の日"):

    vernal    = int(20.8431 + 0.242194 * (Y - 1980)) - int((Y - 1980) / 4)   (March)
    autumnal  = int(23.2488 + 0.242194 * (Y - 1980)) - int((Y - 1980) / 4)   (September)

The results agree with every gazetted date 2020-2027.

    /usr/bin/python3 tools/holidays/jp_equinox.py 2020 2035
prints two JSON arrays (vernal, autumnal) for sdk/data/holidays/JP.json.
"""
import json
import sys


def vernal(year: int) -> str:
    if not 1980 <= year <= 2099:
        raise ValueError("formula valid for 1980-2099 only")
    day = int(20.8431 + 0.242194 * (year - 1980)) - int((year - 1980) / 4)
    return f"{year:04d}-03-{day:02d}"


def autumnal(year: int) -> str:
    if not 1980 <= year <= 2099:
        raise ValueError("formula valid for 1980-2099 only")
    day = int(23.2488 + 0.242194 * (year - 1980)) - int((year - 1980) / 4)
    return f"{year:04d}-09-{day:02d}"


def main(argv: list[str]) -> None:
    first, last = (int(argv[1]), int(argv[2])) if len(argv) == 3 else (2020, 2035)
    years = range(first, last + 1)
    print(json.dumps([vernal(y) for y in years]))
    print(json.dumps([autumnal(y) for y in years]))


if __name__ == "__main__":
    main(sys.argv)
