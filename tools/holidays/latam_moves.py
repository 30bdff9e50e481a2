#!/usr/bin/python3
"""Dated lists for Argentine and Chilean holidays that move by weekday rules.

    /usr/bin/python3 tools/holidays/latam_moves.py 2020 2035

prints one JSON object {name: [dates]} used by sdk/data/holidays/AR.json and CL.json.

Argentina, Ley 27.399 art. 6 ("feriados trasladables": 17 June, 17 August,
12 October, 20 November): a holiday on a Tuesday or Wednesday moves to the
Monday before, one on a Thursday or Friday to the Monday after; Saturday,
Sunday and Monday stay. The Executive may fix other dates by decree; decreed
dates override the rule; AR.json lists such years as exceptions.

Chile:
- Ley 19.668 (29 June San Pedro y San Pablo, 12 October Encuentro de Dos Mundos):
  on a Tuesday, Wednesday or Thursday the holiday moves to the Monday of that
  week, on a Friday to the following Monday; Saturday, Sunday, Monday stay.
- Ley 20.299 as amended by Ley 20.663 (31 October, Iglesias Evangelicas y
  Protestantes): on a Tuesday it moves to the Friday before, on a Wednesday to
  the Friday after.
- Ley 20.215 and Ley 20.983 (Fiestas Patrias): 17 September is a holiday when it
  is a Monday or a Friday (18-19 September on Tue-Wed or Sat-Sun), 20 September
  when it is a Friday; 2 January is a holiday when it is a Monday.
- Ley 21.357 (Dia Nacional de los Pueblos Indigenas): the day of the southern
  winter solstice, civil date in Chile (UTC-4 in June). The solstice instant
  uses Meeus, Astronomical Algorithms ch. 27 (mean June solstice, table 27.B,
  with the periodic terms of table 27.C), accurate to about a minute.
"""
import datetime as dt
import json
import math
import sys

def monday_rule_ar(d: dt.date) -> dt.date:
    wd = d.weekday()  # Mon=0
    if wd in (1, 2):
        return d - dt.timedelta(days=wd)
    if wd in (3, 4):
        return d + dt.timedelta(days=7 - wd)
    return d


def monday_rule_cl(d: dt.date) -> dt.date:
    wd = d.weekday()
    if wd in (1, 2, 3):
        return d - dt.timedelta(days=wd)
    if wd == 4:
        return d + dt.timedelta(days=3)
    return d


def evangelical_cl(y: int) -> dt.date:
    d = dt.date(y, 10, 31)
    if d.weekday() == 1:
        return d - dt.timedelta(days=4)
    if d.weekday() == 2:
        return d + dt.timedelta(days=2)
    return d


def fiestas_patrias_extra_cl(y: int) -> list:
    out = []
    sep17 = dt.date(y, 9, 17)
    if sep17.weekday() in (0, 4):
        out.append(sep17)
    sep20 = dt.date(y, 9, 20)
    if sep20.weekday() == 4:
        out.append(sep20)
    return out


def june_solstice_utc(y: int) -> dt.datetime:
    Y = (y - 2000) / 1000
    jde0 = (2451716.56767 + 365241.62603 * Y + 0.00325 * Y**2
            + 0.00888 * Y**3 - 0.00030 * Y**4)
    T = (jde0 - 2451545.0) / 36525
    W = math.radians(35999.373 * T - 2.47)
    dl = 1 + 0.0334 * math.cos(W) + 0.0007 * math.cos(2 * W)
    terms = [(485, 324.96, 1934.136), (203, 337.23, 32964.467), (199, 342.08, 20.186),
             (182, 27.85, 445267.112), (156, 73.14, 45036.886), (136, 171.52, 22518.443),
             (77, 222.54, 65928.934), (74, 296.72, 3034.906), (70, 243.58, 9037.513),
             (58, 119.81, 33718.147), (52, 297.17, 150.678), (50, 21.02, 2281.226),
             (45, 247.54, 29929.562), (44, 325.15, 31555.956), (29, 60.93, 4443.417),
             (18, 155.12, 67555.328), (17, 288.79, 4562.452), (16, 198.04, 62894.029),
             (14, 199.76, 31436.921), (12, 95.39, 14577.848), (12, 287.11, 31931.756),
             (12, 320.81, 34777.259), (9, 227.73, 1222.114), (8, 15.45, 16859.074)]
    S = sum(a * math.cos(math.radians(b + c * T)) for a, b, c in terms)
    jde = jde0 + 0.00001 * S / dl
    # JDE is Terrestrial Time; TT - UT is about 69-75 s in 2020-2035.
    jd_ut = jde - 72 / 86400
    return dt.datetime(2000, 1, 1, 12) + dt.timedelta(days=jd_ut - 2451545.0)


def main(argv):
    first, last = (int(argv[1]), int(argv[2])) if len(argv) == 3 else (2020, 2035)
    years = range(first, last + 1)
    out = {
        "AR 17-06 Guemes": [monday_rule_ar(dt.date(y, 6, 17)) for y in years],
        "AR 17-08 San Martin": [monday_rule_ar(dt.date(y, 8, 17)) for y in years],
        "AR 12-10 Diversidad Cultural": [monday_rule_ar(dt.date(y, 10, 12)) for y in years],
        "AR 20-11 Soberania Nacional": [monday_rule_ar(dt.date(y, 11, 20)) for y in years],
        "CL 29-06 San Pedro y San Pablo": [monday_rule_cl(dt.date(y, 6, 29)) for y in years],
        "CL 12-10 Encuentro de Dos Mundos": [monday_rule_cl(dt.date(y, 10, 12)) for y in years],
        "CL 31-10 Iglesias Evangelicas": [evangelical_cl(y) for y in years],
        "CL 02-01 (when Monday)": [dt.date(y, 1, 2) for y in years if dt.date(y, 1, 2).weekday() == 0],
        "CL 17-09/20-09 Fiestas Patrias": [d for y in years for d in fiestas_patrias_extra_cl(y)],
        "CL Pueblos Indigenas (solstice, UTC-4)": [
            (june_solstice_utc(y) - dt.timedelta(hours=4)).date() for y in years],
    }
    print(json.dumps({k: [d.isoformat() for d in v] for k, v in out.items()}, indent=1))


if __name__ == "__main__":
    main(sys.argv)
