// Writes tests/fixtures/holidays/oracle.json: the public holidays that the npm
// package `date-holidays` (https://github.com/commenthol/date-holidays) lists for
// every calendar Sanbao ships, for the years 2020-2035. The holiday oracle test
// compares our own calendars (sdk/data/holidays/) with this file; every deliberate
// difference is listed in tests/fixtures/holidays/differences.json with its reason.
//
//   cd tools && npm ci && node holidays/gen_oracle.mjs
import Holidays from 'date-holidays';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const pkg = JSON.parse(readFileSync(join(here, '..', 'node_modules', 'date-holidays', 'package.json')));

const EU = ['AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE'];
const OTHERS = ['UK', 'NO', 'CH', 'CN', 'HK', 'TW', 'JP', 'KR', 'SG', 'MY', 'ID', 'TH', 'VN', 'IN',
  'SA', 'AE', 'EG', 'TR', 'RU', 'US', 'CA', 'AU', 'NZ', 'BR', 'MX', 'AR', 'CL'];
// Every region of a shipped calendar file (sdk/data/holidays/<ID>.json).
const REGIONS = Object.fromEntries([...EU, ...OTHERS].map((c) => {
  const doc = JSON.parse(readFileSync(join(root, 'sdk', 'data', 'holidays', `${c}.json`), 'utf8'));
  return [c, Object.keys(doc.regions ?? {})];
}));
// Our region code -> date-holidays' where they differ (see gen_regions.mjs).
const ORACLE_REGION = { 'FR-6AE': '67', 'IT-BZ': '32' };
// Our ids follow sdk/data/jurisdictions ("UK"); date-holidays uses ISO 3166-1 ("GB").
const ORACLE_COUNTRY = { UK: 'GB' };
const FIRST = 2020, LAST = 2035;

const calendars = {};
for (const country of [...EU, ...OTHERS].sort()) {
  const ids = [[country, null], ...(REGIONS[country] ?? []).map((r) => [`${country}-${r}`, ORACLE_REGION[`${country}-${r}`] ?? r])];
  for (const [id, region] of ids) {
    const hd = region ? new Holidays(ORACLE_COUNTRY[country] ?? country, region)
                      : new Holidays(ORACLE_COUNTRY[country] ?? country);
    if (!hd.getCountries()) throw new Error(`date-holidays does not know ${id}`);
    const years = {};
    for (let y = FIRST; y <= LAST; ++y) {
      const seen = new Map();
      for (const h of hd.getHolidays(y) ?? []) {
        if (h.type !== 'public') continue;
        const date = h.date.slice(0, 10);
        if (!date.startsWith(String(y))) continue;
        const name = h.name + (h.substitute ? ' (substitute)' : '');
        seen.set(date, seen.has(date) ? `${seen.get(date)} / ${name}` : name);
      }
      years[y] = [...seen.entries()].sort(([a], [b]) => a.localeCompare(b));
    }
    calendars[id] = years;
  }
}

const out = {
  generator: `date-holidays@${pkg.version}`,
  source: 'https://www.npmjs.com/package/date-holidays',
  note: 'Only holidays of type "public"; one entry per date, names joined with " / ".',
  years: [FIRST, LAST],
  calendars,
};
const file = join(root, 'tests', 'fixtures', 'holidays', 'oracle.json');
// One line per calendar and year keeps the file small and its diffs readable.
const body = Object.entries(calendars).map(([id, years]) => ` ${JSON.stringify(id)}: {\n${
  Object.entries(years).map(([y, list]) => `  ${JSON.stringify(y)}: ${JSON.stringify(list)}`).join(',\n')}\n }`).join(',\n');
const head = JSON.stringify({ ...out, calendars: undefined }, null, 1).replace(/\n}$/, '');
writeFileSync(file, `${head},\n "calendars": {\n${body}\n }\n}\n`);
console.log(`wrote ${file}: ${Object.keys(calendars).length} calendars`);
