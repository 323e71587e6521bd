/**
 * Scans and photos attached to a registry record (优抚对象扫描件、照片) and their limits, from
 * the ministry rules (民办发〔2017〕28号 四(一)): every record carries at least an ID card copy
 * and a household register copy; yearly photos and other scans are optional; everything is JPG.
 * Files are judged by their bytes, never by their name or declared type.
 */

export type AttachmentKind =
  'id_portrait' | 'id_card_copy' | 'household_register_copy' | 'yearly_photo' | 'other_scan';

const KB = 1024;

export const attachmentKinds: Record<
  AttachmentKind,
  { name: string; maxBytes: number; required: boolean }
> = {
  /** 身份证基准头像: 3K以下 (read by the ID card reader in standard form). */
  id_portrait: { name: '身份证基准头像', maxBytes: 3 * KB, required: false },
  /** 身份证复印件: 40K以下; required ("扫描件应至少包括身份证复印件和户口薄复印件"). */
  id_card_copy: { name: '身份证复印件', maxBytes: 40 * KB, required: true },
  /**
   * 户口簿复印件: required by the same sentence, but the rules give it no size of its own; it is
   * a scan, so the limit of 其他扫描件 (300K以下) applies.
   */
  household_register_copy: { name: '户口簿复印件', maxBytes: 300 * KB, required: true },
  /** 个人年度近照: 300K以下. */
  yearly_photo: { name: '个人年度近照', maxBytes: 300 * KB, required: false },
  /** 其他扫描件: 300K以下. */
  other_scan: { name: '其他扫描件', maxBytes: 300 * KB, required: false },
};

/** The kinds every record must carry before it may become formal data (REG-02, REG-05). */
export const requiredAttachmentKinds = (Object.keys(attachmentKinds) as AttachmentKind[]).filter(
  (k) => attachmentKinds[k].required,
);

export type AttachmentCheck =
  { ok: true; width: number; height: number } | { ok: false; code: string; message: string };

/** "3 KB", "40 KB", "2.5 KB": sizes as the rules write them. */
function kb(bytes: number): string {
  const value = bytes / KB;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} KB`;
}

/** Recognisable non-JPEG formats, so the message can say what was uploaded instead. */
const otherFormats: { name: string; magic: number[] }[] = [
  { name: 'PNG 图片', magic: [0x89, 0x50, 0x4e, 0x47] },
  { name: 'GIF 图片', magic: [0x47, 0x49, 0x46, 0x38] },
  { name: 'PDF 文档', magic: [0x25, 0x50, 0x44, 0x46] },
  { name: 'BMP 图片', magic: [0x42, 0x4d] },
  { name: 'TIFF 图片', magic: [0x49, 0x49, 0x2a, 0x00] },
  { name: 'TIFF 图片', magic: [0x4d, 0x4d, 0x00, 0x2a] },
  { name: 'WebP 图片', magic: [0x52, 0x49, 0x46, 0x46] },
  { name: 'ZIP 压缩包或 Office 文档', magic: [0x50, 0x4b, 0x03, 0x04] },
];

function startsWith(bytes: Buffer, magic: number[]): boolean {
  return magic.every((b, i) => bytes[i] === b);
}

/** Start-of-frame markers a browser can show: baseline, extended sequential, progressive. */
const displayableFrames = new Set([0xc0, 0xc1, 0xc2]);
/** All other start-of-frame markers (lossless, hierarchical, arithmetic coding). */
const otherFrames = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

type JpegWalk =
  | { ok: true; width: number; height: number }
  | { ok: false; problem: 'truncated' | 'corrupt' | 'unsupported' | 'no_dimensions' };

/**
 * Walks the marker segments from SOI to the start of scan, reading the frame size on the way,
 * then requires the file to end with EOI (a cut-off upload does not).
 */
function walkJpeg(bytes: Buffer): JpegWalk {
  let pos = 2;
  let frame: { width: number; height: number } | null = null;
  for (;;) {
    if (pos >= bytes.length) return { ok: false, problem: 'truncated' };
    if (bytes[pos] !== 0xff) return { ok: false, problem: 'corrupt' };
    while (bytes[pos] === 0xff) pos += 1; // fill bytes may precede a marker
    if (pos >= bytes.length) return { ok: false, problem: 'truncated' };
    const marker = bytes[pos]!;
    pos += 1;
    if (marker === 0xd9 || marker === 0xd8) return { ok: false, problem: 'corrupt' };
    // Markers without a length field.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (pos + 2 > bytes.length) return { ok: false, problem: 'truncated' };
    const length = bytes.readUInt16BE(pos);
    if (length < 2) return { ok: false, problem: 'corrupt' };
    if (pos + length > bytes.length) return { ok: false, problem: 'truncated' };
    if (otherFrames.has(marker)) return { ok: false, problem: 'unsupported' };
    if (displayableFrames.has(marker)) {
      if (length < 8 || frame) return { ok: false, problem: 'corrupt' };
      frame = { height: bytes.readUInt16BE(pos + 3), width: bytes.readUInt16BE(pos + 5) };
      if (frame.width === 0 || frame.height === 0) return { ok: false, problem: 'no_dimensions' };
    }
    if (marker === 0xda) {
      if (!frame) return { ok: false, problem: 'corrupt' };
      // Entropy-coded data follows; a complete file ends with EOI after it.
      const end = pos + length;
      const last = bytes.length;
      if (last - end < 2 || bytes[last - 2] !== 0xff || bytes[last - 1] !== 0xd9) {
        return { ok: false, problem: 'truncated' };
      }
      return { ok: true, ...frame };
    }
    pos += length;
  }
}

/**
 * Decides whether `bytes` may be stored as an attachment of `kind`: a complete JPEG within the
 * kind's size limit. Returns the picture size, or a stable code and a Chinese message.
 * @example checkAttachment('id_portrait', jpegBytes) // { ok: true, width: 102, height: 126 }
 */
export function checkAttachment(kind: AttachmentKind, bytes: Buffer): AttachmentCheck {
  const spec = attachmentKinds[kind];
  const refuse = (code: string, message: string): AttachmentCheck => ({
    ok: false,
    code: `registry.${code}`,
    message,
  });
  if (bytes.length === 0) {
    return refuse('attachment_empty', `${spec.name}文件为空，请重新选择文件上传。`);
  }
  if (!(bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)) {
    const other = otherFormats.find((f) => startsWith(bytes, f.magic));
    return refuse(
      'attachment_not_jpeg',
      `${spec.name}必须是 JPG 格式的图片（不超过 ${kb(spec.maxBytes)}），上传的文件${
        other ? `是${other.name}` : '不是 JPG 图片'
      }。请转换为 JPG 后重新上传。`,
    );
  }
  if (bytes.length > spec.maxBytes) {
    return refuse(
      'attachment_too_large',
      `${spec.name}不能超过 ${kb(spec.maxBytes)}，上传的文件为 ${kb(bytes.length)}。请压缩后重新上传。`,
    );
  }
  const walk = walkJpeg(bytes);
  if (walk.ok) return walk;
  switch (walk.problem) {
    case 'truncated':
      return refuse(
        'attachment_truncated',
        `${spec.name}文件不完整（JPG 图片被截断），请重新扫描或重新上传。`,
      );
    case 'corrupt':
      return refuse('attachment_corrupt', `${spec.name}文件已损坏，无法作为 JPG 图片读取。`);
    case 'unsupported':
      return refuse(
        'attachment_unsupported_jpeg',
        `${spec.name}使用了不常见的 JPG 编码（无损或算术编码），请用扫描仪或照相机的标准 JPG 格式重新保存。`,
      );
    case 'no_dimensions':
      return refuse(
        'attachment_no_dimensions',
        `${spec.name}的图片宽度或高度为 0，不是有效的图片。`,
      );
  }
}
