// Browser tests of the sharing pages (共享申请, 授权, 共享实施单, 电子监察, 共享时限, 通知) against a
// real server (fresh demo database, built console).
// Build the console first:  npx vite build --config web/vite.config.ts
// Run:                      node --import tsx --test tests/e2e/sharing.e2e.test.ts
// Screenshots of each main page land in .tmp/screens/ (gitignored).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  request as apiRequest,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { DEMO_PASSWORD, startTestServer } from '../helpers/test-server.ts';

const SCREENS = fileURLToPath(new URL('../../.tmp/screens/', import.meta.url));

// The demo accounts (`mzhub demo`): a consumer of 河北省人力资源和社会保障厅, the provider's
// 共享审批员 of 河北省民政厅, a city unit's applicant, and the platform manager.
const APPLICANT = 'hb_rs_apply';
const APPROVER = 'hb_mz_share';
const CITY_APPLICANT = 'hb_sjz_apply';
const PLATFORM = 'hb_platform';

const RECIPIENTS = '优抚对象基础信息'; // conditional; verify, query, batch
const ELDERLY_HOMES = '养老机构名录'; // unconditional
const MARRIAGES = '婚姻登记信息'; // conditional, verify only

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL: server.url,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.error('[browser] page error:', e.message));
  page.on('console', (m) => {
    // Refused requests are expected in these tests; anything else logged as an error is not.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
      console.error('[browser] console error:', m.text());
  });
  return { context, page };
}

/** Runs a test body in a fresh browser context; on failure saves .tmp/screens/FAILED-<name>.png. */
async function withPage(name: string, body: (page: Page) => Promise<void>): Promise<void> {
  const { context, page } = await newPage();
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

async function screenshot(page: Page, name: string, fullPage = true): Promise<void> {
  await page.waitForTimeout(300); // let antd animations settle
  await page.screenshot({ path: `${SCREENS}${name}.png`, fullPage });
}

async function loginAs(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('header-user').waitFor();
}

async function logout(page: Page): Promise<void> {
  await page.getByTestId('logout-button').click();
  await page.getByTestId('login-page').waitFor();
}

/** Clicks a side-menu entry and waits for the page's root element. */
async function openPage(page: Page, navId: string, pageTestId: string): Promise<void> {
  await page.getByTestId(`nav-${navId}`).click();
  await page.getByTestId(pageTestId).waitFor();
}

/** The rows of an antd table (not its placeholder row). */
function rowsOf(scope: Page | Locator, tableTestId: string): Locator {
  return scope.locator(`[data-testid="${tableTestId}"] .ant-table-row`);
}

/** The text box of an antd Input, whether the test id sits on the input or on its wrapper. */
function textBox(page: Page, testId: string): Locator {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

/** The request page's status, once it is `status`. */
async function statusIs(page: Page, status: string): Promise<void> {
  await page.locator(`[data-testid="request-page"][data-status="${status}"]`).waitFor();
}

/** Clicks an action button of the request page and confirms its dialog (with a note). */
async function act(page: Page, action: string, note?: string): Promise<void> {
  await page.getByTestId(`request-action-${action}`).click();
  const dialog = page.locator(`[data-testid="action-modal"][data-action="${action}"]`);
  await dialogOpened(dialog);
  const modal = dialog.locator('.ant-modal');
  if (note !== undefined) await page.getByTestId('action-note').fill(note);
  await page.getByTestId('action-ok').click();
  await modal.waitFor({ state: 'hidden' });
}

/**
 * Waits until a dialog has finished opening: a click or a keystroke during its opening
 * animation can be lost on a busy machine.
 */
async function dialogOpened(dialog: Locator): Promise<void> {
  await dialog.locator('.ant-modal').waitFor();
  await dialog.locator('.ant-zoom-appear').waitFor({ state: 'detached' });
}

/** Opens the request numbered `number` from a queue tab of 共享申请. */
async function openFromQueue(page: Page, tab: string, number: string): Promise<void> {
  await openPage(page, 'sharing', 'sharing-page');
  await page.getByTestId(`sharing-tab-${tab}`).click();
  const queue = page.getByTestId(`sharing-queue-${tab}`);
  await queue.waitFor();
  const row = rowsOf(queue, 'sharing-table').filter({ hasText: number });
  await row.waitFor();
  await row.getByTestId('request-link').click();
  await page.locator(`[data-testid="request-number"]`, { hasText: number }).waitFor();
}

/** Today in Beijing and a date `days` later, as YYYY-MM-DD. */
function beijingDate(days = 0): string {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** An API client signed in as `username` (cookie session, CSRF token on writes). */
async function apiSession(username: string, password = DEMO_PASSWORD) {
  const ctx: APIRequestContext = await apiRequest.newContext({ baseURL: server.url });
  const res = await ctx.post('/api/v1/auth/login', { data: { username, password } });
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
    put: async <T>(path: string, data: unknown): Promise<T> =>
      (await check(
        await ctx.put(path, { data, headers: { 'x-csrf-token': csrf } }),
        `PUT ${path}`,
      )) as T,
    dispose: () => ctx.dispose(),
  };
}

interface Request {
  id: string;
  number: string;
  status: string;
}

/** The id of a published demo entry by exact name. */
async function entryId(name: string): Promise<string> {
  const s = await apiSession(APPLICANT);
  const found = await s.get<{ items: { id: string; name: string }[] }>(
    `/api/v1/catalog/search?q=${encodeURIComponent(name)}&pageSize=50`,
  );
  await s.dispose();
  const hit = found.items.find((e) => e.name === name);
  assert.ok(hit, `the demo catalog has “${name}”`);
  return hit.id;
}

/** Files a request through the API as 河北省人社厅 and optionally has the platform pre-check it. */
async function fileThroughApi(
  resource: string,
  fields: string[],
  modes: string[],
  precheck: boolean,
): Promise<Request> {
  const applicant = await apiSession(APPLICANT);
  const created = await applicant.post<Request>('/api/v1/sharing/requests', {
    resourceId: await entryId(resource),
    fields,
    modes,
    purpose: '端到端测试：核验失业保险待遇申领人员的相关情况',
    legalBasis: '《失业保险条例》第十六条',
    periodStart: beijingDate(),
    periodEnd: beijingDate(200),
    contactName: '郑建国',
    contactPhone: '0311-87011234',
    onwardSharing: false,
  });
  await applicant.dispose();
  if (!precheck) return created;
  const platform = await apiSession(PLATFORM);
  const passed = await platform.post<Request>(`/api/v1/sharing/requests/${created.id}/actions`, {
    action: 'precheck_pass',
  });
  await platform.dispose();
  return passed;
}

/** The unread count the bell shows. */
async function bellCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('notification-bell').getAttribute('data-unread'));
}

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
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('sharing requests', () => {
  test('[SHR-03] a conditional request goes from filing to grant with three accounts', async () => {
    await withPage('shr-03-grant', async (page) => {
      // ---- the consumer files the 共享申请书 from the catalog entry ----
      await loginAs(page, APPLICANT);
      await page.getByTestId('nav-group-sharing').waitFor();
      await page.goto(`/catalog/entries/${await entryId(RECIPIENTS)}`);
      await page.getByTestId('entry-page').waitFor();
      await page.getByTestId('entry-apply-sharing').click();
      await page.waitForURL(/\/sharing\/new\?resource=/);
      await page.getByTestId('apply-page').waitFor();
      assert.match(await page.getByTestId('apply-resource').innerText(), /优抚对象基础信息/);

      // The checklist is the entry's data items; the sensitive ones are marked.
      const fields = page.getByTestId('apply-fields');
      for (const id of [
        'id_number',
        'name',
        'sex',
        'category',
        'division_code',
        'monthly_amount',
        'recognised_on',
      ])
        await page.getByTestId(`apply-field-${id}`).waitFor({ state: 'attached' });
      const sensitive = fields.locator('label').filter({ has: page.getByText('敏感') });
      assert.deepEqual(
        (await sensitive.allInnerTexts()).map((t) => t.split(/\s/)[0]),
        ['公民身份号码', '姓名'],
      );
      // Only the modes the entry offers.
      const modes = await page.getByTestId('apply-modes').innerText();
      assert.match(modes, /比对验证[\s\S]*查询引用[\s\S]*批量复制/);
      assert.doesNotMatch(modes, /订阅推送|文件下载/);

      // Submitting empty: the form says what is missing.
      await page.getByTestId('apply-submit').click();
      await page.getByText('请至少选择一个信息项').waitFor();

      // Two fields (minimum necessary), one mode, a year, purpose, basis, contact.
      await page.getByTestId('apply-field-id_number').check();
      await page.getByTestId('apply-field-category').check();
      await page.getByTestId('apply-sensitive-warning').waitFor();
      assert.equal((await page.getByTestId('apply-field-count').innerText()).trim(), '2');
      await page.getByTestId('apply-modes').getByText('比对验证').click();
      await page.getByTestId('apply-period').first().click();
      await page.locator('.ant-picker-presets li', { hasText: '一年' }).click();
      await page
        .getByTestId('apply-purpose')
        .fill('认定就业困难人员时核验优抚对象身份与优抚类别，落实就业援助政策');
      await page
        .getByTestId('apply-legal-basis')
        .fill('《就业促进法》第五十二条；《河北省就业援助办法》第八条');
      await textBox(page, 'apply-contact-phone').fill('0311-87011234');
      await screenshot(page, 'sharing-apply');
      await page.getByTestId('apply-submit').click();

      await page.waitForURL(/\/sharing\/requests\/[^/]+$/);
      await statusIs(page, 'prechecking');
      const number = (await page.getByTestId('request-number').innerText()).trim();
      assert.match(number, /^GX\d{10}$/);
      const requestUrl = page.url();
      const fieldRows = await rowsOf(page, 'request-fields').allInnerTexts();
      assert.equal(fieldRows.length, 2);
      assert.match(fieldRows[0]!, /公民身份号码[\s\S]*id_number[\s\S]*敏感/);
      assert.match(fieldRows[1]!, /优抚类别[\s\S]*category/);
      // The open step: the platform's pre-check, with its due date and state.
      const precheck = rowsOf(page, 'request-steps').filter({ hasText: '平台预审' });
      assert.match(
        await precheck.innerText(),
        /2 个工作日[\s\S]*\d{4}-\d{2}-\d{2}[\s\S]*(办理中|临期)/,
      );
      assert.match(await page.getByTestId('request-workflow').innerText(), /提供方审批/);
      // The requester may withdraw it, nothing else.
      await page.getByTestId('request-action-withdraw').waitFor();
      assert.equal(await page.getByTestId('request-action-approve').count(), 0);
      await logout(page);

      // ---- the platform pre-checks it from 待我处理 ----
      await loginAs(page, PLATFORM);
      await openFromQueue(page, 'todo', number);
      await statusIs(page, 'prechecking');
      assert.equal(await page.getByTestId('request-action-approve').count(), 0);
      await act(page, 'precheck_pass');
      await statusIs(page, 'provider_review');
      const decision = rowsOf(page, 'request-steps').filter({ hasText: '提供方审批' });
      assert.match(await decision.innerText(), /河北省民政厅[\s\S]*3 个工作日/);
      await logout(page);

      // ---- the provider's 共享审批员 approves, narrowing the period ----
      await loginAs(page, APPROVER);
      await openFromQueue(page, 'todo', number);
      await statusIs(page, 'provider_review');
      await page.getByTestId('request-action-approve').click();
      await dialogOpened(page.locator('[data-testid="action-modal"][data-action="approve"]'));
      // Both fields asked are ticked; keep them, bring the end date forward.
      assert.ok(await page.getByTestId('approve-field-id_number').isChecked());
      assert.ok(await page.getByTestId('approve-field-category').isChecked());
      const narrowedEnd = beijingDate(180);
      const endBox = textBox(page, 'approve-period-end');
      await endBox.click();
      await endBox.fill(narrowedEnd);
      await endBox.press('Enter');
      await page.getByTestId('action-note').fill('同意共享，期限按本年度就业援助工作安排核定');
      await screenshot(page, 'sharing-approve', false);
      await page.getByTestId('action-ok').click();
      await statusIs(page, 'authorized');
      assert.match(
        await page.getByTestId('request-period').innerText(),
        new RegExp(`批准至 ${narrowedEnd}`),
      );
      await page.getByTestId('grant-status').filter({ hasText: '待交付' }).waitFor();
      await logout(page);

      // ---- the platform delivers ----
      await loginAs(page, PLATFORM);
      await openFromQueue(page, 'todo', number);
      await act(page, 'deliver');
      await statusIs(page, 'granted');
      await page.locator('[data-testid="grant-status"][data-status="active"]').waitFor();
      await logout(page);

      // ---- the consumer sees the grant and opens the implementation sheet ----
      await loginAs(page, APPLICANT);
      await openPage(page, 'sharing-grants', 'grants-page');
      const grant = rowsOf(page.getByTestId('grants-consumer'), 'grants-table').filter({
        hasText: number,
      });
      await grant.waitFor();
      assert.match(
        await grant.innerText(),
        new RegExp(
          `优抚对象基础信息[\\s\\S]*河北省民政厅[\\s\\S]*公民身份号码、优抚类别[\\s\\S]*比对验证[\\s\\S]*${narrowedEnd}[\\s\\S]*有效`,
        ),
      );
      await screenshot(page, 'sharing-grants');
      await grant.getByTestId('grant-link').click();
      assert.equal(page.url(), requestUrl);
      await statusIs(page, 'granted');
      const log = await page.getByTestId('request-actions').innerText();
      assert.match(log, /交付[\s\S]*批准共享[\s\S]*预审通过[\s\S]*提交申请/);
      await screenshot(page, 'sharing-request');
      await page.getByTestId('request-sheet-link').click();
      await page.getByTestId('sheet').waitFor();
      assert.equal((await page.getByTestId('sheet-number').innerText()).trim(), number);
      assert.match(
        await page.getByTestId('sheet-consumer').innerText(),
        /河北省人力资源和社会保障厅/,
      );
      assert.match(await page.getByTestId('sheet-provider').innerText(), /河北省民政厅/);
      const sheetFields = await page.getByTestId('sheet-fields').innerText();
      assert.match(sheetFields, /公民身份号码[\s\S]*优抚类别/);
      assert.doesNotMatch(sheetFields, /姓名/);
      assert.match(
        await page.getByTestId('sheet-validity').innerText(),
        new RegExp(`${beijingDate()} 至 ${narrowedEnd}`),
      );
      await screenshot(page, 'sharing-sheet');

      // 打印 calls window.print(); printed, the menus and buttons are gone.
      // (The page's `window`, typed here without the DOM library.)
      type Printing = { print: () => void; printed: number };
      await page.evaluate(() => {
        const w = globalThis as unknown as Printing;
        w.printed = 0;
        w.print = () => {
          w.printed += 1;
        };
      });
      await page.getByTestId('sheet-print').click();
      assert.equal(await page.evaluate(() => (globalThis as unknown as Printing).printed), 1);
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.getByTestId('app-sider').isVisible(), false);
      assert.equal(await page.getByTestId('app-header').isVisible(), false);
      assert.equal(await page.getByTestId('sheet-print').isVisible(), false);
      assert.ok(await page.getByTestId('sheet').isVisible());
      await screenshot(page, 'sharing-sheet-print');
      await page.emulateMedia({ media: 'screen' });
    });
  });

  test('[SHR-03] a provider refuses with a reason and the requester sees it', async () => {
    const request = await fileThroughApi(MARRIAGES, ['cert_no', 'kind'], ['verify'], true);
    const reason = '婚姻登记信息仅提供比对核验结果，申请的用途不属于共享条件所列情形';
    await withPage('shr-03-refuse', async (page) => {
      await loginAs(page, APPROVER);
      await openFromQueue(page, 'provider', request.number);
      await statusIs(page, 'provider_review');
      // A refusal needs its reason.
      await page.getByTestId('request-action-refuse').click();
      await dialogOpened(page.locator('[data-testid="action-modal"][data-action="refuse"]'));
      await page.getByTestId('action-ok').click();
      await page.getByText('请填写理由').waitFor();
      await page.getByTestId('action-note').fill(reason);
      await page.getByTestId('action-ok').click();
      await statusIs(page, 'refused');
      assert.match(await page.getByTestId('request-outcome').innerText(), new RegExp(reason));
      assert.equal(await page.getByTestId('request-sheet-link').count(), 0);
      await logout(page);

      await loginAs(page, APPLICANT);
      await openPage(page, 'sharing', 'sharing-page');
      await page.getByTestId('sharing-tab-mine').click();
      const row = rowsOf(page.getByTestId('sharing-queue-mine'), 'sharing-table').filter({
        hasText: request.number,
      });
      await row.locator('[data-testid="request-status"][data-status="refused"]').waitFor();
      await row.getByTestId('request-link').click();
      await statusIs(page, 'refused');
      const outcome = await page.getByTestId('request-outcome').innerText();
      assert.match(outcome, /提供方不予共享/);
      assert.match(outcome, new RegExp(reason));
      assert.match(outcome, /吴红梅/);
      const refusal = page.locator('[data-testid="request-action"][data-action="refuse"]');
      assert.match(await refusal.innerText(), new RegExp(`不予共享[\\s\\S]*${reason}`));
      // The requester may take the refusal to the sharing authority.
      await page.getByTestId('request-action-escalate').waitFor();
      await screenshot(page, 'sharing-refused');
    });
  });

  test('[SHR-07] the requester escalates a refusal and the sharing authority returns it to the provider', async () => {
    const request = await fileThroughApi(MARRIAGES, ['cert_no', 'registered_on'], ['verify'], true);
    const approver = await apiSession(APPROVER);
    await approver.post(`/api/v1/sharing/requests/${request.id}/actions`, {
      action: 'refuse',
      note: '用途不明确',
    });
    await approver.dispose();
    await withPage('shr-07', async (page) => {
      await loginAs(page, APPLICANT);
      await page.goto(`/sharing/requests/${request.id}`);
      await statusIs(page, 'refused');
      await act(page, 'escalate', '用途为失业保险金申领资格核验，属于共享条件所列情形');
      await statusIs(page, 'disputed');
      assert.match(await page.getByTestId('request-outcome').innerText(), /已提请共享主管部门协调/);
      await logout(page);

      await loginAs(page, PLATFORM);
      await openFromQueue(page, 'todo', request.number);
      await page.getByTestId('request-action-resolve').click();
      await dialogOpened(page.locator('[data-testid="action-modal"][data-action="resolve"]'));
      await page.getByTestId('action-note').fill('经协调，请提供方按共享条件重新审批');
      await page.getByTestId('action-ok').click();
      await page.getByText('请选择协调结果').waitFor();
      await page.getByTestId('resolve-outcome-return').check();
      await page.getByTestId('action-ok').click();
      await statusIs(page, 'provider_review');
      assert.match(
        await page
          .locator('[data-testid="request-action"][data-action="resolve_return"]')
          .innerText(),
        /退回提供方重新审批[\s\S]*经协调/,
      );
      await logout(page);

      // The provider decides again and grants one of the two fields.
      await loginAs(page, APPROVER);
      await openFromQueue(page, 'todo', request.number);
      await page.getByTestId('request-action-approve').click();
      await dialogOpened(page.locator('[data-testid="action-modal"][data-action="approve"]'));
      await page.getByTestId('approve-field-registered_on').uncheck();
      await page.getByTestId('action-ok').click();
      await statusIs(page, 'authorized');
      const fields = page.getByTestId('request-fields');
      await fields.locator('[data-field="cert_no"]').getByTestId('field-approved').waitFor();
      await fields
        .locator('[data-field="registered_on"]')
        .getByTestId('field-not-approved')
        .waitFor();
      assert.match(await page.getByTestId('request-grant').innerText(), /登记证号/);
      assert.doesNotMatch(await page.getByTestId('request-grant').innerText(), /登记日期/);
    });
  });

  test('[SHR-04] a not-shared entry tells the applicant why it cannot be requested', async () => {
    const name = `救助对象家庭经济状况核对报告${Date.now() % 100000}`;
    const item = (n: string, identifier: string, extra: Record<string, unknown> = {}) => ({
      name: n,
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
    const content = {
      name,
      summary: '居民家庭经济状况核对的结论报告，仅用于社会救助审核确认，不向其他部门提供。',
      kind: 'table',
      classification: { tree: 'department', code: '301001' },
      formatType: 'database',
      formatDetail: 'csv',
      dataItems: [
        item('报告编号', 'report_no', { isKey: true, required: true }),
        item('核对结论', 'conclusion'),
      ],
      sharingType: 'none',
      legalBasis: '《社会救助暂行办法》第六十六条：对获得的家庭经济状况信息负有保密义务',
      sharingMethods: [],
      sharingScope: null,
      openType: 'not_open',
      updateFrequency: 'monthly',
      timeliness: '数据产生后 2 个工作日内更新',
      provisionModes: [],
    };
    const editor = await apiSession('hb_mz_catalog');
    const created = await editor.post<{ id: string }>('/api/v1/catalog/entries', { content });
    await editor.post(`/api/v1/catalog/entries/${created.id}/actions`, { action: 'submit' });
    await editor.dispose();
    const reviewer = await apiSession('hb_mz_catreview');
    for (const action of ['open', 'approve'])
      await reviewer.post(`/api/v1/catalog/entries/${created.id}/actions`, { action });
    await reviewer.dispose();
    const platform = await apiSession(PLATFORM);
    await platform.post(`/api/v1/catalog/entries/${created.id}/actions`, { action: 'publish' });
    await platform.dispose();

    await withPage('shr-04', async (page) => {
      await loginAs(page, APPLICANT);
      await page.goto(`/catalog/entries/${created.id}`);
      await page.getByTestId('entry-page').waitFor();
      assert.ok(await page.getByTestId('entry-apply-sharing').isDisabled());
      assert.match(
        await page.getByTestId('entry-not-shared').innerText(),
        /不予共享资源，不能申请共享。依据：《社会救助暂行办法》第六十六条/,
      );
      // The form says so too when opened directly.
      await page.goto(`/sharing/new?resource=${created.id}`);
      assert.match(await page.getByTestId('apply-blocked').innerText(), /不予共享资源，不能申请/);
      assert.equal(await page.getByTestId('apply-form').count(), 0);
    });
  });

  test('[SHR-10] a city unit asking a provincial provider sees the server’s reason on the form', async () => {
    await withPage('shr-10', async (page) => {
      await loginAs(page, CITY_APPLICANT);
      await page.goto(`/catalog/entries/${await entryId(ELDERLY_HOMES)}`);
      await page.getByTestId('entry-apply-sharing').click();
      await page.getByTestId('apply-page').waitFor();
      await page.getByTestId('apply-field-org_name').check();
      await page.getByTestId('apply-modes').getByText('查询引用').click();
      await page.getByTestId('apply-period').first().click();
      await page.locator('.ant-picker-presets li', { hasText: '半年' }).click();
      await page.getByTestId('apply-purpose').fill('养老服务补贴发放时核对定点养老机构');
      await page.getByTestId('apply-legal-basis').fill('《石家庄市养老服务条例》');
      await textBox(page, 'apply-contact-phone').fill('13903110112');
      await page.getByTestId('apply-submit').click();
      const error = page.getByTestId('apply-server-error');
      await error.waitFor();
      assert.match(await error.innerText(), /市、县级部门不能直接向省级部门申请共享数据/);
      assert.match(page.url(), /\/sharing\/new\?resource=/, 'nothing filed, still on the form');
      await screenshot(page, 'sharing-apply-refused');
    });
  });

  test('[SHR-02] an unconditional request is approved at pre-check and delivered; [SHR-09] the platform revokes the grant', async () => {
    const request = await fileThroughApi(ELDERLY_HOMES, ['org_name', 'beds'], ['query'], false);
    await withPage('shr-02', async (page) => {
      await loginAs(page, PLATFORM);
      await openFromQueue(page, 'todo', request.number);
      // No provider step for an unconditional resource: the platform approves at its check.
      assert.equal(await page.getByTestId('request-action-precheck_pass').count(), 0);
      assert.doesNotMatch(await page.getByTestId('request-workflow').innerText(), /提供方审批/);
      await act(page, 'approve');
      await statusIs(page, 'authorized');
      await act(page, 'deliver');
      await statusIs(page, 'granted');
      await page.getByTestId('grant-revoke').click();
      await dialogOpened(page.getByTestId('revoke-modal'));
      await page.getByTestId('revoke-input').fill('申请单位已撤销该培训项目，不再需要使用');
      await page.getByTestId('revoke-ok').click();
      await page.locator('[data-testid="grant-status"][data-status="revoked"]').waitFor();
      assert.match(await page.getByTestId('grant-revoked').innerText(), /不再需要使用/);
      assert.equal(await page.getByTestId('grant-revoke').count(), 0);
    });
  });

  test('[SHR-08] a consumer reports an error in shared data and the provider answers', async () => {
    // The demo's granted request of 河北省人社厅 for 优抚对象基础信息.
    const applicant = await apiSession(APPLICANT);
    const grants = await applicant.get<{
      items: { requestId: string; resourceName: string; status: string }[];
    }>('/api/v1/sharing/grants?side=consumer');
    await applicant.dispose();
    const demoGrant = grants.items.find(
      (g) => g.resourceName === RECIPIENTS && g.status === 'active',
    );
    assert.ok(demoGrant, 'the demo has an active grant');
    await withPage('shr-08', async (page) => {
      await loginAs(page, APPLICANT);
      await page.goto(`/sharing/requests/${demoGrant.requestId}`);
      await statusIs(page, 'granted');
      await page.getByTestId('error-report-create').click();
      await dialogOpened(page.getByTestId('error-report-modal'));
      await page
        .getByTestId('error-report-description')
        .fill('两名优抚对象的优抚类别与退役军人事务部门登记不一致');
      await page
        .getByTestId('error-report-row-keys')
        .fill('130102198805061234\n130104197912113456');
      await page.getByTestId('error-report-ok').click();
      await page
        .getByTestId('error-report-modal')
        .locator('.ant-modal')
        .waitFor({ state: 'hidden' });
      const report = rowsOf(page, 'error-reports').filter({ hasText: '优抚类别与退役军人' });
      await report.waitFor();
      assert.match(
        await report.innerText(),
        /130102198805061234[\s\S]*待答复[\s\S]*期限 \d{4}-\d{2}-\d{2}/,
      );
      assert.equal(await report.getByTestId('error-report-answer-button').count(), 0);
      await logout(page);

      await loginAs(page, APPROVER);
      await page.goto(`/sharing/requests/${demoGrant.requestId}`);
      const open = rowsOf(page, 'error-reports').filter({ hasText: '优抚类别与退役军人' });
      await open.getByTestId('error-report-answer-button').click();
      await dialogOpened(page.getByTestId('answer-modal'));
      await page.getByTestId('answer-input').fill('已核实并更正两条记录的优抚类别，次日同步');
      await page.getByTestId('answer-ok').click();
      await open.getByTestId('error-report-answer').waitFor();
      assert.match(await open.innerText(), /已核实并更正/);
    });
  });

  test('[EXC-05] the consumer issues an exchange credential on its grant, sees the secret once and revokes it', async () => {
    const applicant = await apiSession(APPLICANT);
    const grants = await applicant.get<{
      items: { requestId: string; resourceName: string; status: string }[];
    }>('/api/v1/sharing/grants?side=consumer');
    await applicant.dispose();
    const demoGrant = grants.items.find(
      (g) => g.resourceName === RECIPIENTS && g.status === 'active',
    );
    assert.ok(demoGrant, 'the demo has an active grant');
    await withPage('exc-credentials', async (page) => {
      await loginAs(page, APPLICANT);
      await page.goto(`/sharing/requests/${demoGrant.requestId}`);
      await page.getByTestId('credentials-panel').waitFor();
      await page.getByTestId('credential-issue').click();
      await page.getByTestId('credential-label').fill('就业系统测试环境');
      await page
        .getByRole('button', { name: '签 发' })
        .or(page.getByRole('button', { name: '签发' }))
        .last()
        .click();
      const secret = page.getByTestId('credential-secret');
      await secret.waitFor();
      assert.match((await secret.innerText()).trim(), /^[A-Za-z0-9_-]{40,}$/);
      const id = (await page.getByTestId('credential-id').innerText()).trim();
      assert.match(id, /^mzc_[0-9a-f]{20}$/);
      await screenshot(page, 'exchange-credential-issued');
      await page.getByRole('button', { name: '我已妥善保存' }).click();
      const row = page.getByTestId('credentials-panel').locator('tr', { hasText: id });
      await row.getByText('有效').waitFor();
      // The secret is not shown again anywhere on the page.
      await page.getByTestId('credential-secret').waitFor({ state: 'detached' });
      await page.getByTestId(`credential-revoke-${id}`).click();
      await page.getByRole('button', { name: /确\s*定|OK/ }).click();
      await row.getByText('已吊销').waitFor();
    });
  });

  test('[SHR-06] the supervision view lists open steps with their due dates', async () => {
    // A fresh request waiting for the platform, one waiting for the provider.
    const waiting = await fileThroughApi(RECIPIENTS, ['name'], ['query'], false);
    const deciding = await fileThroughApi(RECIPIENTS, ['sex'], ['batch'], true);
    const platform = await apiSession(PLATFORM);
    const expected = await platform.get<{
      openSteps: { requestNumber: string; dueOn: string; kind: string; state: string }[];
    }>('/api/v1/sharing/supervision');
    const policy = await platform.get<Record<string, unknown>>('/api/v1/sharing/policy');
    try {
      await withPage('shr-06', async (page) => {
        await loginAs(page, PLATFORM);
        await openPage(page, 'sharing-supervision', 'supervision-page');
        const steps = rowsOf(page, 'supervision-steps');
        await steps.first().waitFor();
        // Every open step, by due date.
        const dues = await page.getByTestId('supervision-due').allInnerTexts();
        assert.equal(dues.length, expected.openSteps.length);
        assert.deepEqual(dues, [...dues].sort(), 'sorted by due date');
        for (const r of [waiting, deciding]) {
          const step = expected.openSteps.find((s) => s.requestNumber === r.number)!;
          const row = steps.filter({ hasText: r.number });
          assert.match(await row.innerText(), new RegExp(step.dueOn));
          assert.match(
            await row.innerText(),
            r === waiting ? /平台预审[\s\S]*平台管理方/ : /提供方审批[\s\S]*河北省民政厅/,
          );
        }
        // Counts by status and per unit.
        const counts = page.getByTestId('supervision-counts');
        assert.match(
          await counts.locator('[data-status="prechecking"]').innerText(),
          /平台预审\s*\d+/,
        );
        const units = await rowsOf(page, 'supervision-units').allInnerTexts();
        assert.ok(units.some((u) => /河北省民政厅/.test(u)));
        await screenshot(page, 'sharing-supervision');

        // 共享时限设置: “due soon” within 10 working days makes every open step 临期.
        await openPage(page, 'sharing-policy', 'sharing-policy-page');
        await page.getByTestId('sharing-policy-note').waitFor();
        const dueSoon = textBox(page, 'sharing-policy-dueSoonDays');
        await dueSoon.fill('10');
        await page.getByTestId('sharing-policy-save').click();
        await page.getByTestId('sharing-policy-updated').waitFor();
        await screenshot(page, 'sharing-policy');
        await openPage(page, 'sharing-supervision', 'supervision-page');
        const row = steps.filter({ hasText: waiting.number });
        await row.locator('[data-testid="due-state"][data-state="due_soon"]').waitFor();
        assert.match(await row.innerText(), /临期/);
        // The queues show it too.
        await openPage(page, 'sharing', 'sharing-page');
        const todo = rowsOf(page.getByTestId('sharing-queue-todo'), 'sharing-table').filter({
          hasText: waiting.number,
        });
        await todo.locator('[data-testid="due-state"][data-state="due_soon"]').waitFor();
        assert.match(
          (await todo.locator('[data-testid="due-state"]').getAttribute('class')) ?? '',
          /orange/,
          'an orange tag',
        );
      });
    } finally {
      await platform.put('/api/v1/sharing/policy', {
        ...Object.fromEntries(
          Object.entries(policy).filter(([k]) => k !== 'updatedAt' && k !== 'updatedBy'),
        ),
      });
      await platform.dispose();
    }
  });

  test('[SHR-01] the notification bell shows new work', async () => {
    await withPage('shr-01-bell', async (page) => {
      // Start from nothing unread.
      const approver = await apiSession(APPROVER);
      await approver.post('/api/v1/notifications/read-all');
      await approver.dispose();
      await loginAs(page, APPROVER);
      await page.locator('[data-testid="notification-bell"][data-unread="0"]').waitFor();
      assert.equal(await page.getByTestId('notification-count').locator('sup').count(), 0);

      // New work for 河北省民政厅: a request passes the platform's pre-check.
      const request = await fileThroughApi(RECIPIENTS, ['division_code'], ['query'], true);
      // The bell asks every 30 s while the user is active.
      const deadline = Date.now() + 45_000;
      while ((await bellCount(page)) === 0) {
        assert.ok(Date.now() < deadline, 'the bell shows the new work within 30 s');
        await page.mouse.move(200 + Math.random() * 400, 300 + Math.random() * 200);
        await page.waitForTimeout(1_000);
      }
      const unread = await bellCount(page);
      assert.equal(
        (await page.getByTestId('notification-count').innerText()).trim(),
        String(unread),
        'the badge shows the count',
      );
      await screenshot(page, 'sharing-bell', false);

      await page.getByTestId('notification-bell').click();
      const item = page
        .getByTestId('notification-item')
        .filter({ hasText: request.number })
        .first();
      await item.waitFor();
      assert.equal(await item.getAttribute('data-unread'), 'true');
      assert.match(await item.innerText(), /共享申请待审批：优抚对象基础信息/);
      await screenshot(page, 'sharing-notifications', false);
      await item.click();
      await page.waitForURL(new RegExp(`/sharing/requests/${request.id}$`));
      await statusIs(page, 'provider_review');
      await page.getByTestId('request-action-approve').waitFor();
      await page
        .locator(`[data-testid="notification-bell"][data-unread="${unread - 1}"]`)
        .waitFor();

      // Read now, and still there.
      await page.getByTestId('notification-bell').click();
      const again = page.getByTestId('notification-item').filter({ hasText: request.number });
      await again.first().waitFor();
      assert.equal(await again.first().getAttribute('data-unread'), 'false');
      await page.keyboard.press('Escape');

      // More news (another request passes the pre-check): 全部已读 clears it.
      await fileThroughApi(RECIPIENTS, ['recognised_on'], ['query'], true);
      await page.getByTestId('nav-sharing').click(); // a page change asks at once
      await page.locator('[data-testid="notification-bell"]:not([data-unread="0"])').waitFor();
      await page.getByTestId('notification-bell').click();
      await page.getByTestId('notification-read-all').click();
      await page.locator('[data-testid="notification-bell"][data-unread="0"]').waitFor();
      assert.equal(
        await page.locator('[data-testid="notification-item"][data-unread="true"]').count(),
        0,
      );
    });
  });
});
