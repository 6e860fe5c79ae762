// torch.nn.functional.interpolate(mode, align_corners=False, antialias=False) on float values: what
// torchvision's tensor Resize did before antialias existed (CheXzero resizes its normalised 320² floats to
// 224² this way). Unlike PIL the kernel is not widened when shrinking, and nothing is rounded or clamped.
//
// Follows torch 1.13 aten/src/ATen/native/UpSample.h: source position (dst + 0.5) · in/out − 0.5 (in
// float32); bicubic: A = −0.75, taps at floor(pos) − 1 … + 2 with indices clamped to the border
// (upsample_get_value_bounded); bilinear: position clamped at 0, the right neighbour clamped at the
// border; nearest: floor(dst · in/out). Sums are in doubles here (torch: float32), a 1e-7 difference.
import type { ResizeFilter } from '../types';

/** Interleaved float pixels with their size. */
export interface PixelsF {
  data: Float64Array;
  width: number;
  height: number;
  channels: number;
}

const A = -0.75;
const near = (x: number): number => ((A + 2) * x - (A + 3)) * x * x + 1;
const far = (x: number): number => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;

/** The filters torch's interpolate has (no lanczos). */
export type TorchFilter = Exclude<ResizeFilter, 'lanczos'>;

/** For each output index, source indices and weights (`taps` per output). */
function taps(inSize: number, outSize: number, filter: TorchFilter): { taps: number; at: Int32Array; w: Float64Array } {
  const scale = Math.fround(inSize / outSize);
  const n = filter === 'bicubic' ? 4 : filter === 'bilinear' ? 2 : 1;
  const at = new Int32Array(outSize * n);
  const w = new Float64Array(outSize * n);
  const clamp = (i: number): number => Math.min(inSize - 1, Math.max(0, i));
  for (let d = 0; d < outSize; d++) {
    const o = d * n;
    if (filter === 'nearest') {
      at[o] = Math.min(inSize - 1, Math.floor(Math.fround(d * scale)));
      w[o] = 1;
      continue;
    }
    const pos = Math.fround(Math.fround(scale * (d + 0.5)) - 0.5);
    if (filter === 'bilinear') {
      const p = Math.max(0, pos);
      const i0 = Math.trunc(p);
      const l1 = p - i0;
      at[o] = i0;
      at[o + 1] = i0 < inSize - 1 ? i0 + 1 : i0;
      w[o] = 1 - l1;
      w[o + 1] = l1;
      continue;
    }
    const i = Math.floor(pos);
    const t = pos - i;
    const weights = [far(t + 1), near(t), near(1 - t), far(2 - t)];
    for (let k = 0; k < 4; k++) {
      at[o + k] = clamp(i - 1 + k);
      w[o + k] = weights[k]!;
    }
  }
  return { taps: n, at, w };
}

/** interpolate(size=(outH, outW), mode=filter, align_corners=False) of interleaved float pixels. */
export function torchResize(src: PixelsF, outW: number, outH: number, filter: TorchFilter): PixelsF {
  const { width, height, channels: ch, data } = src;
  const xs = taps(width, outW, filter);
  const ys = taps(height, outH, filter);
  const out = new Float64Array(outW * outH * ch);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      for (let b = 0; b < ch; b++) {
        // Along x for each of the rows, then along y, as torch's nested interpolate does.
        let sum = 0;
        for (let j = 0; j < ys.taps; j++) {
          const row = ys.at[y * ys.taps + j]! * width;
          let line = 0;
          for (let i = 0; i < xs.taps; i++)
            line += data[(row + xs.at[x * xs.taps + i]!) * ch + b]! * xs.w[x * xs.taps + i]!;
          sum += line * ys.w[y * ys.taps + j]!;
        }
        out[(y * outW + x) * ch + b] = sum;
      }
    }
  }
  return { data: out, width: outW, height: outH, channels: ch };
}
