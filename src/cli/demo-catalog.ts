/**
 * The demo catalog: entries of 河北省民政厅 compiled, reviewed and published through the
 * same services the console uses (so the audit trail and action logs are real), and demo
 * rows loaded through the import path.
 */
import { Readable } from 'node:stream';
import { createPeopleGenerator } from '../lib/demo/people.ts';
import type { DataItem, EntryContent } from '../modules/catalog/elements.ts';
import { EntryContent as EntryContentSchema } from '../modules/catalog/elements.ts';
import { actAs, type Runtime } from './runtime.ts';

const item = (
  name: string,
  identifier: string,
  type: DataItem['type'],
  length: number | null,
  extra: Partial<DataItem> = {},
): DataItem => ({
  name,
  identifier,
  type,
  length,
  scale: null,
  isKey: false,
  required: false,
  sensitive: false,
  rule: null,
  description: '',
  ...extra,
});

const recipientsItems: DataItem[] = [
  item('公民身份号码', 'id_number', 'C', 18, {
    isKey: true,
    required: true,
    sensitive: true,
    rule: { kind: 'citizen_id' },
  }),
  item('姓名', 'name', 'C', 50, { required: true, sensitive: true }),
  item('性别', 'sex', 'C', 2, { rule: { kind: 'enum', values: ['男', '女'] } }),
  item('优抚类别', 'category', 'C', 20, {
    required: true,
    rule: {
      kind: 'enum',
      values: ['伤残军人', '烈士遗属', '因公牺牲军人遗属', '病故军人遗属', '在乡复员军人'],
    },
  }),
  item('行政区划代码', 'division_code', 'C', 12, { rule: { kind: 'division_code' } }),
  item('月抚恤金额', 'monthly_amount', 'Y', 10, { scale: 2 }),
  item('认定日期', 'recognised_on', 'D', null),
];

const common = {
  formatType: 'database' as const,
  formatDetail: 'csv',
  sharingScope: 'province' as const,
  sharingMethods: ['platform_api', 'platform_table'] as EntryContent['sharingMethods'],
  updateFrequency: 'monthly' as const,
  timeliness: '数据产生后 2 个工作日内更新',
  contactPerson: '陈晓燕',
  contactPhone: '0311-86012345',
  sourceSystem: '全国优抚信息管理系统（河北）',
};

/** Entries to publish, then one left awaiting review so the queues are not empty. */
function demoEntries(): {
  content: Partial<EntryContent>;
  publish: boolean;
  rows?: 'recipients' | 'elderly';
}[] {
  return [
    {
      content: {
        ...common,
        name: '优抚对象基础信息',
        summary:
          '全省在册优抚对象的身份、类别、所在地和抚恤补助标准，供社会救助、优待抚恤资格核验使用。',
        kind: 'table',
        classification: { tree: 'department', code: '301002' },
        dataItems: recipientsItems,
        sharingType: 'conditional',
        sharingCondition: '用于社会救助、优待抚恤资格核验，须经提供方审批，仅限核验所需字段',
        openType: 'not_open',
        provisionModes: ['verify', 'query', 'batch'],
        dataGrade: 'important',
      },
      publish: true,
      rows: 'recipients',
    },
    {
      content: {
        ...common,
        name: '养老机构名录',
        summary: '全省登记备案的养老机构名称、所在区划、床位数和联系电话，向社会公开。',
        kind: 'table',
        classification: { tree: 'department', code: '301003' },
        dataItems: [
          item('机构名称', 'org_name', 'C', 100, { isKey: true, required: true }),
          item('行政区划代码', 'division_code', 'C', 6, { rule: { kind: 'division_code' } }),
          item('床位数', 'beds', 'I', 6),
          item('联系电话', 'phone', 'C', 20, { rule: { kind: 'phone' } }),
        ],
        sharingType: 'unconditional',
        sharingScope: 'all',
        openType: 'open_unconditional',
        provisionModes: ['query', 'batch', 'file'],
        dataGrade: 'general',
      },
      publish: true,
      rows: 'elderly',
    },
    {
      content: {
        ...common,
        name: '婚姻登记信息',
        summary: '结婚、离婚登记的当事人身份与登记机关、登记日期，用于婚姻状况核验。',
        kind: 'table',
        classification: { tree: 'department', code: '301004' },
        dataItems: [
          item('登记证号', 'cert_no', 'C', 30, { isKey: true, required: true }),
          item('男方公民身份号码', 'husband_id', 'C', 18, {
            sensitive: true,
            rule: { kind: 'citizen_id' },
          }),
          item('女方公民身份号码', 'wife_id', 'C', 18, {
            sensitive: true,
            rule: { kind: 'citizen_id' },
          }),
          item('登记类别', 'kind', 'C', 4, {
            required: true,
            rule: { kind: 'enum', values: ['结婚', '离婚'] },
          }),
          item('登记日期', 'registered_on', 'D', null, { required: true }),
        ],
        sharingType: 'conditional',
        sharingCondition: '仅提供比对核验结果，不提供登记原始信息',
        openType: 'not_open',
        provisionModes: ['verify'],
        updateFrequency: 'realtime',
        timeliness: '实时',
      },
      publish: true,
    },
    {
      content: {
        ...common,
        name: '社会组织登记信息',
        summary: '全省社会团体、民办非企业单位和基金会的名称、统一社会信用代码、登记机关和状态。',
        kind: 'table',
        classification: { tree: 'department', code: '301005' },
        dataItems: [
          item('统一社会信用代码', 'credit_code', 'C', 18, {
            isKey: true,
            required: true,
            rule: { kind: 'credit_code' },
          }),
          item('组织名称', 'org_name', 'C', 100, { required: true }),
          item('登记状态', 'status', 'C', 10, {
            rule: { kind: 'enum', values: ['正常', '注销', '撤销'] },
          }),
        ],
        sharingType: 'unconditional',
        sharingScope: 'all',
        openType: 'open_unconditional',
        provisionModes: ['query', 'batch'],
      },
      publish: true,
    },
    {
      content: {
        ...common,
        name: '最低生活保障对象信息',
        summary: '城乡最低生活保障对象的身份、家庭人口、保障金额与所在区划，按月更新。',
        kind: 'table',
        classification: { tree: 'department', code: '301001' },
        dataItems: [
          item('公民身份号码', 'id_number', 'C', 18, {
            isKey: true,
            required: true,
            sensitive: true,
            rule: { kind: 'citizen_id' },
          }),
          item('姓名', 'name', 'C', 50, { required: true, sensitive: true }),
          item('保障人口', 'members', 'I', 2),
          item('月保障金额', 'monthly_amount', 'Y', 10, { scale: 2 }),
        ],
        sharingType: 'conditional',
        sharingCondition: '用于社会救助对象认定与动态管理',
        openType: 'not_open',
        provisionModes: ['verify', 'query'],
      },
      publish: false,
    },
  ];
}

export async function loadDemoCatalog(rt: Runtime): Promise<void> {
  const { catalog, data } = rt.services;
  const editor = await actAs(rt, 'hb_mz_catalog');
  const reviewer = await actAs(rt, 'hb_mz_catreview');
  const platform = await actAs(rt, 'hb_platform');
  const clerk = await actAs(rt, 'hb_mz_entry');

  for (const entry of demoEntries()) {
    const content = EntryContentSchema.parse(entry.content);
    const created = await catalog.createEntry({ content }, editor.user, editor.by);
    await catalog.act(created.id, { action: 'submit' }, editor.user, editor.by);
    if (!entry.publish) continue;
    await catalog.act(created.id, { action: 'open' }, reviewer.user, reviewer.by);
    await catalog.act(created.id, { action: 'approve' }, reviewer.user, reviewer.by);
    await catalog.act(created.id, { action: 'publish' }, platform.user, platform.by);
    if (entry.rows) {
      const csv = entry.rows === 'recipients' ? recipientsCsv(300) : elderlyCsv();
      await data.startImport(
        created.id,
        Readable.from([csv]),
        { fileName: `${content.name}.csv`, format: 'csv' },
        clerk.user,
        clerk.by,
        { wait: true },
      );
    }
  }
}

function recipientsCsv(count: number): string {
  const people = createPeopleGenerator(2026, [
    '130102',
    '130104',
    '130123',
    '130202',
    '130403',
    '130602',
  ]);
  const categories = ['伤残军人', '烈士遗属', '因公牺牲军人遗属', '病故军人遗属', '在乡复员军人'];
  const lines = ['公民身份号码,姓名,性别,优抚类别,行政区划代码,月抚恤金额,认定日期'];
  for (let i = 0; i < count; i++) {
    const p = people.next();
    lines.push(
      [
        p.citizenId,
        p.name,
        p.sex === 'male' ? '男' : '女',
        categories[i % categories.length],
        p.divisionCode,
        (1200 + (i % 17) * 85.5).toFixed(2),
        `20${String(10 + (i % 15)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
      ].join(','),
    );
  }
  return lines.join('\n') + '\n';
}

function elderlyCsv(): string {
  const homes: [string, string, number, string][] = [
    ['石家庄市长安区颐养服务中心', '130102', 120, '0311-86011001'],
    ['石家庄市桥西区福寿园养老院', '130104', 260, '0311-87022002'],
    ['正定县社会福利中心', '130123', 180, '0311-88033003'],
    ['唐山市路南区康乐养老院', '130202', 150, '0315-2804004'],
    ['迁安市阳光老年公寓', '130283', 90, '0315-7605005'],
    ['邯郸市丛台区夕阳红养护院', '130403', 210, '0310-3106006'],
    ['武安市中心敬老院', '130481', 75, '0310-5707007'],
    ['保定市竞秀区康养中心', '130602', 300, '0312-3108008'],
    ['涞水县农村特困供养服务中心', '130623', 60, '0312-4509009'],
    ['定州市颐和养老院', '130682', 140, '0312-2310010'],
  ];
  return (
    ['机构名称,行政区划代码,床位数,联系电话', ...homes.map((h) => h.join(','))].join('\n') + '\n'
  );
}

/**
 * Demo sharing requests from 河北省人力资源和社会保障厅: one granted (conditional, through the
 * provider's approval), one waiting for the provider, one waiting for the platform's check.
 */
export async function loadDemoSharing(rt: Runtime): Promise<void> {
  // A project catalog of another department that plans to collect what 民政 already shares
  // (CAT-08): the check lists the duplicates and the platform cannot approve it as it is.
  const tyjr = await actAs(rt, 'hb_tyjr_catalog');
  await rt.services.catalog.createProject(
    {
      name: '退役军人服务保障信息系统（二期）',
      projectCode: 'HB-XM-2026-031',
      description: '退役军人服务中心（站）业务办理、优待证发放与帮扶援助',
      items: [
        { name: '公民身份号码', identifier: 'id_number', source: 'collect', note: '' },
        { name: '优抚类别', identifier: 'category', source: 'collect', note: '' },
        { name: '优待证号', identifier: 'card_no', source: 'collect', note: '' },
        { name: '帮扶援助记录', identifier: 'aid_records', source: 'collect', note: '' },
      ],
    },
    tyjr.user,
    tyjr.by,
  );

  const { sharing } = rt.services;
  const applicant = await actAs(rt, 'hb_rs_apply');
  const platform = await actAs(rt, 'hb_platform');
  const approver = await actAs(rt, 'hb_mz_share');
  const resources = await rt.ctx.db
    .selectFrom('catalog_resources')
    .select(['id', 'name'])
    .execute();
  const idOf = (name: string) => resources.find((r) => r.name === name)!.id;
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const inAYear = new Date(Date.now() + 8 * 3600_000 + 364 * 86_400_000).toISOString().slice(0, 10);
  const base = {
    modes: ['verify' as const],
    legalBasis: '《就业促进法》第五十二条；《河北省就业援助办法》',
    periodStart: today,
    periodEnd: inAYear,
    contactName: '郑建国',
    contactPhone: '0311-87011234',
    onwardSharing: false,
  };
  const granted = await sharing.file(
    {
      ...base,
      resourceId: idOf('优抚对象基础信息'),
      fields: ['id_number', 'name', 'category'],
      purpose: '认定就业困难人员时核验优抚对象身份与类别',
    },
    applicant.user,
    applicant.by,
  );
  await sharing.act(granted.id, { action: 'precheck_pass' }, platform.user, platform.by);
  await sharing.act(granted.id, { action: 'approve' }, approver.user, approver.by);
  await sharing.act(granted.id, { action: 'deliver' }, platform.user, platform.by);

  const waiting = await sharing.file(
    {
      ...base,
      resourceId: idOf('婚姻登记信息'),
      fields: ['cert_no', 'kind', 'registered_on'],
      purpose: '失业保险金申领时核验婚姻状况（家庭成员认定）',
    },
    applicant.user,
    applicant.by,
  );
  await sharing.act(waiting.id, { action: 'precheck_pass' }, platform.user, platform.by);

  await sharing.file(
    {
      ...base,
      resourceId: idOf('养老机构名录'),
      fields: ['org_name', 'division_code', 'beds'],
      modes: ['query'],
      purpose: '养老护理员职业技能培训定点机构遴选',
    },
    applicant.user,
    applicant.by,
  );
}
