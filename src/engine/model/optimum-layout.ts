// The Transformers.js / Optimum CLIP layout (e.g. Xenova/clip-vit-base-patch32): derives the same plan as
// model.json from onnx/{vision,text}_model.onnx, preprocessor_config.json, config.json and tokenizer.json.
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ImagePreprocessSpec, ResizeFilter } from '../types';
import { Fields } from './fields';
import { readJsonFile } from './json-file';
import type { ModelPlan } from './model-plan';
import { ModelError } from './types';

export const OPTIMUM_ONNX_DIR = 'onnx';
const DEFAULT_LOGIT_SCALE = 100;
/** tokenizer_config.json's "no limit" sentinel is a huge number; anything above this is not a real limit. */
const SANE_MAX_LENGTH = 100_000;
/**
 * Names how this file reads preprocessor_config.json; hashed, with the spec it gives, into the model
 * identity (ModelPlan.identityNote). 2: resample, size.shortest_edge and Hugging Face's rounding are read.
 */
const PREPROCESS_READING = 'optimum-preprocess/2';
/** PIL's resampling codes, as `resample` holds them (Image.Resampling). */
const PIL_RESAMPLE: Record<number, ResizeFilter> = { 0: 'nearest', 1: 'lanczos', 2: 'bilinear', 3: 'bicubic' };

export async function planFromOptimum(dir: string): Promise<ModelPlan> {
  const configFile = join(dir, 'config.json');
  const preprocessorFile = join(dir, 'preprocessor_config.json');
  const tokenizerFile = join(dir, 'tokenizer.json');
  const tokenizerConfigFile = join(dir, 'tokenizer_config.json');
  const visionFile = join(dir, OPTIMUM_ONNX_DIR, 'vision_model.onnx');
  const textFile = join(dir, OPTIMUM_ONNX_DIR, 'text_model.onnx');

  const config = new Fields(configFile, await readJsonFile(configFile));
  const preprocessor = new Fields(preprocessorFile, await readJsonFile(preprocessorFile));
  const tokenizerConfig = existsSync(tokenizerConfigFile)
    ? new Fields(tokenizerConfigFile, await readJsonFile(tokenizerConfigFile))
    : null;

  const visionConfig = config.optionalObject('vision_config');
  const channels = visionConfig?.optionalNumber('num_channels', 'positive-integer') ?? 3;
  if (channels !== 1 && channels !== 3)
    throw new ModelError(configFile, `field 'vision_config.num_channels' must be 1 or 3 (got ${channels})`);
  const preprocess = readPreprocessor(preprocessor, channels);
  const modelImageSize = visionConfig?.optionalNumber('image_size', 'positive-integer') ?? null;
  if (modelImageSize !== null && modelImageSize !== preprocess.size) {
    throw new ModelError(
      preprocessorFile,
      `crops to ${preprocess.size} px but config.json vision_config.image_size is ${modelImageSize}`,
    );
  }

  const logScale = config.optionalNumber('logit_scale_init_value');
  return {
    layout: 'optimum',
    id: basename(dir),
    name: config.optionalString('_name_or_path') ?? basename(dir),
    dir,
    settingsFile: configFile,
    vision: { file: visionFile, input: 'pixel_values', imageEmbeds: 'image_embeds', patchEmbeds: null },
    text: {
      file: textFile,
      inputIds: 'input_ids',
      // Many Xenova exports of CLIPTextModelWithProjection take input_ids only.
      attentionMask: { name: 'attention_mask', optional: true },
      textEmbeds: 'text_embeds',
    },
    tokenizer: { file: tokenizerFile, configFile: tokenizerConfig ? tokenizerConfigFile : null },
    maxTextLength: readMaxTextLength(config, tokenizerConfig),
    preprocess,
    embedDim: config.optionalNumber('projection_dim', 'positive-integer'),
    logitScale: logScale === null ? DEFAULT_LOGIT_SCALE : Math.exp(logScale),
    patchGrid: null,
    identityFiles: [
      configFile,
      preprocessorFile,
      tokenizerFile,
      ...(tokenizerConfig ? [tokenizerConfigFile] : []),
      visionFile,
      textFile,
    ],
    identityNote: `${PREPROCESS_READING} ${JSON.stringify(preprocess)}`,
  };
}

/**
 * CLIPImageProcessor fields → ImagePreprocessSpec, as its own preprocess computes: PIL resize with `resample`
 * (default bicubic), the short side to `size.shortest_edge`, the long side `int(edge * long / short)`, then
 * centre crop `(h − crop) // 2` (transformers image_transforms.get_resize_output_image_size, center_crop).
 */
function readPreprocessor(p: Fields, channels: 1 | 3): ImagePreprocessSpec {
  let size: number;
  let resize: ImagePreprocessSpec['resize'] = 'shortest-edge';
  let edge: number | null = null;
  if (p.boolean('do_center_crop', true)) {
    size = squareSide(p, 'crop_size');
    if (p.has('size') && !isHeightWidth(p)) {
      edge = shortestEdge(p);
      if (edge < size) p.fail('size', `resizes the short side to ${edge}, less than crop_size ${size}`);
    }
  } else if (isHeightWidth(p)) {
    // {height, width} without a crop: HF resizes both sides straight to it.
    size = squareSide(p, 'size');
    resize = 'squash';
  } else {
    size = shortestEdge(p);
  }
  let mean = Array<number>(channels).fill(0);
  let std = Array<number>(channels).fill(1);
  if (p.boolean('do_normalize', true)) {
    mean = perChannel(p, 'image_mean', channels);
    std = perChannel(p, 'image_std', channels);
    if (std.some((s) => !(s > 0))) p.fail('image_std', 'values must be greater than 0');
  }
  // ImagePreprocessSpec normalises values in 0..1; HF first multiplies 0..255 by rescale_factor (1/255 for CLIP).
  // Any other factor folds exactly into mean/std: (255·r·v − m)/s = (v − m/(255r)) / (s/(255r)).
  const rescale = p.boolean('do_rescale', true) ? (p.optionalNumber('rescale_factor', 'positive') ?? 1 / 255) : 1;
  const k = 255 * rescale;
  if (Math.abs(k - 1) > 1e-9) {
    mean = mean.map((m) => m / k);
    std = std.map((s) => s / k);
  }
  const spec: ImagePreprocessSpec = {
    size,
    resize,
    mean,
    std,
    channels,
    filter: readResample(p),
    resizeRounding: 'truncate',
    cropRounding: 'floor',
  };
  if (edge !== null && edge !== size) spec.shortestEdge = edge;
  return spec;
}

/** `size` given as {height, width} (a squash target), not a shortest edge. */
function isHeightWidth(p: Fields): boolean {
  const raw = p.raw('size');
  return typeof raw === 'object' && raw !== null && !('shortest_edge' in raw);
}

function readResample(p: Fields): ResizeFilter {
  const code = p.optionalNumber('resample') ?? 3;
  const filter = PIL_RESAMPLE[code];
  if (filter === undefined)
    p.fail('resample', `is PIL filter ${code}; radalign has 0 (nearest), 1 (lanczos), 2 (bilinear) and 3 (bicubic)`);
  return filter;
}

/** `crop_size` / `size` as {height, width} (must be square) or a plain number (older files). */
function squareSide(p: Fields, key: string): number {
  const raw = p.raw(key);
  if (typeof raw === 'number') return p.number(key, 'positive-integer');
  const box = p.object(key);
  const height = box.number('height', 'positive-integer');
  const width = box.number('width', 'positive-integer');
  if (height !== width) p.fail(key, `is ${width}×${height}; radalign needs a square model input`);
  return height;
}

function shortestEdge(p: Fields): number {
  const raw = p.raw('size');
  if (typeof raw === 'number') return p.number('size', 'positive-integer');
  return p.object('size').number('shortest_edge', 'positive-integer');
}

/** HF accepts one number for all channels or one per channel. */
function perChannel(p: Fields, key: string, channels: number): number[] {
  const raw = p.raw(key);
  const values = typeof raw === 'number' ? Array<number>(channels).fill(p.number(key)) : p.numbers(key);
  if (values.length !== channels) p.fail(key, `has ${values.length} values but the model has ${channels} channel(s)`);
  return values;
}

function readMaxTextLength(config: Fields, tokenizerConfig: Fields | null): number {
  const fromModel = config.optionalObject('text_config')?.optionalNumber('max_position_embeddings', 'positive-integer');
  if (fromModel != null) return fromModel;
  const fromTokenizer = tokenizerConfig?.optionalNumber('model_max_length', 'positive-integer');
  if (fromTokenizer != null && fromTokenizer < SANE_MAX_LENGTH) return fromTokenizer;
  throw new ModelError(
    config.file,
    "missing field 'text_config.max_position_embeddings' (the text model's token limit)",
  );
}
