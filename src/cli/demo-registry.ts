/**
 * The demo of the veterans' benefit registry (优抚对象信息管理): the township 正定镇 under
 * 正定县, accounts for each level (township and county entry, county re-check, city review,
 * province approval and management), certificate rules, the yearly deadline, the registry's
 * catalog entry (not shared), and records in every work queue — all made through the same
 * services the console uses, so the action logs, versions and audit trail are real.
 */
import { Readable } from 'node:stream';
import { withTransaction } from '../db/transaction.ts';
import { loadNationalTable } from '../lib/divisions/national.ts';
import { createPeopleGenerator, type Person } from '../lib/demo/people.ts';
import { makeCitizenId } from '../lib/ids/citizen-id.ts';
import { systemContext } from '../modules/audit/service.ts';
import { EntryContent } from '../modules/catalog/elements.ts';
import type { Role } from '../modules/iam/permissions.ts';
import type { RecordFields, RequestCreate } from '../modules/registry/schemas.ts';
import { DEMO_PASSWORD } from './demo-data.ts';
import { actAs, type Runtime } from './runtime.ts';

/** Townships of 正定县 added to the division table for the demo (GB/T 2260 township codes). */
const townships: [string, string][] = [
  ['130123100', '正定镇'],
  ['130123101', '诸福屯镇'],
  ['130123102', '新城铺镇'],
];

interface RegistryDemoAccount {
  username: string;
  displayName: string;
  /** Unit key: an existing demo unit, or 'zd_town' (正定镇人民政府, made here). */
  unit: string;
  role: Role;
  roleName: string;
  birth: string;
  seq: number;
  phone: string;
}

export const registryDemoAccounts: RegistryDemoAccount[] = [
  {
    username: 'zd_town_yf',
    displayName: '马晓燕',
    unit: 'zd_town',
    role: 'registry_enterer',
    roleName: '优抚信息录入员（乡镇）',
    birth: '19910305',
    seq: 204,
    phone: '13903110201',
  },
  {
    username: 'zd_yf_entry',
    displayName: '孟庆华',
    unit: 'mz_130123',
    role: 'registry_enterer',
    roleName: '优抚信息录入员（县级）',
    birth: '19880716',
    seq: 213,
    phone: '13903110202',
  },
  {
    username: 'zd_yf_check',
    displayName: '耿志远',
    unit: 'mz_130123',
    role: 'registry_checker',
    roleName: '优抚信息复核员（县级）',
    birth: '19830209',
    seq: 225,
    phone: '13903110203',
  },
  {
    username: 'sjz_yf_review',
    displayName: '田雅静',
    unit: 'mz_130100',
    role: 'registry_reviewer',
    roleName: '优抚信息审核员（市级）',
    birth: '19850922',
    seq: 236,
    phone: '13903110204',
  },
  {
    username: 'hb_yf_approve',
    displayName: '郝建军',
    unit: 'hb_mz',
    role: 'registry_approver',
    roleName: '优抚信息审批员（省级）',
    birth: '19770413',
    seq: 247,
    phone: '13903110205',
  },
  {
    username: 'hb_yf_admin',
    displayName: '苏文博',
    unit: 'hb_mz',
    role: 'registry_manager',
    roleName: '优抚信息管理员（省级）',
    birth: '19810630',
    seq: 258,
    phone: '13903110206',
  },
];

/** A small greyscale JPEG standing in for scanned ID and household register copies. */
const demoScan = Buffer.from(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQH/wAALCADIAUABAREA/8QAJgABAAAAAAAAAAAAAAAAAAAAABABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQAAPwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/9k=',
  'base64',
);

const streets = ['燕赵南大街', '常山东路', '中山西路', '兴荣路', '恒山路', '阳和街'];

/** Benefit details that fit each demo category. */
function benefitFor(category: string, i: number): RecordFields['benefit'] {
  switch (category) {
    case '11':
      return {
        disabilityGrade: (['五级', '六级', '七级', '八级'] as const)[i % 4],
        disabilityNature: (['因战', '因公', '因病'] as const)[i % 3],
        monthlyAmount: 1800 + (i % 5) * 210,
        recognisedOn: `19${80 + (i % 15)}-0${1 + (i % 9)}-15`,
      };
    case '12':
    case '13':
    case '14':
      return {
        deceasedName: ['王铁柱', '刘志刚', '张国强', '李卫东'][i % 4],
        relation: (['父母', '配偶', '子女'] as const)[i % 3],
        monthlyAmount: 2100 + (i % 4) * 150,
      };
    default:
      return {
        serviceStart: `19${60 + (i % 10)}-0${1 + (i % 9)}`,
        serviceEnd: `19${72 + (i % 10)}-1${i % 3}`,
        monthlyAmount: 900 + (i % 6) * 80,
      };
  }
}

/** Loads the registry demo (called once, by the demo loader, after the catalog and sharing). */
export async function loadDemoRegistry(
  rt: Runtime,
  unitIds: ReadonlyMap<string, string>,
): Promise<void> {
  const { org, iam, registry, catalog } = rt.services;
  const db = rt.ctx.db;

  // The townships are added to the shipped national table (an import keeps the table whole).
  const lines = ['代码,名称', ...loadNationalTable().map((d) => `${d.code},${d.name}`)];
  for (const [code, name] of townships) lines.push(`${code},${name}`);
  await org.importDivisions(
    { content: lines.join('\n'), format: 'csv', sourceName: '演示：正定县乡镇（街道）区划代码' },
    systemContext(),
  );
  const town = await org.createUnit(
    {
      name: '正定县正定镇人民政府',
      creditCode: null,
      divisionCode: '130123100',
      parentUnitId: unitIds.get('mz_130123') ?? null,
      type: 'agency',
    },
    { method: 'system' },
  );
  const units = new Map(unitIds);
  units.set('zd_town', town.id);
  await withTransaction(db, async (tx) => {
    for (const a of registryDemoAccounts) {
      await iam.createUser(tx, {
        username: a.username,
        displayName: a.displayName,
        unitId: units.get(a.unit)!,
        password: DEMO_PASSWORD,
        roles: [a.role],
        mustChangePassword: false,
        person: { citizenId: makeCitizenId('130102', a.birth, a.seq), phone: a.phone },
      });
    }
  });

  const townEntry = await actAs(rt, 'zd_town_yf');
  const countyEntry = await actAs(rt, 'zd_yf_entry');
  const checker = await actAs(rt, 'zd_yf_check');
  const reviewer = await actAs(rt, 'sjz_yf_review');
  const approver = await actAs(rt, 'hb_yf_approve');
  const manager = await actAs(rt, 'hb_yf_admin');

  // Province settings: certificate rules per category, the yearly deadline, a backup record.
  const categories = await registry.categories();
  const marks: Record<string, string> = {
    '11': '残',
    '12': '烈属',
    '13': '因公属',
    '14': '病故属',
    '21': '复员',
    '22': '带病',
    '23': '参战',
  };
  await registry.setCertificateRules(
    {
      prefix: '冀',
      rules: categories.map((c) => ({
        category: c.code,
        template: `{prefix}${marks[c.code] ?? `优${c.code}`}{division6}{year}{seq5}`,
      })),
    },
    manager.user,
    manager.by,
  );
  const now = new Date(Date.now() + 8 * 3600_000);
  const deadline = new Date(now.getTime() + 45 * 86_400_000).toISOString().slice(0, 10);
  await registry.setDeadline(
    { year: now.getUTCFullYear(), deadline, completionWorkingDays: 10 },
    manager.user,
    manager.by,
  );
  await registry.recordBackup(
    {
      at: new Date(Date.now() - 3 * 86_400_000).toISOString(),
      location: '省厅优抚数据库服务器 /backup/youfu/（基础信息，不含照片）',
      note: '月度备份',
    },
    manager.user,
    manager.by,
  );

  // The registry's catalog entry: not shared, not open (REG-12).
  const editor = await actAs(rt, 'hb_mz_catalog');
  const catReviewer = await actAs(rt, 'hb_mz_catreview');
  const platform = await actAs(rt, 'hb_platform');
  const entry = await catalog.createEntry(
    {
      content: EntryContent.parse({
        name: '优抚对象信息管理数据',
        summary:
          '全国优抚信息管理系统（河北省级）中的优抚对象身份、类别、抚恤优待和证书信息，按规定仅在民政系统内部逐级录入、审核、审批，未经民政部批准不对外提供。',
        kind: 'table',
        classification: { tree: 'department', code: '301002' },
        formatType: 'database',
        formatDetail: '数据库',
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
            rule: null,
            description: '',
          },
          {
            name: '证书编号',
            identifier: 'certificate_no',
            type: 'C',
            length: 40,
            scale: null,
            isKey: false,
            required: false,
            sensitive: false,
            rule: null,
            description: '',
          },
        ],
        sharingType: 'none',
        legalBasis:
          '《全国优抚信息管理系统部省联网及数据管理工作规范》（民办发〔2017〕28号）五(一)4：未经民政部批准，严禁对外提供和信息共享',
        openType: 'not_open',
        updateFrequency: 'realtime',
        timeliness: '实时更新',
        contactPerson: '苏文博',
        contactPhone: '0311-86012366',
        sourceSystem: '全国优抚信息管理系统（河北）',
        dataGrade: 'important',
      }),
    },
    editor.user,
    editor.by,
  );
  await catalog.act(entry.id, { action: 'submit' }, editor.user, editor.by);
  await catalog.act(entry.id, { action: 'open' }, catReviewer.user, catReviewer.by);
  await catalog.act(entry.id, { action: 'approve' }, catReviewer.user, catReviewer.by);
  await catalog.act(entry.id, { action: 'publish' }, platform.user, platform.by);
  await registry.setCatalogLink(entry.id, manager.user, manager.by);

  // Records in every queue.
  const people = createPeopleGenerator(1949, ['130123']);
  let n = 0;
  const fieldsOf = (p: Person, category: string, town: boolean): RecordFields => {
    n += 1;
    return {
      name: p.name,
      idNumber: p.citizenId,
      sex: p.sex === 'male' ? '男' : '女',
      birthDate: p.birthDate,
      ethnicity: p.ethnicity,
      divisionCode: town ? '130123100' : '130123',
      address: `河北省石家庄市正定县正定镇${streets[n % streets.length]}${10 + n}号`,
      phone: p.phone,
      categoryCode: category,
      benefit: benefitFor(category, n),
    };
  };
  type Who = Awaited<ReturnType<typeof actAs>>;
  const enter = async (who: Who, category: string, town: boolean, scans = true) => {
    const record = await registry.createRecord(
      fieldsOf(people.next(), category, town),
      who.user,
      who.by,
    );
    if (scans) {
      for (const kind of ['id_card_copy', 'household_register_copy']) {
        await registry.addAttachment(
          record.id,
          { kind, fileName: `${kind}.jpg` },
          demoScan,
          who.user,
          who.by,
        );
      }
    }
    return record;
  };
  const step = (
    id: string,
    who: Who,
    action: 'submit' | 'open' | 'pass' | 'approve' | 'return',
    note?: string,
  ) => registry.act(id, { action, ...(note ? { note } : {}) }, who.user, who.by);
  const reportUp = async (id: string) => {
    const detail = await step(id, checker, 'open');
    await registry.act(
      id,
      { action: 'report', checkedFields: detail.checkFields.map((f) => f.field) },
      checker.user,
      checker.by,
    );
  };
  const upTo = async (
    id: string,
    who: Who,
    stage: 'submitted' | 'reported' | 'passed' | 'approved',
  ) => {
    await step(id, who, 'submit');
    if (stage === 'submitted') return;
    await reportUp(id);
    if (stage === 'reported') return;
    await step(id, reviewer, 'open');
    await step(id, reviewer, 'pass');
    if (stage === 'passed') return;
    await step(id, approver, 'open');
    await step(id, approver, 'approve');
  };

  const approved = [];
  for (const [i, category] of ['11', '12', '21', '23', '11'].entries()) {
    const r = await enter(i % 2 ? countyEntry : townEntry, category, i % 2 === 0);
    await upTo(r.openRequest!.id, i % 2 ? countyEntry : townEntry, 'approved');
    approved.push(r);
  }
  for (const category of ['13', '11']) {
    const r = await enter(townEntry, category, true);
    await upTo(r.openRequest!.id, townEntry, 'passed'); // 待审批
  }
  for (const category of ['11', '14', '22']) {
    const r = await enter(countyEntry, category, false);
    await upTo(r.openRequest!.id, countyEntry, 'reported'); // 待审核 (review all once each is opened)
  }
  for (const category of ['12', '21']) {
    const r = await enter(townEntry, category, true);
    await upTo(r.openRequest!.id, townEntry, 'submitted'); // 待复核
  }
  await enter(townEntry, '11', true); // 待录入, complete
  await enter(townEntry, '23', true, false); // 待录入, scans missing
  const back = await enter(townEntry, '11', true);
  await step(back.openRequest!.id, townEntry, 'submit');
  await step(back.openRequest!.id, checker, 'open');
  await step(
    back.openRequest!.id,
    checker,
    'return',
    '残疾等级与伤残评定材料不一致，请核对评残证明后重新提交',
  );
  // A change to an approved record, waiting for the county's re-check.
  const change: RequestCreate = {
    kind: 'change',
    changes: { address: '河北省石家庄市正定县正定镇阳和街 66 号', phone: '13803119876' },
    reason: '本人搬迁，住址与联系电话变更',
  };
  const filed = await registry.fileRequest(approved[0]!.id, change, townEntry.user, townEntry.by);
  await step(filed.id, townEntry, 'submit');

  // Historical approved records from the earlier system: some without a certificate number,
  // one with problems (no ethnicity, an ID number that fails its check) for the screening.
  const old = createPeopleGenerator(1950, ['130123']);
  const rows = [
    '姓名,公民身份号码,性别,出生日期,民族,行政区划代码,住址,优抚类别,残疾等级,残疾性质,入伍时间,退伍时间,证书编号',
  ];
  for (let i = 0; i < 4; i++) {
    const p = old.next();
    rows.push(
      [
        p.name,
        p.citizenId,
        p.sex === 'male' ? '男' : '女',
        p.birthDate,
        i === 3 ? '' : p.ethnicity,
        '130123',
        `正定县新城铺镇${streets[i]}${i + 1}号`,
        i % 2 ? '在乡复员军人' : '伤残军人',
        i % 2 ? '' : '七级',
        i % 2 ? '' : '因公',
        i % 2 ? '1958-03' : '',
        i % 2 ? '1964-12' : '',
        i === 0 ? '冀残1301231998000017' : '',
      ].join(','),
    );
  }
  const invalid = old.next();
  rows.push(
    [
      invalid.name,
      `${invalid.citizenId.slice(0, 17)}${invalid.citizenId.endsWith('1') ? '2' : '1'}`,
      invalid.sex === 'male' ? '男' : '女',
      invalid.birthDate,
      invalid.ethnicity,
      '130123',
      '正定县诸福屯镇东村 8 号',
      '伤残军人',
      '六级',
      '因战',
      '',
      '',
      '',
    ].join(','),
  );
  await registry.importRecords(
    Readable.from([`${rows.join('\n')}\n`]),
    { fileName: '正定县历史优抚数据.csv', format: 'csv', mode: 'historical' },
    manager.user,
    manager.by,
  );
  await registry.screenProblems(manager.user, manager.by);
}
