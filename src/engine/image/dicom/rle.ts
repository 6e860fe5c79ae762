// DICOM RLE Lossless (PS3.5 Annex G): a 64-byte header of segment offsets, then one PackBits-coded segment per
// byte plane — for 16-bit data the most significant bytes first — and per sample (R, G, B).
import type { PixelAttributes } from './attributes';

const HEADER_BYTES = 64;
const MAX_SEGMENTS = 15;

/** Decodes one RLE frame to native little-endian, interleaved bytes, ready for readNativeSamples. */
export function decodeRleFrame(frame: Uint8Array, attrs: PixelAttributes): Uint8Array {
  if (frame.length < HEADER_BYTES) throw new Error(`RLE frame is ${frame.length} bytes, shorter than its 64-byte header`);
  const header = new DataView(frame.buffer, frame.byteOffset, HEADER_BYTES);
  const segmentCount = header.getUint32(0, true);
  const bytesPerSample = attrs.bitsAllocated / 8;
  const expected = bytesPerSample * attrs.samplesPerPixel;
  if (segmentCount !== expected || segmentCount > MAX_SEGMENTS) {
    throw new Error(`RLE frame has ${segmentCount} segments where ${expected} were expected`);
  }

  const pixels = attrs.rows * attrs.columns;
  const out = new Uint8Array(pixels * expected);
  for (let s = 0; s < segmentCount; s++) {
    const start = header.getUint32(4 + s * 4, true);
    const end = s + 1 < segmentCount ? header.getUint32(8 + s * 4, true) : frame.length;
    if (start < HEADER_BYTES || start > end || end > frame.length) throw new Error(`RLE segment ${s + 1} has bad offsets ${start}..${end}`);
    const plane = decodePackBits(frame.subarray(start, end), pixels, s + 1);
    // Segment s holds sample floor(s / bytesPerSample), byte (most significant first) s % bytesPerSample.
    const sample = Math.floor(s / bytesPerSample);
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample); // little-endian position
    const stride = expected;
    const base = sample * bytesPerSample + byteInSample;
    for (let i = 0; i < pixels; i++) out[i * stride + base] = plane[i]!;
  }
  return out;
}

/**
 * PackBits as Annex G.3.1 defines it: header byte n in 0..127 copies the next n+1 bytes, -127..-1 repeats the
 * next byte 1-n times, -128 does nothing. Decoding stops once `length` bytes are out (segments are padded).
 */
export function decodePackBits(segment: Uint8Array, length: number, segmentNumber: number): Uint8Array {
  const out = new Uint8Array(length);
  let o = 0;
  let i = 0;
  while (o < length && i < segment.length) {
    const n = (segment[i++]! << 24) >> 24; // as signed byte
    if (n >= 0) {
      const count = Math.min(n + 1, length - o);
      if (i + count > segment.length) break;
      out.set(segment.subarray(i, i + count), o);
      i += n + 1;
      o += count;
    } else if (n !== -128) {
      if (i >= segment.length) break;
      const count = Math.min(1 - n, length - o);
      out.fill(segment[i++]!, o, o + count);
      o += count;
    }
  }
  if (o < length) throw new Error(`RLE segment ${segmentNumber} decodes to ${o} bytes where ${length} were expected`);
  return out;
}
