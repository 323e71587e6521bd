/**
 * The route × role × scope test (ORG-04, SEC-01): every API route is called as every role
 * (and anonymously), from a unit inside and a unit outside the caller's scope, over real
 * HTTP. The table below is the independent statement of who may call what; a route missing
 * from it, or declaring a different access, fails the test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createTestPlatform,
  TEST_PASSWORD,
  type Caller,
  type TestPlatform,
} from '../../tests/helpers/platform.ts';
import { testEngines } from '../../tests/helpers/engines.ts';
import { withTransaction } from '../db/transaction.ts';
import { allRoles, roles, type Role } from '../modules/iam/permissions.ts';
import type { Access } from './plugins/access.ts';

/**
 * Who may call each route, and how its data is scoped:
 * - reference: the same for every signed-in user (divisions, the unit directory, roles);
 * - own: acts on the caller's own session or account only;
 * - platform: platform-wide settings held by one role;
 * - scoped: filtered by the caller's unit or division — out-of-scope cases below.
 */
const table: Record<
  string,
  { access: Access; scope: 'none' | 'reference' | 'own' | 'platform' | 'scoped' }
> = {
  'GET /api/health': { access: 'public', scope: 'none' },
  'GET /api/openapi.json': { access: 'public', scope: 'none' },
  'POST /api/v1/auth/login': { access: 'public', scope: 'none' },
  'POST /api/v1/auth/logout': { access: 'user', scope: 'own' },
  'GET /api/v1/auth/me': { access: 'user', scope: 'own' },
  'POST /api/v1/auth/password': { access: 'user', scope: 'own' },
  'POST /api/v1/auth/totp/setup': { access: 'user', scope: 'own' },
  'POST /api/v1/auth/totp/confirm': { access: 'user', scope: 'own' },
  'POST /api/v1/auth/lock': { access: 'user', scope: 'own' },
  'POST /api/v1/auth/unlock': { access: 'user', scope: 'own' },
  'GET /api/v1/auth/tokens': { access: 'user', scope: 'own' },
  'POST /api/v1/auth/tokens': { access: 'user', scope: 'own' },
  'DELETE /api/v1/auth/tokens/:id': { access: 'user', scope: 'own' },
  'GET /api/v1/roles': { access: 'user', scope: 'reference' },
  'GET /api/v1/unit-admins': { access: 'account.manage_admins', scope: 'scoped' },
  'POST /api/v1/unit-admins': { access: 'account.manage_admins', scope: 'scoped' },
  'GET /api/v1/unit-admins/:id': { access: 'account.manage_admins', scope: 'scoped' },
  'PATCH /api/v1/unit-admins/:id': { access: 'account.manage_admins', scope: 'scoped' },
  'POST /api/v1/unit-admins/:id/reset-password': {
    access: 'account.manage_admins',
    scope: 'scoped',
  },
  'POST /api/v1/unit-admins/:id/disable': { access: 'account.manage_admins', scope: 'scoped' },
  'POST /api/v1/unit-admins/:id/enable': { access: 'account.manage_admins', scope: 'scoped' },
  'POST /api/v1/unit-admins/:id/unlock': { access: 'account.manage_admins', scope: 'scoped' },
  'POST /api/v1/unit-admins/:id/handover': { access: 'account.manage_admins', scope: 'scoped' },
  'GET /api/v1/unit-admins/:id/handovers': { access: 'account.manage_admins', scope: 'scoped' },
  'GET /api/v1/unit-admins/:id/handover-candidates': {
    access: 'account.manage_admins',
    scope: 'scoped',
  },
  'GET /api/v1/accounts': { access: 'account.manage_unit', scope: 'scoped' },
  'POST /api/v1/accounts': { access: 'account.manage_unit', scope: 'scoped' },
  'GET /api/v1/accounts/:id': { access: 'account.manage_unit', scope: 'scoped' },
  'PATCH /api/v1/accounts/:id': { access: 'account.manage_unit', scope: 'scoped' },
  'POST /api/v1/accounts/:id/reset-password': { access: 'account.manage_unit', scope: 'scoped' },
  'POST /api/v1/accounts/:id/disable': { access: 'account.manage_unit', scope: 'scoped' },
  'POST /api/v1/accounts/:id/enable': { access: 'account.manage_unit', scope: 'scoped' },
  'POST /api/v1/accounts/:id/unlock': { access: 'account.manage_unit', scope: 'scoped' },
  'POST /api/v1/accounts/:id/handover': { access: 'account.manage_unit', scope: 'scoped' },
  'GET /api/v1/accounts/:id/handovers': { access: 'account.manage_unit', scope: 'scoped' },
  'GET /api/v1/accounts/:id/handover-candidates': {
    access: 'account.manage_unit',
    scope: 'scoped',
  },
  'GET /api/v1/account-review': { access: 'account.review', scope: 'scoped' },
  'GET /api/v1/account-review.xlsx': { access: 'account.review', scope: 'scoped' },
  'GET /api/v1/witnesses': { access: 'account.review', scope: 'reference' },
  'GET /api/v1/security-policy': { access: 'policy.manage', scope: 'platform' },
  'PUT /api/v1/security-policy': { access: 'policy.manage', scope: 'platform' },
  'GET /api/v1/divisions': { access: 'user', scope: 'reference' },
  'GET /api/v1/divisions/stats': { access: 'user', scope: 'reference' },
  'GET /api/v1/divisions/:code': { access: 'user', scope: 'reference' },
  'POST /api/v1/divisions/imports': { access: 'org.manage', scope: 'platform' },
  'POST /api/v1/identifiers/check': { access: 'user', scope: 'reference' },
  'GET /api/v1/units': { access: 'user', scope: 'reference' },
  'GET /api/v1/units/stats': { access: 'user', scope: 'reference' },
  'GET /api/v1/units/:id': { access: 'user', scope: 'reference' },
  'POST /api/v1/units': { access: 'org.manage', scope: 'platform' },
  'PATCH /api/v1/units/:id': { access: 'org.manage', scope: 'platform' },
  'GET /api/v1/calendar': { access: 'user', scope: 'reference' },
  'GET /api/v1/calendar/add-working-days': { access: 'user', scope: 'reference' },
  'POST /api/v1/calendar/overrides': { access: 'calendar.manage', scope: 'platform' },
  'DELETE /api/v1/calendar/overrides/:date': { access: 'calendar.manage', scope: 'platform' },
  'GET /api/v1/audit/entries': { access: 'audit.read', scope: 'scoped' },
  'GET /api/v1/audit/entries.csv': { access: 'audit.read', scope: 'scoped' },
  'GET /api/v1/audit/entries.xlsx': { access: 'audit.read', scope: 'scoped' },
  'GET /api/v1/audit/unit-entries': { access: 'audit.unit_read', scope: 'scoped' },
  'GET /api/v1/audit/unit-entries.csv': { access: 'audit.unit_read', scope: 'scoped' },
  'GET /api/v1/audit/unit-entries.xlsx': { access: 'audit.unit_read', scope: 'scoped' },
  'GET /api/v1/audit/chain': { access: 'audit.read', scope: 'platform' },
  'POST /api/v1/audit/checkpoints': { access: 'audit.read', scope: 'platform' },
  'GET /api/v1/history/:entityType/:entityId': { access: 'user', scope: 'scoped' },
  'GET /api/v1/batch-changes': { access: 'batch.view', scope: 'platform' },
  'POST /api/v1/batch-changes': { access: 'org.manage', scope: 'platform' },
  'GET /api/v1/batch-changes/:id': { access: 'batch.view', scope: 'platform' },
  'GET /api/v1/batch-changes/:id/versions': { access: 'batch.view', scope: 'platform' },
  'POST /api/v1/batch-changes/:id/approve': { access: 'batch.approve', scope: 'platform' },
  'POST /api/v1/batch-changes/:id/reject': { access: 'batch.approve', scope: 'platform' },
  // The catalog: published entries are reference data for everyone signed in; drafts, work
  // queues and projects are scoped to the provider unit (out-of-scope cases in catalog.test.ts).
  'GET /api/v1/catalog/vocabularies': { access: 'public', scope: 'none' },
  'GET /api/v1/catalog/search': { access: 'user', scope: 'reference' },
  'GET /api/v1/catalog/dcat': { access: 'user', scope: 'reference' },
  'POST /api/v1/catalog/compliance-check': { access: 'catalog.edit', scope: 'reference' },
  'GET /api/v1/catalog/entries': { access: 'user', scope: 'scoped' },
  'POST /api/v1/catalog/entries': { access: 'catalog.edit', scope: 'scoped' },
  'GET /api/v1/catalog/entries/:id': { access: 'user', scope: 'scoped' },
  'PUT /api/v1/catalog/entries/:id/draft': { access: 'catalog.edit', scope: 'scoped' },
  'POST /api/v1/catalog/entries/:id/actions': { access: 'user', scope: 'scoped' },
  'GET /api/v1/catalog/entries/:id/versions/:version': { access: 'user', scope: 'scoped' },
  'GET /api/v1/catalog/projects': { access: 'user', scope: 'scoped' },
  'POST /api/v1/catalog/projects': { access: 'catalog.edit', scope: 'scoped' },
  'GET /api/v1/catalog/projects/:id': { access: 'user', scope: 'scoped' },
  'POST /api/v1/catalog/projects/:id/decision': { access: 'catalog.publish', scope: 'scoped' },
  // The data store: the provider's own staff only (data.test.ts refuses other units).
  'POST /api/v1/catalog/entries/:id/imports': { access: 'data.enter', scope: 'scoped' },
  'GET /api/v1/catalog/entries/:id/imports': { access: 'user', scope: 'scoped' },
  'GET /api/v1/data/imports/:id': { access: 'user', scope: 'scoped' },
  'GET /api/v1/data/imports/:id/report': { access: 'user', scope: 'scoped' },
  'GET /api/v1/catalog/entries/:id/rows': { access: 'user', scope: 'scoped' },
  'GET /api/v1/catalog/entries/:id/rows/:key': { access: 'user', scope: 'scoped' },
  'PUT /api/v1/catalog/entries/:id/rows': { access: 'data.enter', scope: 'scoped' },
  // Sharing: the parties of a request and the province's platform staff (sharing.test.ts
  // refuses other units with 404).
  'GET /api/v1/sharing/policy': { access: 'user', scope: 'reference' },
  'PUT /api/v1/sharing/policy': { access: 'sharing.manage', scope: 'platform' },
  'POST /api/v1/sharing/requests': { access: 'sharing.request', scope: 'scoped' },
  'GET /api/v1/sharing/requests': { access: 'user', scope: 'scoped' },
  'GET /api/v1/sharing/requests/:id': { access: 'user', scope: 'scoped' },
  'POST /api/v1/sharing/requests/:id/actions': { access: 'user', scope: 'scoped' },
  'GET /api/v1/sharing/requests/:id/sheet': { access: 'user', scope: 'scoped' },
  'GET /api/v1/sharing/grants': { access: 'user', scope: 'scoped' },
  'POST /api/v1/sharing/grants/:id/revoke': { access: 'user', scope: 'scoped' },
  'POST /api/v1/sharing/grants/:id/error-reports': { access: 'sharing.request', scope: 'scoped' },
  'POST /api/v1/sharing/error-reports/:id/answer': { access: 'sharing.approve', scope: 'scoped' },
  'GET /api/v1/sharing/supervision': { access: 'sharing.supervise', scope: 'platform' },
  'GET /api/v1/notifications': { access: 'user', scope: 'own' },
  'POST /api/v1/notifications/:id/read': { access: 'user', scope: 'own' },
  'POST /api/v1/notifications/read-all': { access: 'user', scope: 'own' },
  // Exchange: credential management by the consumer's staff; machine calls are signed with a
  // credential (exchange.test.ts covers the signature checks).
  'GET /api/v1/exchange/credentials': { access: 'sharing.request', scope: 'scoped' },
  'POST /api/v1/exchange/credentials': { access: 'sharing.request', scope: 'scoped' },
  'POST /api/v1/exchange/credentials/:id/revoke': { access: 'sharing.request', scope: 'scoped' },
  'POST /api/v1/exchange/verify': { access: 'credential', scope: 'scoped' },
  'POST /api/v1/exchange/query': { access: 'credential', scope: 'scoped' },
  'GET /api/v1/exchange/batch': { access: 'credential', scope: 'scoped' },
  'GET /api/v1/exchange/batch/manifest': { access: 'credential', scope: 'scoped' },
  // Interfaces of published entries are reference data; registering them is the platform's
  // catalog manager's, within its division; usage figures are filtered by unit or division
  // (interfaces.test.ts and usage.test.ts cover the scope).
  'GET /api/v1/catalog/entries/:id/interfaces': { access: 'user', scope: 'reference' },
  'POST /api/v1/catalog/entries/:id/interfaces': { access: 'catalog.publish', scope: 'scoped' },
  'POST /api/v1/exchange/interfaces/:code/retire': { access: 'catalog.publish', scope: 'scoped' },
  'GET /api/v1/exchange/usage': { access: 'user', scope: 'scoped' },
  // Subscriptions (EXC-04): the consumer unit's staff, on their own unit's grants
  // (subscriptions.test.ts covers other units); the SM2 key that verifies pushes is public.
  'GET /api/v1/exchange/subscriptions': { access: 'sharing.request', scope: 'scoped' },
  'POST /api/v1/exchange/subscriptions': { access: 'sharing.request', scope: 'scoped' },
  'POST /api/v1/exchange/subscriptions/:id/cancel': { access: 'sharing.request', scope: 'scoped' },
  'GET /api/v1/exchange/subscriptions/:id/deliveries': {
    access: 'sharing.request',
    scope: 'scoped',
  },
  'POST /api/v1/exchange/subscriptions/:id/requeue': {
    access: 'sharing.request',
    scope: 'scoped',
  },
  'GET /api/v1/exchange/webhook-key': { access: 'public', scope: 'none' },
  // Front-end processors (EXC-06): the provider unit's administrator registers nodes and
  // assigns resources; nodes sign their own calls (frontend.test.ts covers the signature).
  'GET /api/v1/frontend/nodes': { access: 'account.manage_unit', scope: 'scoped' },
  'POST /api/v1/frontend/nodes': { access: 'account.manage_unit', scope: 'scoped' },
  'PATCH /api/v1/frontend/nodes/:id': { access: 'account.manage_unit', scope: 'scoped' },
  'POST /api/v1/frontend/nodes/:id/revoke': { access: 'account.manage_unit', scope: 'scoped' },
  'GET /api/v1/frontend/resources': { access: 'account.manage_unit', scope: 'scoped' },
  'PUT /api/v1/frontend/resources/:id/mapping': { access: 'account.manage_unit', scope: 'scoped' },
  'DELETE /api/v1/frontend/resources/:id/mapping': {
    access: 'account.manage_unit',
    scope: 'scoped',
  },
  'GET /api/v1/frontend/publications': { access: 'account.manage_unit', scope: 'scoped' },
  'GET /api/v1/frontend/node/resource': { access: 'credential', scope: 'scoped' },
  'POST /api/v1/frontend/node/publications': { access: 'credential', scope: 'scoped' },
  'POST /api/v1/frontend/node/publications/:id/chunks': { access: 'credential', scope: 'scoped' },
  'POST /api/v1/frontend/node/publications/:id/commit': { access: 'credential', scope: 'scoped' },
  // Reconciliation (COL-07): each unit its own report, supervisors their division's.
  'GET /api/v1/reconciliation/report': { access: 'user', scope: 'scoped' },
  'POST /api/v1/reconciliation/receipts': { access: 'credential', scope: 'scoped' },
  // The veterans' benefit registry: every route is scoped to the caller's division and level
  // (registry.test.ts refuses records out of scope with 403 registry.out_of_scope).
  'GET /api/v1/registry/overview': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/vocabularies': { access: 'registry.read', scope: 'reference' },
  'GET /api/v1/registry/categories': { access: 'registry.read', scope: 'reference' },
  'PUT /api/v1/registry/categories/:code': { access: 'registry.manage', scope: 'platform' },
  'GET /api/v1/registry/certificate-rules': { access: 'registry.read', scope: 'reference' },
  'PUT /api/v1/registry/certificate-rules': { access: 'registry.manage', scope: 'platform' },
  'PUT /api/v1/registry/deadline': { access: 'registry.manage', scope: 'platform' },
  'POST /api/v1/registry/lock': { access: 'registry.manage', scope: 'platform' },
  'POST /api/v1/registry/unlock': { access: 'registry.manage', scope: 'platform' },
  'GET /api/v1/registry/incomplete-units': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/records': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/records.xlsx': { access: 'registry.read', scope: 'scoped' },
  'POST /api/v1/registry/records': { access: 'registry.enter', scope: 'scoped' },
  'GET /api/v1/registry/records/:id': { access: 'registry.read', scope: 'scoped' },
  'PUT /api/v1/registry/records/:id': { access: 'registry.enter', scope: 'scoped' },
  'POST /api/v1/registry/records/:id/discard': { access: 'registry.enter', scope: 'scoped' },
  'POST /api/v1/registry/records/:id/attachments': { access: 'registry.enter', scope: 'scoped' },
  'GET /api/v1/registry/records/:id/attachments/:attachmentId': {
    access: 'registry.read',
    scope: 'scoped',
  },
  'DELETE /api/v1/registry/records/:id/attachments/:attachmentId': {
    access: 'registry.enter',
    scope: 'scoped',
  },
  'POST /api/v1/registry/records/:id/id-verification': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/records/:id/history': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/records/:id/form': { access: 'registry.read', scope: 'scoped' },
  'POST /api/v1/registry/records/:id/certificate': { access: 'registry.approve', scope: 'scoped' },
  'POST /api/v1/registry/records/:id/requests': { access: 'registry.enter', scope: 'scoped' },
  'GET /api/v1/registry/queue': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/queue.xlsx': { access: 'registry.read', scope: 'scoped' },
  'POST /api/v1/registry/requests/bulk': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/requests/:id': { access: 'registry.read', scope: 'scoped' },
  'PUT /api/v1/registry/requests/:id': { access: 'registry.enter', scope: 'scoped' },
  'POST /api/v1/registry/requests/:id/actions': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/problems': { access: 'registry.read', scope: 'scoped' },
  'POST /api/v1/registry/problems/screen': { access: 'registry.manage', scope: 'platform' },
  'POST /api/v1/registry/problems/:id/resolve': { access: 'registry.check', scope: 'scoped' },
  'POST /api/v1/registry/imports': { access: 'registry.enter', scope: 'scoped' },
  'POST /api/v1/registry/historical-imports': { access: 'registry.manage', scope: 'platform' },
  'GET /api/v1/registry/quality': { access: 'registry.read', scope: 'scoped' },
  'GET /api/v1/registry/backups': { access: 'registry.read', scope: 'reference' },
  'POST /api/v1/registry/backups': { access: 'registry.manage', scope: 'platform' },
  'GET /api/v1/registry/catalog-link': { access: 'registry.read', scope: 'reference' },
  'PUT /api/v1/registry/catalog-link': { access: 'registry.manage', scope: 'platform' },
  // Open data for the public (CAT-09).
  'GET /api/v1/open/catalog': { access: 'public', scope: 'none' },
  'GET /api/v1/open/catalog/:code': { access: 'public', scope: 'none' },
  'GET /api/v1/open/catalog/:code/data': { access: 'public', scope: 'none' },
  'GET /api/v1/open/dcat': { access: 'public', scope: 'none' },
};

/** Routes that end or lock the session get a fresh sign-in for each call. */
const sessionChanging = new Set(['POST /api/v1/auth/logout', 'POST /api/v1/auth/lock']);

for (const engine of testEngines()) {
  describe(`route × role × scope (${engine})`, () => {
    let t: TestPlatform;
    const ids: Record<string, string> = {};
    const usernames = new Map<Role, string>();
    const sessions = new Map<Role, Caller>();

    before(async () => {
      t = await createTestPlatform(engine);
      const unit = async (name: string, divisionCode: string) =>
        (
          await t.services.org.createUnit({
            name,
            divisionCode,
            type: 'agency',
            creditCode: null,
            parentUnitId: null,
          })
        ).id;
      ids.centre = await unit('河北省数据中心', '130000');
      ids.unitA = await unit('石家庄市民政局', '130100');
      ids.unitB = await unit('唐山市民政局', '130200');
      ids.unitOutside = await unit('山西省民政厅', '140000');
      // One account per role: administrators of the platform at the centre, the rest in unit A.
      for (const role of allRoles) {
        const home = roles[role].kind === 'platform' ? ids.centre : ids.unitA;
        const caller = await t.userWith([role], home);
        usernames.set(role, caller.username);
        sessions.set(role, caller);
        ids[`user:${role}`] = caller.userId;
      }
      const make = (username: string, unitId: string, role: Role) =>
        withTransaction(t.handle.db, (tx) =>
          t.services.iam.createUser(tx, {
            username,
            displayName: username,
            unitId,
            password: TEST_PASSWORD,
            roles: [role],
            mustChangePassword: false,
          }),
        );
      ids.adminOutside = await make('outside_admin', ids.unitOutside, 'unit_admin');
      ids.adminB = await make('b_admin', ids.unitB, 'unit_admin');
      ids.businessA = await make('a_business', ids.unitA, 'data_entry');
      ids.businessB = await make('b_business', ids.unitB, 'data_entry');
    });
    after(() => t.close());

    test('[SEC-01] every API route is in the access table, with the access it declares', () => {
      const declared = new Map(
        t.app.accessTable
          .filter((r) => r.method !== 'HEAD' && !r.url.startsWith('/api/docs'))
          .map((r) => [`${r.method} ${r.url}`, r.access]),
      );
      const missing = [...declared.keys()].filter((k) => !(k in table));
      assert.deepEqual(
        missing,
        [],
        'routes missing from the access table: add them with their expected access',
      );
      const gone = Object.keys(table).filter((k) => !declared.has(k));
      assert.deepEqual(gone, [], 'table rows for routes that no longer exist');
      for (const [key, row] of Object.entries(table))
        assert.equal(declared.get(key), row.access, key);
    });

    /** The request for a route, its parameters filled with in-scope values. */
    function pathOf(key: string, id?: string): string {
      const url = key.split(' ')[1]!;
      // Targets hold no session of the test, so a password reset on them ends nothing.
      const idFor = url.startsWith('/api/v1/unit-admins') ? ids.adminB! : ids.businessA!;
      return url
        .replace(
          ':id',
          id ??
            (url.startsWith('/api/v1/units')
              ? ids.unitA!
              : url.startsWith('/api/v1/auth/tokens')
                ? '00000000-0000-7000-8000-000000000000'
                : idFor),
        )
        .replace(':entityType', 'units')
        .replace(':entityId', ids.unitA!)
        .replace(':code', '130100')
        .replace(':date', '2027-01-01')
        .concat(
          url.endsWith('/calendar')
            ? '?year=2026'
            : url.endsWith('add-working-days')
              ? '?from=2026-03-02&days=1'
              : '',
        );
    }

    async function callerFor(role: Role, key: string): Promise<Caller> {
      if (sessionChanging.has(key)) return t.login(usernames.get(role)!, TEST_PASSWORD);
      return sessions.get(role)!;
    }

    test('[ORG-04] [SEC-01] each role reaches exactly the routes its permissions allow; anonymous callers only public ones', async () => {
      const failures: string[] = [];
      for (const [key, row] of Object.entries(table)) {
        const method = key.split(' ')[0]!;
        const anonymous = await t.http(method, pathOf(key));
        const anonymousDenied = anonymous.status === 401;
        if (anonymousDenied !== (row.access !== 'public'))
          failures.push(`anonymous ${key} → ${anonymous.status}`);
        for (const role of allRoles) {
          const allowed =
            row.access === 'public' ||
            row.access === 'user' ||
            (roles[role].permissions as readonly string[]).includes(row.access);
          const res = await t.http(method, pathOf(key), { as: await callerFor(role, key) });
          const denied =
            res.status === 401 ||
            (res.status === 403 && res.body?.code === 'auth.permission_denied');
          if (denied === allowed)
            failures.push(
              `${role} ${key} → ${res.status} ${res.body?.code ?? ''} (expected ${allowed ? 'allow' : 'deny'})`,
            );
        }
      }
      assert.deepEqual(failures, []);
    });

    test('[ORG-04] [SEC-01] scoped routes refuse data outside the caller’s unit or division', async () => {
      const unitAdmin = sessions.get('unit_admin')!;
      const accountAdmin = sessions.get('account_admin')!;
      const cases: { key: string; as: Caller; id?: string; body?: unknown; expect: number }[] = [];
      for (const [key, row] of Object.entries(table)) {
        if (row.scope !== 'scoped') continue;
        if (!key.includes('unit-admins') && !key.includes('/accounts')) continue;
        const forAdmins = key.includes('/unit-admins');
        const as = forAdmins ? accountAdmin : unitAdmin;
        if (key.includes(':id')) {
          const body =
            key.endsWith('/disable') || key.endsWith('/enable')
              ? { reason: '越权测试' }
              : key.endsWith('/handover')
                ? { kind: 'departure', items: '越权测试', witnessId: ids['user:auditor'] }
                : key.startsWith('PATCH')
                  ? { office: '越权' }
                  : undefined;
          cases.push({
            key,
            as,
            id: forAdmins ? ids.adminOutside : ids.businessB,
            body,
            expect: 404,
          });
        }
      }
      assert.equal(cases.length, 18, 'every scoped route with an id has an out-of-scope case');
      for (const c of cases) {
        const res = await t.http(c.key.split(' ')[0]!, pathOf(c.key, c.id), {
          as: c.as,
          body: c.body,
        });
        assert.equal(res.status, c.expect, `${c.key}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.code, 'account.not_found', c.key);
      }
      // Lists and reports hold only in-scope rows.
      const unitList = await t.http('GET', '/api/v1/accounts', { as: unitAdmin });
      assert.ok(unitList.body.items.length > 0);
      assert.ok(unitList.body.items.every((a: { unitId: string }) => a.unitId === ids.unitA));
      const adminList = await t.http('GET', '/api/v1/unit-admins', { as: accountAdmin });
      assert.ok(adminList.body.items.some((a: { id: string }) => a.id === ids.adminB));
      assert.ok(!adminList.body.items.some((a: { id: string }) => a.id === ids.adminOutside));
      const review = await t.http('GET', '/api/v1/account-review', { as: unitAdmin });
      assert.ok(review.body.items.every((a: { unitId: string }) => a.unitId === ids.unitA));
      const wide = await t.http('GET', '/api/v1/account-review', { as: accountAdmin });
      assert.ok(wide.body.items.some((a: { unitId: string }) => a.unitId === ids.unitB));
      assert.ok(!wide.body.items.some((a: { unitId: string }) => a.unitId === ids.unitOutside));
      // Creating accounts outside the scope is refused.
      const outside = await t.http('POST', '/api/v1/accounts', {
        as: unitAdmin,
        body: {
          username: 'b_new',
          displayName: '外单位',
          citizenId: '11010519491231002X',
          phone: '13900000001',
          unitId: ids.unitB,
          roles: ['data_entry'],
        },
      });
      assert.equal(outside.body.code, 'account.unit_out_of_scope');
    });
  });
}
