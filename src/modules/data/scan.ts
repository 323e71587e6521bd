/**
 * Checks on an uploaded file before its content is read (EXC-07): the bytes must be what the
 * format says (a "CSV" that is really a ZIP, PDF or executable is refused), and the file goes
 * through a malware scanner when one is configured — ClamAV's `clamdscan` or `clamscan` when
 * installed, or any command given in MZHUB_SCAN_COMMAND that exits 0 for clean and 1 for
 * infected (the file's path is appended as the last argument).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export type ScanResult =
  | { ok: true; scanner: string | null }
  | { ok: false; code: 'import.content_type' | 'import.infected' | 'import.scan_failed'; message: string };

const magic: { name: string; bytes: number[] }[] = [
  { name: 'ZIP/XLSX/DOCX', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'PDF', bytes: [0x25, 0x50, 0x44, 0x46] },
  { name: 'Windows 可执行文件', bytes: [0x4d, 0x5a] },
  { name: 'ELF 可执行文件', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { name: 'OLE（旧版 XLS/DOC）', bytes: [0xd0, 0xcf, 0x11, 0xe0] },
  { name: 'GZIP', bytes: [0x1f, 0x8b] },
  { name: 'PNG', bytes: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'JPEG', bytes: [0xff, 0xd8, 0xff] },
];

/** What the first bytes say the file is, when it is a known binary type. */
export async function sniffBinary(path: string): Promise<string | null> {
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    for (const m of magic) {
      if (m.bytes.every((b, i) => bytes[i] === b)) return m.name;
    }
    // UTF-16 text has NUL bytes too; anything else with NULs is binary.
    const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
    if (!utf16 && bytes.includes(0)) return '二进制文件';
    return null;
  } finally {
    await fh.close();
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '')
    .split(delimiter)
    .some((dir) => dir && existsSync(join(dir, command)));
}

/** The scanner command: configured, else ClamAV when installed, else none. */
export function scannerCommand(configured: string | undefined): string[] | null {
  if (configured && configured.trim()) return configured.trim().split(/\s+/);
  if (onPath('clamdscan')) return ['clamdscan', '--no-summary', '--fdpass'];
  if (onPath('clamscan')) return ['clamscan', '--no-summary'];
  return null;
}

export async function checkUpload(
  path: string,
  format: 'csv' | 'xlsx' | 'json',
  scanner: string[] | null,
): Promise<ScanResult> {
  const binary = await sniffBinary(path);
  if (format === 'xlsx' ? binary !== 'ZIP/XLSX/DOCX' : binary !== null) {
    return {
      ok: false,
      code: 'import.content_type',
      message:
        format === 'xlsx'
          ? `文件内容不是 XLSX（检测为${binary ?? '文本文件'}）：请上传 Excel 2007 及以后版本保存的 .xlsx 文件`
          : `文件内容是${binary}，不是 ${format === 'csv' ? 'CSV' : 'JSON'} 文本：请检查是否选错了文件或扩展名`,
    };
  }
  if (!scanner) return { ok: true, scanner: null };
  const [command, ...args] = scanner;
  return new Promise((resolve) => {
    execFile(command!, [...args, path], { timeout: 120_000 }, (error, stdout) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (code === 0) resolve({ ok: true, scanner: command! });
      else if (code === 1) {
        const found = /:\s*(.+?)\s+FOUND/.exec(stdout)?.[1] ?? '恶意代码';
        resolve({ ok: false, code: 'import.infected', message: `文件未通过病毒扫描（发现：${found}），已拒收` });
      } else {
        resolve({ ok: false, code: 'import.scan_failed', message: '病毒扫描未能完成，文件未导入；请稍后重试或联系运维人员' });
      }
    });
  });
}
