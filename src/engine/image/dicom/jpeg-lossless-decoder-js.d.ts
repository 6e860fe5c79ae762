// jpeg-lossless-decoder-js 2.1.2 names a `release/lossless.d.ts` it does not ship; this is the part we use.
declare module 'jpeg-lossless-decoder-js' {
  export class Decoder {
    /** Decodes a JPEG Lossless (process 14) stream; samples interleaved, `numBytes` per sample (1 or 2). */
    decode(buffer: ArrayBufferLike, offset: number, length: number, numBytes?: number): Uint8Array | Uint16Array;
  }
}
