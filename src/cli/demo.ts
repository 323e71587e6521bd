/**
 * `mzhub demo`: loads the demo province once (units and accounts) and returns the demo
 * accounts to print. Running it again changes nothing.
 */
import { withTransaction } from '../db/transaction.ts';
import { makeCitizenId } from '../lib/ids/citizen-id.ts';
import { makeCreditCode } from '../lib/ids/credit-code.ts';
import { DEMO_PASSWORD, demoAccounts, demoUnits } from './demo-data.ts';
import { loadDemoCatalog, loadDemoSharing } from './demo-catalog.ts';
import { loadDemoRegistry, registryDemoAccounts } from './demo-registry.ts';
import type { Runtime } from './runtime.ts';

export async function loadDemoData(rt: Runtime): Promise<{
  created: boolean;
  accounts: { username: string; password: string; role: string; unit: string }[];
}> {
  const { org, iam } = rt.services;
  const units = demoUnits();
  const unitIds = new Map<string, string>();
  const existing = await rt.ctx.db
    .selectFrom('users')
    .select('id')
    .where('username', '=', demoAccounts[0]!.username)
    .executeTakeFirst();
  const created = existing === undefined;
  if (created) {
    const policy = await iam.policy();
    await withTransaction(rt.ctx.db, async (tx) => {
      let serial = 1;
      for (const unit of units) {
        // 1 = 机构编制 (registration authority); 1 = 机关, 2 = 事业单位.
        const creditCode = makeCreditCode({
          authority: '1',
          orgType: unit.type === 'agency' ? '1' : '2',
          division: unit.divisionCode,
          body8: `0${String(13_000_000 + serial++)}`.slice(-8),
        });
        const row = await org.createUnit(
          {
            name: unit.name,
            creditCode,
            divisionCode: unit.divisionCode,
            parentUnitId: unit.parent ? (unitIds.get(unit.parent) ?? null) : null,
            type: unit.type,
          },
          { tx, method: 'system' },
        );
        unitIds.set(unit.key, row.id);
      }
      // Demo sign-in without an authenticator app; a real installation keeps the default
      // (second factor for the three administrators).
      await iam.initialisePolicy(
        tx,
        { ...policy, secondFactorRoles: [] },
        '演示环境：不强制动态口令',
      );
      for (const account of demoAccounts) {
        await iam.createUser(tx, {
          username: account.username,
          displayName: account.displayName,
          unitId: unitIds.get(account.unit)!,
          password: DEMO_PASSWORD,
          roles: account.roles,
          mustChangePassword: false,
          person: {
            citizenId: makeCitizenId('130102', account.birth, account.seq),
            phone: account.phone,
          },
        });
      }
    });
    await loadDemoCatalog(rt);
    await loadDemoSharing(rt);
    await loadDemoRegistry(rt, unitIds);
  }
  return {
    created,
    accounts: [
      ...demoAccounts.map((a) => ({
        username: a.username,
        password: DEMO_PASSWORD,
        role: a.roleName,
        unit: units.find((u) => u.key === a.unit)?.name ?? '',
      })),
      ...registryDemoAccounts.map((a) => ({
        username: a.username,
        password: DEMO_PASSWORD,
        role: a.roleName,
        unit: units.find((u) => u.key === a.unit)?.name ?? '正定县正定镇人民政府',
      })),
    ],
  };
}
