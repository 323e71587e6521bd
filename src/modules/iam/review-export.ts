/** The account review report (IAM-10) as an XLSX workbook for circulation and signature. */
import ExcelJS from 'exceljs';
import { roles, isRole } from './permissions.ts';

interface ReviewReport {
  period: string;
  generatedAt: string;
  dormantDays: number;
  items: {
    username: string;
    displayName: string;
    unitName: string;
    office: string | null;
    roles: string[];
    status: 'active' | 'disabled';
    lastLoginAt: string | null;
    createdAt: string;
    removalReasons: string[];
  }[];
}

const shanghai = (iso: string | null) =>
  iso
    ? new Date(new Date(iso).getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')
    : '从未登录';

export async function reviewWorkbook(report: ReviewReport): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'mzhub';
  const sheet = book.addWorksheet('账号审查');
  sheet.addRow([`账号清理审查报告（${report.period}）`]);
  sheet.addRow([
    `生成时间：${shanghai(report.generatedAt)}；超过 ${report.dormantDays} 天未登录视为长期未用`,
  ]);
  sheet.addRow([]);
  const header = sheet.addRow([
    '用户名',
    '姓名',
    '单位',
    '科室',
    '角色',
    '状态',
    '最近登录',
    '创建时间',
    '建议清理原因',
  ]);
  header.font = { bold: true };
  for (const a of report.items) {
    sheet.addRow([
      a.username,
      a.displayName,
      a.unitName,
      a.office ?? '',
      a.roles.map((r) => (isRole(r) ? roles[r].name : r)).join('、'),
      a.status === 'active' ? '启用' : '停用',
      shanghai(a.lastLoginAt),
      shanghai(a.createdAt),
      a.removalReasons.join('；'),
    ]);
  }
  sheet.columns.forEach((c) => (c.width = 18));
  return Buffer.from(await book.xlsx.writeBuffer());
}
