/**
 * Small, fully decodable JPEG files for tests: a uniform grey picture of any size, encoded as
 * baseline (SOF0) or progressive (SOF2) greyscale with one-symbol Huffman tables, so every 8×8
 * block is the two bits "00" (DC difference 0, end of block). `padTo` grows the file with a
 * comment segment to reach an exact byte size (for size-limit tests).
 */

export interface JpegOptions {
  width: number;
  height: number;
  /** Exact total size in bytes; must be at least the natural size. */
  padTo?: number;
  progressive?: boolean;
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/** `bits` zero bits of entropy-coded data, padded with 1-bits to a whole byte. */
function zeroBits(bits: number): number[] {
  const bytes = new Array<number>(Math.ceil(bits / 8)).fill(0);
  const padBits = bytes.length * 8 - bits;
  if (padBits > 0) bytes[bytes.length - 1] = (1 << padBits) - 1;
  return bytes;
}

export function makeJpeg(options: JpegOptions): Buffer {
  const { width, height } = options;
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const soi = [0xff, 0xd8];
  const app0 = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const dqt = segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]);
  const sof = segment(options.progressive ? 0xc2 : 0xc0, [
    8,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    1,
    1,
    0x11,
    0,
  ]);
  // One code of length 1 for symbol 0 in each table: DC category 0, AC end-of-block.
  const oneSymbol = [1, ...new Array<number>(15).fill(0), 0];
  const dht = segment(0xc4, [0x00, ...oneSymbol, 0x10, ...oneSymbol]);
  const eoi = [0xff, 0xd9];
  // Baseline: per block "0" (DC difference 0) and "0" (end of block). Progressive: a DC scan
  // with one bit per block, then an AC scan (coefficients 1..63) with one end-of-block bit each.
  const body = options.progressive
    ? [
        ...segment(0xda, [1, 1, 0x00, 0, 0, 0]),
        ...zeroBits(blocks),
        ...segment(0xda, [1, 1, 0x00, 1, 63, 0]),
        ...zeroBits(blocks),
      ]
    : [...segment(0xda, [1, 1, 0x00, 0, 63, 0]), ...zeroBits(blocks * 2)];
  const parts = [...soi, ...app0, ...dqt, ...sof, ...dht];
  const natural = parts.length + body.length + eoi.length;
  if (options.padTo !== undefined && options.padTo !== natural) {
    let left = options.padTo - natural;
    if (left < 4) throw new RangeError(`padTo must be ${natural} or at least ${natural + 4}`);
    // Comment segments of at most 65537 bytes each; never leave a remainder under 4 bytes.
    while (left > 0) {
      let size = Math.min(left, 65537);
      if (left - size > 0 && left - size < 4) size -= 4;
      parts.push(...segment(0xfe, new Array<number>(size - 4).fill(0x20)));
      left -= size;
    }
  }
  return Buffer.from([...parts, ...body, ...eoi]);
}
