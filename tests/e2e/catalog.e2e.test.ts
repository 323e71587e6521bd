// Browser tests of the catalog pages (数据资源目录, 资源数据, 开放数据) against a real server
// (fresh demo database, built console).
// Build the console first:  npx vite build --config web/vite.config.ts
// Run:                      node --import tsx --test tests/e2e/catalog.e2e.test.ts
// Screenshots of each main page land in .tmp/screens/ (gitignored).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
import { makeCitizenId } from '../../src/lib/ids/index.ts';
import { DEMO_PASSWORD, startTestServer } from '../helpers/test-server.ts';

const SCREENS = fileURLToPath(new URL('../../.tmp/screens/', import.meta.url));
const CJK = /[\u4e00-\u9fff]/;

// The demo accounts of 河北省民政厅 and the platform (`mzhub demo`).
const EDITOR = 'hb_mz_catalog';
const REVIEWER = 'hb_mz_catreview';
const CLERK = 'hb_mz_entry';
const PLATFORM = 'hb_platform';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let files: string;

async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    baseURL: server.url,
    acceptDownloads: true,
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

/** Waits until no Select / Cascader popup is open (they cover the buttons below them). */
async function popupsClosed(page: Page): Promise<void> {
  await page
    .locator('.ant-select-dropdown, .ant-cascader-dropdown')
    .filter({ visible: true })
    .first()
    .waitFor({ state: 'hidden' });
}

/**
 * Does an interaction with an antd popup until `done` appears: a popup can miss a click made
 * while it is still opening, so try up to three times, closing it in between.
 */
async function withRetry(page: Page, what: string, act: () => Promise<void>, done: Locator) {
  for (let attempt = 1; ; attempt++) {
    await act();
    try {
      await done.waitFor({ timeout: 3_000 });
      break;
    } catch (e) {
      if (attempt === 3) throw new Error(`${what} failed after ${attempt} attempts`, { cause: e });
      await page.keyboard.press('Escape');
      await page.waitForTimeout(300);
    }
  }
  await page.keyboard.press('Escape').catch(() => undefined);
  await popupsClosed(page);
}

const OPEN_POPUP = '.ant-select-dropdown:not(.ant-select-dropdown-hidden)';

/** Picks the option titled `title` in a Select. */
async function chooseOption(page: Page, select: Locator, title: string) {
  await withRetry(
    page,
    `choose “${title}”`,
    async () => {
      await select.click();
      await page.locator(`${OPEN_POPUP} .ant-select-item-option[title="${title}"]`).click();
    },
    select.filter({ hasText: title }),
  );
}

/** Opens a Cascader and clicks through the labels of a path. */
async function pickCascader(page: Page, cascader: Locator, labels: string[]) {
  await withRetry(
    page,
    `pick ${labels.join(' / ')}`,
    async () => {
      await cascader.click();
      for (const [i, label] of labels.entries()) {
        await page
          .locator('.ant-cascader-dropdown:not(.ant-select-dropdown-hidden) .ant-cascader-menu')
          .nth(i)
          .locator('.ant-cascader-menu-item', {
            has: page.locator('.ant-cascader-menu-item-content', {
              hasText: new RegExp(`^${label}$`),
            }),
          })
          .click();
      }
    },
    cascader.filter({ hasText: labels.join(' / ') }),
  );
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
    upload: async <T>(path: string, body: string): Promise<T> =>
      (await check(
        await ctx.post(path, {
          data: Buffer.from(body, 'utf8'),
          headers: { 'x-csrf-token': csrf, 'content-type': 'application/octet-stream' },
        }),
        `POST ${path}`,
      )) as T,
    dispose: () => ctx.dispose(),
  };
}

/** Two or three random Chinese characters: makes a name unique and searchable. */
function chineseTag(length = 3): string {
  const pool = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥青赤黄白玄松柏竹梅兰菊荷桂';
  return Array.from({ length }, () => pool[Math.floor(Math.random() * pool.length)]).join('');
}

/** A valid 公民身份号码 (GB 11643) of someone born in Shijiazhuang. */
function citizenId(): string {
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  const birth = `19${50 + Math.floor(Math.random() * 40)}${pad(1 + Math.floor(Math.random() * 12), 2)}${pad(1 + Math.floor(Math.random() * 28), 2)}`;
  return makeCitizenId('130102', birth, Math.floor(Math.random() * 1000));
}

/** The same number with a wrong check character. */
function breakCheck(id: string): string {
  const chars = '10X98765432';
  return id.slice(0, 17) + chars[(chars.indexOf(id[17]!) + 3) % chars.length]!;
}

interface Entry {
  id: string;
  code: string;
  name: string;
  status: string;
  rowCount: number;
}

/** The entry published by the [CAT-03] test (later tests search and use it). */
const shared: { published: Entry | null } = { published: null };

/** A complete structured entry of 河北省民政厅 (the form's content in API form). */
function entryContent(name: string, over: Record<string, unknown> = {}) {
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
  return {
    name,
    summary: '端到端测试用的优抚对象名册，包括身份、类别和抚恤标准，按月更新。',
    kind: 'table',
    classification: { tree: 'department', code: '301002' },
    formatType: 'database',
    formatDetail: 'csv',
    dataItems: [
      item('公民身份号码', 'id_number', {
        length: 18,
        isKey: true,
        required: true,
        sensitive: true,
        rule: { kind: 'citizen_id' },
      }),
      item('姓名', 'name', { required: true, sensitive: true }),
      item('优抚类别', 'category', {
        length: 20,
        rule: { kind: 'enum', values: ['伤残军人', '烈士遗属', '在乡复员军人'] },
      }),
    ],
    sharingType: 'conditional',
    sharingCondition: '用于优待抚恤资格核验，须经提供方审批',
    sharingMethods: ['platform_api'],
    sharingScope: 'province',
    openType: 'not_open',
    updateFrequency: 'monthly',
    timeliness: '数据产生后 2 个工作日内更新',
    provisionModes: ['query'],
    ...over,
  };
}

/** Compiles, reviews and publishes an entry through the API (the demo roles). */
async function publishThroughApi(content: Record<string, unknown>): Promise<Entry> {
  const editor = await apiSession(EDITOR);
  const created = await editor.post<Entry>('/api/v1/catalog/entries', { content });
  await editor.post(`/api/v1/catalog/entries/${created.id}/actions`, { action: 'submit' });
  await editor.dispose();
  const reviewer = await apiSession(REVIEWER);
  for (const action of ['open', 'approve'])
    await reviewer.post(`/api/v1/catalog/entries/${created.id}/actions`, { action });
  await reviewer.dispose();
  const platform = await apiSession(PLATFORM);
  const done = await platform.post<Entry>(`/api/v1/catalog/entries/${created.id}/actions`, {
    action: 'publish',
  });
  await platform.dispose();
  return done;
}

/** A published entry of the demo catalog by exact name, if the demo has it. */
async function demoEntry(name: string, username = CLERK): Promise<Entry | null> {
  const s = await apiSession(username);
  const found = await s.get<{ items: Entry[] }>(
    `/api/v1/catalog/search?q=${encodeURIComponent(name)}&pageSize=50`,
  );
  const hit = found.items.find((e) => e.name === name);
  const entry = hit ? await s.get<Entry>(`/api/v1/catalog/entries/${hit.id}`) : null;
  await s.dispose();
  return entry;
}

before(async () => {
  await mkdir(SCREENS, { recursive: true });
  files = await mkdtemp(join(tmpdir(), 'mzhub-e2e-files-'));
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
  if (files) await rm(files, { recursive: true, force: true });
});

describe('data resource catalog', () => {
  test('[CAT-03] an editor creates and submits an entry, a reviewer opens and approves it, the platform publishes it', async () => {
    await withPage('cat-03', async (page) => {
      const name = `优抚伤残人员${chineseTag()}名册`;

      // ---- the editor fills the form and submits ----
      await loginAs(page, EDITOR);
      await page.getByTestId('nav-group-catalog').waitFor();
      await openPage(page, 'catalog-work', 'catalog-work-page');
      await page.getByTestId('work-queue-unit').waitFor();
      await page.getByTestId('catalog-create').click();
      await page.getByTestId('entry-form-page').waitFor();

      await textBox(page, 'entry-name').fill(name);
      await page
        .getByTestId('entry-summary')
        .fill('全省在册伤残优抚人员的身份、类别和抚恤标准，供优待抚恤资格核验使用。');
      await pickCascader(page, page.getByTestId('entry-classification'), [
        '部门信息资源',
        '民政',
        '优抚安置',
      ]);
      await chooseOption(page, page.getByTestId('entry-format-type'), '数据库');
      await textBox(page, 'entry-format-detail').fill('csv');

      // Two data items: the key (公民身份号码, GB 11643 rule) and 姓名.
      await page.getByTestId('items-add').click();
      await textBox(page, 'item-0-name').fill('公民身份号码');
      await textBox(page, 'item-0-identifier').fill('id_number');
      await textBox(page, 'item-0-length').fill('18');
      for (const flag of ['key', 'required', 'sensitive'])
        await page.getByTestId(`item-0-${flag}`).check();
      await chooseOption(page, page.getByTestId('item-0-rule'), '公民身份号码（GB 11643）');
      await page.getByTestId('items-add').click();
      await textBox(page, 'item-1-name').fill('姓名');
      await textBox(page, 'item-1-identifier').fill('name');
      await textBox(page, 'item-1-length').fill('50');
      await page.getByTestId('item-1-required').check();
      await page.getByTestId('item-1-sensitive').check();

      // Sharing, opening, updating.
      await page.getByTestId('entry-sharing-type').getByText('有条件共享').click();
      await page
        .getByTestId('entry-sharing-condition')
        .fill('用于优待抚恤资格核验，须经提供方审批');
      await page.getByTestId('entry-sharing-methods').getByText('共享平台（接口）').click();
      await chooseOption(page, page.getByTestId('entry-sharing-scope'), '本省政务部门');
      await page.getByTestId('entry-provision-modes').getByText('查询引用').click();
      await page.getByTestId('entry-open-type').getByText('不予开放').click();
      await chooseOption(page, page.getByTestId('entry-update-frequency'), '每月');
      await textBox(page, 'entry-timeliness').fill('数据产生后 2 个工作日内更新');

      // The live compliance check comes down to no errors.
      await page
        .getByTestId('compliance-summary')
        .filter({ hasText: /^0 项错误/ })
        .waitFor();
      await screenshot(page, 'catalog-entry-form');

      await page.getByTestId('entry-save-submit').click();
      await page.waitForURL(/\/catalog\/entries\/[^/]+$/);
      await page.getByTestId('entry-page').waitFor();
      await page.locator('[data-testid="entry-status"][data-status="submitted"]').first().waitFor();
      const id = (await page.getByTestId('entry-page').getAttribute('data-entry-id'))!;
      const code = (await page.getByTestId('entry-code').innerText()).trim();
      assert.match(code, /^301002\/\d{6}$/, 'the code comes from the classification');
      // The elements are shown as entered, with Chinese labels.
      const elements = await page.getByTestId('entry-elements').innerText();
      assert.match(elements, /部门信息资源 \/ 民政 \/ 优抚安置/);
      assert.match(elements, /数据库（csv）/);
      const items = await rowsOf(page, 'entry-items').allInnerTexts();
      assert.equal(items.length, 2);
      assert.match(items[0]!, /公民身份号码[\s\S]*id_number[\s\S]*字符型[\s\S]*18/);
      assert.match(items[0]!, /主键[\s\S]*必填[\s\S]*敏感/);
      assert.match(items[0]!, /公民身份号码（GB 11643）/);
      const howTo = await page.getByTestId('entry-how-to-apply').innerText();
      assert.match(howTo, /有条件共享/);
      assert.match(howTo, /用于优待抚恤资格核验/);
      assert.match(howTo, /本省政务部门/);
      assert.match(howTo, /查询引用/);
      // The editor may withdraw it now, not approve it.
      await page.getByTestId('entry-action-withdraw').waitFor();
      assert.equal(await page.getByTestId('entry-action-approve').count(), 0);
      await logout(page);

      // ---- the reviewer opens it from 待我审核 and approves ----
      await loginAs(page, REVIEWER);
      await openPage(page, 'catalog-work', 'catalog-work-page');
      const queue = page.getByTestId('work-queue-review');
      await queue.waitFor();
      const row = rowsOf(queue, 'work-table').filter({ hasText: name });
      await row.waitFor();
      assert.match(await row.innerText(), /待审核/);
      await screenshot(page, 'catalog-work-review');
      await row.getByTestId('work-entry-link').click();
      await page.getByTestId('entry-page').waitFor();
      // Displaying it records the opening; approving is possible only then.
      await page.getByTestId('entry-opened').waitFor();
      const approve = page.getByTestId('entry-action-approve');
      await approve.waitFor();
      assert.ok(await approve.isEnabled(), '审核通过 is enabled once the entry was opened');
      await page.getByTestId('entry-tab-history').click();
      await page.locator('[data-testid="entry-action"][data-action="open"]').waitFor();
      await screenshot(page, 'catalog-entry-review');
      await approve.click();
      await page.getByTestId('confirm-ok').click();
      await page.locator('[data-testid="entry-status"][data-status="reviewed"]').first().waitFor();
      await logout(page);

      // ---- the platform publishes it from 待发布 ----
      await loginAs(page, PLATFORM);
      await openPage(page, 'catalog-work', 'catalog-work-page');
      const publishQueue = page.getByTestId('work-queue-publish');
      await publishQueue.waitFor();
      const toPublish = rowsOf(publishQueue, 'work-table').filter({ hasText: name });
      await toPublish.waitFor();
      await toPublish.getByTestId('work-entry-link').click();
      await page.getByTestId('entry-page').waitFor();
      await page.getByTestId('entry-action-publish').click();
      await page.getByTestId('confirm-ok').click();
      await page.locator('[data-testid="entry-status"][data-status="published"]').first().waitFor();
      await page.getByTestId('entry-tab-history').click();
      const actions = await page
        .locator('[data-testid="entry-action"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
      assert.deepEqual(
        [...actions].reverse(),
        ['create', 'submit', 'open', 'approve', 'publish'],
        'the action log shows each step, newest first',
      );
      // The published version can be viewed.
      await page.getByTestId('version-view-1').click();
      await page.getByTestId('version-modal').getByTestId('entry-elements').waitFor();
      assert.match(await page.getByTestId('version-modal').innerText(), new RegExp(name));
      await screenshot(page, 'catalog-entry-published');

      const api = await apiSession(PLATFORM);
      const detail = await api.get<Entry & { publishedVersion: number | null }>(
        `/api/v1/catalog/entries/${id}`,
      );
      await api.dispose();
      assert.equal(detail.status, 'published');
      assert.equal(detail.publishedVersion, 1);
      shared.published = { ...detail, name };
    });
  });

  test('[CAT-03] a reviewer returns an entry with a reason; the editor corrects it in the form and submits it again', async () => {
    const name = `优抚伤残人员${chineseTag()}名册`;
    const editor = await apiSession(EDITOR);
    const created = await editor.post<Entry>('/api/v1/catalog/entries', {
      content: entryContent(name),
    });
    await editor.post(`/api/v1/catalog/entries/${created.id}/actions`, { action: 'submit' });
    await editor.dispose();

    await withPage('cat-03-return', async (page) => {
      await loginAs(page, REVIEWER);
      await page.goto(`/catalog/entries/${created.id}`);
      await page.getByTestId('entry-opened').waitFor();
      await page.getByTestId('entry-action-return').click();
      // The reason is required.
      await page.getByTestId('reason-ok').click();
      await page.locator('.ant-modal .ant-form-item-explain-error').waitFor();
      await page.getByTestId('reason-input').fill('摘要请写明数据覆盖的地区范围');
      await page.getByTestId('reason-ok').click();
      await page.locator('[data-testid="entry-status"][data-status="returned"]').first().waitFor();
      await logout(page);

      // The editor sees why, edits the returned version and submits it again.
      await loginAs(page, EDITOR);
      await page.goto(`/catalog/entries/${created.id}`);
      const returned = page.getByTestId('entry-returned');
      await returned.waitFor();
      assert.match(await returned.innerText(), /摘要请写明数据覆盖的地区范围/);
      await screenshot(page, 'catalog-entry-returned');
      await page.getByTestId('entry-edit').click();
      await page.getByTestId('entry-form-page').waitFor();
      // The form holds the entry as saved, the classification included.
      assert.equal(await textBox(page, 'entry-name').inputValue(), name);
      assert.match(
        await page.getByTestId('entry-classification').innerText(),
        /部门信息资源 \/ 民政 \/ 优抚安置/,
      );
      assert.equal(await textBox(page, 'item-0-identifier').inputValue(), 'id_number');
      await page
        .getByTestId('entry-summary')
        .fill('河北省全省（含各市、县）在册伤残优抚人员的身份、类别和抚恤标准。');
      // A data item with a bad identifier shows up in the compliance panel and the form.
      await textBox(page, 'item-2-identifier').fill('Category');
      await page.getByTestId('entry-save').click();
      await page.locator('.ant-form-item-explain-error').first().waitFor();
      await textBox(page, 'item-2-identifier').fill('category');
      await page
        .getByTestId('compliance-summary')
        .filter({ hasText: /^0 项错误/ })
        .waitFor();
      await page.getByTestId('entry-save-submit').click();
      await page.waitForURL(new RegExp(`/catalog/entries/${created.id}$`));
      await page.locator('[data-testid="entry-status"][data-status="submitted"]').first().waitFor();
      assert.match(await page.getByTestId('entry-elements').innerText(), /含各市、县/);
    });
  });

  test('[CAT-06] the published entry is found by searching 优抚-style Chinese words and facets', async () => {
    const entry =
      shared.published ??
      (await publishThroughApi(entryContent(`优抚伤残人员${chineseTag()}名册`)));
    const tag = entry.name.replace(/^优抚伤残人员/, '').replace(/名册$/, '');
    await withPage('cat-06', async (page) => {
      await loginAs(page, CLERK); // any signed-in user searches the catalog
      // The dashboard counts the published entries and links to the search.
      const card = page.getByTestId('stat-catalog');
      await card.locator('.ant-statistic-content').waitFor();
      assert.ok(
        Number((await card.locator('.ant-statistic-content-value').innerText()).trim()) >= 1,
      );
      await screenshot(page, 'dashboard-catalog', false);
      await page.getByTestId('stat-catalog-search').click();
      await page.getByTestId('catalog-search-page').waitFor();
      await page.getByTestId('catalog-results').waitFor();

      // Chinese words from the middle of the name (no word segmentation needed).
      await textBox(page, 'catalog-search-q').fill(`伤残人员${tag}`);
      await page.getByTestId('catalog-search-submit').click();
      await page.getByTestId('catalog-total').filter({ hasText: '共 1 条' }).waitFor();
      const hit = page.getByTestId('catalog-hit').first();
      assert.equal(await hit.getAttribute('data-code'), entry.code);
      const hitText = await hit.innerText();
      assert.match(hitText, new RegExp(entry.name));
      assert.match(hitText, /河北省民政厅/);
      assert.match(hitText, /有条件共享/);

      // 优抚: the demo's 优抚对象基础信息 and this entry; the facets count them.
      await textBox(page, 'catalog-search-q').fill('优抚');
      await page.getByTestId('catalog-search-submit').click();
      await page.locator(`[data-testid="catalog-hit"][data-code="${entry.code}"]`).waitFor();
      const sharingFacet = page.getByTestId('catalog-facet-sharingType');
      const conditional = sharingFacet.locator(
        '[data-testid="catalog-facet-sharingType-item"][data-value="conditional"]',
      );
      await conditional.waitFor();
      assert.match(await conditional.innerText(), /有条件共享\s*\d+/);
      const providerFacet = await page.getByTestId('catalog-facet-provider').innerText();
      assert.match(providerFacet, /河北省民政厅/);
      await screenshot(page, 'catalog-search');

      // Facet: 有条件共享 keeps it; 无条件共享 leaves it out.
      await conditional.click();
      await page.waitForURL(/sharingType=conditional/);
      await page.locator(`[data-testid="catalog-hit"][data-code="${entry.code}"]`).waitFor();
      await page.getByTestId('catalog-facet-kind').getByText('结构化数据（库表）').click();
      await page.waitForURL(/kind=table/);
      await page.locator(`[data-testid="catalog-hit"][data-code="${entry.code}"]`).waitFor();
      await page.goto('/catalog?q=%E4%BC%98%E6%8A%9A&sharingType=unconditional');
      await page.getByTestId('catalog-total').waitFor();
      await page.waitForTimeout(500);
      assert.equal(
        await page.locator(`[data-testid="catalog-hit"][data-code="${entry.code}"]`).count(),
        0,
        'an unconditional-sharing filter leaves the conditional entry out',
      );

      // 信息项 search: entries holding a 身份号码 item, the matched item named.
      await page.goto('/catalog');
      await textBox(page, 'catalog-search-q').fill(`伤残人员${tag}`);
      await textBox(page, 'catalog-search-field').fill('身份号码');
      await page.getByTestId('catalog-search-submit').click();
      await page.getByTestId('catalog-total').filter({ hasText: '共 1 条' }).waitFor();
      assert.match(await page.getByTestId('catalog-hit-fields').innerText(), /公民身份号码/);

      // Classification filter (Cascader): 部门信息资源 / 民政 / 优抚安置.
      await page.goto('/catalog');
      await pickCascader(page, page.getByTestId('catalog-filter-classification'), [
        '部门信息资源',
        '民政',
        '优抚安置',
      ]);
      await page.waitForURL(/classification=301002/);
      await page.locator(`[data-testid="catalog-hit"][data-code="${entry.code}"]`).waitFor();

      // The hit opens the entry page: elements and how to apply.
      await page
        .locator(`[data-testid="catalog-hit"][data-code="${entry.code}"]`)
        .getByTestId('catalog-hit-link')
        .click();
      await page.getByTestId('entry-page').waitFor();
      assert.match(await page.getByTestId('entry-how-to-apply').innerText(), /有条件共享/);
    });
  });

  test('[CAT-05] an entry not maintained for a year is flagged on its page; the yearly confirmation clears it', async () => {
    const entry =
      shared.published ??
      (await publishThroughApi(entryContent(`优抚伤残人员${chineseTag()}名册`)));
    await withPage('cat-05', async (page) => {
      await loginAs(page, EDITOR);
      // The server's clock cannot be moved in a browser test: its answer about this entry is
      // made a year older on the way to the page (reads only; the confirmation goes through).
      await page.route(`**/api/v1/catalog/entries/${entry.id}`, async (route) => {
        if (route.request().method() !== 'GET') return route.continue();
        const res = await route.fetch();
        const body = (await res.json()) as Record<string, unknown>;
        await route.fulfill({
          response: res,
          json: { ...body, stale: true, maintainedAt: '2025-01-01T02:00:00.000Z' },
        });
      });
      await page.goto(`/catalog/entries/${entry.id}`);
      const banner = page.getByTestId('entry-stale');
      await banner.waitFor();
      assert.match(await banner.innerText(), /超过一年未维护[\s\S]*2025-01-01/);
      await page.getByTestId('entry-stale-tag').waitFor();
      await screenshot(page, 'catalog-entry-stale', false);
      await page.unroute(`**/api/v1/catalog/entries/${entry.id}`);

      await page.getByTestId('entry-action-confirm_maintained').click();
      await page.getByTestId('confirm-ok').click();
      await banner.waitFor({ state: 'detached' });
      await page.getByTestId('entry-tab-history').click();
      await page
        .locator('[data-testid="entry-action"][data-action="confirm_maintained"]')
        .waitFor();
    });
  });

  test('[COL-02] importing a file with errors shows the per-row report and writes nothing; the corrected file is applied', async () => {
    // The demo's 优抚对象基础信息 (300 rows); without it, the entry published above.
    const entry =
      (await demoEntry('优抚对象基础信息')) ??
      shared.published ??
      (await publishThroughApi(entryContent(`优抚伤残人员${chineseTag()}名册`)));
    const demo = entry.name === '优抚对象基础信息';
    const header = demo
      ? '公民身份号码,姓名,性别,优抚类别,行政区划代码,月抚恤金额,认定日期'
      : '公民身份号码,姓名,优抚类别';
    const ids = [citizenId(), citizenId(), citizenId()];
    const line = (id: string, i: number) =>
      demo
        ? `${id},测试人员${'甲乙丙'[i]},男,伤残军人,130102,1850.50,2020-05-1${i}`
        : `${id},测试人员${'甲乙丙'[i]},伤残军人`;
    const bad = [header, line(ids[0]!, 0), line(breakCheck(ids[1]!), 1), line(ids[2]!, 2)];
    const good = [header, ...ids.map(line)];
    const badFile = join(files, '优抚对象-有错误.csv');
    const goodFile = join(files, '优抚对象-已更正.csv');
    await writeFile(badFile, bad.join('\n') + '\n');
    await writeFile(goodFile, good.join('\n') + '\n');

    await withPage('col-02', async (page) => {
      await loginAs(page, CLERK);
      await openPage(page, 'catalog', 'catalog-search-page');
      await textBox(page, 'catalog-search-q').fill(entry.name);
      await page.getByTestId('catalog-search-submit').click();
      await page
        .locator(`[data-testid="catalog-hit"][data-code="${entry.code}"]`)
        .getByTestId('catalog-hit-link')
        .click();
      await page.getByTestId('entry-page').waitFor();
      await page.getByTestId('entry-tab-data').click();
      await page.getByTestId('data-tab').waitFor();
      await page
        .getByTestId('rows-count')
        .filter({ hasText: /已加载/ })
        .waitFor();

      // The file with one bad ID number: rejected, the row and the reason listed.
      await page.getByTestId('import-upload').locator('input[type=file]').setInputFiles(badFile);
      const rejected = page.locator('[data-testid="import-result"][data-status="rejected"]');
      await rejected.waitFor();
      assert.match(await page.getByTestId('import-message').innerText(), /整个文件未导入/);
      const errorRows = await rowsOf(page, 'import-errors').allInnerTexts();
      assert.equal(errorRows.length, 1, `one error: ${errorRows.join(' | ')}`);
      const cells = await rowsOf(page, 'import-errors').first().locator('td').allInnerTexts();
      assert.equal(cells[0]!.trim(), '3', 'the second data row is line 3 of the file');
      assert.match(cells[1]!, /公民身份号码/);
      assert.equal(cells[2]!.trim(), breakCheck(ids[1]!));
      assert.match(cells[3]!, CJK);
      assert.match(cells[3]!, /校验/);
      await screenshot(page, 'catalog-import-errors');

      // The report downloads as XLSX.
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByTestId('import-report').click(),
      ]);
      assert.match(download.suggestedFilename(), /^导入错误报告.*\.xlsx$/);

      // Nothing was written: not even the valid first row.
      const clerk = await apiSession(CLERK);
      const none = await clerk.get<{ items: unknown[] }>(
        `/api/v1/catalog/entries/${entry.id}/rows?key=${ids[0]}`,
      );
      assert.equal(none.items.length, 0, 'a rejected file writes no row');
      const before = await clerk.get<Entry>(`/api/v1/catalog/entries/${entry.id}`);
      assert.equal(before.rowCount, entry.rowCount);

      // The corrected file: applied, with its counts.
      await page.getByTestId('import-upload').locator('input[type=file]').setInputFiles(goodFile);
      const applied = page.locator('[data-testid="import-result"][data-status="applied"]');
      await applied.waitFor();
      assert.match(await page.getByTestId('import-added').innerText(), /3/);
      assert.match(await page.getByTestId('import-updated').innerText(), /0/);
      assert.match(await page.getByTestId('import-unchanged').innerText(), /0/);
      const after = await clerk.get<Entry>(`/api/v1/catalog/entries/${entry.id}`);
      assert.equal(after.rowCount, entry.rowCount + 3);
      await clerk.dispose();

      // Again: nothing changes.
      await page.getByTestId('import-upload').locator('input[type=file]').setInputFiles(goodFile);
      await page.getByTestId('import-unchanged').filter({ hasText: /3/ }).waitFor();
      assert.match(await page.getByTestId('import-added').innerText(), /0/);

      // The history lists the three imports, newest first.
      const history = await rowsOf(page, 'imports-table').allInnerTexts();
      assert.ok(history.length >= 3);
      assert.match(history[0]!, /已导入/);
      assert.match(history[2]!, /未导入[\s\S]*1 处错误/);

      // The rows are there: find one by its key.
      await textBox(page, 'rows-key-search').fill(ids[1]!);
      await textBox(page, 'rows-key-search').press('Enter');
      await page.getByTestId('rows-count').filter({ hasText: '已加载 1 行' }).waitFor();
      assert.match(await rowsOf(page, 'rows-table').first().innerText(), /测试人员乙/);
      await screenshot(page, 'catalog-data-tab');

      // 录入一行 with a bad ID number: the server's message under the field.
      await page.getByTestId('row-create').click();
      const dialog = page.getByTestId('row-modal').locator('.ant-modal');
      await dialog.waitFor();
      await textBox(page, 'row-field-id_number').fill(breakCheck(citizenId()));
      await textBox(page, 'row-field-name').fill('测试人员丁');
      await chooseOption(page, page.getByTestId('row-field-category'), '烈士遗属');
      await page.getByTestId('row-save').click();
      const fieldError = dialog
        .locator('.ant-form-item', { has: page.locator('[data-testid="row-field-id_number"]') })
        .locator('.ant-form-item-explain-error');
      await fieldError.waitFor();
      assert.match(await fieldError.innerText(), /校验/);
      await screenshot(page, 'catalog-row-form-error', false);
      // Corrected: saved.
      const okId = citizenId();
      await textBox(page, 'row-field-id_number').fill(okId);
      await page.getByTestId('row-save').click();
      await dialog.waitFor({ state: 'hidden' });
      await textBox(page, 'rows-key-search').fill(okId);
      await textBox(page, 'rows-key-search').press('Enter');
      await page.getByTestId('rows-count').filter({ hasText: '已加载 1 行' }).waitFor();
    });
  });

  test('[CAT-09] the open-data catalog is browsable without logging in', async () => {
    // The demo's 养老机构名录 (open, with rows); without it, an open entry published here.
    let name = '养老机构名录';
    const anonymous = await apiRequest.newContext({ baseURL: server.url });
    const listed = (await (
      await anonymous.get(`/api/v1/open/catalog?q=${encodeURIComponent(name)}`)
    ).json()) as { items: { name: string }[] };
    if (!listed.items.some((e) => e.name === name)) {
      name = `养老机构${chineseTag()}名录`;
      const entry = await publishThroughApi(
        entryContent(name, {
          summary: '全省登记备案的养老机构名称、所在区划和床位数，向社会公开。',
          classification: { tree: 'department', code: '301003' },
          dataItems: [
            {
              name: '机构名称',
              identifier: 'org_name',
              type: 'C',
              length: 100,
              scale: null,
              isKey: true,
              required: true,
              sensitive: false,
              rule: null,
              description: '',
            },
            {
              name: '床位数',
              identifier: 'beds',
              type: 'I',
              length: 6,
              scale: null,
              isKey: false,
              required: false,
              sensitive: false,
              rule: null,
              description: '',
            },
          ],
          sharingType: 'unconditional',
          sharingCondition: '',
          sharingScope: 'all',
          openType: 'open_unconditional',
        }),
      );
      const clerk = await apiSession(CLERK);
      await clerk.upload(
        `/api/v1/catalog/entries/${entry.id}/imports?fileName=homes.csv&wait=true`,
        '机构名称,床位数\n正定县社会福利中心,180\n武安市中心敬老院,75\n',
      );
      await clerk.dispose();
    }
    await anonymous.dispose();

    await withPage('cat-09', async (page) => {
      // From the login page, without logging in.
      await page.goto('/login');
      await page.getByTestId('login-open-data').click();
      await page.getByTestId('open-catalog-page').waitFor();
      assert.match(page.url(), /\/open$/);
      await page.getByTestId('open-results').waitFor();
      await page.getByTestId('open-total').waitFor();
      assert.equal(await page.getByTestId('public-login').count(), 1, 'nobody is signed in');

      // Only open entries: the conditionally shared, not open 优抚 entry is not listed.
      await textBox(page, 'open-search-q').fill('优抚对象');
      await page.getByTestId('open-search-submit').click();
      await page.getByTestId('open-empty').waitFor();

      await textBox(page, 'open-search-q').fill(name);
      await page.getByTestId('open-search-submit').click();
      const hit = page.getByTestId('open-hit').filter({ hasText: name }).first();
      await hit.waitFor();
      assert.match(await hit.innerText(), /无条件开放/);
      assert.match(await page.getByTestId('open-facet-openType').innerText(), /无条件开放\s*\d+/);
      await screenshot(page, 'open-catalog');

      await hit.getByTestId('open-hit-link').click();
      await page.getByTestId('open-entry-page').waitFor();
      const code = (await page.getByTestId('open-entry-code').innerText()).trim();
      assert.match(code, /^\d{6,9}\/\d{6}$/);
      assert.ok(page.url().endsWith(`/open/${encodeURIComponent(code)}`), page.url());
      assert.match(await page.getByTestId('open-entry-items').innerText(), /机构名称/);
      await screenshot(page, 'open-entry');

      // The download link gives the CSV, without a session.
      const href = await page.getByTestId('open-download-csv').getAttribute('href');
      assert.ok(href, 'a download link');
      const csv = await page.request.get(href);
      assert.equal(csv.status(), 200);
      assert.match(csv.headers()['content-type'] ?? '', /text\/csv/);
      const body = await csv.text();
      assert.match(body, /机构名称/);
      assert.ok(body.trim().split(/\r?\n/).length >= 3, 'header and rows');

      // Reloading the detail page directly works too (the code's “/” is encoded).
      await page.reload();
      await page.getByTestId('open-entry-page').waitFor();
      assert.equal(await page.getByTestId('header-user').count(), 0);
    });
  });

  test('[CAT-08] a project data catalog is registered with its duplicate check; the platform decides on it', async () => {
    await withPage('cat-08', async (page) => {
      const name = `社会救助${chineseTag()}管理系统`;
      await loginAs(page, EDITOR);
      await openPage(page, 'catalog-projects', 'projects-page');
      await page.getByTestId('project-create').click();
      const dialog = page.getByTestId('project-modal').locator('.ant-modal');
      await dialog.waitFor();
      await textBox(page, 'project-name').fill(name);
      await textBox(page, 'project-code').fill('2026-130000-65-01-000001');
      await page.getByTestId('project-description').fill('社会救助对象认定与动态管理');
      await textBox(page, 'project-item-0-name').fill('救助金额');
      await textBox(page, 'project-item-0-identifier').fill('relief_amount');
      await page.getByTestId('project-item-add').click();
      await textBox(page, 'project-item-1-name').fill('公民身份号码');
      await chooseOption(page, page.getByTestId('project-item-1-source'), '平台共享获取');
      await page.getByTestId('project-submit').click();
      await page.getByTestId('project-page').waitFor();
      // Nothing it collects itself is offered by another provider.
      await page.getByTestId('project-no-duplicates').waitFor();
      assert.match(await page.getByTestId('project-status').innerText(), /待审批/);
      await screenshot(page, 'catalog-project');
      await logout(page);

      // The platform manager finds it and does not approve it, with a reason.
      await loginAs(page, PLATFORM);
      await openPage(page, 'catalog-projects', 'projects-page');
      const row = rowsOf(page, 'projects-table').filter({ hasText: name });
      await row.waitFor();
      await row.getByTestId('project-link').click();
      await page.getByTestId('project-page').waitFor();
      assert.ok(await page.getByTestId('project-approve').isEnabled());
      await page.getByTestId('project-reject').click();
      await page.getByTestId('project-reject-ok').click();
      await page.locator('.ant-modal .ant-form-item-explain-error').waitFor(); // reason required
      await page.getByTestId('project-reject-note').fill('请补充数据项的用途说明后重新登记');
      await page.getByTestId('project-reject-ok').click();
      await page.getByTestId('project-status').filter({ hasText: '不予通过' }).waitFor();
      assert.match(await page.getByTestId('project-page').innerText(), /请补充数据项的用途说明/);
    });
  });
});
