// DecodedImage → normalised CHW float tensor for a CLIP vision model, plus the transform back to the original.
// A spec naming its family's steps (filter, before, antialias, intensity, greyscale, resizeBeforeConvert) goes to
// exact-steps.ts instead.
import sharp, { type Sharp } from 'sharp';
import { RESIZE_FILTERS, type DecodedImage, type ImagePreprocessSpec, type PreprocessedImage } from '../types';
import { exactStepsToTensor, usesExactSteps, type StoredPixels } from './exact-steps';
import { type ResizePlan, planResize } from './geometry';
import { pilLuma, remapMinMax } from './intensity';

/**
 * Resizes with one sharp pipeline (bicubic, like the PIL resize CLIP processors use), then maps each value v to
 * (v/255 - mean[c]) / std[c]. Letterbox padding is black (0 before normalisation): X-rays are framed by black,
 * so the padding looks like the image border rather than a grey band the model never saw in training.
 */
export async function preprocessImage(img: DecodedImage, spec: ImagePreprocessSpec): Promise<PreprocessedImage> {
  checkSpec(spec);
  checkImage(img);
  if (usesExactSteps(spec)) return exactStepsToTensor(await exactStepsInput(img, spec), spec);
  const { size } = spec;
  const plan = planResize(img.width, img.height, size, spec.resize, spec);

  // Grey sources stay one channel through the pipeline (repeated into the tensor later); colour → grey when asked.
  const grey = img.channels === 1 || spec.channels === 1;
  // Already decoded, so already admitted by the pixel limit (which may be raised above sharp's default of ~268 MP).
  let pipeline = sharp(img.data, {
    raw: { width: img.width, height: img.height, channels: img.channels },
    limitInputPixels: false,
  });
  if (grey && img.channels === 3) pipeline = pipeline.greyscale();
  return pipelineToTensor(resizeToModelInput(pipeline, plan, size), grey, spec, plan);
}

/** The decoded pixels remapped (`intensity`, first, as hi-ml does), then made grey when the spec asks. */
async function exactStepsInput(img: DecodedImage, spec: ImagePreprocessSpec): Promise<StoredPixels> {
  let px: StoredPixels = {
    data: img.data,
    width: img.width,
    height: img.height,
    channels: img.channels,
    ...(img.alpha ? { alpha: img.alpha } : {}),
    ...(img.palette ? { palette: true } : {}),
  };
  if (spec.intensity === 'min-max') px = remapMinMax(px, img.alphaRange);
  if (spec.greyscale && px.channels === 3) {
    px = pilLuma(px);
  } else if (spec.channels === 1 && px.channels === 3) {
    const data = await sharp(px.data, {
      raw: { width: px.width, height: px.height, channels: 3 },
      limitInputPixels: false,
    })
      .greyscale()
      .toColourspace('b-w')
      .raw()
      .toBuffer();
    px = { ...px, data, channels: 1 };
  }
  return px;
}

/**
 * The geometry half of preprocessing, shared by both paths (from decoded pixels, and in one pipeline
 * from the file's bytes, image/model-input.ts): resize to the plan's size, then crop or pad to `size`.
 */
export function resizeToModelInput(
  pipeline: Sharp,
  plan: ResizePlan,
  size: number,
  options: { fastShrinkOnLoad?: boolean } = {},
): Sharp {
  pipeline = pipeline.resize(plan.resizeWidth, plan.resizeHeight, { fit: 'fill', kernel: 'cubic', ...options });
  if (plan.kind === 'crop') {
    pipeline = pipeline.extract({ left: plan.left, top: plan.top, width: size, height: size });
  } else if (plan.kind === 'pad') {
    pipeline = pipeline.extend({
      left: plan.left,
      top: plan.top,
      right: size - plan.resizeWidth - plan.left,
      bottom: size - plan.resizeHeight - plan.top,
      background: { r: 0, g: 0, b: 0, alpha: 1 },
    });
  }
  return pipeline;
}

/** Runs a pipeline ending at the model-input size and normalises its 8-bit pixels into the CHW tensor. */
export async function pipelineToTensor(
  pipeline: Sharp,
  grey: boolean,
  spec: ImagePreprocessSpec,
  plan: ResizePlan,
): Promise<PreprocessedImage> {
  const { size } = spec;
  // extend() with a colour background would otherwise turn a grey image into RGB.
  const { data, info } = await pipeline
    .toColourspace(grey ? 'b-w' : 'srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size || info.channels !== (grey ? 1 : 3)) {
    throw new Error(
      `preprocessImage: resize produced ${info.width}x${info.height}x${info.channels}, expected ${size}x${size}`,
    );
  }
  return { tensor: toNormalisedChw(data, info.channels, spec), transform: plan.transform };
}

/** Interleaved 8-bit pixels → planar floats; a grey source is repeated into every channel. */
function toNormalisedChw(pixels: Buffer, pixelChannels: number, spec: ImagePreprocessSpec): Float32Array {
  const area = spec.size * spec.size;
  const tensor = new Float32Array(spec.channels * area);
  for (let c = 0; c < spec.channels; c++) {
    const lut = new Float32Array(256);
    for (let v = 0; v < 256; v++) lut[v] = (v / 255 - spec.mean[c]!) / spec.std[c]!;
    const source = pixelChannels === 1 ? 0 : c;
    const plane = tensor.subarray(c * area, (c + 1) * area);
    for (let i = 0; i < area; i++) plane[i] = lut[pixels[i * pixelChannels + source]!]!;
  }
  return tensor;
}

export function checkSpec(spec: ImagePreprocessSpec): void {
  const problems: string[] = [];
  if (!Number.isInteger(spec.size) || spec.size < 1) problems.push(`size ${spec.size} is not a positive integer`);
  if (spec.channels !== 1 && spec.channels !== 3) problems.push(`channels ${String(spec.channels)} is not 1 or 3`);
  if (spec.mean.length !== spec.channels || spec.std.length !== spec.channels) {
    problems.push(`mean/std have ${spec.mean.length}/${spec.std.length} values for ${spec.channels} channels`);
  }
  if (spec.std.some((s) => !(s > 0))) problems.push('std values must be positive');
  checkStep(spec, '', problems);
  if (spec.antialias !== undefined && typeof spec.antialias !== 'boolean')
    problems.push(`antialias ${String(spec.antialias)} is not true or false`);
  if (spec.antialias === false && spec.filter === 'lanczos') problems.push('antialias false has no lanczos filter');
  if (spec.resizeBeforeConvert !== undefined && typeof spec.resizeBeforeConvert !== 'boolean')
    problems.push(`resizeBeforeConvert ${String(spec.resizeBeforeConvert)} is not true or false`);
  if (spec.greyscale !== undefined && typeof spec.greyscale !== 'boolean')
    problems.push(`greyscale ${String(spec.greyscale)} is not true or false`);
  if (spec.intensity !== undefined && spec.intensity !== 'min-max')
    problems.push(`unknown intensity '${String(spec.intensity)}'`);
  if (spec.before !== undefined) {
    if (typeof spec.before !== 'object' || spec.before === null) problems.push('before is not an object');
    else {
      if (!Number.isInteger(spec.before.size) || spec.before.size < 1)
        problems.push(`before.size ${spec.before.size} is not a positive integer`);
      checkStep(spec.before, 'before.', problems);
      if (spec.before.greyscale !== undefined && typeof spec.before.greyscale !== 'boolean')
        problems.push(`before.greyscale ${String(spec.before.greyscale)} is not true or false`);
    }
  }
  if (problems.length > 0) throw new Error(`preprocessImage: bad preprocessing spec: ${problems.join('; ')}`);
}

/** The fields a spec and its `before` step share; `at` prefixes the names in messages. */
function checkStep(
  step: ImagePreprocessSpec | NonNullable<ImagePreprocessSpec['before']>,
  at: string,
  problems: string[],
): void {
  if (!['shortest-edge', 'squash', 'letterbox'].includes(step.resize))
    problems.push(`unknown ${at}resize mode '${String(step.resize)}'`);
  if (step.resizeRounding !== undefined && !['round', 'truncate', 'truncate-ratio'].includes(step.resizeRounding))
    problems.push(`unknown ${at}resizeRounding '${String(step.resizeRounding)}'`);
  if (step.cropRounding !== undefined && !['floor', 'half-even'].includes(step.cropRounding))
    problems.push(`unknown ${at}cropRounding '${String(step.cropRounding)}'`);
  if (step.filter !== undefined && !RESIZE_FILTERS.includes(step.filter))
    problems.push(`unknown ${at}filter '${String(step.filter)}'`);
  if (step.shortestEdge !== undefined) {
    if (step.resize !== 'shortest-edge') problems.push(`${at}shortestEdge is only for resize 'shortest-edge'`);
    else if (!Number.isInteger(step.shortestEdge) || step.shortestEdge < step.size)
      problems.push(`${at}shortestEdge ${step.shortestEdge} is not a whole number ≥ ${at}size ${step.size}`);
  }
}

function checkImage(img: DecodedImage): void {
  const expected = img.width * img.height * img.channels;
  if (!(img.width >= 1 && img.height >= 1) || img.data.length !== expected) {
    throw new Error(
      `preprocessImage: image ${img.width}x${img.height}x${img.channels} needs ${expected} bytes, has ${img.data.length}`,
    );
  }
}
