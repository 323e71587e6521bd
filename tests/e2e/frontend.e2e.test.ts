// Browser tests of the front-end processor (前置机) and reconciliation (对账) pages against a
// real server (fresh demo database, built console) and a real processor reading an SQLite
// department database.
// Build the console first:  npx vite build --config web/vite.config.ts
// Run:                      node --import tsx --test tests/e2e/frontend.e2e.test.ts
// Screenshots of each page land in .tmp/screens/ (gitignored).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import pino from 'pino';
import {
  chromium,
  request as apiRequest,
  type Browser,
  type BrowserContext,
  type Page,
} from 'playwright-core';
import { makeCitizenId } from '../../src/lib/ids/citizen-id.ts';
import { createFrontendProcessor } from '../../src/modules/frontend/processor/index.ts';
import { createPlatformClient } from '../../src/modules/frontend/processor/platform-client.ts';
import { DEMO_PASSWORD, startTestServer } from '../helpers/test-server.ts';

const SCREENS = fileURLToPath(new URL('../../.tmp/screens/', import.meta.url));

// The demo's 单位管理员 of 河北省民政厅, the provider of 优抚对象基础信息.
const UNIT_ADMIN = 'hb_mz_admin';
const RECIPIENTS = '优抚对象基础信息';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let dir: string;

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

/** The resource code of a demo entry, as the unit administrator's resource list shows it. */
async function resourceCode(name: string): Promise<string> {
  const ctx = await apiRequest.newContext({ baseURL: server.url });
  await ctx.post('/api/v1/auth/login', { data: { username: UNIT_ADMIN, password: DEMO_PASSWORD } });
  const res = await ctx.get('/api/v1/frontend/resources');
  const body = (await res.json()) as { items: { code: string; name: string }[] };
  await ctx.dispose();
  const hit = body.items.find((r) => r.name === name);
  assert.ok(hit, `the demo unit provides “${name}”`);
  return hit.code;
}

before(async () => {
  await mkdir(SCREENS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'mzhub-frontend-e2e-'));
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
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('front-end processors and reconciliation', () => {
  test('[EXC-06] [COL-07] a unit administrator registers a node, assigns a resource, sees its publication and the day’s differences', async () => {
    await withPage('frontend-nodes', async (page) => {
      const code = await resourceCode(RECIPIENTS);
      await loginAs(page, UNIT_ADMIN);
      await page.getByTestId('nav-frontend-nodes').click();
      await page.getByTestId('frontend-nodes-page').waitFor();

      // Register: the secret is shown once.
      await page.getByTestId('node-register').click();
      await page.getByTestId('node-name').fill('民政业务库前置机');
      // A click during a dialog's opening animation can be lost on a busy machine.
      await page.locator('.ant-zoom-appear').waitFor({ state: 'detached' });
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      const secretBox = page.getByTestId('node-secret');
      await secretBox.waitFor();
      const nodeId = (await page.getByTestId('node-id').innerText()).trim();
      const secret = (await secretBox.innerText()).trim();
      assert.match(nodeId, /^fen_[0-9a-f]{20}$/);
      assert.ok(secret.length >= 40);
      await screenshot(page, 'frontend-node-secret');
      await page.getByRole('button', { name: '我已妥善保存' }).click();
      await secretBox.waitFor({ state: 'detached' });
      await page.getByTestId(`node-row-${nodeId}`).waitFor();
      assert.ok(!(await page.content()).includes(secret), 'the secret left the page');

      // Assign 优抚对象基础信息 to the node, publishing to the platform.
      await page.getByTestId(`resource-map-${code}`).click();
      await page.getByTestId('map-mode').waitFor();
      // A click during a dialog's opening animation can be lost on a busy machine.
      await page.locator('.ant-zoom-appear').waitFor({ state: 'detached' });
      await page.locator('.ant-modal-footer .ant-btn-primary').click();
      await page
        .locator('[data-testid="frontend-resources-table"] .ant-table-row', { hasText: code })
        .getByText('发布到平台')
        .waitFor();

      // The department runs the processor against its own database.
      const sourcePath = join(dir, 'department.sqlite');
      const source = new SqliteDatabase(sourcePath);
      source.exec(`create table yfdx (sfzh text primary key, xm text, xb text, lb text,
        dz text, je real, rdrq text)`);
      const insert = source.prepare('insert into yfdx values (?, ?, ?, ?, ?, ?, ?)');
      insert.run(
        makeCitizenId('130102', '19520301', 211),
        '赵铁柱',
        '男',
        '伤残军人',
        '130102',
        1520.5,
        '2019-05-01',
      );
      insert.run(
        makeCitizenId('130104', '19480715', 322),
        '钱秀英',
        '女',
        '烈士遗属',
        '130104',
        980,
        '2018-03-12',
      );
      insert.run(
        makeCitizenId('130105', '19500102', 413),
        '孙志强',
        '男',
        '在乡复员军人',
        '130105',
        760,
        '2020-07-30',
      );
      source.close();
      const processor = createFrontendProcessor(
        {
          platformUrl: server.url,
          nodeId,
          nodeSecret: secret,
          sourceUrl: `sqlite:${sourcePath}`,
          timeZone: 'Asia/Shanghai',
          stateFile: join(dir, 'state.sqlite'),
          listen: null,
          chunkRows: 1000,
          logLevel: 'silent',
          publications: [
            {
              resource: code,
              mode: 'publish',
              table: 'yfdx',
              columns: {
                id_number: 'sfzh',
                name: 'xm',
                sex: 'xb',
                category: 'lb',
                division_code: 'dz',
                monthly_amount: 'je',
                recognised_on: 'rdrq',
              },
              everySeconds: 3600,
            },
          ],
        },
        { log: pino({ level: 'silent' }), retryDelays: [] },
      );
      try {
        const [run] = await processor.runOnce();
        assert.equal(run!.outcome, 'applied', run!.message);
        assert.equal(run!.reconciled, 'match');
      } finally {
        await processor.stop();
      }
      // A node that misreports its source count: the difference is recorded, not hidden.
      const node = createPlatformClient({
        platformUrl: server.url,
        nodeId,
        nodeSecret: secret,
        retryDelays: [],
      });
      const begun = await node.begin(code, 'delta');
      await node.commit(begun.id, {
        chunkCount: 0,
        sourceRowCount: 4,
        sourceChecksum: 'c'.repeat(64),
      });

      await page.reload();
      await page.getByTestId('frontend-nodes-page').waitFor();
      const publications = page.locator('[data-testid="publications-table"] .ant-table-row');
      await publications.first().waitFor();
      assert.equal(await publications.count(), 2);
      await publications.filter({ hasText: '行数不一致' }).waitFor();
      await publications.filter({ hasText: '一致' }).filter({ hasText: '全量' }).waitFor();
      assert.equal(
        await page.locator('[data-testid="publications-table"] .row-difference').count(),
        1,
      );
      await screenshot(page, 'frontend-nodes');

      // 对账: the day's report names the difference and highlights its row.
      await page.getByTestId('nav-reconciliation').click();
      await page.getByTestId('reconciliation-page').waitFor();
      const summary = page.getByTestId('reconciliation-summary');
      await summary.waitFor();
      assert.match(await summary.innerText(), /发现 \d+ 处差异/);
      await page.getByTestId('issue-count_mismatch').first().waitFor();
      assert.ok(
        (await page.locator('[data-testid="reconciliation-page"] .row-difference').count()) >= 1,
      );
      await screenshot(page, 'frontend-reconciliation');
    });
  });
});
