// Pillow's premultiplied alpha, for resizing in the stored mode (`resizeBeforeConvert`): Image.resize converts
// RGBA to RGBa (and LA to La) before resampling and back after, so colour under transparency does not bleed.
// Pillow 9.4 libImaging/Convert.c: rgbA2rgba multiplies with MULDIV255(v, a) = ((v·a + 128) + ((v·a + 128) >> 8))
// >> 8; rgba2rgbA divides back, CLIP8(255·v / a), keeping v where a is 0 or 255.
import type { Pixels8 } from './pil-resample';

/** Colour channels multiplied by alpha, with alpha appended as the last channel. */
export function premultiply(px: Pixels8, alpha: Uint8Array): Pixels8 {
  const ch = px.channels;
  const n = px.width * px.height;
  const data = new Uint8Array(n * (ch + 1));
  for (let i = 0; i < n; i++) {
    const a = alpha[i]!;
    for (let c = 0; c < ch; c++) {
      const t = px.data[i * ch + c]! * a + 128;
      data[i * (ch + 1) + c] = ((t >> 8) + t) >> 8;
    }
    data[i * (ch + 1) + ch] = a;
  }
  return { data, width: px.width, height: px.height, channels: ch + 1 };
}

/** The last channel (alpha) divided back out of the others, then dropped. */
export function unpremultiply(px: Pixels8): Pixels8 {
  const ch = px.channels - 1;
  const n = px.width * px.height;
  const data = new Uint8Array(n * ch);
  for (let i = 0; i < n; i++) {
    const a = px.data[i * px.channels + ch]!;
    for (let c = 0; c < ch; c++) {
      const v = px.data[i * px.channels + c]!;
      data[i * ch + c] = a === 0 || a === 255 ? v : Math.min(255, Math.trunc((255 * v) / a));
    }
  }
  return { data, width: px.width, height: px.height, channels: ch };
}
