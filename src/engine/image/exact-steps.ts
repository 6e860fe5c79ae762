// The preprocessing of a spec that names its family's own steps (`filter`, `before`, `antialias`,
// `intensity`, `greyscale`, `resizeBeforeConvert`), on decoded 8-bit pixels, each step as the family's Python code makes it: an optional
// earlier 8-bit resize (`before`), then the main resize: PIL's (pil-resample.ts) into 8 bits, or torch's
// interpolate on floats (torch-resample.ts) with `antialias: false`; then crop or pad, then normalise.
// Specs without these fields never come here: they keep the sharp pipeline (preprocess.ts) and its tensors.
import type { EarlierStepSpec, ImagePreprocessSpec, PreprocessedImage } from '../types';
import { composeTransforms, planResize, type ResizePlan } from './geometry';
import { pilLuma } from './intensity';
import { premultiply, unpremultiply } from './pil-alpha';
import { pilResize, type Pixels8 } from './pil-resample';
import { torchResize, type PixelsF } from './torch-resample';

/** Decoded pixels with what `resizeBeforeConvert` needs of the stored image (DecodedImage.alpha, palette). */
export type StoredPixels = Pixels8 & { alpha?: Uint8Array; palette?: boolean };

/** Whether a spec takes this route (any of the family-step fields set) rather than the sharp pipeline. */
export function usesExactSteps(spec: ImagePreprocessSpec): boolean {
  return (
    spec.filter !== undefined ||
    spec.before !== undefined ||
    spec.antialias !== undefined ||
    spec.intensity !== undefined ||
    spec.greyscale !== undefined ||
    spec.resizeBeforeConvert !== undefined
  );
}

/** Crops (shortest-edge) or pads with 0 (letterbox) resized pixels to size², per the plan. */
function cropOrPad<T extends Uint8Array | Float64Array>(
  data: T,
  width: number,
  height: number,
  ch: number,
  plan: ResizePlan,
  size: number,
  make: (n: number) => T,
): T {
  if (plan.kind === 'none') return data;
  const out = make(size * size * ch);
  // Source and target origins: the crop reads from (left, top); the padding writes at (left, top).
  const [sx, sy, tx, ty] = plan.kind === 'crop' ? [plan.left, plan.top, 0, 0] : [0, 0, plan.left, plan.top];
  const w = Math.min(size, width);
  const h = Math.min(size, height);
  for (let y = 0; y < h; y++) {
    const from = ((y + sy) * width + sx) * ch;
    out.set(data.subarray(from, from + w * ch), ((y + ty) * size + tx) * ch);
  }
  return out;
}

/** One 8-bit step: PIL resize to the plan, then crop or pad to `step.size`; then grey when the step says. */
function step8(px: Pixels8, step: EarlierStepSpec, plan: ResizePlan): Pixels8 {
  const r = pilResize(px, plan.resizeWidth, plan.resizeHeight, step.filter ?? 'bicubic');
  const data = cropOrPad(r.data, r.width, r.height, r.channels, plan, step.size, (n) => new Uint8Array(n));
  const out = { data, width: step.size, height: step.size, channels: r.channels };
  // Black padding stays black (luma 0), so converting after padding is converting before it, as PIL's paste does.
  return step.greyscale && out.channels === 3 ? pilLuma(out) : out;
}

/**
 * The main step resized in the stored mode (`resizeBeforeConvert`), as Pillow's Image.resize does it: a palette
 * image with nearest neighbour; an image with alpha premultiplied (RGBa / La), resized with its alpha, then
 * unpremultiplied; the alpha is dropped after, at the conversion to RGB.
 */
function storedModeStep(px: StoredPixels, spec: ImagePreprocessSpec, plan: ResizePlan): Pixels8 {
  const filter = px.palette ? 'nearest' : (spec.filter ?? 'bicubic');
  if (px.palette || !px.alpha || filter === 'nearest') return step8(px, { ...spec, filter }, plan);
  const r = pilResize(premultiply(px, px.alpha), plan.resizeWidth, plan.resizeHeight, filter);
  const data = cropOrPad(r.data, r.width, r.height, r.channels, plan, spec.size, (n) => new Uint8Array(n));
  return unpremultiply({ data, width: spec.size, height: spec.size, channels: r.channels });
}

/**
 * 8-bit pixels (already remapped and made grey where the spec says) → the CHW tensor and the transform back
 * to the original (through both steps when there is a `before`).
 */
export function exactStepsToTensor(px: StoredPixels, spec: ImagePreprocessSpec): PreprocessedImage {
  let transform = null;
  if (spec.before) {
    const plan = planResize(px.width, px.height, spec.before.size, spec.before.resize, spec.before);
    px = step8(px, spec.before, plan);
    transform = plan.transform;
  }
  const plan = planResize(px.width, px.height, spec.size, spec.resize, spec);
  let values: ArrayLike<number>;
  if (spec.antialias === false) {
    const filter = spec.filter ?? 'bicubic';
    if (filter === 'lanczos') throw new Error('preprocessImage: antialias false has no lanczos (torch has none)');
    const floats: PixelsF = { ...px, data: Float64Array.from(px.data) };
    const r = torchResize(floats, plan.resizeWidth, plan.resizeHeight, filter);
    values = cropOrPad(r.data, r.width, r.height, r.channels, plan, spec.size, (n) => new Float64Array(n));
  } else if (spec.resizeBeforeConvert && (px.palette || px.alpha)) {
    values = storedModeStep(px, spec, plan).data;
  } else {
    values = step8(px, spec, plan).data;
  }
  return {
    tensor: toChw(values, px.channels, spec),
    transform: transform ? composeTransforms(transform, plan.transform) : plan.transform,
  };
}

/** Interleaved values on the 0..255 scale → normalised planar floats; grey is repeated into every channel. */
function toChw(values: ArrayLike<number>, pixelChannels: number, spec: ImagePreprocessSpec): Float32Array {
  const area = spec.size * spec.size;
  const tensor = new Float32Array(spec.channels * area);
  for (let c = 0; c < spec.channels; c++) {
    const source = pixelChannels === 1 ? 0 : c;
    const mean = spec.mean[c]!;
    const std = spec.std[c]!;
    for (let i = 0; i < area; i++) tensor[c * area + i] = (values[i * pixelChannels + source]! / 255 - mean) / std;
  }
  return tensor;
}
