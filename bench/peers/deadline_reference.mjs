// The reference a shop would write today for EU withdrawal deadlines with the
// npm package date-holidays, timed over the same batch as
// BM_Decide/eu_withdrawal in bench/decision_bench.cc: every worked case
// (tests/conformance/cases, tests/conformance/own) whose buyer is in an EU
// member state and whose claim is a withdrawal.
//
// For each case: last delivery instant -> local date in the buyer's zone,
// + 14 days, then while the day is a weekend or a public holiday
// (hd.isHoliday, type "public") -> + 1 day; eligible if the claim was sent
// (local date) on or before that day. One Holidays object per jurisdiction
// and one Intl.DateTimeFormat per zone, made before timing; instants are
// parsed before timing too, as the engine's requests are.
//
//   node bench/peers/deadline_reference.mjs [--engine deadlines.json] [--seconds 2]
//
// Prints one JSON line: {"peer", "decisions_per_second", "cases", ...}.
// cached_year_decisions_per_second is a tuned variant (each year's public
// holidays listed once into a Set), reported for context only.
// decisions_per_second is per CPU second of this process (as Google
// Benchmark's items_per_second is), decisions_per_second_wall per wall
// second. With --engine (the file decision_bench writes when
// SANBAO_BENCH_DEADLINES is set) it also compares the deadlines with the
// engine's statutory deadlines and lists every mismatch on stderr.
//
// date-holidays comes from tools/node_modules (tools/package.json, pinned
// by tools/package-lock.json; `npm ci --prefix tools`). Never a runtime
// dependency of the SDK.
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const toolsRequire = createRequire(join(root, 'tools', 'package.json'));
const Holidays = toolsRequire('date-holidays');
const version = JSON.parse(
  readFileSync(join(root, 'tools', 'node_modules', 'date-holidays', 'package.json'))).version;

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const engineFile = arg('--engine', null);
const minSeconds = Number(arg('--seconds', '2'));

const EU = new Set(['AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR',
  'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK']);

// --- load the batch (untimed) ---------------------------------------------
const cases = [];
for (const dir of ['cases', 'own']) {
  const path = join(root, 'tests', 'conformance', dir);
  if (!existsSync(path)) continue;
  for (const f of readdirSync(path).filter((f) => f.endsWith('.json')).sort()) {
    const request = JSON.parse(readFileSync(join(path, f))).request;
    const j = request.buyer.jurisdiction;
    if (!EU.has(j.split('-')[0]) || request.claim.kind !== 'withdrawal') continue;
    const deliveries = request.items.flatMap((i) => i.deliveries ?? []).map((s) => Date.parse(s));
    cases.push({
      file: `${dir}/${f}`,
      jurisdiction: j,
      zone: request.buyer.timezone,
      delivered: new Date(Math.max(...deliveries)),
      sent: new Date(Date.parse(request.claim.sent_at)),
    });
  }
}

const holidays = new Map();
const formats = new Map();
for (const c of cases) {
  if (!holidays.has(c.jurisdiction)) {
    const [country, state] = c.jurisdiction.split('-');
    holidays.set(c.jurisdiction, state ? new Holidays(country, state) : new Holidays(country));
  }
  if (!formats.has(c.zone)) {
    // en-CA formats a date as YYYY-MM-DD
    formats.set(c.zone, new Intl.DateTimeFormat('en-CA', {
      timeZone: c.zone, year: 'numeric', month: '2-digit', day: '2-digit',
    }));
  }
  c.hd = holidays.get(c.jurisdiction);
  c.fmt = formats.get(c.zone);
}

// --- the reference ----------------------------------------------------------
const DAY = 86400000;
// local calendar date as a Date at 12:00 UTC (the same date in every EU zone)
function localDate(fmt, instant) {
  const [y, m, d] = fmt.format(instant).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, 12));
}
function isPublicHoliday(hd, date) {
  const found = hd.isHoliday(date);
  return found ? found.some((h) => h.type === 'public') : false;
}
function decide(c, isHoliday = isPublicHoliday) {
  let day = new Date(localDate(c.fmt, c.delivered).getTime() + 14 * DAY);
  for (;;) {
    const wd = day.getUTCDay();
    if (wd !== 0 && wd !== 6 && !isHoliday(c.hd, day)) break;
    day = new Date(day.getTime() + DAY);
  }
  const sent = localDate(c.fmt, c.sent);
  return { deadline: day, eligible: sent.getTime() <= day.getTime() };
}

// A tuned variant, reported separately and not used for the ratio: each
// year's public holidays listed once (hd.getHolidays) into a Set, then
// looked up.
const yearSets = new Map();
function isPublicHolidayCached(hd, date) {
  const year = date.getUTCFullYear();
  let byYear = yearSets.get(hd);
  if (!byYear) yearSets.set(hd, (byYear = new Map()));
  let set = byYear.get(year);
  if (!set) {
    set = new Set((hd.getHolidays(year) ?? [])
      .filter((h) => h.type === 'public').map((h) => h.date.slice(0, 10)));
    byYear.set(year, set);
  }
  return set.has(date.toISOString().slice(0, 10));
}

// --- time it -----------------------------------------------------------------
let sink = 0;
function time(isHoliday) {
  for (let r = 0; r < 50; ++r) for (const c of cases) sink += decide(c, isHoliday).eligible ? 1 : 0;
  let decisions = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let elapsed = 0;
  while (elapsed < minSeconds) {
    for (let r = 0; r < 20; ++r) {
      for (const c of cases) sink += decide(c, isHoliday).eligible ? 1 : 0;
    }
    decisions += 20 * cases.length;
    elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  const cpu = process.cpuUsage(cpu0);
  return { cpu: decisions / ((cpu.user + cpu.system) / 1e6), wall: decisions / elapsed, elapsed };
}
const plain = time(isPublicHoliday);
const cached = time(isPublicHolidayCached);

// --- compare with the engine (untimed) -----------------------------------------
const out = {
  peer: `date-holidays@${version}`,
  decisions_per_second: Math.round(plain.cpu),
  decisions_per_second_wall: Math.round(plain.wall),
  cases: cases.length,
  seconds: Number(plain.elapsed.toFixed(3)),
  cached_year_decisions_per_second: Math.round(cached.cpu),
};
if (engineFile && existsSync(engineFile)) {
  const engine = JSON.parse(readFileSync(engineFile));
  let mismatches = 0, compared = 0;
  for (const c of cases) {
    const e = engine[c.file];
    if (!e) continue;
    ++compared;
    const { deadline, eligible } = decide(c);
    const tuned = decide(c, isPublicHolidayCached).deadline;
    if (tuned.getTime() !== deadline.getTime()) throw new Error(`${c.file}: variants disagree`);
    const peerDate = deadline.toISOString().slice(0, 10);
    if (e.statutory_deadline !== peerDate || e.eligible !== eligible) {
      ++mismatches;
      console.error(`mismatch ${c.file} (${c.jurisdiction}): peer deadline ${peerDate} ` +
        `eligible ${eligible}; engine statutory_deadline ${e.statutory_deadline} ` +
        `eligible ${e.eligible} basis ${e.basis}`);
    }
  }
  out.compared = compared;
  out.mismatches = mismatches;
}
if (sink < 0) console.error(sink);
console.log(JSON.stringify(out));
