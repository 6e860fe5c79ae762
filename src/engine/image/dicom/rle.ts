// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits-coded segment per
// byte plane — for 16-bit data the most significant bytes first — and per sample (R, G, B).
import type { PixelAttributes } from './attributes';

const HEADER_BYTES = 64;
const MAX_SEGMENTS = 15;
/** The most PackBits can expand: a 2-byte replicate run gives 128 bytes. */
const MAX_BYTES_PER_CODED_BYTE = 64;

/** Decodes one RLE frame to native little-endian, interleaved bytes, ready for readNativeSamples. */
export function decodeRleFrame(frame: Uint8Array, attrs: PixelAttributes): Uint8Array {
  if (frame.length < HEADER_BYTES)
    throw new Error(`RLE frame is ${frame.length} bytes, shorter than its 64-byte header`);
  const header = new DataView(frame.buffer, frame.byteOffset, HEADER_BYTES);
  const segmentCount = header.getUint32(0, true);
  const bytesPerSample = attrs.bitsAllocated / 8;
  const expected = bytesPerSample * attrs.samplesPerPixel;
  if (segmentCount !== expected || segmentCount > MAX_SEGMENTS) {
    throw new Error(`RLE frame has ${segmentCount} segments where ${expected} were expected`);
  }

  const pixels = attrs.rows * attrs.columns;
  const segments: Array<[number, number]> = [];
  for (let s = 0; s < segmentCount; s++) {
    const start = header.getUint32(4 + s * 4, true);
    const end = s + 1 < segmentCount ? header.getUint32(8 + s * 4, true) : frame.length;
    if (start < HEADER_BYTES || start > end || end > frame.length)
      throw new Error(`RLE segment ${s + 1} has bad offsets ${start}..${end}`);
    // Checked before allocating the frame: a segment too short for the pixels is a cut or lying file.
    if ((end - start) * MAX_BYTES_PER_CODED_BYTE < pixels) {
      throw new Error(
        `truncated: RLE segment ${s + 1} is ${end - start} bytes, too short to decode to the ${pixels} bytes ` +
          `that ${attrs.columns} × ${attrs.rows} pixels need (Rows/Columns are wrong or the file is cut short)`,
      );
    }
    segments.push([start, end]);
  }
  const out = new Uint8Array(pixels * expected);
  for (const [s, [start, end]] of segments.entries()) {
    // Segment s holds sample floor(s / bytesPerSample), byte (most significant first) s % bytesPerSample.
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // little-endian position
    // Straight into its place in the interleaved frame: no plane-sized buffer per segment.
    unpackBitsInto(frame.subarray(start, end), out, pixels, expected, sample * bytesPerSample + byteInSample, s + 1);
  }
  return out;
}

/**
 * PackBits as Annex G.3.1 defines it: header byte n in 0..127 copies the next n+1 bytes, -127..-1 repeats the
 * next byte 1-n times, -128 does nothing. Decoding stops once `length` bytes are out (segments are padded).
 */
export function decodePackBits(segment: Uint8Array, length: number, segmentNumber: number): Uint8Array {
  const out = new Uint8Array(length);
  unpackBitsInto(segment, out, length, 1, 0, segmentNumber);
  return out;
}

/** PackBits decoding of `count` bytes into `out[base]`, `out[base + stride]`, …; throws when the segment runs out first. */
function unpackBitsInto(
  segment: Uint8Array,
  out: Uint8Array,
  count: number,
  stride: number,
  base: number,
  segmentNumber: number,
): void {
  let o = 0;
  let i = 0;
  while (o < count && i < segment.length) {
    const n = (segment[i++]! << 24) >> 24; // as signed byte
    if (n >= 0) {
      const copy = Math.min(n + 1, count - o);
      if (i + copy > segment.length) break;
      if (stride === 1) out.set(segment.subarray(i, i + copy), base + o);
      else for (let k = 0; k < copy; k++) out[base + (o + k) * stride] = segment[i + k]!;
      i += n + 1;
      o += copy;
    } else if (n !== -128) {
      if (i >= segment.length) break;
      const repeat = Math.min(1 - n, count - o);
      const value = segment[i++]!;
      if (stride === 1) out.fill(value, base + o, base + o + repeat);
      else for (let k = 0; k < repeat; k++) out[base + (o + k) * stride] = value;
      o += repeat;
    }
  }
  if (o < count) throw new Error(`RLE segment ${segmentNumber} decodes to ${o} bytes where ${count} were expected`);
}
