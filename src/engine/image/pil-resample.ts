// Pillow's Image.resize on 8-bit pixels, reproduced exactly, so a model.json naming a `filter` gets the
// pixels its family's PIL preprocessing gives. libvips (sharp) is close but not the same: it box-shrinks
// first on large reductions and places its upsampling grid differently (up to 15 of 255 steps apart at
// 1837×1505 → 224², 92 when enlarging, measured), which a model feels at edges.
//
// Follows Pillow 9.4 src/libImaging/Resample.c: separable, horizontal pass first, each pass into 8 bits.
// Coefficients come from the filter evaluated at (x + xmin - center + 0.5) / filterscale (support widened by
// the reduction factor: antialiased), normalised to sum 1 in doubles, then fixed point with 22 fraction
// bits (normalize_coeffs_8bpc); each output is (2^21 + Σ pixel·k) >> 22, clamped to 0..255 (clip8).
// NEAREST is Geometry.c's ImagingScaleAffine: the source pixel under each output centre, found by adding the
// step to a running double as Pillow does.
import type { ResizeFilter } from '../types';

/** Interleaved 8-bit pixels with their size. */
export interface Pixels8 {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);

interface Filter {
  support: number;
  at(x: number): number;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

const FILTERS: Record<Exclude<ResizeFilter, 'nearest'>, Filter> = {
  bilinear: {
    support: 1,
    at: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
  },
  bicubic: {
    support: 2,
    at: (x) => {
      // Pillow's bicubic_filter, a = -0.5, written as its C is so the doubles match.
      const a = -0.5;
      const t = Math.abs(x);
      if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
      if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, at: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** Per output position: first source index, tap count, and fixed-point weights (ksize apart). */
interface Coefficients {
  ksize: number;
  bounds: Int32Array;
  weights: Float64Array;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for box (0, inSize). */
function coefficients(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterscale = Math.max(scale, 1);
  const support = filter.support * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Float64Array(outSize * ksize);
  const k = new Float64Array(ksize);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const ss = 1 / filterscale;
    // C's (int) truncates toward zero; center - support + 0.5 can be negative, then clamped to 0 anyway.
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.at((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const v = ww !== 0 ? k[x]! / ww : k[x]!;
      // (int)(±0.5 + v * 2^22): rounds half away from zero.
      weights[xx * ksize + x] = v < 0 ? Math.trunc(-0.5 + v * ONE) : Math.trunc(0.5 + v * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = Math.max(0, xmax);
  }
  return { ksize, bounds, weights };
}

function clip8(sum: number): number {
  const v = Math.floor(sum / ONE);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** One pass along rows (horizontal) or columns (vertical) of interleaved pixels. */
function pass(src: Pixels8, outW: number, outH: number, horizontal: boolean, filter: Filter): Pixels8 {
  const { width, height, channels: ch, data } = src;
  const c = horizontal ? coefficients(width, outW, filter) : coefficients(height, outH, filter);
  const out = new Uint8Array(outW * outH * ch);
  const rowStride = width * ch;
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const i = horizontal ? x : y;
      const first = c.bounds[i * 2]!;
      const taps = c.bounds[i * 2 + 1]!;
      const w0 = i * c.ksize;
      const base = horizontal ? y * rowStride + first * ch : first * rowStride + x * ch;
      const step = horizontal ? ch : rowStride;
      for (let b = 0; b < ch; b++) {
        let sum = HALF;
        for (let t = 0, p = base + b; t < taps; t++, p += step) sum += data[p]! * c.weights[w0 + t]!;
        out[(y * outW + x) * ch + b] = clip8(sum);
      }
    }
  }
  return { data: out, width: outW, height: outH, channels: ch };
}

/** Pillow's ImagingScaleAffine for NEAREST: the source pixel under each output pixel's centre. */
function nearest(src: Pixels8, outW: number, outH: number): Pixels8 {
  const { width, height, channels: ch, data } = src;
  const coord = (v: number): number => (v < 0 ? -1 : Math.trunc(v));
  const table = (inSize: number, outSize: number): Int32Array => {
    const step = inSize / outSize;
    const tab = new Int32Array(outSize);
    let at = step * 0.5;
    for (let i = 0; i < outSize; i++) {
      tab[i] = Math.min(inSize - 1, Math.max(0, coord(at)));
      at += step;
    }
    return tab;
  };
  const xs = table(width, outW);
  const ys = table(height, outH);
  const out = new Uint8Array(outW * outH * ch);
  for (let y = 0; y < outH; y++) {
    for (let x = 0; x < outW; x++) {
      const from = (ys[y]! * width + xs[x]!) * ch;
      for (let b = 0; b < ch; b++) out[(y * outW + x) * ch + b] = data[from + b]!;
    }
  }
  return { data: out, width: outW, height: outH, channels: ch };
}

/** Image.resize((outW, outH), filter) of 8-bit pixels ('L' or 'RGB'), as Pillow 9.4 computes it. */
export function pilResize(src: Pixels8, outW: number, outH: number, filter: ResizeFilter): Pixels8 {
  if (outW === src.width && outH === src.height) return src;
  if (filter === 'nearest') return nearest(src, outW, outH);
  const f = FILTERS[filter];
  // Pillow skips a pass whose size does not change.
  const wide = outW === src.width ? src : pass(src, outW, src.height, true, f);
  return outH === src.height ? wide : pass(wide, outW, outH, false, f);
}
