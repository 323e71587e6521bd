// Browser test of 订阅推送 (EXC-04) on the request page, as the consumer's 共享申请员, against
// the real server (fresh demo database, built console) and a local webhook receiver.
// Build the console first:  npx vite build --config web/vite.config.ts
// Run:                      node --import tsx --test tests/e2e/subscriptions.e2e.test.ts
// Screenshots land in .tmp/screens/ (gitignored).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  request as apiRequest,
  type APIRequestContext,
  type Browser,
  type Page,
} from 'playwright-core';
import { verifyWebhook } from '../../src/modules/exchange/subscriptions-webhook.ts';
import { eventually, startReceiver, type Receiver } from '../helpers/subscriptions.ts';
import { DEMO_PASSWORD, startTestServer } from '../helpers/test-server.ts';

const SCREENS = fileURLToPath(new URL('../../.tmp/screens/', import.meta.url));

// Demo accounts: the consumer (河北省人社厅), and 河北省民政厅's catalog editor, catalog
// reviewer and data clerk, and the platform manager.
const APPLICANT = 'hb_rs_apply';
const CATALOG_EDITOR = 'hb_mz_catalog';
const CATALOG_REVIEWER = 'hb_mz_catreview';
const CLERK = 'hb_mz_entry';
const PLATFORM = 'hb_platform';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let receiver: Receiver;

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
    post: async <T>(path: string, data: unknown = {}): Promise<T> =>
      (await check(
        await ctx.post(path, { data, headers: { 'x-csrf-token': csrf } }),
        `POST ${path}`,
      )) as T,
    put: async <T>(path: string, data: unknown): Promise<T> =>
      (await check(
        await ctx.put(path, { data, headers: { 'x-csrf-token': csrf } }),
        `PUT ${path}`,
      )) as T,
    dispose: () => ctx.dispose(),
  };
}

const item = (name: string, identifier: string, extra: Record<string, unknown> = {}) => ({
  name,
  identifier,
  type: 'C',
  length: 50,
  scale: null,
  isKey: false,
  required: false,
  sensitive: false,
  rule: null,
  description: '',
  ...extra,
});

/**
 * A published entry of 河北省民政厅 that offers 订阅推送, and a delivered grant on it for
 * 河北省人社厅 (the demo catalog's entries do not offer that mode).
 */
async function grantedRequest(): Promise<{ requestId: string; entryId: string }> {
  const editor = await apiSession(CATALOG_EDITOR);
  const entry = await editor.post<{ id: string }>('/api/v1/catalog/entries', {
    content: {
      name: `社会组织登记变更信息${Date.now() % 100000}`,
      summary: '全省社会组织登记证书的变更事项与变更日期，供相关部门及时更新业务系统中的主体信息。',
      kind: 'table',
      classification: { tree: 'department', code: '301001' },
      formatType: 'database',
      formatDetail: 'csv',
      dataItems: [
        item('登记证号', 'cert_no', { isKey: true, required: true, length: 30 }),
        item('组织名称', 'org_name', { required: true, length: 100 }),
        item('变更事项', 'change_item'),
      ],
      sharingType: 'unconditional',
      sharingCondition: '',
      legalBasis: '',
      sharingMethods: ['platform_api'],
      sharingScope: 'all',
      openType: 'not_open',
      updateFrequency: 'daily',
      timeliness: '变更登记后 1 个工作日内更新',
      provisionModes: ['query', 'subscribe'],
    },
  });
  await editor.post(`/api/v1/catalog/entries/${entry.id}/actions`, { action: 'submit' });
  await editor.dispose();
  const reviewer = await apiSession(CATALOG_REVIEWER);
  for (const action of ['open', 'approve'])
    await reviewer.post(`/api/v1/catalog/entries/${entry.id}/actions`, { action });
  await reviewer.dispose();
  const platform = await apiSession(PLATFORM);
  await platform.post(`/api/v1/catalog/entries/${entry.id}/actions`, { action: 'publish' });

  const applicant = await apiSession(APPLICANT);
  const day = (n: number) =>
    new Date(Date.now() + 8 * 3600_000 + n * 86_400_000).toISOString().slice(0, 10);
  const request = await applicant.post<{ id: string }>('/api/v1/sharing/requests', {
    resourceId: entry.id,
    fields: ['cert_no', 'org_name'],
    modes: ['query', 'subscribe'],
    purpose: '社会组织登记事项变更后，及时更新人社业务系统中的参保单位信息',
    legalBasis: '《社会保险法》第五十七条',
    periodStart: day(0),
    periodEnd: day(200),
    contactName: '郑建国',
    contactPhone: '0311-87011234',
    onwardSharing: false,
  });
  await applicant.dispose();
  for (const action of ['approve', 'deliver'])
    await platform.post(`/api/v1/sharing/requests/${request.id}/actions`, { action });
  await platform.dispose();
  return { requestId: request.id, entryId: entry.id };
}

async function enterRow(entryId: string, certNo: string, change: string) {
  const clerk = await apiSession(CLERK);
  await clerk.put(`/api/v1/catalog/entries/${entryId}/rows`, {
    values: { cert_no: certNo, org_name: '河北省养老服务业协会', change_item: change },
  });
  await clerk.dispose();
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300); // let antd animations settle
  await page.screenshot({ path: `${SCREENS}${name}.png`, fullPage: true });
}

/** The status tags of the deliveries table, newest change first, once they read `expected`. */
async function deliveriesAre(page: Page, expected: string[]): Promise<void> {
  await eventually(
    async () => {
      await page.getByTestId('deliveries-refresh').click();
      await page.waitForTimeout(300);
      const tags = page.locator(
        '[data-testid="deliveries-table"] .ant-table-row [data-testid="delivery-status"]',
      );
      const statuses = await Promise.all(
        (await tags.all()).map((t) => t.getAttribute('data-status')),
      );
      return JSON.stringify(statuses) === JSON.stringify(expected);
    },
    40_000,
    `deliveries ${expected.join(', ')}`,
  );
}

before(async () => {
  await mkdir(SCREENS, { recursive: true });
  receiver = await startReceiver();
  // The receiver listens on loopback; retries come every 5 s, and give up after 3 attempts.
  process.env.MZHUB_WEBHOOK_ALLOW_PRIVATE = 'true';
  process.env.MZHUB_WEBHOOK_RETRY_SECONDS = '5';
  process.env.MZHUB_WEBHOOK_MAX_ATTEMPTS = '3';
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
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await receiver?.close();
});

test('[EXC-04] the consumer subscribes on the request page, sees pending and failed pushes, re-queues them, and cancels', async () => {
  const { requestId, entryId } = await grantedRequest();
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
    await page.goto('/login');
    await page.getByTestId('login-username').fill(APPLICANT);
    await page.getByTestId('login-password').fill(DEMO_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('header-user').waitFor();
    await page.goto(`/sharing/requests/${requestId}`);
    const panel = page.getByTestId('subscriptions-panel');
    await panel.waitFor();

    // The form checks the address before anything is sent.
    await page.getByTestId('subscription-create').click();
    await page.getByTestId('subscription-url').fill('ftp://不是网址');
    await page.getByTestId('subscription-label').fill('人社业务系统生产环境');
    // A click during a dialog's opening animation can be lost on a busy machine.
    await page.locator('.ant-zoom-appear').waitFor({ state: 'detached' });
    await page.locator('.ant-modal-footer .ant-btn-primary').click();
    await page.getByText('请填写完整的网址').waitFor();
    await page.getByTestId('subscription-url').fill(receiver.url);
    await page.getByTestId('subscription-signature-sm2').click();
    await screenshot(page, 'subscriptions-create');
    // A click during a dialog's opening animation can be lost on a busy machine.
    await page.locator('.ant-zoom-appear').waitFor({ state: 'detached' });
    await page.locator('.ant-modal-footer .ant-btn-primary').click();

    // The secret is shown once.
    const secret = (await page.getByTestId('subscription-secret').innerText()).trim();
    const subscriptionId = (await page.getByTestId('subscription-id').innerText()).trim();
    assert.match(subscriptionId, /^mzs_[0-9a-f]{20}$/);
    assert.ok(secret.length >= 40);
    await screenshot(page, 'subscriptions-secret');
    await page.getByRole('button', { name: '我已妥善保存' }).click();
    const row = panel.locator('.ant-table-row', { hasText: '人社业务系统生产环境' });
    await row.waitFor();
    assert.match(await row.innerText(), /HMAC-SM3 \+ SM2[\s\S]*有效[\s\S]*已送达 0/);
    assert.doesNotMatch(await panel.innerText(), new RegExp(secret));

    // The receiving system is down when the provider changes a row.
    receiver.mode = 'down';
    await enterRow(entryId, '5113000000001', '法定代表人变更');
    await eventually(() => receiver.requests.length > 0, 20_000, 'a first attempt');
    await page.getByTestId(`subscription-deliveries-${subscriptionId}`).click();
    await page.getByTestId('deliveries-modal').waitFor();
    await deliveriesAre(page, ['pending']);
    assert.match(
      await page.getByTestId('deliveries-table').innerText(),
      /待送达[\s\S]*接收方返回 HTTP 503/,
    );
    await screenshot(page, 'subscriptions-pending');
    // After three attempts it is failed; the other pushes keep their own state.
    await deliveriesAre(page, ['failed']);
    assert.match(await page.getByTestId('deliveries-table').innerText(), /失败/);
    await screenshot(page, 'subscriptions-failed');

    // The system is fixed: a new change arrives, and the failed one once re-queued.
    receiver.mode = 'up';
    await enterRow(entryId, '5113000000002', '住所变更');
    await deliveriesAre(page, ['delivered', 'failed']);
    const failedRow = page.locator('[data-testid="deliveries-table"] .ant-table-row', {
      has: page.locator('[data-status="failed"]'),
    });
    await failedRow.getByRole('button', { name: '重新推送' }).click();
    await deliveriesAre(page, ['delivered', 'delivered']);
    await screenshot(page, 'subscriptions-deliveries');

    // Every accepted push verifies with the secret, once per change.
    const accepted = [...receiver.accepted.values()];
    assert.equal(accepted.length, 2);
    for (const delivery of accepted) {
      const headers = Object.fromEntries(
        Object.entries(delivery.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
      );
      assert.ok(verifyWebhook(secret, { headers, body: delivery.body }));
      assert.ok(headers['x-mzhub-sm2-signature']);
      assert.doesNotMatch(delivery.body, /河北省养老服务业协会/, 'no field values in a push');
    }

    // Counts on the panel, then cancel.
    await page.locator('.ant-modal-close').click();
    await page
      .getByRole('button', { name: /刷\s*新/ })
      .first()
      .click();
    await eventually(
      async () => /已送达 2[\s\S]*待送达 0[\s\S]*失败 0/.test(await row.innerText()),
      10_000,
      'the counts',
    );
    await screenshot(page, 'subscriptions-panel');
    await page.getByTestId(`subscription-cancel-${subscriptionId}`).click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await eventually(async () => /已取消/.test(await row.innerText()), 10_000, 'cancelled');
    assert.equal(await page.getByTestId(`subscription-cancel-${subscriptionId}`).count(), 0);
  } catch (e) {
    await page
      .screenshot({ path: `${SCREENS}FAILED-subscriptions.png`, fullPage: true })
      .catch(() => undefined);
    throw e;
  } finally {
    await context.close();
  }
});
