// Evaluates the holiday rules of sdk/data/holidays (docs/guides/holiday-data.md)
// in JavaScript, the same way sdk/src/holiday_data.cc does, so that the
// generators can check a rule they write against the dates it must give.
// Days are integers: days since 1970-01-01 (UTC).

const DAY = 86400000;
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

export function dayOf(y, m, d) { return Date.UTC(y, m - 1, d) / DAY; }
export function isoOf(day) { return new Date(day * DAY).toISOString().slice(0, 10); }
export function parseIso(text) { const [y, m, d] = text.split('-').map(Number); return dayOf(y, m, d); }
export function weekdayOf(day) { return (day % 7 + 7 + 4) % 7; }  // 1970-01-01 was a Thursday
export function yearOf(day) { return new Date(day * DAY).getUTCFullYear(); }
function monthLength(y, m) { return new Date(Date.UTC(y, m, 0)).getUTCDate(); }

export function westernEaster(y) {
  const a = y % 19, b = Math.floor(y / 100), c = y % 100, d = Math.floor(b / 4), e = b % 4;
  const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dayOf(y, month, day);
}

export function orthodoxEaster(y) {
  const a = y % 4, b = y % 7, c = y % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  return dayOf(y, month, day) + Math.floor(y / 100) - Math.floor(y / 400) - 2;
}

function monthDay(text) { return text.split('-').map(Number); }

// The first days a rule gives in year y (before `days` and substitutes).
export function ruleDates(rule, y) {
  const [kind] = Object.keys(rule);
  const v = rule[kind];
  switch (kind) {
    case 'fixed': { const [m, d] = monthDay(v); return [dayOf(y, m, d)]; }
    case 'easter': return [westernEaster(y) + v];
    case 'orthodox_easter': return [orthodoxEaster(y) + v];
    case 'nth_weekday': {
      const wd = WEEKDAYS.indexOf(v.weekday);
      if (v.n < 0) {
        const last = dayOf(y, v.month, monthLength(y, v.month));
        return [last - ((weekdayOf(last) - wd + 7) % 7)];
      }
      const first = dayOf(y, v.month, 1);
      const day = first + ((wd - weekdayOf(first) + 7) % 7) + 7 * (v.n - 1);
      return new Date(day * DAY).getUTCMonth() + 1 === v.month ? [day] : [];
    }
    case 'weekday_on_or_after': {
      const [m, d] = monthDay(v.date); const day = dayOf(y, m, d);
      return [day + ((WEEKDAYS.indexOf(v.weekday) - weekdayOf(day) + 7) % 7)];
    }
    case 'weekday_on_or_before': {
      const [m, d] = monthDay(v.date); const day = dayOf(y, m, d);
      return [day - ((weekdayOf(day) - WEEKDAYS.indexOf(v.weekday) + 7) % 7)];
    }
    case 'dates': return v.filter((t) => t.startsWith(`${y}-`)).map(parseIso);
    default: throw new Error(`unknown rule ${kind}`);
  }
}

export function inForce(h, y) {
  return (h.from ?? -Infinity) <= y && y <= (h.to ?? Infinity) && !(h.except_years ?? []).includes(y);
}

export function appliesTo(h, region) {
  if (region === null) return !h.regions && !h.except_regions;
  if (h.except_regions) return !h.except_regions.includes(region);
  return !h.regions || h.regions.includes(region);
}

// Every holiday date (ISO strings) of calendar `doc` (region or null) in the
// years first..last, substitutes included, as holiday_data.cc builds them.
export function calendarDates(doc, region, first, last) {
  const weekend = (day) => {
    const w = doc.weekend;
    const days = typeof w[0] === 'string' ? w
      : (w.find((p) => (p.from ?? -Infinity) <= yearOf(day) && yearOf(day) <= (p.to ?? Infinity))?.days ?? []);
    return days.includes(WEEKDAYS[weekdayOf(day)]);
  };
  const base = [];
  doc.holidays.forEach((h, i) => {
    if (!appliesTo(h, region)) return;
    for (let y = first - 1; y <= last + 1; ++y) {
      if (!inForce(h, y)) continue;
      for (const d of ruleDates(h.rule, y)) {
        for (let k = 0; k < (h.days ?? 1); ++k) base.push({ day: d + k, i });
      }
    }
  });
  base.sort((a, b) => a.day - b.day);
  const occupied = new Set(base.map((e) => e.day));
  const owned = new Set();
  const all = new Set(base.map((e) => e.day));
  for (const e of base) {
    const clash = owned.has(e.day);
    owned.add(e.day);
    const wd = weekdayOf(e.day);
    const nextFree = (skipWeekend) => {
      let d = e.day + 1;
      while (occupied.has(d) || (skipWeekend && weekend(d)) || (!skipWeekend && wd === 0 && weekdayOf(d) === 0)) ++d;
      return d;
    };
    let sub = null;
    switch (doc.holidays[e.i].observed) {
      case 'sat_to_fri_sun_to_mon': if (wd === 6) sub = e.day - 1; if (wd === 0) sub = e.day + 1; break;
      case 'sun_to_mon': if (wd === 0) sub = e.day + 1; break;
      case 'next_free_if_weekend': if (weekend(e.day)) sub = nextFree(true); break;
      case 'next_free_if_sunday': if (wd === 0) sub = nextFree(false); break;
      case 'next_free_if_weekend_or_clash': if (weekend(e.day) || clash) sub = nextFree(true); break;
      case 'next_free_if_sunday_or_clash': if (wd === 0 || clash) sub = nextFree(true); break;
      default: break;
    }
    if (sub !== null) { occupied.add(sub); owned.add(sub); all.add(sub); }
  }
  return new Set([...all].filter((d) => yearOf(d) >= first && yearOf(d) <= last).map(isoOf));
}

// Rules that give exactly `target` (year -> day) in every year that has a
// date, simplest first; years without a date become from/to/except_years.
export function findRule(target) {
  const years = Object.keys(target).map(Number).sort((a, b) => a - b);
  const dated = years.filter((y) => target[y] !== null);
  if (dated.length === 0) return null;
  const y0 = dated[0], d0 = target[y0];
  const date0 = new Date(d0 * DAY);
  const m0 = date0.getUTCMonth() + 1, day0 = date0.getUTCDate(), wd0 = WEEKDAYS[weekdayOf(d0)];
  const md = (day) => { const t = isoOf(day); return t.slice(5); };
  const candidates = [];
  if (!(m0 === 2 && day0 === 29)) candidates.push({ fixed: md(d0) });
  candidates.push({ easter: d0 - westernEaster(y0) });
  candidates.push({ orthodox_easter: d0 - orthodoxEaster(y0) });
  candidates.push({ nth_weekday: { month: m0, weekday: wd0, n: Math.ceil(day0 / 7) } });
  if (day0 + 7 > monthLength(y0, m0)) candidates.push({ nth_weekday: { month: m0, weekday: wd0, n: -1 } });
  for (let k = 0; k < 7; ++k) {
    const t = md(d0 - k);
    if (t !== '02-29') candidates.push({ weekday_on_or_after: { date: t, weekday: wd0 } });
  }
  for (let k = 0; k < 7; ++k) {
    const t = md(d0 + k);
    if (t !== '02-29') candidates.push({ weekday_on_or_before: { date: t, weekday: wd0 } });
  }
  for (const rule of candidates) {
    if (rule.easter !== undefined && Math.abs(rule.easter) > 100) continue;
    if (rule.orthodox_easter !== undefined && Math.abs(rule.orthodox_easter) > 100) continue;
    const ok = dated.every((y) => { const got = ruleDates(rule, y); return got.length === 1 && got[0] === target[y]; });
    if (!ok) continue;
    const out = { rule };
    const from = dated[0], to = dated[dated.length - 1];
    if (from > years[0]) out.from = from;
    if (to < years[years.length - 1]) out.to = to;
    const except = years.filter((y) => y > from && y < to && target[y] === null);
    if (except.length > 0) out.except_years = except;
    // A rule that gives no date in a year it is in force must not exist.
    if (!years.filter((y) => y >= from && y <= to && !except.includes(y)).every((y) => ruleDates(rule, y).length === 1)) continue;
    return out;
  }
  return null;
}
