// Browser tests of the exchange pages (接口 on a catalog entry, 使用统计) against a real server
// (fresh demo database, built console), with signed calls made the way a consumer system does.
// Build the console first:  npx vite build --config web/vite.config.ts
// Run:                      node --import tsx --test tests/e2e/exchange.e2e.test.ts
// Screenshots land in .tmp/screens/ (gitignored).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  request as apiRequest,
  type APIRequestContext,
  type Browser,
  type Page,
} from 'playwright-core';
import { signedHeaders } from '../../src/modules/exchange/signing.ts';
import { makeCitizenId } from '../../src/lib/ids/citizen-id.ts';
import { DEMO_PASSWORD, startTestServer } from '../helpers/test-server.ts';

const SCREENS = fileURLToPath(new URL('../../.tmp/screens/', import.meta.url));

// The demo's consumer of 河北省人力资源和社会保障厅 holds a verify grant on 优抚对象基础信息.
const APPLICANT = 'hb_rs_apply';
const PROVIDER_APPROVER = 'hb_mz_share';
const RECIPIENTS = '优抚对象基础信息';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

async function withPage(name: string, body: (page: Page) => Promise<void>): Promise<void> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL: server.url,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.error('[browser] page error:', e.message));
  try {
    await body(page);
  } catch (e) {
    await page
      .screenshot({ path: `${SCREENS}FAILED-${name}.png`, fullPage: true })
      .catch(() => undefined);
    throw e;
  } finally {
    await context.close();
  }
}

async function loginAs(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('header-user').waitFor();
}

/** An API client signed in as `username` (cookie session, CSRF token on writes). */
async function apiSession(username: string) {
  const ctx: APIRequestContext = await apiRequest.newContext({ baseURL: server.url });
  const res = await ctx.post('/api/v1/auth/login', {
    data: { username, password: DEMO_PASSWORD },
  });
  assert.equal(res.status(), 200, `login ${username}: ${await res.text()}`);
  const csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
  const check = async (r: Awaited<ReturnType<APIRequestContext['get']>>, what: string) => {
    const text = await r.text();
    assert.ok(r.ok(), `${what} answered ${r.status()}: ${text}`);
    return (text ? JSON.parse(text) : {}) as unknown;
  };
  return {
    get: async <T>(path: string): Promise<T> => (await check(await ctx.get(path), path)) as T,
    post: async <T>(path: string, data: unknown = {}): Promise<T> =>
      (await check(
        await ctx.post(path, { data, headers: { 'x-csrf-token': csrf } }),
        `POST ${path}`,
      )) as T,
    dispose: () => ctx.dispose(),
  };
}

let entryId = '';
let verifyCode = '';

before(async () => {
  await mkdir(SCREENS, { recursive: true });
  server = await startTestServer();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const s = await apiSession(APPLICANT);
  const found = await s.get<{ items: { id: string; name: string }[] }>(
    `/api/v1/catalog/search?q=${encodeURIComponent(RECIPIENTS)}&pageSize=50`,
  );
  entryId = found.items.find((e) => e.name === RECIPIENTS)!.id;
  await s.dispose();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('exchange interfaces and usage', () => {
  test('[EXC-05] the catalog entry lists its interfaces with code, class, parameters and an example call', async () => {
    await withPage('exc-05-interfaces', async (page) => {
      await loginAs(page, APPLICANT);
      await page.goto(`/catalog/entries/${entryId}`);
      await page.getByTestId('entry-tab-interfaces').click();
      const cards = page.getByTestId('interface-card');
      await cards.first().waitFor();
      const modes = await cards.evaluateAll((els) => els.map((e) => e.getAttribute('data-mode')));
      assert.ok(modes.includes('verify'), modes.join());
      const verify = page.locator('[data-testid="interface-card"][data-mode="verify"]');
      verifyCode = (await verify.getAttribute('data-code')) ?? '';
      assert.match(verifyCode, /^S-\d{6}-\d{6}-2-\d{3}$/);
      await assert.doesNotReject(verify.getByText('2 核验类').waitFor());
      await verify
        .getByTestId('interface-parameters')
        .getByText('claims', { exact: true })
        .waitFor();
      const curl = await verify.getByTestId('interface-curl').innerText();
      assert.ok(curl.includes(`IFACE=${verifyCode}`), curl);
      assert.ok(curl.includes('/api/v1/exchange/verify'), curl);
      const request = await verify.getByTestId('interface-example-request').innerText();
      assert.match(request, /"key": "\d{17}[\dX]"/);
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SCREENS}exchange-interfaces.png`, fullPage: true });
    });
  });

  test('[EXC-05] the usage page charts the calls made with a credential', async () => {
    assert.ok(verifyCode, 'the interface test ran first');
    // A credential for the demo grant, and calls signed the way a consumer system signs them.
    const applicant = await apiSession(APPLICANT);
    const grants = await applicant.get<{
      items: { id: string; resourceId: string; status: string }[];
    }>('/api/v1/sharing/grants?side=consumer');
    const grant = grants.items.find((g) => g.resourceId === entryId && g.status === 'active')!;
    assert.ok(grant, 'the demo grant is active');
    const credential = await applicant.post<{ id: string; secret: string }>(
      '/api/v1/exchange/credentials',
      { grantId: grant.id, label: '端到端测试' },
    );
    await applicant.dispose();
    const path = '/api/v1/exchange/verify';
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const body = JSON.stringify({
        key: makeCitizenId('130102', '19520301', 200 + i),
        claims: i === 5 ? { monthly_amount: 1 } : { name: '赵铁柱' },
      });
      const res = await fetch(server.url + path, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signedHeaders(credential, { method: 'POST', path, body, interfaceCode: verifyCode }),
        },
        body,
      });
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 403]);

    await withPage('exc-05-usage', async (page) => {
      // The provider sees the calls on its resource.
      await loginAs(page, PROVIDER_APPROVER);
      await page.getByTestId('nav-group-sharing').click();
      await page.getByTestId('nav-exchange-usage').click();
      await page.getByTestId('usage-page').waitFor();
      const bar = page.getByTestId('usage-bar-chart');
      await bar.locator('svg').first().waitFor();
      const figures = await bar.locator('table.chart-figures').innerText();
      assert.ok(figures.includes(RECIPIENTS), figures);
      assert.match(figures, /6次/);
      const line = page.getByTestId('usage-line-chart');
      await line.locator('svg').first().waitFor();
      assert.match(await line.locator('table.chart-figures').innerText(), /6次[\s\S]*1次/);
      const row = page.locator('[data-testid="usage-table"] .ant-table-row').filter({
        hasText: RECIPIENTS,
      });
      await row.waitFor();
      // By consumer unit: the calling department.
      await page.getByTestId('usage-by-unit').click();
      await page
        .locator('[data-testid="usage-table"] .ant-table-row')
        .filter({ hasText: '河北省人力资源和社会保障厅' })
        .waitFor();
      await page.getByTestId('usage-by-resource').click();
      await row.waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: `${SCREENS}exchange-usage.png`, fullPage: true });
    });
  });
});
