/**
 * The demo province: 河北省 with four cities and a few counties each (real GB/T 2260 codes),
 * the units a provincial civil-affairs data platform works with, and one account per demo
 * role. Credit codes are synthetic but valid (GB 32100 check characters).
 */
import type { Role } from '../modules/iam/permissions.ts';

export const DEMO_PASSWORD = 'Demo#2026mz';

export interface DemoUnit {
  key: string;
  name: string;
  divisionCode: string;
  type: 'agency' | 'institution' | 'enterprise' | 'other';
  parent?: string;
}

/** Counties that get a civil-affairs bureau in the demo, by city. */
const demoCounties: Record<string, { city: string; counties: [string, string][] }> = {
  '130100': {
    city: '石家庄市',
    counties: [
      ['130102', '长安区'],
      ['130104', '桥西区'],
      ['130123', '正定县'],
      ['130129', '赞皇县'],
    ],
  },
  '130200': {
    city: '唐山市',
    counties: [
      ['130202', '路南区'],
      ['130224', '滦南县'],
      ['130283', '迁安市'],
    ],
  },
  '130400': {
    city: '邯郸市',
    counties: [
      ['130403', '丛台区'],
      ['130481', '武安市'],
      ['130423', '临漳县'],
    ],
  },
  '130600': {
    city: '保定市',
    counties: [
      ['130602', '竞秀区'],
      ['130623', '涞水县'],
      ['130682', '定州市'],
    ],
  },
};

export function demoUnits(): DemoUnit[] {
  const units: DemoUnit[] = [
    {
      key: 'hb_gov_data',
      name: '河北省政务数据共享交换中心',
      divisionCode: '130000',
      type: 'institution',
    },
    { key: 'hb_mz', name: '河北省民政厅', divisionCode: '130000', type: 'agency' },
    {
      key: 'hb_mz_info',
      name: '河北省民政厅信息中心',
      divisionCode: '130000',
      type: 'institution',
      parent: 'hb_mz',
    },
    { key: 'hb_tyjr', name: '河北省退役军人事务厅', divisionCode: '130000', type: 'agency' },
    { key: 'hb_ga', name: '河北省公安厅', divisionCode: '130000', type: 'agency' },
    { key: 'hb_rs', name: '河北省人力资源和社会保障厅', divisionCode: '130000', type: 'agency' },
    { key: 'hb_wj', name: '河北省卫生健康委员会', divisionCode: '130000', type: 'agency' },
    { key: 'hb_ylbz', name: '河北省医疗保障局', divisionCode: '130000', type: 'agency' },
  ];
  for (const [cityCode, { city, counties }] of Object.entries(demoCounties)) {
    const cityKey = `mz_${cityCode}`;
    units.push({
      key: cityKey,
      name: `${city}民政局`,
      divisionCode: cityCode,
      type: 'agency',
      parent: 'hb_mz',
    });
    units.push({
      key: `data_${cityCode}`,
      name: `${city}政务服务管理办公室`,
      divisionCode: cityCode,
      type: 'agency',
    });
    for (const [countyCode, county] of counties) {
      units.push({
        key: `mz_${countyCode}`,
        name: `${county}民政局`,
        divisionCode: countyCode,
        type: 'agency',
        parent: cityKey,
      });
    }
  }
  return units;
}

export interface DemoAccount {
  username: string;
  displayName: string;
  unit: string;
  roles: Role[];
  roleName: string;
  /** Synthetic person data: birth date YYYYMMDD, sequence, phone. */
  birth: string;
  seq: number;
  phone: string;
}

export const demoAccounts: DemoAccount[] = [
  {
    username: 'hb_platform',
    displayName: '王建平',
    unit: 'hb_gov_data',
    roles: ['platform_manager'],
    roleName: '平台管理员',
    birth: '19780312',
    seq: 131,
    phone: '13903110101',
  },
  {
    username: 'hb_sysadmin',
    displayName: '李志强',
    unit: 'hb_gov_data',
    roles: ['account_admin'],
    roleName: '系统管理员',
    birth: '19820506',
    seq: 151,
    phone: '13903110102',
  },
  {
    username: 'hb_secadmin',
    displayName: '张丽娟',
    unit: 'hb_gov_data',
    roles: ['security_admin'],
    roleName: '安全管理员',
    birth: '19850723',
    seq: 162,
    phone: '13903110103',
  },
  {
    username: 'hb_auditor',
    displayName: '赵文静',
    unit: 'hb_gov_data',
    roles: ['auditor'],
    roleName: '安全审计员',
    birth: '19871109',
    seq: 182,
    phone: '13903110104',
  },
  {
    username: 'hb_mz_admin',
    displayName: '刘海涛',
    unit: 'hb_mz',
    roles: ['unit_admin'],
    roleName: '单位管理员',
    birth: '19800215',
    seq: 113,
    phone: '13903110105',
  },
  {
    username: 'hb_mz_entry',
    displayName: '陈晓燕',
    unit: 'hb_mz',
    roles: ['data_entry'],
    roleName: '数据录入员',
    birth: '19900418',
    seq: 124,
    phone: '13903110106',
  },
  {
    username: 'hb_mz_review',
    displayName: '杨国庆',
    unit: 'hb_mz',
    roles: ['data_reviewer'],
    roleName: '数据审核员',
    birth: '19791001',
    seq: 135,
    phone: '13903110107',
  },
  {
    username: 'hb_mz_catalog',
    displayName: '孙雅琪',
    unit: 'hb_mz',
    roles: ['catalog_editor'],
    roleName: '目录编制员',
    birth: '19920614',
    seq: 146,
    phone: '13903110108',
  },
  {
    username: 'hb_mz_catreview',
    displayName: '周明辉',
    unit: 'hb_mz',
    roles: ['catalog_reviewer'],
    roleName: '目录审核员',
    birth: '19830927',
    seq: 157,
    phone: '13903110109',
  },
  {
    username: 'hb_mz_share',
    displayName: '吴红梅',
    unit: 'hb_mz',
    roles: ['sharing_approver'],
    roleName: '共享审批员',
    birth: '19810322',
    seq: 168,
    phone: '13903110110',
  },
  {
    username: 'hb_rs_apply',
    displayName: '郑建国',
    unit: 'hb_rs',
    roles: ['sharing_applicant'],
    roleName: '共享申请员',
    birth: '19860705',
    seq: 179,
    phone: '13903110111',
  },
  {
    username: 'hb_sjz_apply',
    displayName: '冯晓丽',
    unit: 'data_130100',
    roles: ['sharing_applicant'],
    roleName: '共享申请员',
    birth: '19930218',
    seq: 184,
    phone: '13903110112',
  },
  {
    username: 'hb_tyjr_catalog',
    displayName: '韩志刚',
    unit: 'hb_tyjr',
    roles: ['catalog_editor'],
    roleName: '目录编制员',
    birth: '19840812',
    seq: 191,
    phone: '13903110113',
  },
];
