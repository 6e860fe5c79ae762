// The intensity steps a family applies to the decoded image before resizing, as its Python code does them.
// intensity: 'min-max' — hi-ml's remap_to_uint8 (health_multimodal/image/data/io.py), which BioViL applies to
// every image it loads before anything else: (v − min) / (max − min) · 255 over all samples and channels
// together (skimage's array: alpha included), in doubles, truncated to 8 bits (numpy's astype(uint8)). An
// image of one value has no range: numpy gives NaN there (0 once cast); this gives 0 too.
// greyscale — PIL's convert('L') (Pillow's Convert.c rgb2l), what CheXzero and BioViL make every image.
import type { Pixels8 } from './pil-resample';

/** `alphaRange`: the dropped alpha channel's smallest and largest value, which take part in min and max. */
export function remapMinMax(src: Pixels8, alphaRange?: [number, number]): Pixels8 {
  let min = alphaRange?.[0] ?? 255;
  let max = alphaRange?.[1] ?? 0;
  for (const v of src.data) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  const lut = new Uint8Array(256);
  // The same operations in the same order as numpy: subtract, divide, multiply, truncate.
  if (range > 0) for (let v = min; v <= max; v++) lut[v] = Math.trunc(((v - min) / range) * 255);
  return { ...src, data: src.data.map((v) => lut[v]!) };
}

/** RGB → one channel, L = (R·19595 + G·38470 + B·7471 + 0x8000) >> 16: ITU-R 601-2 luma in Pillow's fixed point. */
export function pilLuma(src: Pixels8): Pixels8 {
  const n = src.width * src.height;
  const data = new Uint8Array(n);
  const d = src.data;
  for (let i = 0, j = 0; i < n; i++, j += 3)
    data[i] = (d[j]! * 19595 + d[j + 1]! * 38470 + d[j + 2]! * 7471 + 0x8000) >>> 16;
  return { data, width: src.width, height: src.height, channels: 1 };
}
