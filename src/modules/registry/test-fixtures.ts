/**
 * Registry fixtures for the API tests: the civil-affairs units of one province down to a
 * township (正定县正定镇), one account per registry role and level, certificate rules, and
 * helpers that enter a record with its scans and walk it up the levels over HTTP.
 */
import assert from 'node:assert/strict';
import { makeCitizenId } from '../../lib/ids/citizen-id.ts';
import { loadNationalTable } from '../../lib/divisions/national.ts';
import { systemContext } from '../audit/service.ts';
import { makeJpeg } from '../../../tests/helpers/jpeg.ts';
import type { Caller, TestPlatform } from '../../../tests/helpers/platform.ts';

export type User = Caller & { userId: string; username: string };

export interface RegistryCast {
  units: Record<'province' | 'city' | 'county' | 'township' | 'otherCounty' | 'otherCity', string>;
  townEntry: User;
  countyEntry: User;
  checker: User;
  reviewer: User;
  approver: User;
  manager: User;
  otherChecker: User;
  otherReviewer: User;
}

/** 正定镇 and 诸福屯镇: township divisions under 正定县 (130123), added to the national table. */
export const townships: [string, string][] = [
  ['130123100', '正定镇'],
  ['130123101', '诸福屯镇'],
];

export async function addTownships(t: TestPlatform): Promise<void> {
  const known = await t.handle.db
    .selectFrom('divisions')
    .select('code')
    .where('code', '=', townships[0]![0])
    .executeTakeFirst();
  if (known) return;
  const lines = ['代码,名称', ...loadNationalTable().map((d) => `${d.code},${d.name}`)];
  for (const [code, name] of townships) lines.push(`${code},${name}`);
  await t.services.org.importDivisions(
    { content: lines.join('\n'), format: 'csv', sourceName: '测试：正定县乡镇区划' },
    systemContext(),
  );
}

export async function registryCast(t: TestPlatform): Promise<RegistryCast> {
  await addTownships(t);
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
  const units = {
    province: await unit('河北省民政厅', '130000'),
    city: await unit('石家庄市民政局', '130100'),
    county: await unit('正定县民政局', '130123'),
    township: await unit('正定县正定镇人民政府', '130123100'),
    otherCounty: await unit('赞皇县民政局', '130129'),
    otherCity: await unit('唐山市民政局', '130200'),
  };
  const cast: RegistryCast = {
    units,
    townEntry: await t.userWith(['registry_enterer'], units.township),
    countyEntry: await t.userWith(['registry_enterer'], units.county),
    checker: await t.userWith(['registry_checker'], units.county),
    reviewer: await t.userWith(['registry_reviewer'], units.city),
    approver: await t.userWith(['registry_approver'], units.province),
    manager: await t.userWith(['registry_manager'], units.province),
    otherChecker: await t.userWith(['registry_checker'], units.otherCounty),
    otherReviewer: await t.userWith(['registry_reviewer'], units.otherCity),
  };
  const rules = await t.http('PUT', '/api/v1/registry/certificate-rules', {
    as: cast.manager,
    body: {
      prefix: '冀',
      rules: ['11', '12', '13', '14', '21', '22', '23'].map((category) => ({
        category,
        template: '{prefix}{category}{division6}{year}{seq5}',
      })),
    },
  });
  assert.equal(rules.status, 200, JSON.stringify(rules.body));
  return cast;
}

let serial = 0;
/** A fresh valid ID number (born 1950-1960, in 正定县). */
export function nextId(birth = '19520301'): string {
  serial += 1;
  return makeCitizenId('130123', birth, 100 + (serial % 800));
}

const surnames = '李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const given = ['长顺', '建国', '秀英', '桂兰', '振华', '玉珍', '德明', '淑芬', '国庆', '凤英'];

/** A distinct name per call, so records are not flagged as duplicates of each other. */
export function nextName(): string {
  serial += 1;
  return `${surnames[serial % surnames.length]}${given[Math.floor(serial / surnames.length) % given.length]}${'一二三四五六七八九十'[Math.floor(serial / 200) % 10]}`;
}

export function recordBody(overrides: Record<string, unknown> = {}) {
  return {
    name: nextName(),
    idNumber: nextId(),
    ethnicity: '汉族',
    divisionCode: '130123100',
    address: '河北省石家庄市正定县正定镇燕赵南大街 18 号',
    phone: '13903110188',
    categoryCode: '11',
    benefit: { disabilityGrade: '六级', disabilityNature: '因公', monthlyAmount: 2360 },
    ...overrides,
  };
}

/** Small valid JPEGs of each required kind. */
export const idCopy = () => makeJpeg({ width: 320, height: 200 });
export const householdCopy = () => makeJpeg({ width: 640, height: 480 });

export async function upload(
  t: TestPlatform,
  as: Caller,
  recordId: string,
  kind: string,
  bytes: Buffer,
  fileName = `${kind}.jpg`,
) {
  return t.http(
    'POST',
    `/api/v1/registry/records/${recordId}/attachments?kind=${kind}&fileName=${encodeURIComponent(fileName)}`,
    { as, raw: bytes, headers: { 'content-type': 'image/jpeg' } },
  );
}

/** Enters a complete record (with both required scans) and returns its detail. */
export async function enterRecord(
  t: TestPlatform,
  as: Caller,
  overrides: Record<string, unknown> = {},
  options: { scans?: boolean } = {},
) {
  const created = await t.http<{ id: string }>('POST', '/api/v1/registry/records', {
    as,
    body: recordBody(overrides),
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  if (options.scans !== false) {
    for (const [kind, bytes] of [
      ['id_card_copy', idCopy()],
      ['household_register_copy', householdCopy()],
    ] as const) {
      const res = await upload(t, as, created.body.id, kind, bytes);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
  }
  // The record detail (RecordDetail), which the tests read as JSON.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return
  return (await t.http<any>('GET', `/api/v1/registry/records/${created.body.id}`, { as })).body;
}

export const act = (
  t: TestPlatform,
  as: Caller,
  requestId: string,
  action: string,
  extra: Record<string, unknown> = {},
) =>
  t.http('POST', `/api/v1/registry/requests/${requestId}/actions`, {
    as,
    body: { action, ...extra },
  });

/** The county's report with every check item confirmed. */
export async function report(t: TestPlatform, as: Caller, requestId: string) {
  const detail = await t.http<{ checkFields: { field: string }[] }>(
    'GET',
    `/api/v1/registry/requests/${requestId}`,
    { as },
  );
  assert.equal(detail.status, 200, JSON.stringify(detail.body));
  const opened = await act(t, as, requestId, 'open');
  assert.equal(opened.status, 200, JSON.stringify(opened.body));
  return act(t, as, requestId, 'report', {
    checkedFields: detail.body.checkFields.map((f) => f.field),
  });
}

/** Walks an open request from submission to approval; returns the approval response. */
export async function walk(
  t: TestPlatform,
  cast: RegistryCast,
  requestId: string,
  enterer: Caller = cast.townEntry,
) {
  const steps: [string, Caller, () => Promise<{ status: number; body: unknown }>][] = [
    ['submit', enterer, () => act(t, enterer, requestId, 'submit')],
    ['report', cast.checker, () => report(t, cast.checker, requestId)],
    ['open(city)', cast.reviewer, () => act(t, cast.reviewer, requestId, 'open')],
    ['pass', cast.reviewer, () => act(t, cast.reviewer, requestId, 'pass')],
    ['open(province)', cast.approver, () => act(t, cast.approver, requestId, 'open')],
  ];
  for (const [name, , step] of steps) {
    const res = await step();
    assert.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`);
  }
  return act(t, cast.approver, requestId, 'approve');
}
