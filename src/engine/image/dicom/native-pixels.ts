// Uncompressed pixel data to stored sample values: byte order, planar layout, BitsStored masking and sign.
import type { PixelAttributes } from './attributes';

/** Bytes of one uncompressed frame. */
export function nativeFrameLength(attrs: PixelAttributes): number {
  return attrs.rows * attrs.columns * attrs.samplesPerPixel * (attrs.bitsAllocated / 8);
}

/**
 * Stored values of one uncompressed frame, interleaved (RGBRGB for colour), with bits above HighBit
 * masked off and two's complement applied for signed data.
 */
export function readNativeSamples(frame: Uint8Array, attrs: PixelAttributes, bigEndian: boolean): Int32Array {
  const count = attrs.rows * attrs.columns * attrs.samplesPerPixel;
  const raw = new Int32Array(count);
  if (attrs.bitsAllocated === 8) {
    for (let i = 0; i < count; i++) raw[i] = frame[i]!;
  } else {
    const view = new DataView(frame.buffer, frame.byteOffset, count * 2);
    for (let i = 0; i < count; i++) raw[i] = view.getUint16(i * 2, !bigEndian);
  }
  const samples = attrs.planarConfiguration === 1 && attrs.samplesPerPixel === 3 ? interleavePlanes(raw, 3) : raw;
  return maskStoredBits(samples, attrs);
}

/** RRR..GGG..BBB → RGBRGB. */
export function interleavePlanes(planar: Int32Array, planes: number): Int32Array {
  const pixels = planar.length / planes;
  const out = new Int32Array(planar.length);
  for (let p = 0; p < planes; p++) {
    for (let i = 0; i < pixels; i++) out[i * planes + p] = planar[p * pixels + i]!;
  }
  return out;
}

/** Keeps bits HighBit-BitsStored+1 .. HighBit (overlays and garbage may live above) and sign-extends. In place. */
export function maskStoredBits(samples: Int32Array, attrs: PixelAttributes): Int32Array {
  const shift = attrs.highBit + 1 - attrs.bitsStored;
  const mask = 2 ** attrs.bitsStored - 1;
  const signBit = 2 ** (attrs.bitsStored - 1);
  const wrap = 2 ** attrs.bitsStored;
  for (let i = 0; i < samples.length; i++) {
    let v = (samples[i]! >>> shift) & mask;
    if (attrs.signed && v >= signBit) v -= wrap;
    samples[i] = v;
  }
  return samples;
}
