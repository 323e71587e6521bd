// Browser tests of the registry pages (优抚对象信息管理) against a real server (fresh demo
// database, built console): a record entered at a township with its scans, re-checked field by
// field by the county, returned by the city with a reason, corrected and resubmitted, passed
// with "全部审核通过" once every pending request was opened, and approved by the province with
// the certificate number shown; then the province lock refusing an entry and the unlock.
// Build the console first:  npx vite build --config web/vite.config.ts
// Run:                      node --import tsx --test tests/e2e/registry.e2e.test.ts
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
import { makeCitizenId } from '../../src/lib/ids/citizen-id.ts';
import { makeJpeg } from '../helpers/jpeg.ts';
import { DEMO_PASSWORD, startTestServer } from '../helpers/test-server.ts';

const SCREENS = fileURLToPath(new URL('../../.tmp/screens/', import.meta.url));

// The demo's registry accounts (`mzhub demo`), one per level of 正定县 in 石家庄市, 河北省.
const TOWN_ENTRY = 'zd_town_yf'; // 正定县正定镇人民政府
const COUNTY_CHECK = 'zd_yf_check'; // 正定县民政局
const CITY_REVIEW = 'sjz_yf_review'; // 石家庄市民政局
const PROVINCE_APPROVE = 'hb_yf_approve'; // 河北省民政厅
const PROVINCE_MANAGE = 'hb_yf_admin'; // 河北省民政厅

const CATEGORY = '伤残军人';

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

async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300); // let antd animations settle
  await page.screenshot({ path: `${SCREENS}${name}.png`, fullPage: true });
}

async function loginAs(page: Page, username: string): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(DEMO_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('header-user').waitFor();
}

/** Opens the 优抚对象 menu group if needed, clicks an entry and waits for the page. */
async function openPage(page: Page, navId: string, pageTestId: string): Promise<void> {
  const item = page.getByTestId(`nav-${navId}`);
  if (!(await item.isVisible())) await page.getByTestId('nav-group-registry').click();
  await item.click();
  await page.getByTestId(pageTestId).waitFor();
}

function rowsOf(scope: Page | Locator, tableTestId: string): Locator {
  return scope.locator(`[data-testid="${tableTestId}"] .ant-table-row`);
}

function textBox(page: Page | Locator, testId: string): Locator {
  return page.locator(`input[data-testid="${testId}"], [data-testid="${testId}"] input`).first();
}

async function popupsClosed(page: Page): Promise<void> {
  await page
    .locator('.ant-select-dropdown, .ant-cascader-dropdown')
    .filter({ visible: true })
    .first()
    .waitFor({ state: 'hidden' });
}

/** Picks the option titled `title` in a Select, retrying a click lost while the popup opened. */
async function chooseOption(page: Page, select: Locator, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await select.click();
    try {
      await page
        .locator(
          `.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="${title}"]`,
        )
        .click({ timeout: 3_000 });
      await select.filter({ hasText: title }).waitFor({ timeout: 3_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw new Error(`choose “${title}” failed`, { cause: e });
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
    }
  }
  await popupsClosed(page);
}

/** Waits for an antd modal to finish opening (a click during the animation can be lost). */
async function modalReady(page: Page, testId: string): Promise<Locator> {
  const modal = page.locator(`[data-testid="${testId}"] .ant-modal`);
  await modal.waitFor();
  await page.locator(`[data-testid="${testId}"] .ant-zoom-appear`).waitFor({ state: 'detached' });
  return modal;
}

/** An API client signed in as `username` (cookie session, CSRF token on writes). */
async function apiSession(username: string) {
  const ctx: APIRequestContext = await apiRequest.newContext({ baseURL: server.url });
  const res = await ctx.post('/api/v1/auth/login', { data: { username, password: DEMO_PASSWORD } });
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

/** Uploads a generated JPEG as `kind` from the record page's scan panel. */
async function upload(page: Page, kindTitle: string, file: { name: string; buffer: Buffer }) {
  await chooseOption(page, page.getByTestId('registry-upload-kind'), kindTitle);
  const before = await rowsOf(page, 'registry-attachment-table').count();
  await page.getByTestId('registry-upload-input').setInputFiles({
    name: file.name,
    mimeType: 'image/jpeg',
    buffer: file.buffer,
  });
  return before;
}

/** Opens the request of `name` from a queue tab. */
async function openFromQueue(page: Page, tab: string, name: string): Promise<void> {
  await openPage(page, 'registry-queue', 'registry-queue-page');
  await page.getByTestId(`registry-tab-${tab}`).click();
  const queue = page.getByTestId(`registry-queue-${tab}`);
  await queue.waitFor();
  const row = rowsOf(queue, 'registry-queue-table').filter({ hasText: name });
  await row.waitFor();
  await row.getByTestId('registry-request-link').click();
  await page.getByTestId('registry-request-page').waitFor();
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

// A person of 正定县 with a valid ID number, unknown to the demo data.
const PERSON = {
  name: '端木卫国',
  idNumber: makeCitizenId('130123', '19620315', '071'),
};

describe('registry console', { concurrency: false }, () => {
  test('[REG-01] [REG-04] [REG-05] [REG-06] [REG-07] [REG-08] a township entry climbs to province approval, with a city return and resubmission', async () => {
    let requestNo = '';

    // 乡镇录入: the screen refuses a unit designation under the note; scans go up by kind.
    await withPage('registry-entry', async (page) => {
      await loginAs(page, TOWN_ENTRY);
      await openPage(page, 'registry', 'registry-home');
      await page.getByTestId('registry-deadline').waitFor();
      await page.getByTestId('registry-home-new').click();
      await page.getByTestId('registry-record-form').waitFor();
      await textBox(page, 'registry-field-name').fill(PERSON.name);
      await textBox(page, 'registry-field-idNumber').fill(PERSON.idNumber);
      await textBox(page, 'registry-field-ethnicity').fill('汉族'); // blur fills sex and birth date
      await chooseOption(page, page.getByTestId('registry-field-categoryCode'), CATEGORY);
      await chooseOption(page, page.getByTestId('registry-field-disabilityGrade'), '六级');
      await chooseOption(page, page.getByTestId('registry-field-disabilityNature'), '因战');
      await textBox(page, 'registry-field-address').fill('正定县正定镇燕赵南大街 12 号');
      await page.getByTestId('registry-field-note').fill('1979年入伍，原部队3师5团2连');
      await page.getByTestId('registry-form-save').click();
      // The server's screening lands under the note, naming what was found and why.
      const noteError = page
        .locator('.ant-form-item', { has: page.getByTestId('registry-field-note') })
        .locator('.ant-form-item-explain-error');
      await noteError.waitFor();
      assert.match(await noteError.innerText(), /3师5团2连.*部队番号/s);
      await screenshot(page, 'registry-screening-refused');
      await page.getByTestId('registry-field-note').fill('1979年入伍，1983年退伍');
      await page.getByTestId('registry-form-save').click();
      await page.getByTestId('registry-record-page').waitFor();
      assert.equal(
        await page.getByTestId('registry-required-id_card_copy').getAttribute('data-present'),
        'false',
      );

      // A PNG named .jpg is refused by content; the console hints first, the server decides.
      await chooseOption(
        page,
        page.getByTestId('registry-upload-kind'),
        '身份证复印件（JPG，≤40 KB，必传）',
      );
      await page.getByTestId('registry-upload-input').setInputFiles({
        name: '身份证.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex'),
      });
      await page.getByTestId('registry-upload-hint').waitFor();
      const refused = page.getByTestId('registry-upload-error');
      await refused.waitFor();
      assert.match(await refused.innerText(), /JPG/);

      await upload(page, '身份证复印件（JPG，≤40 KB，必传）', {
        name: '身份证复印件.jpg',
        buffer: makeJpeg({ width: 856, height: 540, padTo: 20 * 1024 }),
      });
      await page
        .locator('[data-testid="registry-required-id_card_copy"][data-present="true"]')
        .waitFor();
      await upload(page, '户口簿复印件（JPG，≤300 KB，必传）', {
        name: '户口簿.jpg',
        buffer: makeJpeg({ width: 1240, height: 1754, padTo: 120 * 1024 }),
      });
      await page
        .locator('[data-testid="registry-required-household_register_copy"][data-present="true"]')
        .waitFor();
      await page.locator('[data-testid="registry-attachments"][data-complete="true"]').waitFor();
      assert.equal(await rowsOf(page, 'registry-attachment-table').count(), 2);
      await screenshot(page, 'registry-record-draft');

      requestNo = (await page.getByTestId('registry-open-request').innerText()).split(' ')[1] ?? '';
      await page.getByTestId('registry-record-submit').click();
      await page
        .locator('[data-testid="registry-record-page"] [data-testid="registry-open-request"]', {
          hasText: '待复核',
        })
        .waitFor();
    });
    assert.match(requestNo, /^DJ/);

    // 县级逐项复核: reporting waits until every field is ticked.
    await withPage('registry-check', async (page) => {
      await loginAs(page, COUNTY_CHECK);
      await openFromQueue(page, 'to_check', PERSON.name);
      const report = page.getByTestId('registry-request-action-report');
      assert.equal(await report.isDisabled(), true);
      await page.getByTestId('registry-check-all').click();
      await screenshot(page, 'registry-county-check');
      await report.click();
      await page
        .locator('[data-testid="registry-request-page"][data-status="pending_review"]')
        .waitFor();
    });

    // 市级审核: the "review all" button waits for every pending request to be opened; the
    // reviewer returns this one with a reason.
    await withPage('registry-return', async (page) => {
      await loginAs(page, CITY_REVIEW);
      await openPage(page, 'registry-queue', 'registry-queue-page');
      await page.getByTestId('registry-tab-to_review').click();
      const bulk = page.getByTestId('registry-bulk');
      await bulk.waitFor();
      assert.equal(await bulk.getAttribute('data-enabled'), 'false');
      assert.notEqual(await page.getByTestId('registry-queue-unopened').innerText(), '0');
      await screenshot(page, 'registry-review-queue-unopened');
      await openFromQueue(page, 'to_review', PERSON.name);
      await page.locator('[data-testid="registry-request-page"][data-opened="true"]').waitFor();
      await page.getByTestId('registry-request-action-return').click();
      await modalReady(page, 'registry-return-modal');
      await page.getByTestId('registry-return-input').fill('户口簿复印件不清晰，请重新扫描后上报');
      await page.getByTestId('registry-return-ok').click();
      await page.locator('[data-testid="registry-request-page"][data-status="returned"]').waitFor();
    });

    // 录入人员 sees the reason, replaces the scan, corrects the address and resubmits.
    await withPage('registry-resubmit', async (page) => {
      await loginAs(page, TOWN_ENTRY);
      await openPage(page, 'registry-queue', 'registry-queue-page');
      await page.getByTestId('registry-tab-returned').click();
      const row = rowsOf(
        page.getByTestId('registry-queue-returned'),
        'registry-queue-table',
      ).filter({
        hasText: PERSON.name,
      });
      await row.filter({ hasText: '户口簿复印件不清晰' }).waitFor();
      await row.getByTestId('registry-request-link').click();
      await page
        .getByTestId('registry-return-reason')
        .filter({ hasText: '户口簿复印件不清晰' })
        .waitFor();
      await screenshot(page, 'registry-returned');
      await page.getByTestId('registry-request-record').click();
      await page.getByTestId('registry-record-page').waitFor();
      const before = await upload(page, '户口簿复印件（JPG，≤300 KB，必传）', {
        name: '户口簿-重新扫描.jpg',
        buffer: makeJpeg({ width: 1654, height: 2339, padTo: 250 * 1024 }),
      });
      await rowsOf(page, 'registry-attachment-table').nth(before).waitFor();
      await page.getByTestId('registry-record-edit').click();
      await page.getByTestId('registry-record-form').waitFor();
      await textBox(page, 'registry-field-address').fill('正定县正定镇燕赵南大街 12 号 3 单元');
      await page.getByTestId('registry-form-save').click();
      await page.getByTestId('registry-record-page').waitFor();
      await page.getByTestId('registry-record-submit').click();
      await page.locator('[data-testid="registry-open-request"]', { hasText: '待复核' }).waitFor();
    });

    await withPage('registry-recheck', async (page) => {
      await loginAs(page, COUNTY_CHECK);
      await openFromQueue(page, 'to_check', PERSON.name);
      await page.getByTestId('registry-check-all').click();
      await page.getByTestId('registry-request-action-report').click();
      await page
        .locator('[data-testid="registry-request-page"][data-status="pending_review"]')
        .waitFor();
    });

    // "全部审核通过" covers the list as filtered: searched down to this person it stays off
    // until the resubmitted request is opened again, then passes it.
    await withPage('registry-review-all', async (page) => {
      await loginAs(page, CITY_REVIEW);
      const searchQueue = async () => {
        await openPage(page, 'registry-queue', 'registry-queue-page');
        await page.getByTestId('registry-tab-to_review').click();
        const queue = page.getByTestId('registry-queue-to_review');
        await textBox(queue, 'registry-queue-search').fill(PERSON.name);
        await textBox(queue, 'registry-queue-search').press('Enter');
        await page.getByTestId('registry-queue-total').filter({ hasText: /^1$/ }).waitFor();
        return queue;
      };
      let queue = await searchQueue();
      assert.equal(await page.getByTestId('registry-queue-unopened').innerText(), '1');
      assert.equal(await page.getByTestId('registry-bulk').getAttribute('data-enabled'), 'false');
      assert.equal(await page.getByTestId('registry-bulk').isDisabled(), true);
      await rowsOf(queue, 'registry-queue-table').getByTestId('registry-request-link').click();
      await page.locator('[data-testid="registry-request-page"][data-opened="true"]').waitFor();
      queue = await searchQueue();
      await page.locator('[data-testid="registry-bulk"][data-enabled="true"]').waitFor();
      assert.equal(await page.getByTestId('registry-queue-unopened').innerText(), '0');
      await rowsOf(queue, 'registry-queue-table').getByTestId('registry-opened').waitFor();
      await screenshot(page, 'registry-review-all-enabled');
      await page.getByTestId('registry-bulk').click();
      await modalReady(page, 'registry-bulk-modal');
      await page.getByTestId('registry-bulk-ok').click();
      await page
        .getByTestId('registry-bulk-modal')
        .locator('.ant-modal')
        .waitFor({ state: 'hidden' });
      await queue.getByText('没有待审核的数据').waitFor();
    });

    // 省级审批: the certificate number the province's rule gives is shown on approval.
    await withPage('registry-approve', async (page) => {
      await loginAs(page, PROVINCE_APPROVE);
      await openFromQueue(page, 'to_approve', PERSON.name);
      await page.getByTestId('registry-request-action-approve').click();
      const number = page.getByTestId('registry-approved-certificate');
      await number.waitFor();
      const certificateNo = (await number.innerText()).trim();
      assert.ok(certificateNo.length >= 8, `certificate number ${certificateNo}`);
      await screenshot(page, 'registry-approved');
      // The record now shows it too, with the whole history.
      await page.getByTestId('registry-request-record').click();
      await page.locator('[data-testid="registry-record-page"][data-status="approved"]').waitFor();
      assert.equal(
        (await page.getByTestId('registry-certificate-no').innerText()).trim(),
        certificateNo,
      );
      const history = page.getByTestId('registry-history');
      await history.locator('[data-action="return"]', { hasText: '户口簿复印件不清晰' }).waitFor();
      await history.locator('[data-action="approve"]').waitFor();
    });
  });

  test('[REG-07] [REG-09] [REG-11] [REG-13] deadline, certificate rules and completion, problem data and quality pages', async () => {
    // Lower levels see the deadline the province set, on the 工作台 and the registry home.
    await withPage('registry-deadline', async (page) => {
      await loginAs(page, TOWN_ENTRY);
      const card = page.getByTestId('registry-dashboard-card');
      await card.getByTestId('registry-deadline-date').waitFor();
      const deadline = await card.getByTestId('registry-deadline-date').innerText();
      assert.match(deadline, /^\d{4}-\d{2}-\d{2}$/);
      await openPage(page, 'registry', 'registry-home');
      assert.equal(await page.getByTestId('registry-deadline-date').innerText(), deadline);
      await page.getByTestId('registry-incomplete').waitFor();
      await screenshot(page, 'registry-home');
    });

    // The province's rule set: a set where two categories could meet is refused with the reason.
    await withPage('registry-rules', async (page) => {
      await loginAs(page, PROVINCE_MANAGE);
      await openPage(page, 'registry-settings', 'registry-settings-page');
      await page.getByTestId('registry-tab-rules').click();
      // The saved rules and their examples load after the categories.
      await rowsOf(page, 'registry-rules-table').first().filter({ hasText: '冀' }).waitFor();
      const rule11 = textBox(page, 'registry-rule-11');
      assert.match(await rule11.inputValue(), /\{seq\d+\}/);
      await screenshot(page, 'registry-rules');
      await rule11.fill('{division6}{year}{seq5}');
      await textBox(page, 'registry-rule-12').fill('{division6}{year}{seq5}');
      await page.getByTestId('registry-rules-save').click();
      const refused = page.getByTestId('registry-rules-error');
      await refused.waitFor();
      assert.match(await refused.innerText(), /可能生成相同的证书编号/);
    });

    // Approved historical records without a number are listed and completed by the rule.
    await withPage('registry-certificate', async (page) => {
      await loginAs(page, PROVINCE_APPROVE);
      await openPage(page, 'registry-records', 'registry-records-page');
      await page.getByTestId('registry-records-missing-certificate').click();
      const row = rowsOf(page, 'registry-records-table').first();
      await row.filter({ hasText: '待补充' }).waitFor();
      await row.getByTestId('registry-record-link').click();
      await page.getByTestId('registry-record-page').waitFor();
      assert.equal((await page.getByTestId('registry-certificate-no').innerText()).trim(), '—');
      await page.getByTestId('registry-record-complete-certificate').click();
      await page.getByTestId('registry-certificate-no').filter({ hasText: /^冀/ }).waitFor();
      // The one-page form for the paper file carries the number.
      await page.getByTestId('registry-record-print').click();
      const form = page.getByTestId('registry-print-form');
      await form.waitFor();
      await form.getByText(/冀/).first().waitFor();
      await screenshot(page, 'registry-print');
    });

    // The county clears a flagged problem against the file; the clean-up rate counts it.
    await withPage('registry-problems', async (page) => {
      await loginAs(page, COUNTY_CHECK);
      await openPage(page, 'registry-problems', 'registry-problems-page');
      const county = rowsOf(page, 'registry-problem-counties').filter({ hasText: '正定县' });
      await county.waitFor();
      const resolvedBefore = Number(await county.locator('td').nth(3).innerText());
      await rowsOf(page, 'registry-problems-table').first().waitFor();
      await screenshot(page, 'registry-problems');
      await rowsOf(page, 'registry-problems-table').first().getByTestId('registry-resolve').click();
      await modalReady(page, 'registry-resolve-modal');
      await page
        .getByTestId('registry-resolve-note')
        .fill('已对照档案材料核实，数据与原始档案一致');
      await page.getByTestId('registry-resolve-ok').click();
      await county
        .locator('td')
        .nth(3)
        .filter({ hasText: new RegExp(`^${resolvedBefore + 1}$`) })
        .waitFor();
    });

    // An approved record (the one approved in the first test) changes only through a change
    // request that climbs the levels again;
    // the queue exports as XLSX.
    await withPage('registry-change', async (page) => {
      await loginAs(page, TOWN_ENTRY);
      await openPage(page, 'registry-records', 'registry-records-page');
      await textBox(page, 'registry-records-search').fill(PERSON.name);
      await textBox(page, 'registry-records-search').press('Enter');
      const row = rowsOf(page, 'registry-records-table').filter({ hasText: PERSON.name });
      await row.filter({ hasText: '在册' }).waitFor();
      await row.getByTestId('registry-record-link').click();
      await page.locator('[data-testid="registry-record-page"][data-status="approved"]').waitFor();
      await page.getByTestId('registry-record-file').hover();
      await page.getByTestId('registry-file-change').click();
      const dialog = await modalReady(page, 'registry-request-form');
      await textBox(dialog, 'registry-field-phone').fill('13803110577');
      await dialog.getByTestId('registry-request-reason').fill('本人更换手机号码');
      await page.getByTestId('registry-request-form-ok').click();
      await page.locator('[data-testid="registry-request-page"][data-status="draft"]').waitFor();
      await page.getByTestId('registry-request-changes').getByText('13803110577').waitFor();
      await page.getByTestId('registry-request-action-submit').click();
      await page
        .locator('[data-testid="registry-request-page"][data-status="pending_check"]')
        .waitFor();

      await openPage(page, 'registry-queue', 'registry-queue-page');
      await page.getByTestId('registry-tab-to_enter').click();
      await page.getByTestId('registry-queue-to_enter').waitFor();
      const download = page.waitForEvent('download');
      await page.getByTestId('registry-queue-export').click();
      assert.match((await download).suggestedFilename(), /\.xlsx$/);
    });

    // The quality assessment per county, with its chart and its figures table.
    await withPage('registry-quality', async (page) => {
      await loginAs(page, PROVINCE_MANAGE);
      await openPage(page, 'registry-quality', 'registry-quality-page');
      await page.getByTestId('registry-quality-chart').waitFor();
      await rowsOf(page, 'registry-quality-table').filter({ hasText: '正定县' }).waitFor();
      await screenshot(page, 'registry-quality');
    });
  });

  test('[REG-10] while the province has locked the data an entry is refused naming the lock; unlocking lifts it', async () => {
    await withPage('registry-lock', async (page) => {
      await loginAs(page, PROVINCE_MANAGE);
      await openPage(page, 'registry-lock', 'registry-lock-page');
      await page.getByTestId('registry-lock').click();
      await modalReady(page, 'registry-lock-reason-modal');
      await page.getByTestId('registry-lock-reason-input').fill('民政部年度优抚对象数据集中审定');
      await page.getByTestId('registry-lock-reason-ok').click();
      await page.locator('[data-testid="registry-lock-page"][data-locked="true"]').waitFor();
      await page.getByTestId('registry-lock-banner').waitFor();
      await screenshot(page, 'registry-locked');
    });

    await withPage('registry-locked-entry', async (page) => {
      await loginAs(page, TOWN_ENTRY);
      await page.getByTestId('registry-dashboard-locked').waitFor();
      await openPage(page, 'registry-records', 'registry-records-page');
      await page.getByTestId('registry-lock-banner').waitFor();
      await page.getByTestId('registry-record-new').click();
      await page.getByTestId('registry-record-form').waitFor();
      await textBox(page, 'registry-field-name').fill('上官建军');
      await textBox(page, 'registry-field-idNumber').fill(
        makeCitizenId('130123', '19580701', '033'),
      );
      await chooseOption(page, page.getByTestId('registry-field-categoryCode'), CATEGORY);
      await chooseOption(page, page.getByTestId('registry-field-disabilityGrade'), '八级');
      await chooseOption(page, page.getByTestId('registry-field-disabilityNature'), '因公');
      await page.getByTestId('registry-form-save').click();
      const refused = page.getByTestId('registry-form-error');
      await refused.waitFor();
      assert.match(await refused.innerText(), /锁定/);
      assert.match(await refused.innerText(), /民政部年度优抚对象数据集中审定/);
      await screenshot(page, 'registry-locked-entry-refused');
    });

    await withPage('registry-unlock', async (page) => {
      await loginAs(page, PROVINCE_MANAGE);
      await openPage(page, 'registry-lock', 'registry-lock-page');
      await page.getByTestId('registry-unlock').click();
      await modalReady(page, 'registry-lock-reason-modal');
      await page.getByTestId('registry-lock-reason-input').fill('集中审定工作已完成');
      await page.getByTestId('registry-lock-reason-ok').click();
      await page.locator('[data-testid="registry-lock-page"][data-locked="false"]').waitFor();
      assert.equal(await page.getByTestId('registry-lock-banner').count(), 0);
    });

    // Unlocked, the same entry is accepted.
    const entry = await apiSession(TOWN_ENTRY);
    const overview = await entry.get<{ lock: { locked: boolean }; divisionCode: string }>(
      '/api/v1/registry/overview',
    );
    assert.equal(overview.lock.locked, false);
    await entry.dispose();
  });
});
