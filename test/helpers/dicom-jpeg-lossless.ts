// Test-only JPEG Lossless encoder (ITU T.81 process 14, one component, predictor 1, no point transform), so the
// DICOM tests can write …4.70 files. One Huffman table gives every difference category (SSSS 0..16) a 5-bit code.

class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private filled = 0;

  write(value: number, bits: number): void {
    for (let b = bits - 1; b >= 0; b--) {
      this.current = (this.current << 1) | ((value >> b) & 1);
      if (++this.filled === 8) this.flushByte();
    }
  }

  /** Pads the last byte with 1-bits (T.81 F.1.2.3) and returns the bytes, 0xFF stuffed with 0x00. */
  finish(): number[] {
    if (this.filled > 0) this.write(0xff, 8 - this.filled);
    return this.bytes;
  }

  private flushByte(): void {
    this.bytes.push(this.current);
    if (this.current === 0xff) this.bytes.push(0x00);
    this.current = 0;
    this.filled = 0;
  }
}

function segment(marker: number, body: number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/** Encodes grey samples (0 .. 2^precision - 1) as a JPEG Lossless stream. */
export function encodeJpegLossless(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  precision: number,
): Buffer {
  const mask = 2 ** 16 - 1;
  const bits = new BitWriter();
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      // T.81 H.1.2.1: first sample 2^(P-1); first row predicts from the left, first column from above.
      const prediction = x === 0 && y === 0 ? 2 ** (precision - 1) : x === 0 ? samples[i - width]! : samples[i - 1]!;
      let diff = (samples[i]! - prediction) & mask;
      if (diff >= 32768) diff -= 65536;
      const category = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
      bits.write(category, 5); // canonical code of symbol k at length 5 is k itself
      if (category > 0 && category < 16) bits.write(diff > 0 ? diff : diff - 1, category);
    }
  }
  const huffmanCounts = Array.from({ length: 16 }, (_, i) => (i === 4 ? 17 : 0));
  return Buffer.from([
    0xff,
    0xd8,
    ...segment(0xc3, [precision, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...huffmanCounts, ...Array.from({ length: 17 }, (_, k) => k)]),
    ...segment(0xda, [1, 1, 0x00, 1, 0, 0]),
    ...bits.finish(),
    0xff,
    0xd9,
  ]);
}
