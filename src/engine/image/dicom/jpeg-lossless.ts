// JPEG Lossless (process 14, syntaxes …4.57 and …4.70) through jpeg-lossless-decoder-js.
import { Decoder } from 'jpeg-lossless-decoder-js';
import type { PixelAttributes } from './attributes';
import { maskStoredBits } from './native-pixels';

/** Stored values of one frame, interleaved; masked and sign-extended like uncompressed data. */
export function decodeJpegLosslessFrame(encoded: Uint8Array, attrs: PixelAttributes): Int32Array {
  const decoded = new Decoder().decode(encoded.buffer, encoded.byteOffset, encoded.length, attrs.bitsAllocated / 8);
  const expected = attrs.rows * attrs.columns * attrs.samplesPerPixel;
  if (decoded.length < expected)
    throw new Error(`JPEG Lossless frame decodes to ${decoded.length} samples where ${expected} were expected`);
  const samples = Int32Array.from(decoded.subarray(0, expected));
  return maskStoredBits(samples, attrs);
}
