// The reference ingest a shop would write today with the npm `ebay-api`
// client (9.6.0): page through every return of a running eBay sandbox
// (`sanbao sandbox ebay`) 200 at a time, fetch every return with
// getReturn(FULL) and every order once with sell.fulfillment.getOrder, and
// parse it all. The benchmark compares Sanbao's eBay connector with this.
//
//   node bench/peers/ebay_ingest_peer.mjs http://127.0.0.1:PORT \
//       [--client-id ID --client-secret SECRET --refresh-token TOKEN] \
//       [--concurrency 8]
//
// The defaults are the sandbox's default credentials. Prints one JSON line:
// {"peer", "returns", "orders", "pages", "cpu_user_ms", "cpu_system_ms",
//  "wall_ms"} with CPU time from process.cpuUsage() over the ingest only.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const clientDir = path.join(here, '..', '..', 'tools', 'node_modules', 'ebay-api');
const { default: eBayApi } = await import(
  pathToFileURL(path.join(clientDir, 'dist', 'eBayApi.js')).href);
const { AxiosRequest } = await import(
  pathToFileURL(path.join(clientDir, 'dist', 'request.js')).href);

function parseArgs(argv) {
  const args = {
    url: null,
    clientId: 'SanbaoSa-Sandbox-PRD-000000000-00000000',
    clientSecret: 'PRD-SANDBOX-CERT-0000',
    refreshToken: 'v^1.1#i^1#r^1#sanbao-sandbox-refresh-token',
    concurrency: 8,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--client-id') args.clientId = next();
    else if (a === '--client-secret') args.clientSecret = next();
    else if (a === '--refresh-token') args.refreshToken = next();
    else if (a === '--concurrency') args.concurrency = Number(next());
    else if (!a.startsWith('--') && !args.url) args.url = a;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!args.url) throw new Error('usage: ebay_ingest_peer.mjs http://127.0.0.1:PORT');
  if (!(args.concurrency >= 1)) throw new Error('--concurrency must be >= 1');
  return args;
}

/// The client fixes its token URL to https://api.ebay.com; send it to the
/// sandbox instead (the REST APIs are pointed with api({schema, subdomain,
/// tld})).
class SandboxRequest extends AxiosRequest {
  constructor(base) {
    super();
    this.base = base;
  }
  postForm(url, payload, config) {
    return super.postForm(url.replace('https://api.ebay.com', this.base), payload, config);
  }
}

/// Runs `work(item)` over `items` with at most `limit` in flight.
async function pool(items, limit, work) {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(runners);
}

const args = parseArgs(process.argv.slice(2));
const url = new URL(args.url);
const base = `${url.protocol}//${url.host}`;
const [host, port] = [url.hostname, url.port || (url.protocol === 'https:' ? '443' : '80')];
// buildServerUrl: `${schema}${subdomain}.${tld}`; split the host at its last dot.
const dot = host.lastIndexOf('.');
const where = dot > 0
  ? { schema: `${url.protocol}//`, subdomain: host.slice(0, dot), tld: `${host.slice(dot + 1)}:${port}` }
  : null;
if (!where) throw new Error('the sandbox URL needs a dotted host such as 127.0.0.1');

const api = new eBayApi({
  appId: args.clientId,
  certId: args.clientSecret,
  sandbox: false,
  autoRefreshToken: true,
  scope: ['https://api.ebay.com/oauth/api_scope/sell.fulfillment'],
}, new SandboxRequest(base));
api.OAuth2.setCredentials({
  access_token: '',
  refresh_token: args.refreshToken,
  expires_in: 7200,
  refresh_token_expires_in: 47304000,
  token_type: 'User Access Token',
});
const returnsApi = api.postOrder.return.api(where);
const fulfillment = api.sell.fulfillment.api(where);

// Get a token before timing (the connector's benchmark does too).
await api.OAuth2.refreshToken();

const wallStart = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
let pages = 0;
const returnIds = [];
const orderIds = new Set();
for (let offset = 1; ; offset++) {
  const page = await returnsApi.search({ limit: 200, offset, sort: '+FILING_DATE' });
  pages++;
  for (const m of page.members) {
    returnIds.push(m.returnId);
    orderIds.add(m.orderId);
  }
  if (offset >= page.paginationOutput.totalPages) break;
}
let fetched = 0;
await pool(returnIds, args.concurrency, async (id) => {
  const r = await returnsApi.getReturn(id, 'FULL');
  if (r.summary.returnId !== id) throw new Error(`getReturn ${id} answered ${r.summary.returnId}`);
  fetched++;
});
let orders = 0;
await pool([...orderIds], args.concurrency, async (id) => {
  const o = await fulfillment.getOrder(id);
  if (o.orderId !== id) throw new Error(`getOrder ${id} answered ${o.orderId}`);
  orders++;
});
const cpu = process.cpuUsage(cpuStart);
const wallMs = Number(process.hrtime.bigint() - wallStart) / 1e6;
console.log(JSON.stringify({
  peer: 'ebay-api@9.6.0',
  returns: fetched,
  orders,
  pages,
  cpu_user_ms: Math.round(cpu.user / 1000),
  cpu_system_ms: Math.round(cpu.system / 1000),
  wall_ms: Math.round(wallMs),
}));
