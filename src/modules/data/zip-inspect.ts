/**
 * ZIP inspection before an XLSX is opened: the "XLSX bomb" defence. An XLSX is a ZIP, and a
 * small upload can inflate to gigabytes. The central directory states every entry's sizes,
 * so it is read first (End Of Central Directory record, ZIP64 when present) and the file is
 * refused when the total or an entry's compression ratio is implausible.
 *
 * The directory could lie, and the streaming reader does not look at it: it walks the local
 * headers one after another. So, unless told otherwise, the inspection also checks that the
 * local entries are exactly the directory's (no hidden or overlapping entries) and inflates
 * each one with a byte counter, stopping as soon as it outgrows its declared size. That pass
 * runs in constant memory and costs one extra decompression, well below the cost of parsing.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { createInflateRaw } from 'node:zlib';

export interface ZipEntryInfo {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipLimits {
  /** Refuse when the entries' uncompressed sizes add up to more than this. */
  maxTotalUncompressed: number;
  /** Refuse an entry whose uncompressed/compressed ratio exceeds this. */
  maxRatio: number;
  maxEntries: number;
  /**
   * The ratio rule applies to entries larger than this (default 1 MiB): a tiny, highly
   * repetitive XML part can exceed any ratio while doing no harm.
   */
  ratioMinSize?: number;
  /** Check the local entries and inflate them with a counter (default true). */
  verifyData?: boolean;
}

export type ZipProblem = 'not_zip' | 'unsupported' | 'bomb';

export type ZipInspection =
  | { ok: true; entries: ZipEntryInfo[]; totalUncompressed: number; totalCompressed: number }
  | { ok: false; problem: ZipProblem; message: string };

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const MAX_COMMENT = 0xffff;
// 10,000 entries with generous names fit in a few MB; a bigger directory is itself a warning.
const MAX_CENTRAL_DIRECTORY = 16 * 1024 * 1024;

class Refusal extends Error {
  constructor(
    readonly problem: ZipProblem,
    message: string,
  ) {
    super(message);
  }
}

const notZip = (detail: string) =>
  new Refusal('not_zip', `文件不是有效的 ZIP 压缩包（XLSX 文件本身是 ZIP 格式）：${detail}`);

/**
 * Reads the central directory of the ZIP file at `path` and applies `limits`.
 * Never throws for a bad file (only for I/O errors such as a missing file).
 * @example
 * const r = await inspectZip('upload.xlsx', { maxTotalUncompressed: 2e9, maxRatio: 200, maxEntries: 10_000 });
 * if (!r.ok && r.problem === 'bomb') refuse(r.message);
 */
export async function inspectZip(path: string, limits: ZipLimits): Promise<ZipInspection> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const { entries, cdOffset } = await readCentralDirectory(fh, size, limits.maxEntries);
    let totalUncompressed = 0;
    let totalCompressed = 0;
    const minSize = limits.ratioMinSize ?? 1024 * 1024;
    for (const e of entries) {
      totalUncompressed += e.uncompressedSize;
      totalCompressed += e.compressedSize;
      const ratio = e.uncompressedSize / Math.max(e.compressedSize, 1);
      if (e.uncompressedSize > minSize && ratio > limits.maxRatio) {
        throw new Refusal(
          'bomb',
          `压缩包条目“${e.name}”的压缩比为 ${Math.round(ratio)}:1，超过上限 ${limits.maxRatio}:1，疑似压缩炸弹`,
        );
      }
    }
    if (totalUncompressed > limits.maxTotalUncompressed) {
      throw new Refusal(
        'bomb',
        `压缩包解压后共 ${formatBytes(totalUncompressed)}，超过上限 ${formatBytes(limits.maxTotalUncompressed)}，疑似压缩炸弹`,
      );
    }
    if (limits.verifyData !== false) {
      const dataOffsets = await checkLocalEntries(fh, entries, cdOffset);
      for (let i = 0; i < entries.length; i++) {
        await checkInflatedSize(path, entries[i]!, dataOffsets[i]!);
      }
    }
    return { ok: true, entries, totalUncompressed, totalCompressed };
  } catch (err) {
    if (err instanceof Refusal) return { ok: false, problem: err.problem, message: err.message };
    throw err;
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead < length) throw notZip('文件被截断');
  return buf;
}

async function readCentralDirectory(
  fh: FileHandle,
  size: number,
  maxEntries: number,
): Promise<{ entries: ZipEntryInfo[]; cdOffset: number }> {
  if (size < 22) throw notZip('文件太小');
  const tailLength = Math.min(size, 22 + MAX_COMMENT);
  const tailStart = size - tailLength;
  const tail = await readAt(fh, tailStart, tailLength);
  // The record is the last thing in the file except its comment, whose length it states.
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw notZip('找不到中央目录结束记录');
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0) {
    throw new Refusal('unsupported', '不支持分卷压缩的 ZIP 文件');
  }
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  const eocdAbs = tailStart + eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    if (eocdAbs < 20) throw notZip('ZIP64 定位记录缺失');
    const locator = await readAt(fh, eocdAbs - 20, 20);
    if (locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIG) throw notZip('ZIP64 定位记录缺失');
    const z64 = await readAt(fh, safeNumber(locator.readBigUInt64LE(8)), 56);
    if (z64.readUInt32LE(0) !== ZIP64_EOCD_SIG) throw notZip('ZIP64 目录结束记录无效');
    count = safeNumber(z64.readBigUInt64LE(32));
    cdSize = safeNumber(z64.readBigUInt64LE(40));
    cdOffset = safeNumber(z64.readBigUInt64LE(48));
  }
  if (count > maxEntries) {
    throw new Refusal('bomb', `压缩包含有 ${count} 个条目，超过上限 ${maxEntries} 个`);
  }
  if (count === 0) throw notZip('压缩包是空的');
  if (cdOffset + cdSize > eocdAbs) throw notZip('中央目录位置无效');
  if (cdSize > MAX_CENTRAL_DIRECTORY) {
    throw new Refusal('bomb', `压缩包的中央目录过大（${formatBytes(cdSize)}）`);
  }

  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntryInfo[] = [];
  let p = 0;
  for (let n = 0; n < count; n++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL_SIG) throw notZip('中央目录条目无效');
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressedSize = cd.readUInt32LE(p + 24);
    const nameLength = cd.readUInt16LE(p + 28);
    const extraLength = cd.readUInt16LE(p + 30);
    const commentLength = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const end = p + 46 + nameLength + extraLength + commentLength;
    if (end > cd.length) throw notZip('中央目录条目无效');
    const nameBytes = cd.subarray(p + 46, p + 46 + nameLength);
    const name = nameBytes.toString(flags & 0x800 ? 'utf8' : 'latin1');
    // ZIP64 extended information: the 8-byte values of the fields set to 0xFFFFFFFF.
    const extra = cd.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
    for (let q = 0; q + 4 <= extra.length; ) {
      const id = extra.readUInt16LE(q);
      const len = extra.readUInt16LE(q + 2);
      if (id === 0x0001) {
        let r = q + 4;
        const next = (): number => {
          if (r + 8 > q + 4 + len) throw notZip('ZIP64 扩展字段无效');
          const v = safeNumber(extra.readBigUInt64LE(r));
          r += 8;
          return v;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = next();
      }
      q += 4 + len;
    }
    if (flags & 0x1) throw new Refusal('unsupported', `压缩包条目“${name}”已加密，无法读取`);
    if (method !== 0 && method !== 8) {
      throw new Refusal('unsupported', `压缩包条目“${name}”使用了不支持的压缩方式（${method}）`);
    }
    if (method === 0 && compressedSize !== uncompressedSize) {
      throw notZip(`条目“${name}”的大小记录不一致`);
    }
    entries.push({ name, method, flags, compressedSize, uncompressedSize, localHeaderOffset });
    p = end;
  }
  return { entries, cdOffset };
}

function safeNumber(v: bigint): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Refusal('bomb', 'ZIP64 记录中的数值过大');
  return Number(v);
}

/**
 * The local entries must tile the file up to the central directory in directory order of
 * offsets: starting at 0, no gaps except data descriptors, no overlaps. A reader that walks
 * local headers then sees exactly the entries whose sizes were checked. Returns where each
 * entry's data starts (same order as `entries`).
 */
async function checkLocalEntries(
  fh: FileHandle,
  entries: ZipEntryInfo[],
  cdOffset: number,
): Promise<number[]> {
  const dataOffsets = new Map<ZipEntryInfo, number>();
  const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  let expected = 0;
  let previous: ZipEntryInfo | null = null;
  for (const e of sorted) {
    const gap = e.localHeaderOffset - expected;
    if (!descriptorGapOk(previous, gap)) {
      throw new Refusal(
        'bomb',
        `压缩包结构异常：条目“${e.name}”与前一条目${gap < 0 ? '重叠' : '之间有未登记的数据'}`,
      );
    }
    if (e.localHeaderOffset + 30 > cdOffset) throw notZip(`条目“${e.name}”的位置无效`);
    const header = await readAt(fh, e.localHeaderOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL_SIG) throw notZip(`条目“${e.name}”的本地文件头无效`);
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    const name = await readAt(fh, e.localHeaderOffset + 30, nameLength);
    if (name.toString(e.flags & 0x800 ? 'utf8' : 'latin1') !== e.name) {
      throw new Refusal('bomb', `压缩包结构异常：条目“${e.name}”的本地文件名与目录不一致`);
    }
    const dataOffset = e.localHeaderOffset + 30 + nameLength + extraLength;
    dataOffsets.set(e, dataOffset);
    expected = dataOffset + e.compressedSize;
    if (expected > cdOffset) throw notZip(`条目“${e.name}”超出了文件范围`);
    previous = e;
  }
  if (!descriptorGapOk(previous, cdOffset - expected)) {
    throw new Refusal('bomb', '压缩包结构异常：中央目录之前有未登记的数据');
  }
  return entries.map((e) => dataOffsets.get(e)!);
}

// A data descriptor (flag bit 3) follows the data: crc + sizes, 4- or 8-byte sizes, with or
// without its optional signature.
function descriptorGapOk(previous: ZipEntryInfo | null, gap: number): boolean {
  if (gap === 0) return true;
  return previous !== null && (previous.flags & 0x8) !== 0 && [12, 16, 20, 24].includes(gap);
}

/** Inflates one entry, counting bytes; stops as soon as it outgrows its declared size. */
async function checkInflatedSize(path: string, e: ZipEntryInfo, start: number): Promise<void> {
  if (e.method !== 8) return; // stored: sizes already checked equal
  if (e.compressedSize === 0) throw notZip(`条目“${e.name}”数据为空`);
  const input = createReadStream(path, { start, end: start + e.compressedSize - 1 });
  const inflate = createInflateRaw();
  let produced = 0;
  const outcome = await new Promise<'ok' | 'larger' | 'smaller' | 'corrupt'>((resolve) => {
    const finish = (r: 'ok' | 'larger' | 'smaller' | 'corrupt') => {
      input.unpipe(inflate);
      input.destroy();
      inflate.destroy();
      resolve(r);
    };
    inflate.on('data', (chunk: Buffer) => {
      produced += chunk.length;
      if (produced > e.uncompressedSize) finish('larger');
    });
    inflate.on('end', () => finish(produced === e.uncompressedSize ? 'ok' : 'smaller'));
    inflate.on('error', () => finish('corrupt'));
    input.on('error', () => finish('corrupt'));
    input.pipe(inflate);
  });
  if (outcome === 'larger') {
    throw new Refusal('bomb', `压缩包条目“${e.name}”解压后的实际大小超过目录中记录的大小，疑似压缩炸弹`);
  }
  if (outcome !== 'ok') throw notZip(`条目“${e.name}”的压缩数据已损坏`);
}

/** "1.5 GB", "320 KB": sizes in messages people read. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}
