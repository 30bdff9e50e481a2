// Computes the Gregorian dates of the lunisolar (and solar-term) holidays of
// China, Hong Kong, Taiwan, South Korea and Vietnam and writes them into the
// "dates" lists of sdk/data/holidays/{CN,HK,TW,KR,VN}.json.
//
//   cd tools && npm ci && node holidays/gen_lunar.mjs          # rewrite the files
//   node holidays/gen_lunar.mjs --check                        # fail if a file is stale
//   node holidays/gen_lunar.mjs --table                        # print the lunar dates
//
// The calendar is computed from astronomy, not taken from a table:
// new moons and the sun's longitude come from astronomy-engine (VSOP87 /
// ELP based, https://github.com/cosinekitty/astronomy), and the months are
// numbered with the rules of the modern Chinese calendar (GB/T 33661-2017):
// a month starts on the civil date of the new moon; the month containing the
// winter solstice is month 11; in a year (solstice to solstice) with 13 months,
// the first month that contains no major solar term (longitude a multiple of
// 30 degrees) is the leap month. The civil date depends on the time zone, so
// the calendar is computed for each country's own zone: China, Hong Kong and
// Taiwan UTC+8, Korea UTC+9 (the zone of the Korea Astronomy and Space Science
// Institute's 월력요항), Vietnam UTC+7 (the zone used since 1968). For UTC+8 the
// result is cross-checked against the independent table of lunar-javascript
// (6tail) and the run fails on any disagreement.
//
// Only entries whose "name" appears in SPECS below are touched; all other data
// is maintained by hand. Dates are written for every year of the file's
// coverage that the entry's from/to/except_years allow.
import * as Astronomy from 'astronomy-engine';
import lunarJs from 'lunar-javascript';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const { Lunar } = lunarJs;
const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '..', '..', 'sdk', 'data', 'holidays');
const DAY = 86400000;

// --- astronomy ---------------------------------------------------------------

// Days since 1970-01-01 of the civil date, in a zone UTC+tz, of an instant.
const civilDay = (date, tz) => Math.floor((date.getTime() + tz * 3600000) / DAY);
const iso = (day) => new Date(day * DAY).toISOString().slice(0, 10);
const dayOf = (y, m, d) => Math.floor(Date.UTC(y, m - 1, d) / DAY);
const weekday = (day) => new Date(day * DAY).getUTCDay();  // 0 = Sunday

// Civil date of the moment the sun reaches `lon` degrees in Gregorian year y.
function solarTerm(lon, y, tz) {
  // Longitude 0 is near 20 March; 270 (winter solstice) is in December and
  // 271-359 fall in January to March of the same Gregorian year.
  const offset = lon <= 270 ? lon : lon - 360;
  const approxDays = offset * 365.2422 / 360 + 78 - 10;
  const start = new Date(Date.UTC(y, 0, 1) + approxDays * DAY);
  const t = Astronomy.SearchSunLongitude(lon, start, 40);
  if (!t) throw new Error(`no solar longitude ${lon} in ${y}`);
  return civilDay(t.date, tz);
}

// Civil dates of all new moons from `fromDay` (inclusive) to `toDay` (exclusive).
function newMoons(fromDay, toDay, tz) {
  const out = [];
  let t = new Date((fromDay - 1) * DAY);
  for (;;) {
    const nm = Astronomy.SearchMoonPhase(0, t, 40);
    const d = civilDay(nm.date, tz);
    if (d >= toDay) break;
    if (d >= fromDay) out.push(d);
    t = new Date(nm.date.getTime() + 20 * DAY);
  }
  return out;
}

// Start of the lunar month that contains day `d`.
function monthStartContaining(d, tz) {
  const moons = newMoons(d - 35, d + 1, tz);
  return moons[moons.length - 1];
}

const cache = new Map();
// The months 11 (of lunar year y-1) to 10 of lunar year y, as
// [{start, number, leap}], for the time zone UTC+tz.
function lunarYear(y, tz) {
  const key = `${y}@${tz}`;
  if (cache.has(key)) return cache.get(key);
  const ws0 = solarTerm(270, y - 1, tz);
  const ws1 = solarTerm(270, y, tz);
  const m11a = monthStartContaining(ws0, tz);
  const m11b = monthStartContaining(ws1, tz);
  const starts = newMoons(m11a, m11b + 1, tz);  // includes m11b as the end marker
  const count = starts.length - 1;
  if (count !== 12 && count !== 13) throw new Error(`${y}: ${count} months`);
  let leapIndex = -1;
  if (count === 13) {
    const majors = [];
    for (let k = 0; k < 12; ++k) {
      const lon = (270 + 30 * k) % 360;
      majors.push(solarTerm(lon, k === 0 ? y - 1 : y, tz));
    }
    majors.push(ws1);
    for (let i = 1; i < count; ++i) {
      if (!majors.some((d) => d >= starts[i] && d < starts[i + 1])) { leapIndex = i; break; }
    }
    if (leapIndex < 0) throw new Error(`${y}: 13 months but no month without a major term`);
  }
  const months = [];
  let number = 11;
  for (let i = 0; i < count; ++i) {
    if (i === leapIndex) {
      months.push({ start: starts[i], end: starts[i + 1], number: months[months.length - 1].number, leap: true });
      continue;
    }
    months.push({ start: starts[i], end: starts[i + 1], number, leap: false });
    number = number === 12 ? 1 : number + 1;
  }
  cache.set(key, months);
  return months;
}

// Gregorian day of lunar month/day of lunar year y (months 1-10; the months
// 11 and 12 belong to the previous lunar year and are not needed here).
function lunarDay(y, month, day, tz) {
  if (month > 10) throw new Error('only months 1-10');
  const m = lunarYear(y, tz).find((x) => x.number === month && !x.leap);
  if (day > m.end - m.start) throw new Error(`${y}-${month} has no day ${day}`);
  return m.start + day - 1;
}
const newYear = (y, tz) => lunarDay(y, 1, 1, tz);

// --- cross-check against lunar-javascript (UTC+8) ----------------------------

function crossCheck(years) {
  const problems = [];
  for (const y of years) {
    for (const [m, d] of [[1, 1], [3, 10], [4, 8], [5, 5], [8, 15], [9, 9]]) {
      const ours = iso(lunarDay(y, m, d, 8));
      const theirs = Lunar.fromYmd(y, m, d).getSolar().toYmd();
      if (ours !== theirs) problems.push(`${y} ${m}/${d}: ${ours} vs lunar-javascript ${theirs}`);
    }
    const eve = iso(newYear(y, 8) - 1);
    const table = Lunar.fromYmd(y, 1, 1).getJieQiTable();
    const qm = iso(solarTerm(15, y, 8));
    if (qm !== table['清明'].toYmd()) problems.push(`${y} 清明: ${qm} vs ${table['清明'].toYmd()}`);
    void eve;
  }
  if (problems.length) throw new Error('astronomy and lunar-javascript disagree:\n' + problems.join('\n'));
}

// --- Taiwan: substitute days (補假) by rule --------------------------------------
//
// 紀念日及節日實施條例 (2025) art. 8 and 政府機關配合紀念日與節日補假及調整放假處理要點
// (2025-06-13) point 3: a holiday on a Saturday is replaced by the previous
// working day, one on a Sunday by the next; for 小年夜/除夕/春節 either may be
// chosen - we use the next working day(s) after the New Year block, as the
// DGPA did for 2026. Art. 5: when 兒童節 and 民族掃墓節 fall on the same day,
// 兒童節 is taken the day before, or the day after if that same day is a Thursday.
function twDaysOff(y) {
  const tz = 8;
  const ny = newYear(y, tz);
  const festive = [ny - 2, ny - 1, ny, ny + 1, ny + 2];  // 小年夜, 除夕, 初一-初三
  const single = [dayOf(y, 1, 1), dayOf(y, 2, 28), dayOf(y, 5, 1), lunarDay(y, 5, 5, tz),
    lunarDay(y, 8, 15, tz), dayOf(y, 9, 28), dayOf(y, 10, 10), dayOf(y, 10, 25), dayOf(y, 12, 25)];
  const qingming = solarTerm(15, y, tz);
  const children = dayOf(y, 4, 4);
  if (qingming === children) {
    single.push(qingming, weekday(children) === 4 ? children + 1 : children - 1);
  } else {
    single.push(qingming, children);
  }
  const holidays = new Set([...festive, ...single]);
  const isFree = (d) => weekday(d) === 0 || weekday(d) === 6 || holidays.has(d);
  const subs = [];
  const take = (d) => { holidays.add(d); subs.push(d); };
  // New Year block first: one extra working day after the block per day on a weekend.
  let after = festive[festive.length - 1];
  for (const d of festive) {
    if (weekday(d) === 0 || weekday(d) === 6) {
      do { after += 1; } while (isFree(after));
      take(after);
    }
  }
  for (const d of [...single].sort((a, b) => a - b)) {
    if (weekday(d) === 6) {
      let s = d - 1;
      while (isFree(s)) s -= 1;
      take(s);
    } else if (weekday(d) === 0) {
      let s = d + 1;
      while (isFree(s)) s += 1;
      take(s);
    }
  }
  // 1 January of the next year on a Saturday is replaced by 31 December.
  const nextJan1 = dayOf(y + 1, 1, 1);
  if (weekday(nextJan1) === 6) take(nextJan1 - 1);
  return subs.filter((d) => iso(d).startsWith(String(y))).sort((a, b) => a - b);
}

// When 兒童節 and 民族掃墓節 coincide, the day 兒童節 is observed (see above).
function twChildrensDay(y) {
  const children = dayOf(y, 4, 4);
  if (solarTerm(15, y, 8) !== children) return children;
  return weekday(children) === 4 ? children + 1 : children - 1;
}

// --- Hong Kong -------------------------------------------------------------------

// General Holidays Ordinance (Cap. 149) Schedule: "the first weekday after
// Christmas Day" - 26 December unless that is a Sunday.
const hkFirstWeekdayAfterChristmas = (y) => {
  const d = dayOf(y, 12, 26);
  return weekday(d) === 0 ? d + 1 : d;
};

// --- Vietnam -----------------------------------------------------------------------

// Labour Code 2019 art. 112(1)(đ): 2 September and one day before or after it,
// chosen each year by the Prime Minister. 2021-2026 as announced; later years
// by the pattern of those announcements (the day that joins 2 September to a
// weekend: 3 September when the 2nd is a Sunday, Monday, Wednesday or Thursday,
// otherwise 1 September).
const VN_ADJACENT = { 2021: '09-03', 2022: '09-01', 2023: '09-01', 2024: '09-03', 2025: '09-01', 2026: '09-01' };
function vnNationalDayAdjacent(y) {
  if (VN_ADJACENT[y]) return dayOf(y, +VN_ADJACENT[y].slice(0, 2), +VN_ADJACENT[y].slice(3));
  const wd = weekday(dayOf(y, 9, 2));
  return [0, 1, 3, 4].includes(wd) ? dayOf(y, 9, 3) : dayOf(y, 9, 1);
}

// --- what goes where -----------------------------------------------------------

const one = (f) => (y) => [f(y)];
const SPECS = {
  CN: {
    '除夕': one((y) => newYear(y, 8) - 1),
    '春节': one((y) => newYear(y, 8)),
    '清明节': one((y) => solarTerm(15, y, 8)),
    '端午节': one((y) => lunarDay(y, 5, 5, 8)),
    '中秋节': one((y) => lunarDay(y, 8, 15, 8)),
  },
  HK: {
    '農曆新年': one((y) => newYear(y, 8)),       // 3 days
    '清明節': one((y) => solarTerm(15, y, 8)),
    '佛誕': one((y) => lunarDay(y, 4, 8, 8)),
    '端午節': one((y) => lunarDay(y, 5, 5, 8)),
    '中秋節翌日': one((y) => lunarDay(y, 8, 15, 8) + 1),
    '重陽節': one((y) => lunarDay(y, 9, 9, 8)),
    '聖誕節後第一個周日': one(hkFirstWeekdayAfterChristmas),
  },
  TW: {
    '小年夜': one((y) => newYear(y, 8) - 2),
    '農曆除夕': one((y) => newYear(y, 8) - 1),
    '春節': one((y) => newYear(y, 8)),
    '民族掃墓節': one((y) => solarTerm(15, y, 8)),
    '兒童節': one(twChildrensDay),
    '端午節': one((y) => lunarDay(y, 5, 5, 8)),
    '中秋節': one((y) => lunarDay(y, 8, 15, 8)),
    '補假': twDaysOff,
  },
  KR: {
    '설날': one((y) => newYear(y, 9) - 1),       // 3 days: eve, 1/1, 1/2
    '부처님오신날': one((y) => lunarDay(y, 4, 8, 9)),
    '추석': one((y) => lunarDay(y, 8, 14, 9)),   // 3 days: 8/14-8/16
  },
  VN: {
    'Tết Nguyên Đán': one((y) => newYear(y, 7) - 1),  // 5 days from the last day of month 12
    'Giỗ Tổ Hùng Vương': one((y) => lunarDay(y, 3, 10, 7)),
    'Quốc khánh (ngày liền kề)': one(vnNationalDayAdjacent),
  },
};

// --- file rewriting ----------------------------------------------------------

const j = (v) => JSON.stringify(v).replace(/,"/g, ', "').replace(/":/g, '": ').replace(/\{"/g, '{"');

export function formatCalendar(doc) {
  const lines = ['{'];
  const keys = Object.keys(doc);
  keys.forEach((k, i) => {
    const last = i === keys.length - 1 ? '' : ',';
    const v = doc[k];
    if (k === 'sources' || k === 'regions') {
      const ks = Object.keys(v);
      lines.push(`  "${k}": {`);
      ks.forEach((s, n) => lines.push(`    ${JSON.stringify(s)}: ${j(v[s])}${n === ks.length - 1 ? '' : ','}`));
      lines.push(`  }${last}`);
    } else if ((k === 'holidays' || k === 'working_days') && v.length) {
      lines.push(`  "${k}": [`);
      v.forEach((h, n) => lines.push(`    ${j(h)}${n === v.length - 1 ? '' : ','}`));
      lines.push(`  ]${last}`);
    } else {
      lines.push(`  "${k}": ${j(v)}${last}`);
    }
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}

function update(id) {
  const file = join(dataDir, `${id}.json`);
  const before = readFileSync(file, 'utf8');
  const doc = JSON.parse(before);
  const spec = SPECS[id];
  const used = new Set();
  for (const h of doc.holidays) {
    const f = spec[h.name];
    if (!f || !h.rule.dates) continue;
    used.add(h.name);
    const first = Math.max(doc.coverage.from, h.from ?? -Infinity);
    const last = Math.min(doc.coverage.to, h.to ?? Infinity);
    const dates = [];
    for (let y = first; y <= last; ++y) {
      if ((h.except_years ?? []).includes(y)) continue;
      for (const d of f(y)) dates.push(iso(d));
    }
    h.rule.dates = dates;
  }
  for (const name of Object.keys(spec)) {
    if (!used.has(name)) throw new Error(`${id}: no dated holiday named ${name}`);
  }
  return { file, before, after: formatCalendar(doc) };
}

const args = process.argv.slice(2);
const YEARS = Array.from({ length: 2035 - 2020 + 1 }, (_, i) => 2020 + i);
crossCheck(YEARS);

if (args.includes('--table')) {
  console.log('year  CN/HK/TW(+8)  KR(+9)        VN(+7)        Buddha KR   Chuseok KR  Qingming');
  for (const y of YEARS) {
    const row = [iso(newYear(y, 8)), iso(newYear(y, 9)), iso(newYear(y, 7)),
      iso(lunarDay(y, 4, 8, 9)), iso(lunarDay(y, 8, 15, 9)), iso(solarTerm(15, y, 8))];
    const flags = [];
    for (const [m, d] of [[1, 1], [3, 10], [4, 8], [5, 5], [8, 15], [9, 9]]) {
      const c = lunarDay(y, m, d, 8), k = lunarDay(y, m, d, 9), v = lunarDay(y, m, d, 7);
      if (k !== c) flags.push(`KR ${m}/${d} ${iso(k)}≠${iso(c)}`);
      if (v !== c) flags.push(`VN ${m}/${d} ${iso(v)}≠${iso(c)}`);
    }
    console.log(y, row.join('  '), flags.join('; '));
  }
} else {
  let stale = 0;
  for (const id of Object.keys(SPECS)) {
    const { file, before, after } = update(id);
    if (before === after) continue;
    stale += 1;
    if (args.includes('--check')) console.error(`${file} is not up to date`);
    else { writeFileSync(file, after); console.log(`wrote ${file}`); }
  }
  if (args.includes('--check') && stale) process.exit(1);
}
