// The radalign layout: a model.json manifest naming the ONNX files, their inputs/outputs and the preprocessing.
// Field reference: docs/model-format.md.
import { join, resolve } from 'node:path';
import { RESIZE_FILTERS, type EarlierStepSpec, type ImagePreprocessSpec, type ResizeStepSpec } from '../types';
import { Fields } from './fields';
import { readJsonFile } from './json-file';
import type { ModelPlan } from './model-plan';
import { ModelError } from './types';

export const MANIFEST_FILE = 'model.json';
export const MANIFEST_FORMAT = 'radalign-model/1';
const DEFAULT_LOGIT_SCALE = 100;

/** model.json as written (paths relative to the model folder). */
export interface RadalignManifest {
  format: typeof MANIFEST_FORMAT;
  id: string;
  name?: string;
  version?: string;
  vision: { file: string; input: string; imageEmbeds: string; patchEmbeds?: string };
  text: { file: string; inputIds: string; attentionMask?: string; textEmbeds: string };
  tokenizer: string;
  /** Optional tokenizer_config.json handed to tokenizers.js next to tokenizer.json. */
  tokenizerConfig?: string;
  maxTextLength: number;
  image: {
    size: number;
    resize?: ImagePreprocessSpec['resize'];
    mean: number[];
    std: number[];
    channels?: 1 | 3;
    resizeRounding?: ImagePreprocessSpec['resizeRounding'];
    cropRounding?: ImagePreprocessSpec['cropRounding'];
    shortestEdge?: number;
    filter?: ImagePreprocessSpec['filter'];
    antialias?: boolean;
    intensity?: ImagePreprocessSpec['intensity'];
    greyscale?: boolean;
    resizeBeforeConvert?: boolean;
    before?: EarlierStepSpec;
  };
  embedDim: number;
  logitScale?: number;
  /** Required when vision.patchEmbeds is given. */
  patchGrid?: [number, number];
}

/** Reads and validates `dir/model.json`. */
export async function planFromManifest(dir: string): Promise<ModelPlan> {
  const file = join(dir, MANIFEST_FILE);
  const m = new Fields(file, await readJsonFile(file));

  const format = m.string('format');
  if (format !== MANIFEST_FORMAT) m.fail('format', `is '${format}'; this radalign reads '${MANIFEST_FORMAT}'`);
  const id = m.string('id');
  const at = (rel: string): string => resolve(dir, rel);

  const v = m.object('vision');
  const vision = {
    file: at(v.string('file')),
    input: v.string('input'),
    imageEmbeds: v.string('imageEmbeds'),
    patchEmbeds: v.optionalString('patchEmbeds'),
  };
  const t = m.object('text');
  const mask = t.optionalString('attentionMask');
  const text = {
    file: at(t.string('file')),
    inputIds: t.string('inputIds'),
    attentionMask: mask === null ? null : { name: mask, optional: false },
    textEmbeds: t.string('textEmbeds'),
  };
  const tokenizerConfig = m.optionalString('tokenizerConfig');
  const tokenizer = {
    file: at(m.string('tokenizer')),
    configFile: tokenizerConfig === null ? null : at(tokenizerConfig),
  };

  const maxTextLength = m.number('maxTextLength', 'positive-integer');
  if (maxTextLength < 2)
    m.fail('maxTextLength', `must leave room for text between special tokens (got ${maxTextLength})`);
  const patchGrid = readPatchGrid(m, vision.patchEmbeds !== null);

  return {
    layout: 'radalign',
    id,
    name: m.optionalString('name') ?? id,
    dir,
    settingsFile: file,
    vision,
    text,
    tokenizer,
    maxTextLength,
    preprocess: readImageSpec(m.object('image')),
    embedDim: m.number('embedDim', 'positive-integer'),
    logitScale: m.optionalNumber('logitScale', 'positive') ?? DEFAULT_LOGIT_SCALE,
    patchGrid,
    identityFiles: [
      file,
      tokenizer.file,
      ...(tokenizer.configFile ? [tokenizer.configFile] : []),
      vision.file,
      text.file,
    ],
  };
}

function readImageSpec(img: Fields): ImagePreprocessSpec {
  const channels = img.optionalNumber('channels') ?? 3;
  if (channels !== 1 && channels !== 3) img.fail('channels', `must be 1 or 3 (got ${channels})`);
  const mean = img.numbers('mean');
  const std = img.numbers('std');
  if (mean.length !== channels) img.fail('mean', `has ${mean.length} values but channels is ${channels}`);
  if (std.length !== channels) img.fail('std', `has ${std.length} values but channels is ${channels}`);
  if (std.some((s) => !(s > 0))) img.fail('std', 'values must be greater than 0');
  const spec: ImagePreprocessSpec = { ...readStep(img), mean, std, channels };
  // Absent stays absent (not the default written in), so the spec reads as the file does.
  if (img.has('antialias')) spec.antialias = img.boolean('antialias', true);
  if (img.has('greyscale')) spec.greyscale = img.boolean('greyscale', false);
  if (img.has('resizeBeforeConvert')) spec.resizeBeforeConvert = img.boolean('resizeBeforeConvert', false);
  if (spec.antialias === false && spec.filter === 'lanczos')
    img.fail('antialias', "is false, which torch's interpolate has no lanczos for; use 'bicubic' or 'bilinear'");
  const intensity = img.optionalString('intensity');
  if (intensity !== null) {
    if (intensity !== 'min-max') img.fail('intensity', `must be 'min-max' (got '${intensity}')`);
    spec.intensity = intensity;
  }
  const before = img.optionalObject('before');
  if (before !== null) {
    spec.before = readStep(before);
    if (before.has('greyscale')) spec.before.greyscale = before.boolean('greyscale', false);
  }
  return spec;
}

/** The geometry fields `image` and `image.before` share (docs/model-format.md). */
function readStep(img: Fields): ResizeStepSpec {
  const size = img.number('size', 'positive-integer');
  const resize = img.optionalString('resize') ?? 'shortest-edge';
  if (resize !== 'shortest-edge' && resize !== 'squash' && resize !== 'letterbox') {
    img.fail('resize', `must be 'shortest-edge', 'squash' or 'letterbox' (got '${resize}')`);
  }
  const step: ResizeStepSpec = { size, resize };
  const resizeRounding = img.optionalString('resizeRounding');
  if (resizeRounding !== null) {
    if (resizeRounding !== 'round' && resizeRounding !== 'truncate' && resizeRounding !== 'truncate-ratio') {
      img.fail('resizeRounding', `must be 'round', 'truncate' or 'truncate-ratio' (got '${resizeRounding}')`);
    }
    step.resizeRounding = resizeRounding;
  }
  const cropRounding = img.optionalString('cropRounding');
  if (cropRounding !== null) {
    if (cropRounding !== 'floor' && cropRounding !== 'half-even') {
      img.fail('cropRounding', `must be 'floor' or 'half-even' (got '${cropRounding}')`);
    }
    step.cropRounding = cropRounding;
  }
  const shortestEdge = img.optionalNumber('shortestEdge', 'positive-integer');
  if (shortestEdge !== null) {
    if (resize !== 'shortest-edge')
      img.fail('shortestEdge', `is only for resize 'shortest-edge' (resize is '${resize}')`);
    if (shortestEdge < size) img.fail('shortestEdge', `must be at least size ${size} (got ${shortestEdge})`);
    step.shortestEdge = shortestEdge;
  }
  const filter = img.optionalString('filter');
  if (filter !== null) {
    const known = RESIZE_FILTERS.find((f) => f === filter);
    if (known === undefined)
      img.fail('filter', `must be ${RESIZE_FILTERS.map((f) => `'${f}'`).join(', ')} (got '${filter}')`);
    step.filter = known;
  }
  return step;
}

function readPatchGrid(m: Fields, hasPatchOutput: boolean): [number, number] | null {
  if (!hasPatchOutput) {
    if (m.has('patchGrid'))
      m.fail('patchGrid', 'is set but vision.patchEmbeds is not; name the patch output or drop patchGrid');
    return null;
  }
  if (!m.has('patchGrid')) throw new ModelError(m.file, "missing field 'patchGrid' (required with vision.patchEmbeds)");
  const grid = m.numbers('patchGrid');
  if (grid.length !== 2 || !grid.every((n) => Number.isInteger(n) && n > 0)) {
    m.fail('patchGrid', `must be [rows, cols] of whole numbers (got ${JSON.stringify(grid)})`);
  }
  return [grid[0], grid[1]];
}
