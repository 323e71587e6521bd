// Browser tests of the web console against a real server (fresh demo database, built console).
// Build the console first:  npx vite build --config web/vite.config.ts
// Run:                      node --import tsx --test tests/e2e/console.e2e.test.ts
// Screenshots of each main page land in .tmp/screens/ (gitignored).
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Locator,
  type Page,
} from 'playwright-core';
import { startTestServer } from '../helpers/test-server.ts';

const SCREENS = fileURLToPath(new URL('../../.tmp/screens/', import.meta.url));
const CJK = /[\u4e00-\u9fff]/;

// GB 32100: 17 characters of this alphabet, then a check character.
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

function creditCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += CREDIT_ALPHABET.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
  const c = 31 - (sum % 31);
  return CREDIT_ALPHABET[c === 31 ? 0 : c]!;
}

// GB 11714 organisation code (characters 9–17 of a credit code): 8 characters and a check.
const ORG_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

function orgCheckChar(body8: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += ORG_ALPHABET.indexOf(body8[i]!) * ORG_WEIGHTS[i]!;
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/** A random valid 统一社会信用代码 of a 民政-registered organisation (51…) in `division`. */
function randomCreditCode(division: string): string {
  const body8 = Array.from({ length: 8 }, () => Math.floor(Math.random() * 10)).join('');
  const first17 = `51${division}${body8}${orgCheckChar(body8)}`;
  return first17 + creditCheckChar(first17);
}

/** The same code with a wrong check character. */
function breakCheckChar(code: string): string {
  const right = code[17]!;
  const wrong = CREDIT_ALPHABET[(CREDIT_ALPHABET.indexOf(right) + 7) % CREDIT_ALPHABET.length]!;
  return code.slice(0, 17) + wrong;
}

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

async function login(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByTestId('login-username').fill(server.demo.username);
  await page.getByTestId('login-password').fill(server.demo.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('header-user').waitFor();
}

async function getJson<T>(page: Page, path: string): Promise<T> {
  const res = await page.request.get(path);
  assert.ok(res.ok(), `GET ${path} answered ${res.status()}`);
  return (await res.json()) as T;
}

/** Waits until no Select / Cascader popup is open (they cover the buttons below them). */
async function popupsClosed(page: Page): Promise<void> {
  await page
    .locator('.ant-select-dropdown')
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

/** Picks the option titled `title` in a Select, typing `search` first when given. */
async function chooseOption(page: Page, select: Locator, title: string, search?: string) {
  await withRetry(
    page,
    `choose “${title}”`,
    async () => {
      await select.click();
      if (search) await page.keyboard.type(search);
      await page.locator(`${OPEN_POPUP} .ant-select-item-option[title="${title}"]`).click();
    },
    select.filter({ hasText: title }),
  );
}

/** Opens the cascader and clicks through the division path (from the province down). */
async function pickDivision(page: Page, cascader: Locator, path: { code: string; name: string }[]) {
  await withRetry(
    page,
    `pick division ${path.map((p) => p.name).join(' / ')}`,
    async () => {
      await cascader.click();
      for (const [i, step] of path.entries()) {
        await page
          .locator(`${OPEN_POPUP} .ant-cascader-menu`)
          .nth(i)
          .locator('.ant-cascader-menu-item', { has: page.locator(`[data-code="${step.code}"]`) })
          .click();
      }
    },
    cascader.filter({ hasText: path[path.length - 1]!.name }),
  );
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

describe('web console', () => {
  test('login with a wrong password shows the server’s Chinese error', async () => {
    await withPage('login-wrong-password', async (page) => {
      // What the server says for wrong credentials; the page must show exactly that.
      const res = await page.request.post('/api/v1/auth/login', {
        data: { username: server.demo.username, password: 'wrong-password-123' },
      });
      assert.equal(res.status(), 401);
      const problem = (await res.json()) as { code: string; detail?: string; title: string };
      assert.equal(problem.code, 'auth.invalid_credentials');
      const expected = problem.detail ?? problem.title;
      assert.match(expected, CJK);

      await page.goto('/');
      await page.waitForURL(/\/login/); // not signed in: sent to the login page
      assert.equal(await page.title(), '民政数据资源共享平台');
      await page.getByTestId('login-username').fill(server.demo.username);
      await page.getByTestId('login-password').fill('wrong-password-123');
      await page.getByTestId('login-submit').click();
      const error = page.getByTestId('login-error');
      await error.waitFor();
      assert.equal((await error.innerText()).trim(), expected);
      assert.match(page.url(), /\/login/);
      await screenshot(page, 'login-error');
    });
  });

  test('[ORG-03] a user logs in and creates a unit with a valid credit code, and an invalid credit code gets the Chinese field error', async () => {
    await withPage('org-03', async (page) => {
      await page.goto('/org/units');
      await page.waitForURL(/\/login\?redirect=/);
      await page.getByTestId('login-username').fill(server.demo.username);
      await page.getByTestId('login-password').fill(server.demo.password);
      await page.getByTestId('login-submit').click();
      await page.waitForURL(/\/org\/units$/); // back where the user wanted to go

      // The header shows who is signed in.
      const me = await getJson<{ user: { displayName: string; unitId: string; unitName: string } }>(
        page,
        '/api/v1/auth/me',
      );
      assert.equal(
        (await page.getByTestId('header-user-name').innerText()).trim(),
        me.user.displayName,
      );
      assert.equal(
        (await page.getByTestId('header-user-unit').innerText()).trim(),
        me.user.unitName,
      );

      // Dashboard: counts and health from the API.
      await page.getByTestId('nav-dashboard').click();
      await page.getByTestId('health-engine').waitFor();
      await page.getByTestId('stat-units').locator('.ant-statistic-content').waitFor();
      await page.getByTestId('stat-divisions').locator('.ant-statistic-content').waitFor();
      await screenshot(page, 'dashboard');

      await page.getByTestId('nav-units').click();
      await page.getByTestId('units-page').waitFor();
      await page.locator('[data-testid="units-table"] .ant-table-row').first().waitFor();

      // Create the unit in the demo user's own division, under the demo user's own unit.
      const own = await getJson<{ id: string; name: string; divisionCode: string }>(
        page,
        `/api/v1/units/${me.user.unitId}`,
      );
      const division = await getJson<{
        path: { code: string; name: string }[];
        code: string;
        name: string;
      }>(page, `/api/v1/divisions/${own.divisionCode}`);
      const divisionPath = [...division.path];
      if (divisionPath[divisionPath.length - 1]?.code !== division.code)
        divisionPath.push({ code: division.code, name: division.name });

      const name = `端到端测试单位${Date.now().toString(36).toUpperCase()}`;
      const creditCode = randomCreditCode(own.divisionCode);

      await page.getByTestId('unit-create').click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('unit-name').fill(name);
      await dialog.getByTestId('unit-credit-code').fill(creditCode);
      await pickDivision(page, dialog.getByTestId('unit-division'), divisionPath);
      await chooseOption(page, dialog.getByTestId('unit-parent'), own.name, own.name.slice(0, 4));
      await chooseOption(page, dialog.getByTestId('unit-type'), '事业单位');
      await dialog.getByTestId('unit-form-submit').click();
      await dialog.waitFor({ state: 'hidden' });

      const row = page.locator('[data-testid="units-table"] .ant-table-row', { hasText: name });
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(creditCode));
      assert.match(await row.innerText(), /事业单位/);

      // The server has it too, with what was entered.
      const found = await getJson<{
        items: {
          name: string;
          creditCode: string | null;
          parentUnitId: string | null;
          type: string;
        }[];
      }>(page, `/api/v1/units?q=${encodeURIComponent(name)}`);
      const created = found.items.find((u) => u.name === name);
      assert.ok(created, 'the new unit is listed by the API');
      assert.equal(created.creditCode, creditCode);
      assert.equal(created.parentUnitId, own.id);
      assert.equal(created.type, 'institution');

      // Searching by name finds it.
      await page.getByTestId('unit-search').locator('input').fill(name);
      await page.getByTestId('unit-search').locator('input').press('Enter');
      await page
        .getByTestId('units-count')
        .filter({ hasText: /已加载 1 个单位/ })
        .waitFor();
      assert.equal(await page.locator('[data-testid="units-table"] .ant-table-row').count(), 1);
      assert.match(
        await page.locator('[data-testid="units-table"] .ant-table-row').innerText(),
        new RegExp(name),
      );
      await page.getByTestId('unit-search').locator('input').fill('');
      await page.getByTestId('unit-search').locator('input').press('Enter');
      await page.locator('[data-testid="units-table"] .ant-table-row').nth(1).waitFor();
      await screenshot(page, 'units');

      // A credit code of the right form but a wrong check character: the server rejects it and
      // its Chinese message shows under the field.
      const badName = `${name}乙`;
      await page.getByTestId('unit-create').click();
      const dialog2 = page.getByRole('dialog');
      await dialog2.getByTestId('unit-name').fill(badName);
      await dialog2
        .getByTestId('unit-credit-code')
        .fill(breakCheckChar(randomCreditCode(own.divisionCode)));
      await pickDivision(page, dialog2.getByTestId('unit-division'), divisionPath);
      await dialog2.getByTestId('unit-form-submit').click();
      const fieldError = dialog2
        .locator('.ant-form-item', { has: page.getByTestId('unit-credit-code') })
        .locator('.ant-form-item-explain-error');
      await fieldError.waitFor();
      const text = (await fieldError.innerText()).trim();
      assert.match(text, CJK, `field error is Chinese: ${text}`);
      assert.doesNotMatch(
        text,
        /应为 18 位|只能包含/,
        'the error comes from the server, not the form-only check',
      );
      assert.ok(await dialog2.isVisible(), 'the form stays open');
      await screenshot(page, 'unit-form-credit-code-error', false);
      await dialog2.getByTestId('unit-form-cancel').click();
      await dialog2.waitFor({ state: 'hidden' });

      const none = await getJson<{ items: unknown[] }>(
        page,
        `/api/v1/units?q=${encodeURIComponent(badName)}`,
      );
      assert.equal(none.items.length, 0, 'the unit with the bad code was not created');
    });
  });

  test('[ORG-01] the division tree shows provinces, cities and counties with GB/T 2260 codes', async () => {
    await withPage('org-01', async (page) => {
      await login(page);
      await page.getByTestId('nav-divisions').click();
      await page.getByTestId('divisions-page').waitFor();

      const nodes = page.locator('[data-testid^="division-node-"]');
      await nodes.first().waitFor();
      const codesOf = async () =>
        (
          await nodes.evaluateAll((els) =>
            els.map((e) => e.getAttribute('data-testid')!.slice('division-node-'.length)),
          )
        ).filter((c) => c.length > 0);

      const provinces = await codesOf();
      assert.ok(provinces.length >= 1, 'provinces are listed');
      for (const code of provinces) assert.match(code, /^[1-9]\d0000$/, `province code ${code}`);
      type Item = { code: string; name: string; level: string; hasChildren: boolean };
      const childrenOf = async (code: string) =>
        (
          await getJson<{ items: Item[] }>(
            page,
            `/api/v1/divisions?parent=${code}&includeRetired=true`,
          )
        ).items;
      // A province with prefecture-level cities (municipalities list their districts directly).
      let province = '';
      let cityItems: Item[] = [];
      for (const code of provinces) {
        const items = await childrenOf(code);
        if (items.some((c) => c.level === 'city' && c.hasChildren)) {
          province = code;
          cityItems = items;
          break;
        }
      }
      assert.ok(province, 'some province has cities');
      const provinceNode = page.getByTestId(`division-node-${province}`);
      assert.match(
        await provinceNode.innerText(),
        new RegExp(`${province}\\s*\\S+`),
        'node shows code and name',
      );

      const expand = async (code: string) => {
        await page
          .locator('.ant-tree-treenode', { has: page.getByTestId(`division-node-${code}`) })
          .locator('.ant-tree-switcher')
          .click();
      };
      const shown = async (prefix: string, except: string) =>
        (await codesOf()).filter((c) => c !== except && c.startsWith(prefix));

      // Province → cities (code ppcc00, cc ≠ 00).
      await expand(province);
      await page.getByTestId(`division-node-${cityItems[0]!.code}`).waitFor();
      const cities = await shown(province.slice(0, 2), province);
      assert.deepEqual(
        cities.sort(),
        cityItems.map((c) => c.code).sort(),
        'the tree lists the cities',
      );
      for (const c of cityItems.filter((x) => x.level === 'city')) {
        assert.match(c.code, /^\d{2}(?!00)\d{2}00$/, `city code ${c.code}`);
      }
      const city = cityItems.find((c) => c.level === 'city' && c.hasChildren)!.code;

      // City → counties (code ppccxx, xx ≠ 00).
      const countyItems = await childrenOf(city);
      await expand(city);
      await page.getByTestId(`division-node-${countyItems[0]!.code}`).waitFor();
      const counties = await shown(city.slice(0, 4), city);
      assert.deepEqual(
        counties.sort(),
        countyItems.map((c) => c.code).sort(),
        'the tree lists the counties',
      );
      for (const c of counties) assert.match(c, /^\d{4}(?!00)\d{2}$/, `county code ${c}`);

      // Retired codes, where there are any, are greyed and tagged.
      for (const el of await page
        .locator('[data-testid^="division-node-"][data-status="retired"]')
        .all()) {
        assert.match(await el.innerText(), /已撤销/);
      }

      // The detail panel shows the path from the province down.
      const county = counties[0]!;
      await page.getByTestId(`division-node-${county}`).click();
      await page.getByTestId('division-detail-code').waitFor();
      assert.equal((await page.getByTestId('division-detail-code').innerText()).trim(), county);
      const pathText = await page.getByTestId('division-path').innerText();
      const provinceName = (await provinceNode.locator('.division-name').innerText()).trim();
      assert.ok(
        pathText.includes(provinceName),
        `path “${pathText}” includes the province “${provinceName}”`,
      );
      await screenshot(page, 'divisions');
    });
  });

  test('the work calendar shows the year and computes a due date in working days', async () => {
    await withPage('calendar', async (page) => {
      await login(page);
      await page.getByTestId('nav-calendar').click();
      await page.getByTestId('calendar-grid').waitFor();
      await page.getByTestId('month-12').waitFor();

      const year = Number((await page.getByTestId('calendar-year').innerText()).match(/\d{4}/)![0]);
      const cal = await getJson<{ days: { date: string; kind: string }[] }>(
        page,
        `/api/v1/calendar?year=${year}`,
      );
      for (const d of cal.days.slice(0, 5)) {
        const kind = await page
          .locator(`.day-cell[data-date="${d.date}"]`)
          .getAttribute('data-kind');
        assert.equal(kind, d.kind, `day ${d.date} is marked ${d.kind}`);
      }

      const from = (await page.getByTestId('due-from').inputValue()).trim();
      await page.getByTestId('due-days').fill('10');
      await page.getByTestId('due-compute').click();
      await page.getByTestId('due-result').waitFor();
      const expected = await getJson<{ due: string }>(
        page,
        `/api/v1/calendar/add-working-days?from=${from}&days=10`,
      );
      const [y, m, d] = expected.due.split('-').map(Number);
      assert.match(
        await page.getByTestId('due-result').innerText(),
        new RegExp(`^${y}年${m}月${d}日`),
      );
      await screenshot(page, 'calendar');
    });
  });
});
