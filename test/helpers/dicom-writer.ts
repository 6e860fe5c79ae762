// Test-only DICOM Part 10 writer: builds files byte by byte so tests exercise the decoder on real files
// without copying any patient data. Supports the syntaxes the engine reads, plus any UID for error tests.
import { deflateRawSync } from 'node:zlib';

export const TransferSyntaxes = {
  implicitLittle: '1.2.840.10008.1.2',
  explicitLittle: '1.2.840.10008.1.2.1',
  deflated: '1.2.840.10008.1.2.1.99',
  explicitBig: '1.2.840.10008.1.2.2',
  rle: '1.2.840.10008.1.2.5',
  jpegBaseline: '1.2.840.10008.1.2.4.50',
  jpegLossless: '1.2.840.10008.1.2.4.70',
  jpeg2000Lossless: '1.2.840.10008.1.2.4.90',
} as const;

const ENCAPSULATED = new Set<string>([
  TransferSyntaxes.rle,
  TransferSyntaxes.jpegBaseline,
  TransferSyntaxes.jpegLossless,
  TransferSyntaxes.jpeg2000Lossless,
]);

export interface TestDicomImage {
  transferSyntax: string;
  rows: number;
  columns: number;
  bitsAllocated: 8 | 16;
  bitsStored?: number;
  highBit?: number;
  /** 1 = signed. */
  pixelRepresentation?: 0 | 1;
  samplesPerPixel?: 1 | 3;
  photometric?: string;
  planarConfiguration?: 0 | 1;
  numberOfFrames?: number;
  /** Written as DS strings exactly as given (e.g. '40\\400' for multi-valued). */
  rescaleSlope?: string;
  rescaleIntercept?: string;
  windowCenter?: string;
  windowWidth?: string;
  voiLutFunction?: string;
  /** Stored values of all frames, in file order (negative numbers as two's complement); native syntaxes. */
  pixels?: ArrayLike<number>;
  /** Already-encoded frames (one fragment each) for encapsulated syntaxes. */
  frames?: Uint8Array[];
  /** Leave the Basic Offset Table item empty. */
  emptyOffsetTable?: boolean;
  /** Write no PixelData element at all (e.g. a structured report). */
  omitPixelData?: boolean;
  /** Write the bare dataset: no preamble, no 'DICM', no group 2 (an old-style ".dcm"). */
  bare?: boolean;
}

interface Encoding {
  explicit: boolean;
  little: boolean;
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

function u16(value: number, little: boolean): Buffer {
  const b = Buffer.alloc(2);
  if (little) b.writeUInt16LE(value & 0xffff);
  else b.writeUInt16BE(value & 0xffff);
  return b;
}

function u32(value: number, little: boolean): Buffer {
  const b = Buffer.alloc(4);
  if (little) b.writeUInt32LE(value >>> 0);
  else b.writeUInt32BE(value >>> 0);
  return b;
}

/** A string value padded to even length: UIDs with NUL, text with a space (PS3.5 6.2). */
function text(value: string, vr: string): Buffer {
  const pad = value.length % 2 === 1 ? (vr === 'UI' ? '\0' : ' ') : '';
  return Buffer.from(value + pad, 'latin1');
}

function element(group: number, elem: number, vr: string, value: Buffer, enc: Encoding): Buffer {
  const body = value.length % 2 === 1 ? Buffer.concat([value, Buffer.alloc(1)]) : value;
  const tag = Buffer.concat([u16(group, enc.little), u16(elem, enc.little)]);
  if (!enc.explicit) return Buffer.concat([tag, u32(body.length, enc.little), body]);
  const vrBytes = Buffer.from(vr, 'latin1');
  if (LONG_VRS.has(vr)) return Buffer.concat([tag, vrBytes, Buffer.alloc(2), u32(body.length, enc.little), body]);
  return Buffer.concat([tag, vrBytes, u16(body.length, enc.little), body]);
}

/** Items inside encapsulated pixel data: always little endian, no VR. */
function item(value: Uint8Array): Buffer {
  const body = value.length % 2 === 1 ? Buffer.concat([value, Buffer.alloc(1)]) : Buffer.from(value);
  return Buffer.concat([u16(0xfffe, true), u16(0xe000, true), u32(body.length, true), body]);
}

function encapsulatedPixelData(frames: Uint8Array[], emptyOffsetTable: boolean): Buffer {
  const fragments = frames.map(item);
  const offsets: number[] = [];
  let offset = 0;
  for (const f of fragments) {
    offsets.push(offset);
    offset += f.length;
  }
  const table = emptyOffsetTable ? Buffer.alloc(0) : Buffer.concat(offsets.map((o) => u32(o, true)));
  return Buffer.concat([
    u16(0x7fe0, true),
    u16(0x0010, true),
    Buffer.from('OB'),
    Buffer.alloc(2),
    u32(0xffffffff, true),
    item(table),
    ...fragments,
    u16(0xfffe, true),
    u16(0xe0dd, true),
    u32(0, true),
  ]);
}

function nativePixelBytes(pixels: ArrayLike<number>, bitsAllocated: 8 | 16, little: boolean): Buffer {
  // One buffer written in place: images of millions of pixels are written in well under a second.
  const out = Buffer.alloc(pixels.length * (bitsAllocated / 8));
  for (let i = 0; i < pixels.length; i++) {
    const v = pixels[i]!;
    if (bitsAllocated === 8) out[i] = v & 0xff;
    else if (little) out.writeUInt16LE(v & 0xffff, i * 2);
    else out.writeUInt16BE(v & 0xffff, i * 2);
  }
  return out;
}

const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const INSTANCE_UID = '1.2.826.0.1.3680043.2.1125.1.1';

function dataset(img: TestDicomImage, enc: Encoding): Buffer {
  const us = (v: number): Buffer => u16(v, enc.little);
  const spp = img.samplesPerPixel ?? 1;
  const bitsStored = img.bitsStored ?? img.bitsAllocated;
  const parts: Array<[number, number, string, Buffer]> = [
    [0x0008, 0x0016, 'UI', text(SECONDARY_CAPTURE, 'UI')],
    [0x0008, 0x0018, 'UI', text(INSTANCE_UID, 'UI')],
    [0x0008, 0x0060, 'CS', text('DX', 'CS')],
    [0x0028, 0x0002, 'US', us(spp)],
    [0x0028, 0x0004, 'CS', text(img.photometric ?? (spp === 1 ? 'MONOCHROME2' : 'RGB'), 'CS')],
    [0x0028, 0x0010, 'US', us(img.rows)],
    [0x0028, 0x0011, 'US', us(img.columns)],
    [0x0028, 0x0100, 'US', us(img.bitsAllocated)],
    [0x0028, 0x0101, 'US', us(bitsStored)],
    [0x0028, 0x0102, 'US', us(img.highBit ?? bitsStored - 1)],
    [0x0028, 0x0103, 'US', us(img.pixelRepresentation ?? 0)],
  ];
  if (spp === 3) parts.push([0x0028, 0x0006, 'US', us(img.planarConfiguration ?? 0)]);
  if (img.numberOfFrames !== undefined) parts.push([0x0028, 0x0008, 'IS', text(String(img.numberOfFrames), 'IS')]);
  const strings: Array<[number, string | undefined, string]> = [
    [0x1050, img.windowCenter, 'DS'],
    [0x1051, img.windowWidth, 'DS'],
    [0x1052, img.rescaleIntercept, 'DS'],
    [0x1053, img.rescaleSlope, 'DS'],
    [0x1056, img.voiLutFunction, 'CS'],
  ];
  for (const [elem, value, vr] of strings) if (value !== undefined) parts.push([0x0028, elem, vr, text(value, vr)]);
  parts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);

  const encoded = parts.map(([g, e, vr, v]) => element(g, e, vr, v, enc));
  if (!img.omitPixelData) {
    if (ENCAPSULATED.has(img.transferSyntax)) {
      encoded.push(encapsulatedPixelData(img.frames ?? [], img.emptyOffsetTable ?? false));
    } else {
      const vr = img.bitsAllocated === 16 ? 'OW' : 'OB';
      encoded.push(element(0x7fe0, 0x0010, vr, nativePixelBytes(img.pixels ?? [], img.bitsAllocated, enc.little), enc));
    }
  }
  return Buffer.concat(encoded);
}

function metaHeader(transferSyntax: string): Buffer {
  const enc = { explicit: true, little: true };
  const body = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1]), enc),
    element(0x0002, 0x0002, 'UI', text(SECONDARY_CAPTURE, 'UI'), enc),
    element(0x0002, 0x0003, 'UI', text(INSTANCE_UID, 'UI'), enc),
    element(0x0002, 0x0010, 'UI', text(transferSyntax, 'UI'), enc),
    element(0x0002, 0x0012, 'UI', text('1.2.826.0.1.3680043.2.1125.99', 'UI'), enc),
  ]);
  return Buffer.concat([element(0x0002, 0x0000, 'UL', u32(body.length, true), enc), body]);
}

/** The bytes of a DICOM file holding `img`. */
export function buildDicom(img: TestDicomImage): Buffer {
  const ts = img.transferSyntax;
  const enc: Encoding = {
    explicit: ts !== TransferSyntaxes.implicitLittle,
    little: ts !== TransferSyntaxes.explicitBig,
  };
  const body = dataset(img, enc);
  if (img.bare) return body;
  const stored = ts === TransferSyntaxes.deflated ? deflateRawSync(body) : body;
  return Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), metaHeader(ts), stored]);
}

/** PackBits one row (PS3.5 G.3.1): runs of 2+ equal bytes replicate, everything else is literal. */
function packBitsRow(row: Uint8Array, out: number[]): void {
  let i = 0;
  while (i < row.length) {
    let run = 1;
    while (i + run < row.length && run < 128 && row[i + run] === row[i]) run++;
    if (run >= 2) {
      out.push(257 - run, row[i]!); // header -(run-1) as an unsigned byte
      i += run;
      continue;
    }
    let end = i;
    while (end < row.length && end - i < 128 && !(end + 1 < row.length && row[end] === row[end + 1])) end++;
    out.push(end - i - 1, ...row.subarray(i, end));
    i = end;
  }
}

/**
 * One RLE Lossless frame (PS3.5 Annex G) of interleaved stored values: one segment per sample and byte, most
 * significant byte first, each row coded separately, segments padded to even length after a 64-byte header.
 */
export function encodeRleFrame(
  values: ArrayLike<number>,
  rows: number,
  columns: number,
  bitsAllocated: 8 | 16,
  samplesPerPixel: 1 | 3,
): Buffer {
  const bytesPerSample = bitsAllocated / 8;
  const segments: Buffer[] = [];
  for (let s = 0; s < samplesPerPixel; s++) {
    for (let b = bytesPerSample - 1; b >= 0; b--) {
      const coded: number[] = [];
      for (let r = 0; r < rows; r++) {
        const row = new Uint8Array(columns);
        for (let c = 0; c < columns; c++) row[c] = (values[(r * columns + c) * samplesPerPixel + s]! >> (8 * b)) & 0xff;
        packBitsRow(row, coded);
      }
      if (coded.length % 2 === 1) coded.push(0x80); // -128: a no-op byte as padding
      segments.push(Buffer.from(coded));
    }
  }
  return rleFrame(segments);
}

/**
 * An RLE Lossless frame of `rows` × `columns` pixels all of `value`, coded row by row as the encoder above does,
 * built from one coded row: a 20,000 × 20,000 image is a 6 MB frame written in a moment. With `segmentBytes`,
 * each segment is cut to that many bytes (a file whose pixel data cannot fill its Rows × Columns).
 */
export function encodeConstantRleFrame(
  value: number,
  rows: number,
  columns: number,
  bitsAllocated: 8 | 16,
  samplesPerPixel: 1 | 3,
  segmentBytes?: number,
): Buffer {
  const bytesPerSample = bitsAllocated / 8;
  const segments: Buffer[] = [];
  for (let s = 0; s < samplesPerPixel; s++) {
    for (let b = bytesPerSample - 1; b >= 0; b--) {
      const coded: number[] = [];
      packBitsRow(new Uint8Array(columns).fill((value >> (8 * b)) & 0xff), coded);
      const row = Buffer.from(coded);
      const length = segmentBytes ?? row.length * rows;
      const segment = Buffer.alloc(length + (length % 2));
      for (let at = 0; at < length; at += row.length) row.copy(segment, at, 0, Math.min(row.length, length - at));
      if (length % 2 === 1) segment[length] = 0x80; // -128: a no-op byte as padding
      segments.push(segment);
    }
  }
  return rleFrame(segments);
}

/** An RLE Lossless frame: the 64-byte header of segment offsets, then the segments. */
function rleFrame(segments: Buffer[]): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32LE(segments.length, 0);
  let offset = 64;
  segments.forEach((seg, i) => {
    header.writeUInt32LE(offset, 4 + i * 4);
    offset += seg.length;
  });
  return Buffer.concat([header, ...segments]);
}
