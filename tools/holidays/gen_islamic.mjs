// Dated lists of Islamic holidays, 2020-2035, for the holiday calendars in
// sdk/data/holidays/ (SA, AE, EG, TR, MY, SG, ID, IN).
//
//   cd tools && npm ci && node holidays/gen_islamic.mjs            # JSON for every country
//   node holidays/gen_islamic.mjs SA MY                          # some countries
//   node holidays/gen_islamic.mjs --check                        # computed vs declared, 2020-2026
//
// Each date list has two parts:
//   * DECLARED (Gregorian years 2020-2026): what the country's authorities actually
//     announced (moon sighting can move a date by a day from any computed calendar,
//     and some holidays were moved by decree). The source for each country is named
//     next to its table; the same sources are cited in the country's data file.
//   * COMPUTED (every later occurrence): from a calendar chosen per country:
//       uq     - Umm al-Qura (the Saudi official calendar; npm @tabby_ai/hijri-converter,
//                a port of the hijri-converter table by M. H. Alshehri, 1343-1500 AH).
//                Used for SA, AE, EG and TR (Diyanet's own computed calendar agreed with
//                Umm al-Qura for every bayram 2020-2026).
//       mabims - the MABIMS imkanur-rukyah criterion (2021 revision: at sunset on the
//                day of conjunction the moon is at least 3 degrees above the horizon and
//                6.4 degrees from the sun, otherwise the month starts a day later),
//                computed with npm astronomy-engine at Kuala Lumpur (MY), Singapore (SG)
//                and Jakarta (ID). Matches 64 of the 77 declared MY/SG/ID dates 2020-2026;
//                the rest are a day off or were moved by decree (see --check).
//       uq+1   - Umm al-Qura plus one day (IN): India's sighting committees declared
//                every Id-ul-Fitr, Id-ul-Zuha, Muharram and Milad 2020-2025 exactly one
//                day after the Umm al-Qura date.
// Future dates are estimates: the announcement in the year itself is authoritative and
// may differ by a day.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const A = require('astronomy-engine');
const { hijriToGregorian } = require('@tabby_ai/hijri-converter');

export const FIRST = 2020;
export const LAST = 2035;
const LAST_DECLARED = 2026;

const pad = (n) => String(n).padStart(2, '0');
export const addDays = (iso, n) => {
  const t = new Date(`${iso}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() + n);
  return t.toISOString().slice(0, 10);
};
const daysBetween = (a, b) => (Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 864e5;

// --- month starts ------------------------------------------------------------------

export function uqMonthStart(hy, hm) {
  const g = hijriToGregorian({ year: hy, month: hm, day: 1 });
  return `${g.year}-${pad(g.month)}-${pad(g.day)}`;
}

const SITES = {
  KL: { lat: 3.139, lon: 101.687, tz: 8 },
  SG: { lat: 1.290, lon: 103.852, tz: 8 },
  JKT: { lat: -6.175, lon: 106.827, tz: 7 },
};

// First day of Hijri month hm of year hy by the MABIMS criterion at `site`.
export function mabimsMonthStart(hy, hm, site) {
  const guess = uqMonthStart(hy, hm);
  const conj = A.SearchMoonPhase(0, new Date(`${addDays(guess, -4)}T00:00:00Z`), 8).date;
  const obs = new A.Observer(site.lat, site.lon, 0);
  let day = new Date(conj.getTime() + site.tz * 3600e3).toISOString().slice(0, 10);
  for (let k = 0; k < 2; ++k, day = addDays(day, 1)) {
    const noon = new Date(Date.parse(`${day}T12:00:00Z`) - site.tz * 3600e3);
    const sunset = A.SearchRiseSet('Sun', obs, -1, noon, 1);
    if (sunset.date <= conj) continue;
    const eq = A.Equator('Moon', sunset, obs, true, true);
    const altitude = A.Horizon(sunset, obs, eq.ra, eq.dec, null).altitude;
    const elongation = A.AngleFromSun('Moon', sunset);
    if (altitude >= 3 && elongation >= 6.4) return addDays(day, 1);
  }
  return day;
}

const METHODS = {
  uq: (hy, hm) => uqMonthStart(hy, hm),
  'uq+1': (hy, hm) => addDays(uqMonthStart(hy, hm), 1),
  'mabims-KL': (hy, hm) => mabimsMonthStart(hy, hm, SITES.KL),
  'mabims-SG': (hy, hm) => mabimsMonthStart(hy, hm, SITES.SG),
  'mabims-JKT': (hy, hm) => mabimsMonthStart(hy, hm, SITES.JKT),
};

// --- holidays ----------------------------------------------------------------------

// key -> how to find the date in Hijri year hy, given monthStart(hy, hm).
// Every function returns a date or null (e.g. Ramadan 30 in a 29-day Ramadan).
const HOLIDAYS = {
  isra_miraj: (s, hy) => addDays(s(hy, 7), 26), // 27 Rajab
  ramadan_1: (s, hy) => s(hy, 9),
  nuzul_quran: (s, hy) => addDays(s(hy, 9), 16), // 17 Ramadan
  ramadan_29: (s, hy) => addDays(s(hy, 9), 28),
  ramadan_30: (s, hy) => (daysBetween(s(hy, 9), s(hy, 10)) === 30 ? addDays(s(hy, 9), 29) : null),
  day_after_ramadan_29: (s, hy) => addDays(s(hy, 9), 29), // SA: the Eid al-Fitr holiday starts here
  eid_al_fitr: (s, hy) => s(hy, 10), // 1 Shawwal
  arafat: (s, hy) => addDays(s(hy, 12), 8), // 9 Dhu al-Hijjah
  eid_al_adha: (s, hy) => addDays(s(hy, 12), 9), // 10 Dhu al-Hijjah
  hijri_new_year: (s, hy) => s(hy, 1), // 1 Muharram
  ashura: (s, hy) => addDays(s(hy, 1), 9), // 10 Muharram
  mawlid: (s, hy) => addDays(s(hy, 3), 11), // 12 Rabi al-Awwal
};

// Declared dates, Gregorian years 2020-2026: key -> {year: date}. A date moved by
// decree is given as moved (the holiday, not the Hijri day). `null` = no such holiday
// that year (e.g. Ramadan had 29 days).
const COUNTRIES = {
  // Saudi Arabia. Ministry of Human Resources and Social Development (HRSD)
  // announcements for the private sector under art. 24(2) of the Labour Law implementing
  // regulations: Eid al-Fitr from the day after 29 Ramadan, Eid al-Adha from Arafat day;
  // Supreme Court announcements of Arafat day.
  SA: {
    method: 'uq',
    keys: ['day_after_ramadan_29', 'arafat'],
    declared: {
      day_after_ramadan_29: { 2020: '2020-05-23', 2021: '2021-05-12', 2022: '2022-05-01', 2023: '2023-04-21', 2024: '2024-04-09', 2025: '2025-03-30', 2026: '2026-03-19' },
      arafat: { 2020: '2020-07-30', 2021: '2021-07-19', 2022: '2022-07-08', 2023: '2023-06-27', 2024: '2024-06-15', 2025: '2025-06-05', 2026: '2026-05-26' },
    },
  },
  // United Arab Emirates. Cabinet lists of official holidays for the public and private
  // sectors, FAHR circulars and MOHRE announcements (unified holidays since 2019).
  // Eid al-Fitr ran from 29 Ramadan to 3 Shawwal until 2024; from 2025 (Federal Decree-Law
  // on official holidays, in force 1 Jan 2025) 1-3 Shawwal plus 30 Ramadan if the month has
  // 30 days. Hijri New Year and the Prophet's Birthday may be moved to the start or end of
  // the week by Cabinet decision.
  AE: {
    method: 'uq',
    keys: ['ramadan_29', 'ramadan_30', 'eid_al_fitr', 'arafat', 'hijri_new_year', 'mawlid'],
    declared: {
      ramadan_29: { 2020: '2020-05-22', 2021: '2021-05-11', 2022: '2022-04-30', 2023: '2023-04-20', 2024: '2024-04-08', 2025: null, 2026: null },
      ramadan_30: { 2020: '2020-05-23', 2021: '2021-05-12', 2022: '2022-05-01', 2023: null, 2024: '2024-04-09', 2025: null, 2026: '2026-03-19' },
      eid_al_fitr: { 2020: '2020-05-24', 2021: '2021-05-13', 2022: '2022-05-02', 2023: '2023-04-21', 2024: '2024-04-10', 2025: '2025-03-30', 2026: '2026-03-20' },
      arafat: { 2020: '2020-07-30', 2021: '2021-07-19', 2022: '2022-07-08', 2023: '2023-06-27', 2024: '2024-06-15', 2025: '2025-06-05', 2026: '2026-05-26' },
      hijri_new_year: { 2020: '2020-08-23', 2021: '2021-08-12', 2022: '2022-07-30', 2023: '2023-07-21', 2024: '2024-07-07', 2025: '2025-06-27' },
      mawlid: { 2020: '2020-10-29', 2021: '2021-10-21', 2022: '2022-10-08', 2023: '2023-09-29', 2024: '2024-09-15', 2025: '2025-09-05' },
    },
    // Ramadan 29 is a holiday only under the rule in force until 2024.
    computedFrom: { ramadan_29: 9999 },
  },
  // Egypt. Dar al-Ifta announcements; Prime Minister's decrees moving holidays
  // (Hijri New Year to the following Thursday since 2020).
  EG: {
    method: 'uq',
    keys: ['eid_al_fitr', 'arafat', 'hijri_new_year', 'mawlid'],
    // Computed Hijri New Year days falling Sunday-Wednesday are moved to the Thursday
    // after, as the Prime Minister's decrees have done every year since 2020.
    moveToThursday: ['hijri_new_year'],
    declared: {
      eid_al_fitr: { 2020: '2020-05-24', 2021: '2021-05-13', 2022: '2022-05-02', 2023: '2023-04-21', 2024: '2024-04-10', 2025: '2025-03-30', 2026: '2026-03-20' },
      arafat: { 2020: '2020-07-30', 2021: '2021-07-19', 2022: '2022-07-08', 2023: '2023-06-27', 2024: '2024-06-15', 2025: '2025-06-05', 2026: '2026-05-26' },
      hijri_new_year: { 2020: '2020-08-20', 2021: '2021-08-12', 2022: '2022-07-30', 2023: '2023-07-20', 2024: '2024-07-11', 2025: '2025-06-26' },
      mawlid: { 2020: '2020-10-29', 2021: '2021-10-18', 2022: '2022-10-08', 2023: '2023-09-28', 2024: '2024-09-15', 2025: '2025-09-04' },
    },
  },
  // Turkey. Diyanet İşleri Başkanlığı, dini günler (religious days) tables.
  TR: {
    method: 'uq',
    keys: ['eid_al_fitr', 'eid_al_adha'],
    declared: {
      eid_al_fitr: { 2020: '2020-05-24', 2021: '2021-05-13', 2022: '2022-05-02', 2023: '2023-04-21', 2024: '2024-04-10', 2025: '2025-03-30', 2026: '2026-03-20' },
      eid_al_adha: { 2020: '2020-07-31', 2021: '2021-07-20', 2022: '2022-07-09', 2023: '2023-06-28', 2024: '2024-06-16', 2025: '2025-06-06', 2026: '2026-05-27' },
    },
  },
  // Malaysia. Jabatan Perdana Menteri yearly list of federal public holidays and the
  // Keeper of the Rulers' Seal announcements after rukyah.
  MY: {
    method: 'mabims-KL',
    keys: ['eid_al_fitr', 'eid_al_adha', 'hijri_new_year', 'mawlid'],
    declared: {
      eid_al_fitr: { 2020: '2020-05-24', 2021: '2021-05-13', 2022: '2022-05-03', 2023: '2023-04-22', 2024: '2024-04-10', 2025: '2025-03-31', 2026: '2026-03-21' },
      eid_al_adha: { 2020: '2020-07-31', 2021: '2021-07-20', 2022: '2022-07-10', 2023: '2023-06-29', 2024: '2024-06-17', 2025: '2025-06-07', 2026: '2026-05-27' },
      hijri_new_year: { 2020: '2020-08-20', 2021: '2021-08-10', 2022: '2022-07-30', 2023: '2023-07-19', 2024: '2024-07-07', 2025: '2025-06-27', 2026: '2026-06-17' },
      mawlid: { 2020: '2020-10-29', 2021: '2021-10-19', 2022: '2022-10-10', 2023: '2023-09-28', 2024: '2024-09-16', 2025: '2025-09-05', 2026: '2026-08-25' },
    },
  },
  // Singapore. Ministry of Manpower yearly public holiday lists (dates from MUIS).
  SG: {
    method: 'mabims-SG',
    keys: ['eid_al_fitr', 'eid_al_adha'],
    declared: {
      eid_al_fitr: { 2020: '2020-05-24', 2021: '2021-05-13', 2022: '2022-05-03', 2023: '2023-04-22', 2024: '2024-04-10', 2025: '2025-03-31', 2026: '2026-03-21' },
      eid_al_adha: { 2020: '2020-07-31', 2021: '2021-07-20', 2022: '2022-07-10', 2023: '2023-06-29', 2024: '2024-06-17', 2025: '2025-06-07', 2026: '2026-05-27' },
    },
  },
  // Indonesia. SKB 3 Menteri (joint decree of the Ministers of Religious Affairs, Manpower
  // and Administrative Reform) for each year, as amended, and the Ministry of Religious
  // Affairs' sidang isbat for 1 Syawal and 10 Zulhijah.
  ID: {
    method: 'mabims-JKT',
    keys: ['isra_miraj', 'eid_al_fitr', 'eid_al_adha', 'hijri_new_year', 'mawlid'],
    declared: {
      isra_miraj: { 2020: '2020-03-22', 2021: '2021-03-11', 2022: '2022-02-28', 2023: '2023-02-18', 2024: '2024-02-08', 2025: '2025-01-27', 2026: '2026-01-16' },
      eid_al_fitr: { 2020: '2020-05-24', 2021: '2021-05-13', 2022: '2022-05-02', 2023: '2023-04-22', 2024: '2024-04-10', 2025: '2025-03-31', 2026: '2026-03-21' },
      eid_al_adha: { 2020: '2020-07-31', 2021: '2021-07-20', 2022: '2022-07-10', 2023: '2023-06-29', 2024: '2024-06-17', 2025: '2025-06-06', 2026: '2026-05-27' },
      hijri_new_year: { 2020: '2020-08-20', 2021: '2021-08-11', 2022: '2022-07-30', 2023: '2023-07-19', 2024: '2024-07-07', 2025: '2025-06-27', 2026: '2026-06-16' },
      mawlid: { 2020: '2020-10-29', 2021: '2021-10-20', 2022: '2022-10-08', 2023: '2023-09-28', 2024: '2024-09-16', 2025: '2025-09-05', 2026: '2026-08-25' },
    },
  },
  // India. Department of Personnel and Training (DoPT) yearly office memoranda on holidays
  // for central government administrative offices, as amended when the moon was sighted.
  IN: {
    method: 'uq+1',
    keys: ['eid_al_fitr', 'eid_al_adha', 'ashura', 'mawlid'],
    declared: {
      eid_al_fitr: { 2020: '2020-05-25', 2021: '2021-05-14', 2022: '2022-05-03', 2023: '2023-04-22', 2024: '2024-04-11', 2025: '2025-03-31', 2026: '2026-03-21' },
      eid_al_adha: { 2020: '2020-08-01', 2021: '2021-07-21', 2022: '2022-07-10', 2023: '2023-06-29', 2024: '2024-06-17', 2025: '2025-06-07', 2026: '2026-05-27' },
      ashura: { 2020: '2020-08-30', 2021: '2021-08-19', 2022: '2022-08-09', 2023: '2023-07-29', 2024: '2024-07-17', 2025: '2025-07-06', 2026: '2026-06-26' },
      mawlid: { 2020: '2020-10-30', 2021: '2021-10-19', 2022: '2022-10-09', 2023: '2023-09-28', 2024: '2024-09-16', 2025: '2025-09-05', 2026: '2026-08-26' },
    },
  },
};

// Hijri years whose holidays can fall in FIRST..LAST.
const HIJRI_FIRST = 1440, HIJRI_LAST = 1458;

function computed(country, key) {
  const { method } = COUNTRIES[country];
  const start = METHODS[method];
  const out = [];
  for (let hy = HIJRI_FIRST; hy <= HIJRI_LAST; ++hy) {
    const d = HOLIDAYS[key](start, hy);
    if (d) out.push(d);
  }
  return out;
}

export function generate(country) {
  const spec = COUNTRIES[country];
  const result = {};
  for (const key of spec.keys) {
    const declared = spec.declared[key] ?? {};
    const lastDeclared = Math.max(...Object.keys(declared).map(Number), FIRST - 1);
    const from = Math.max(lastDeclared + 1, spec.computedFrom?.[key] ?? 0);
    const dates = Object.values(declared).filter((d) => d !== null);
    for (let d of computed(country, key)) {
      if (spec.moveToThursday?.includes(key)) {
        const wd = new Date(`${d}T00:00:00Z`).getUTCDay(); // 0 = Sunday
        if (wd <= 3) d = addDays(d, 4 - wd);
      }
      const y = Number(d.slice(0, 4));
      if (y >= from && y <= LAST) dates.push(d);
    }
    result[key] = dates.filter((d) => Number(d.slice(0, 4)) >= FIRST).sort();
  }
  return result;
}

function check() {
  let agree = 0, total = 0;
  for (const [country, spec] of Object.entries(COUNTRIES)) {
    for (const key of spec.keys) {
      const comp = computed(country, key);
      for (const [year, d] of Object.entries(spec.declared[key] ?? {})) {
        if (d === null) continue;
        const c = comp.find((x) => x.startsWith(year));
        ++total;
        if (c === d) ++agree;
        else console.log(`${country} ${key} ${year}: declared ${d}, computed ${c} (${spec.method})`);
      }
    }
  }
  console.log(`${agree}/${total} declared dates 2020-${LAST_DECLARED} equal the computed calendar`);
}

const args = process.argv.slice(2);
if (import.meta.url === `file://${process.argv[1]}`) {
  if (args.includes('--check')) {
    check();
  } else {
    const ids = args.length ? args : Object.keys(COUNTRIES);
    const out = {};
    for (const id of ids) {
      if (!COUNTRIES[id]) throw new Error(`unknown country ${id}`);
      out[id] = generate(id);
    }
    console.log(JSON.stringify(out, null, 1));
  }
}
