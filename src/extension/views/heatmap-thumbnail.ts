// A small PNG of a sentence heatmap for hovers, encoded in plain JavaScript (node:zlib only).
// Drawing it over the radiograph would need the engine's image decoders (sharp, DICOM) in the
// extension host; those native addons stay in the scoring worker, and the review panel shows
// the full overlay. The thumbnail shows where in the image the sentence points.
import { deflateSync } from 'node:zlib';
import type { Heatmap } from '../../engine/scoring/heatmap';
import { colormap } from '../../engine/render/colormap';

/** Longest side of the thumbnail, in pixels: a hover is small, and data URIs travel in messages. */
export const THUMBNAIL_SIDE = 96;

const cache = new WeakMap<Heatmap, string>();

/** `data:image/png;base64,…` of the heatmap, cached per heatmap object (i.e. per scored sentence). */
export function heatmapDataUri(map: Heatmap): string {
  let uri = cache.get(map);
  if (!uri) {
    uri = `data:image/png;base64,${heatmapPng(map).toString('base64')}`;
    cache.set(map, uri);
  }
  return uri;
}

/** The grid bilinearly upsampled, min–max normalised through the overlay's colour map, aspect of its box. */
export function heatmapPng(map: Heatmap, side = THUMBNAIL_SIDE): Buffer {
  const [x0, y0, x1, y1] = map.box;
  const aspect = Math.abs(x1 - x0) / Math.max(1e-9, Math.abs(y1 - y0)) || 1;
  const w = Math.max(1, Math.round(aspect >= 1 ? side : side * aspect));
  const h = Math.max(1, Math.round(aspect >= 1 ? side / aspect : side));
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of map.values) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  const span = hi - lo || 1;
  const rgb = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    const gy = clamp(((y + 0.5) / h) * map.rows - 0.5, 0, map.rows - 1);
    for (let x = 0; x < w; x++) {
      const gx = clamp(((x + 0.5) / w) * map.cols - 0.5, 0, map.cols - 1);
      const [r, g, b] = colormap((bilinear(map.values, map.cols, map.rows, gx, gy) - lo) / span);
      const o = (y * w + x) * 3;
      rgb[o] = r;
      rgb[o + 1] = g;
      rgb[o + 2] = b;
    }
  }
  return encodePng(rgb, w, h);
}

/** 8-bit RGB, no interlace, filter 0 on every row. */
export function encodePng(rgb: Buffer, width: number, height: number): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, filter 0, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

function bilinear(values: number[], cols: number, rows: number, x: number, y: number): number {
  const xa = Math.floor(x);
  const ya = Math.floor(y);
  const xb = Math.min(cols - 1, xa + 1);
  const yb = Math.min(rows - 1, ya + 1);
  const fx = x - xa;
  const fy = y - ya;
  const top = values[ya * cols + xa] * (1 - fx) + values[ya * cols + xb] * fx;
  const bottom = values[yb * cols + xa] * (1 - fx) + values[yb * cols + xb] * fx;
  return top * (1 - fy) + bottom * fy;
}
