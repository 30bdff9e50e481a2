// The real npm `ebay-api` client (9.6.0, unmodified) against
// `sanbao sandbox ebay`: search with pagination, get one, decide, mark as
// received, issue refund (twice: the second must fail), Fulfillment getOrder,
// the automatic token refresh on a Post-Order 401, and a 429 surfaced as an
// error.
//
// The client is pointed at the sandbox the way it is configured for any host:
// api({schema, subdomain, tld}) for the REST APIs (buildServerUrl in
// ebay-api dist/api/restful/index.js), and a request object (the client's
// second constructor argument) that sends the OAuth token call, whose URL the
// client fixes to https://api.ebay.com/identity/v1/oauth2/token
// (dist/auth/oAuth2.js), to the sandbox.
//
// Environment: SANBAO_CLI (the sanbao binary), SANBAO_TOOLS_DIR (tools/ with
// package.json), SANBAO_NPM (npm, to install tools/node_modules if missing).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const cli = process.env.SANBAO_CLI;
const tools = process.env.SANBAO_TOOLS_DIR;
assert.ok(cli && tools, 'SANBAO_CLI and SANBAO_TOOLS_DIR must be set');

const clientDir = path.join(tools, 'node_modules', 'ebay-api');
if (!existsSync(path.join(clientDir, 'package.json'))) {
  const npm = process.env.SANBAO_NPM || 'npm';
  const r = spawnSync(npm, ['ci', '--prefix', tools], { stdio: 'inherit' });
  assert.equal(r.status, 0, 'npm ci --prefix tools failed');
}
const { default: eBayApi } = await import(
  pathToFileURL(path.join(clientDir, 'dist', 'eBayApi.js')).href);
const { AxiosRequest } = await import(
  pathToFileURL(path.join(clientDir, 'dist', 'request.js')).href);

const CLIENT_ID = 'SanbaoTest-Client-PRD-1';
const CLIENT_SECRET = 'PRD-TEST-SECRET-1';
const REFRESH_TOKEN = 'v^1.1#i^1#r^1#test-refresh';
const RETURNS = 300;

function startSandbox() {
  const child = spawn(cli, [
    'sandbox', 'ebay', '--port', '0', '--returns', String(RETURNS),
    '--seed', '3', '--now', '2025-03-10T12:00:00Z',
    '--client-id', CLIENT_ID, '--client-secret', CLIENT_SECRET,
    '--refresh-token', REFRESH_TOKEN,
  ], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let started = false;
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!started) reject(new Error(`sandbox exited ${code}`));
    });
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = out.match(/eBay sandbox listening on (http:\/\/[0-9.]+):(\d+) \((\d+) returns, seed 3\)/);
      if (m && out.includes('credentials:')) {
        started = true;
        resolve({ child, base: `${m[1]}:${m[2]}`, port: Number(m[2]) });
      }
    });
  });
}

/// Sends the client's token calls (fixed to api.ebay.com) to the sandbox.
class SandboxRequest extends AxiosRequest {
  constructor(base) {
    super();
    this.base = base;
  }
  postForm(url, payload, config) {
    return super.postForm(url.replace('https://api.ebay.com', this.base), payload, config);
  }
}

async function control(base, method, route, body) {
  const res = await fetch(`${base}/sandbox/v1/${route}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${route}: HTTP ${res.status}`);
  return res.json();
}

const { child, base, port } = await startSandbox();
let failed = false;
try {
  const api = new eBayApi({
    appId: CLIENT_ID,
    certId: CLIENT_SECRET,
    sandbox: false,
    autoRefreshToken: true,
    scope: ['https://api.ebay.com/oauth/api_scope/sell.fulfillment'],
  }, new SandboxRequest(base));
  // A stale access token with a good refresh token: the first Post-Order
  // call gets 401 and the client refreshes on its own.
  api.OAuth2.setCredentials({
    access_token: 'v^1.1#stale',
    refresh_token: REFRESH_TOKEN,
    expires_in: 7200,
    refresh_token_expires_in: 47304000,
    token_type: 'User Access Token',
  });
  const where = { schema: 'http://', subdomain: '127.0.0', tld: `1:${port}` };
  const returns = api.postOrder.return.api(where);
  const fulfillment = api.sell.fulfillment.api(where);

  // Search with pagination: every return exactly once, in filing order.
  const first = await returns.search({ limit: 50, offset: 1, sort: '+FILING_DATE' });
  assert.equal(first.paginationOutput.totalEntries, RETURNS);
  assert.equal(first.paginationOutput.totalPages, 6);
  const ids = new Set(first.members.map((m) => m.returnId));
  for (let page = 2; page <= first.paginationOutput.totalPages; page++) {
    const p = await returns.search({ limit: 50, offset: page, sort: '+FILING_DATE' });
    assert.equal(p.paginationOutput.offset, page);
    p.members.forEach((m) => ids.add(m.returnId));
  }
  assert.equal(ids.size, RETURNS);
  let stats = await control(base, 'GET', 'stats');
  assert.equal(stats.tokens_issued, 1, 'the stale token was refreshed once');

  // Get one, decide.
  const requested = await returns.search({ states: 'RETURN_REQUESTED', limit: 200 });
  const toApprove = requested.members[0].returnId;
  const full = await returns.getReturn(toApprove, 'FULL');
  assert.equal(full.summary.returnId, toApprove);
  assert.equal(typeof full.summary.sellerTotalRefund.estimatedRefundAmount.value, 'number');
  assert.ok(Array.isArray(full.detail.responseHistory));
  await returns.processReturnRequest(toApprove, { decision: 'APPROVE', comments: { content: 'ok' } });
  assert.equal((await returns.getReturn(toApprove, 'SUMMARY')).summary.state, 'ITEM_READY_TO_SHIP');

  // Mark as received, issue refund; the second refund fails.
  const shipped = (await returns.search({ states: 'ITEM_SHIPPED', limit: 1 })).members[0];
  await returns.markReturnReceived(shipped.returnId, { comments: { content: 'Received, inspected OK' } });
  const estimate = shipped.sellerTotalRefund.estimatedRefundAmount;
  const refund = {
    refundDetail: {
      itemizedRefundDetail: [{
        refundAmount: { value: estimate.value, currency: estimate.currency },
        refundFeeType: 'PURCHASE_PRICE',
      }],
      totalAmount: { value: estimate.value, currency: estimate.currency },
    },
    comments: { content: 'Full refund' },
  };
  const issued = await returns.issueReturnRefund(shipped.returnId, refund);
  assert.equal(issued.refundStatus, 'PENDING');
  await assert.rejects(returns.issueReturnRefund(shipped.returnId, refund), (err) => {
    assert.equal(err.meta?.res?.status, 400);
    assert.equal(err.errorCode, 1617);
    return true;
  });

  // Fulfillment getOrder (Bearer) for the refunded return's order.
  const order = await fulfillment.getOrder(shipped.orderId);
  assert.equal(order.orderId, shipped.orderId);
  assert.ok(order.lineItems.some((l) => l.lineItemId === shipped.creationInfo.item.transactionId));
  assert.equal(typeof order.pricingSummary.total.value, 'string');
  // Each line's own delivery charge, LineItem.deliveryCost.shippingCost (the
  // Fulfillment API's OpenAPI spec as shipped with this client,
  // sell_fulfillment_v1_oas3: DeliveryCost.shippingCost is an Amount), adds up
  // to the order's pricingSummary.deliveryCost.
  const cents = (a) => Math.round(Number(a.value) * 100);
  for (const l of order.lineItems) {
    assert.equal(typeof l.deliveryCost.shippingCost.value, 'string');
    assert.equal(l.deliveryCost.shippingCost.currency, order.pricingSummary.deliveryCost.currency);
  }
  assert.equal(order.lineItems.reduce((sum, l) => sum + cents(l.deliveryCost.shippingCost), 0),
               cents(order.pricingSummary.deliveryCost));

  // Tokens expire: the next Post-Order call is 401, the client refreshes.
  await control(base, 'POST', 'faults', { expire_tokens: true });
  const again = await returns.getReturn(shipped.returnId, 'FULL');
  assert.ok(['PENDING', 'SUCCESS'].includes(again.detail.refundInfo.actualRefundDetail.refundStatus));
  stats = await control(base, 'GET', 'stats');
  assert.equal(stats.tokens_issued, 2, 'expired token refreshed');

  // 429 surfaces as an error carrying the status and eBay's error id.
  await control(base, 'POST', 'faults', { rate_limit_next: 1 });
  await assert.rejects(returns.search({ limit: 1 }), (err) => {
    assert.equal(err.meta?.res?.status, 429);
    assert.equal(err.errorCode, 2001);
    return true;
  });
  await returns.search({ limit: 1 });  // and the next call goes through

  stats = await control(base, 'GET', 'stats');
  assert.equal(stats.refunds_issued, 1);
  assert.equal(stats.refund_calls, 2);
  assert.equal(stats.max_refunds_per_return, 1);
  assert.deepEqual(stats.returns_refunded_more_than_once, []);
  assert.equal(stats.decisions, 1);
  assert.equal(stats.rate_limited, 1);
  console.log('ebay-api client against the sandbox: OK', JSON.stringify(stats.calls_by_endpoint));
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  child.kill('SIGTERM');
  const { code } = await exited;
  if (code !== 0) {
    console.error(`sandbox exited with ${code} after SIGTERM`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
