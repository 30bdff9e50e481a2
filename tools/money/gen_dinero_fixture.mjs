// Generates tests/fixtures/money/dinero_allocate.json: what dinero.js
// `allocate` returns for seeded random amounts and weight vectors across
// JPY/EUR/KWD/CLF, plus hand-picked edge cases. The fixture is committed;
// tests/core/money_dinero_test.cc compares sanbao::Allocate against it.
//
//   cd tools && npm ci && node money/gen_dinero_fixture.mjs
//
// The bigint build of dinero.js is used so that amounts up to INT64_MAX are
// exact; for every case whose products stay below 2^53 the script also runs
// the default number build and fails if the two disagree.

import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as big from 'dinero.js/bigint';
import * as bigCurrencies from 'dinero.js/bigint/currencies';
import * as num from 'dinero.js';
import * as numCurrencies from 'dinero.js/currencies';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(root, 'tests', 'fixtures', 'money', 'dinero_allocate.json');
const dineroVersion = JSON.parse(
  readFileSync(join(here, '..', 'node_modules', 'dinero.js', 'package.json'), 'utf8'),
).version;

const SEED = 0x5a4ba0n; // printed into the fixture
const CURRENCIES = ['JPY', 'EUR', 'KWD', 'CLF'];
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

// splitmix64: small, exact with BigInt, and easy to reproduce elsewhere.
let state = SEED;
function next64() {
  state = (state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
  let z = state;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
  return z ^ (z >> 31n);
}
function below(n) { // uniform-enough integer in [0, n) for n < 2^64
  return next64() % BigInt(n);
}

function randomAmount() {
  const kind = Number(below(10));
  let magnitude;
  if (kind < 4) magnitude = below(1000n);               // a few units
  else if (kind < 7) magnitude = below(10n ** 9n);       // everyday totals
  else if (kind < 9) magnitude = below(10n ** 15n);      // past 2^53 / weight
  else magnitude = below(INT64_MAX) + 1n;                // up to INT64_MAX
  return below(4n) === 0n ? -magnitude : magnitude;
}

function randomWeights() {
  const length = 1 + Number(below(8n));
  const kind = Number(below(4n));
  const max = [4n, 10n, 100n, 1000000n][kind]; // small maxima give many ties
  const weights = [];
  for (let i = 0; i < length; i++) {
    // About one weight in six is zero.
    weights.push(below(6n) === 0n ? 0n : below(max) + 1n);
  }
  if (weights.every((w) => w === 0n)) weights[Number(below(BigInt(length)))] = 1n;
  return weights;
}

function allocateBig(currency, amount, weights) {
  const d = big.dinero({ amount, currency: bigCurrencies[currency] });
  return big.allocate(d, weights).map((part) => {
    const snap = big.toSnapshot(part);
    if (snap.scale !== bigCurrencies[currency].exponent) {
      throw new Error(`unexpected scale change in ${currency} ${amount}`);
    }
    return snap.amount;
  });
}

function allocateNumber(currency, amount, weights) {
  const d = num.dinero({ amount: Number(amount), currency: numCurrencies[currency] });
  return num.allocate(d, weights.map(Number)).map((p) => BigInt(num.toSnapshot(p).amount));
}

const cases = [];
function add(name, currency, amount, weights) {
  const shares = allocateBig(currency, amount, weights);
  const total = weights.reduce((a, b) => a + b, 0n);
  const abs = amount < 0n ? -amount : amount;
  const maxWeight = weights.reduce((a, b) => (a > b ? a : b), 0n);
  if (abs * maxWeight < 2n ** 53n && total < 2n ** 53n) {
    const viaNumber = allocateNumber(currency, amount, weights);
    if (viaNumber.some((s, i) => s !== shares[i])) {
      throw new Error(`number and bigint builds disagree on ${name}`);
    }
  }
  cases.push({
    name,
    currency,
    amount: amount.toString(),
    weights: weights.map(Number),
    shares: shares.map(String),
  });
}

// Edge cases.
add('thirds', 'EUR', 100n, [1n, 1n, 1n]);
add('negative thirds', 'EUR', -100n, [1n, 1n, 1n]);
add('70/30', 'EUR', 5n, [70n, 30n]);
add('30/70 (differs from sequential)', 'EUR', 5n, [30n, 70n]);
add('zero amount', 'JPY', 0n, [1n, 2n, 3n]);
add('one unit', 'JPY', 1n, [1n, 1n]);
add('minus one unit', 'JPY', -1n, [1n, 1n]);
add('zero weights skipped', 'EUR', 7n, [0n, 1n, 0n, 1n]);
add('single part', 'KWD', 123456n, [5n]);
add('leading zero weight', 'EUR', 1n, [0n, 1n]);
add('percentages', 'EUR', 1999n, [50n, 25n, 25n]);
add('remainders vs weights', 'EUR', 10n, [3n, 3n, 4n]);
add('large weight takes leftover', 'EUR', 11n, [1n, 1n, 1n, 7n]);
add('forty equal weights', 'JPY', 1001n, Array(40).fill(1n));
add('INT64_MAX thirds', 'JPY', INT64_MAX, [1n, 1n, 1n]);
add('INT64_MAX big weights', 'EUR', INT64_MAX, [999999n, 1n, 500000n]);
add('INT64_MIN + 1 halves', 'CLF', INT64_MIN + 1n, [1n, 1n]);
add('CLF small', 'CLF', 10001n, [1n, 2n, 3n, 4n]);
add('KWD VAT split', 'KWD', 84900n, [81n, 19n]);

// Seeded random cases.
const RANDOM_CASES = 400;
for (let i = 0; i < RANDOM_CASES; i++) {
  const currency = CURRENCIES[Number(below(BigInt(CURRENCIES.length)))];
  add(`random ${i}`, currency, randomAmount(), randomWeights());
}

const fixture = {
  _generated_by: 'tools/money/gen_dinero_fixture.mjs',
  library: 'dinero.js',
  version: dineroVersion,
  calculator: 'bigint (dinero.js/bigint); cross-checked against the number build where products < 2^53',
  seed: '0x' + SEED.toString(16),
  prng: 'splitmix64',
  algorithm:
    'dinero.js 2.x src/core/utils/distribute.ts: share_i = trunc(amount * ratio_i / total) ' +
    '(integerDivide truncates toward zero); the leftover is handed out one unit (-1 for ' +
    'negative amounts) at a time to the non-zero ratios sorted by ratio, largest first ' +
    '(sort comparator `greaterThan(a, b) ? -1 : 1`, which in V8 keeps argument order for ' +
    'equal ratios). Docs: https://www.dinerojs.com/api/mutations/allocate ("distribute the ' +
    'remainder as evenly as possible").',
  cases,
};

mkdirSync(dirname(out), { recursive: true });
// One case per line keeps diffs readable.
const { cases: caseList, ...header } = fixture;
const headerText = JSON.stringify(header, null, 1).replace(/\n}$/, '');
const body = caseList.map((c) => '  ' + JSON.stringify(c)).join(',\n');
writeFileSync(out, `${headerText},\n "cases": [\n${body}\n ]\n}\n`);
console.log(`wrote ${out}: ${cases.length} cases, dinero.js ${dineroVersion}`);
