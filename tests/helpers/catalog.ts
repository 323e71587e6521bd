/**
 * Catalog fixtures for API tests: a provider unit with its catalog editor, two reviewers and
 * a data-entry clerk, a consumer unit, the platform's catalog manager, and a complete entry.
 */
import assert from 'node:assert/strict';
import { makeCreditCode } from '../../src/lib/ids/credit-code.ts';
import type { EntryContent } from '../../src/modules/catalog/elements.ts';
import type { Caller, TestPlatform } from './platform.ts';

type User = Caller & { userId: string; username: string };

export interface CatalogCast {
  providerUnitId: string;
  consumerUnitId: string;
  editor: User;
  reviewer: User;
  reviewer2: User;
  clerk: User;
  manager: User;
  consumer: User;
}

let unitSerial = 0;

export async function catalogCast(t: TestPlatform): Promise<CatalogCast> {
  const manager = await t.userWith(['platform_manager']);
  const unit = async (name: string) => {
    unitSerial += 1;
    const res = await t.http('POST', '/api/v1/units', {
      as: manager,
      body: {
        name,
        divisionCode: '130000',
        type: 'agency',
        creditCode: makeCreditCode({
          authority: '1',
          orgType: '1',
          division: '130000',
          body8: String(10_000_000 + unitSerial * 7919).slice(0, 8),
        }),
      },
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const providerUnitId = await unit(`河北省民政厅${unitSerial}`);
  const consumerUnitId = await unit(`河北省人力资源和社会保障厅${unitSerial}`);
  return {
    providerUnitId,
    consumerUnitId,
    manager,
    editor: await t.userWith(['catalog_editor'], providerUnitId),
    reviewer: await t.userWith(['catalog_reviewer'], providerUnitId),
    reviewer2: await t.userWith(['catalog_reviewer'], providerUnitId),
    clerk: await t.userWith(['data_entry'], providerUnitId),
    consumer: await t.userWith(['catalog_editor', 'data_entry'], consumerUnitId),
  };
}

/** A complete, compliant structured entry (优抚对象基础信息). */
export function completeEntry(overrides: Partial<EntryContent> = {}): Partial<EntryContent> {
  return {
    name: '优抚对象基础信息',
    summary: '全省在册优抚对象的身份、类别、所在地和抚恤补助标准等基础信息，按月更新。',
    kind: 'table',
    classification: { tree: 'department', code: '301002' },
    formatType: 'database',
    formatDetail: 'csv',
    dataItems: [
      {
        name: '公民身份号码',
        identifier: 'id_number',
        type: 'C',
        length: 18,
        scale: null,
        isKey: true,
        required: true,
        sensitive: true,
        rule: { kind: 'citizen_id' },
        description: '',
      },
      {
        name: '姓名',
        identifier: 'name',
        type: 'C',
        length: 50,
        scale: null,
        isKey: false,
        required: true,
        sensitive: true,
        rule: null,
        description: '',
      },
      {
        name: '优抚类别',
        identifier: 'category',
        type: 'C',
        length: 20,
        scale: null,
        isKey: false,
        required: true,
        sensitive: false,
        rule: { kind: 'enum', values: ['伤残军人', '烈士遗属', '在乡复员军人'] },
        description: '',
      },
      {
        name: '行政区划代码',
        identifier: 'division_code',
        type: 'C',
        length: 12,
        scale: null,
        isKey: false,
        required: false,
        sensitive: false,
        rule: { kind: 'division_code' },
        description: '',
      },
      {
        name: '月抚恤金额',
        identifier: 'monthly_amount',
        type: 'Y',
        length: 10,
        scale: 2,
        isKey: false,
        required: false,
        sensitive: false,
        rule: null,
        description: '',
      },
      {
        name: '认定日期',
        identifier: 'recognised_on',
        type: 'D',
        length: null,
        scale: null,
        isKey: false,
        required: false,
        sensitive: false,
        rule: null,
        description: '',
      },
    ],
    sharingType: 'conditional',
    sharingCondition: '用于社会救助、优待抚恤资格核验，须经提供方审批',
    legalBasis: '',
    sharingMethods: ['platform_api', 'platform_table'],
    sharingScope: 'province',
    openType: 'not_open',
    updateFrequency: 'monthly',
    timeliness: '数据产生后 2 个工作日内更新',
    provisionModes: ['verify', 'query', 'batch'],
    relatedCodes: [],
    ...overrides,
  };
}

/** An openly published table with no personal data (for open-data tests). */
export function openEntry(overrides: Partial<EntryContent> = {}): Partial<EntryContent> {
  return completeEntry({
    name: '养老机构名录',
    summary: '全省登记备案的养老机构名称、地址、床位数和联系电话，向社会公开。',
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
      {
        name: '联系电话',
        identifier: 'phone',
        type: 'C',
        length: 20,
        scale: null,
        isKey: false,
        required: false,
        sensitive: false,
        rule: { kind: 'phone' },
        description: '',
      },
    ],
    sharingType: 'unconditional',
    sharingCondition: '',
    sharingScope: 'all',
    openType: 'open_unconditional',
    provisionModes: ['query', 'batch', 'file'],
    ...overrides,
  });
}

/** Creates an entry and takes it through review to publication; returns its detail. */
export async function publishEntry(
  t: TestPlatform,
  cast: CatalogCast,
  content: Partial<EntryContent>,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
): Promise<any> {
  const created = await t.http('POST', '/api/v1/catalog/entries', {
    as: cast.editor,
    body: { content },
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  for (const [who, action] of [
    [cast.editor, 'submit'],
    [cast.reviewer, 'open'],
    [cast.reviewer, 'approve'],
    [cast.manager, 'publish'],
  ] as const) {
    const res = await t.http('POST', `/api/v1/catalog/entries/${id}/actions`, {
      as: who,
      body: { action },
    });
    assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
  }
  return (await t.http('GET', `/api/v1/catalog/entries/${id}`, { as: cast.editor })).body;
}
