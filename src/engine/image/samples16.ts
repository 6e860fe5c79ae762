// 16-bit samples to 8 bits as a model family's own code reads them, for specs with family steps (exact-steps.ts).
// Without family steps radalign windows 16-bit images over a robust percentile range (window.ts); the families
// do not: Pillow reads 16-bit colour PNGs as their high byte (v >> 8) and OpenCV's imread scales by 1/256, and
// hi-ml's remap_to_uint8 stretches the image's own min..max over all channels, alpha included.
import type { DecodedImage } from '../types';
import { windowFromBounds } from './window';

type Converted = Pick<DecodedImage, 'data' | 'window' | 'alphaRange'>;

/** v >> 8 for every sample. */
export function highByte(samples: Uint16Array): Converted {
  const data = Buffer.alloc(samples.length);
  for (let i = 0; i < samples.length; i++) data[i] = samples[i]! >> 8;
  return { data, window: windowFromBounds(0, 65535, 'full-range') };
}

/**
 * hi-ml's remap_to_uint8 on 16-bit samples: uint8((v − min) / (max − min) · 255), truncating, min and max over
 * the samples and the dropped alpha channel's range (16-bit units); the alpha range comes back in 8-bit units,
 * so that the 8-bit min-max step after it (intensity.ts) finds the same range and changes nothing.
 */
export function minMax16(samples: Uint16Array, alpha16?: [number, number]): Converted {
  let min = alpha16?.[0] ?? 65535;
  let max = alpha16?.[1] ?? 0;
  for (const v of samples) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  const map = (v: number): number => (range > 0 ? Math.trunc(((v - min) / range) * 255) : 0);
  const data = Buffer.alloc(samples.length);
  for (let i = 0; i < samples.length; i++) data[i] = map(samples[i]!);
  return {
    data,
    window: windowFromBounds(min, max, 'min-max'),
    ...(alpha16 ? { alphaRange: [map(alpha16[0]), map(alpha16[1])] as [number, number] } : {}),
  };
}
