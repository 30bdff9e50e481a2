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
const REGIONS = {
  DE: ['BB', 'BE', 'BW', 'BY', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SH', 'SL', 'SN', 'ST', 'TH'],
  UK: ['ENG', 'NIR', 'SCT', 'WLS'],
  US: ['CA', 'FL', 'HI', 'MN', 'NJ', 'NY'],
  CA: ['ON', 'QC'],
};
// Our ids follow sdk/data/jurisdictions ("UK"); date-holidays uses ISO 3166-1 ("GB").
const ORACLE_COUNTRY = { UK: 'GB' };
const FIRST = 2020, LAST = 2035;

const calendars = {};
for (const country of [...EU, ...OTHERS].sort()) {
  const ids = [[country, null], ...(REGIONS[country] ?? []).map((r) => [`${country}-${r}`, r])];
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
writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
console.log(`wrote ${file}: ${Object.keys(calendars).length} calendars`);
