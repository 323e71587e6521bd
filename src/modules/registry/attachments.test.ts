import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { makeJpeg } from '../../../tests/helpers/jpeg.ts';
import {
  attachmentKinds,
  checkAttachment,
  requiredAttachmentKinds,
  type AttachmentKind,
} from './attachments.ts';

const KB = 1024;

function refusal(kind: AttachmentKind, bytes: Buffer): { code: string; message: string } {
  const result = checkAttachment(kind, bytes);
  if (result.ok) assert.fail(`the file was accepted as ${result.width}×${result.height}`);
  return result;
}

describe('registry attachments', () => {
  test('[REG-05] the five kinds, their limits and which are required follow the ministry rules', () => {
    assert.deepEqual(
      Object.entries(attachmentKinds).map(([k, v]) => [k, v.name, v.maxBytes / KB, v.required]),
      [
        ['id_portrait', '身份证基准头像', 3, false],
        ['id_card_copy', '身份证复印件', 40, true],
        ['household_register_copy', '户口簿复印件', 300, true],
        ['yearly_photo', '个人年度近照', 300, false],
        ['other_scan', '其他扫描件', 300, false],
      ],
    );
    assert.deepEqual(requiredAttachmentKinds, ['id_card_copy', 'household_register_copy']);
  });

  test('[REG-05] a baseline JPEG within the limit is accepted and its size read from SOF0', () => {
    assert.deepEqual(checkAttachment('id_portrait', makeJpeg({ width: 102, height: 126 })), {
      ok: true,
      width: 102,
      height: 126,
    });
    assert.deepEqual(checkAttachment('id_card_copy', makeJpeg({ width: 856, height: 540 })), {
      ok: true,
      width: 856,
      height: 540,
    });
  });

  test('[REG-05] a progressive JPEG (SOF2) is accepted', () => {
    assert.deepEqual(
      checkAttachment('yearly_photo', makeJpeg({ width: 300, height: 400, progressive: true })),
      { ok: true, width: 300, height: 400 },
    );
  });

  test('[REG-05] an extended sequential JPEG (SOF1) is accepted', () => {
    const bytes = makeJpeg({ width: 20, height: 10 });
    const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    bytes[sof + 1] = 0xc1;
    assert.deepEqual(checkAttachment('other_scan', bytes), { ok: true, width: 20, height: 10 });
  });

  test('[REG-05] the limit is inclusive: exactly the limit passes, one byte more is refused', () => {
    for (const [kind, spec] of Object.entries(attachmentKinds) as [
      AttachmentKind,
      (typeof attachmentKinds)[AttachmentKind],
    ][]) {
      const atLimit = makeJpeg({ width: 64, height: 64, padTo: spec.maxBytes });
      assert.equal(atLimit.length, spec.maxBytes);
      assert.equal(checkAttachment(kind, atLimit).ok, true, `${kind} at its limit`);
      const over = makeJpeg({ width: 64, height: 64, padTo: spec.maxBytes + 1 });
      const refused = refusal(kind, over);
      assert.equal(refused.code, 'registry.attachment_too_large');
      assert.ok(refused.message.includes(`${spec.maxBytes / KB} KB`), refused.message);
      assert.ok(refused.message.includes(spec.name), refused.message);
    }
  });

  test('[REG-05] a 5 KB portrait is refused naming the 3 KB limit and the file size', () => {
    const { code, message } = refusal(
      'id_portrait',
      makeJpeg({ width: 10, height: 10, padTo: 5 * KB }),
    );
    assert.equal(code, 'registry.attachment_too_large');
    assert.equal(message, '身份证基准头像不能超过 3 KB，上传的文件为 5 KB。请压缩后重新上传。');
  });

  test('[REG-05] files are judged by content: PNG, GIF, PDF and text are refused by kind', () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');
    const pdf = Buffer.from('%PDF-1.7\n%âãÏÓ\n', 'latin1');
    const text = Buffer.from('张三的身份证.jpg', 'utf8');
    const cases: [Buffer, string][] = [
      [png, 'PNG 图片'],
      [gif, 'GIF 图片'],
      [pdf, 'PDF 文档'],
      [text, '不是 JPG 图片'],
    ];
    for (const [bytes, said] of cases) {
      const { code, message } = refusal('id_card_copy', bytes);
      assert.equal(code, 'registry.attachment_not_jpeg');
      assert.ok(message.includes(said), message);
      assert.ok(message.includes('身份证复印件必须是 JPG 格式的图片（不超过 40 KB）'), message);
    }
  });

  test('[REG-05] an empty file is refused', () => {
    const { code, message } = refusal('household_register_copy', Buffer.alloc(0));
    assert.equal(code, 'registry.attachment_empty');
    assert.match(message, /户口簿复印件文件为空/u);
  });

  test('[REG-05] a cut-off JPEG (no EOI, or cut inside a segment) is refused as truncated', () => {
    const whole = makeJpeg({ width: 40, height: 30 });
    for (const cut of [3, 10, 30, whole.length - 1, whole.length - 2]) {
      const { code, message } = refusal('yearly_photo', whole.subarray(0, cut));
      assert.equal(code, 'registry.attachment_truncated', `cut at ${cut}`);
      assert.match(message, /不完整/u);
    }
  });

  test('[REG-05] a JPEG header followed by garbage is refused as corrupt', () => {
    const garbage = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0, 0]),
      Buffer.from('not a picture'),
    ]);
    assert.equal(refusal('other_scan', garbage).code, 'registry.attachment_corrupt');
    // Start of scan before any frame header: no picture size can be known.
    const noFrame = Buffer.from([
      0xff, 0xd8, 0xff, 0xda, 0x00, 0x08, 1, 1, 0, 0, 63, 0, 0x3f, 0xff, 0xd9,
    ]);
    assert.equal(refusal('other_scan', noFrame).code, 'registry.attachment_corrupt');
    // EOI straight after SOI.
    assert.equal(
      refusal('other_scan', Buffer.from([0xff, 0xd8, 0xff, 0xd9])).code,
      'registry.attachment_corrupt',
    );
  });

  test('[REG-05] a frame header with zero width or height is refused', () => {
    for (const [width, height] of [
      [0, 10],
      [10, 0],
    ]) {
      const { code, message } = refusal(
        'yearly_photo',
        makeJpeg({ width: width!, height: height! }),
      );
      assert.equal(code, 'registry.attachment_no_dimensions');
      assert.match(message, /宽度或高度为 0/u);
    }
  });

  test('[REG-05] lossless and arithmetic-coded JPEGs are refused as unsupported', () => {
    for (const marker of [0xc3, 0xc9]) {
      const bytes = makeJpeg({ width: 8, height: 8 });
      bytes[bytes.indexOf(Buffer.from([0xff, 0xc0])) + 1] = marker;
      assert.equal(refusal('other_scan', bytes).code, 'registry.attachment_unsupported_jpeg');
    }
  });

  test('[REG-05] fill bytes before a marker are walked over', () => {
    const bytes = makeJpeg({ width: 16, height: 16 });
    const sof = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    const padded = Buffer.concat([
      bytes.subarray(0, sof),
      Buffer.from([0xff, 0xff]),
      bytes.subarray(sof),
    ]);
    assert.deepEqual(checkAttachment('other_scan', padded), { ok: true, width: 16, height: 16 });
  });
});
