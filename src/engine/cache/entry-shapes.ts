// The shapes of the pipeline's cache entries, built from the loaded model: what image, occlusion
// and report entries must hold for the code that reads them (pipeline/image-features.ts,
// report-features.ts). Kept next to the cache so every reader checks the same way.
import type { ModelInfo } from '../model/types';
import type { InputToImageTransform } from '../types';
import type { EntryShape } from './entry-check';

export interface ImageEntryMeta {
  transform: InputToImageTransform;
}

export interface ReportEntryMeta {
  chunks: number;
}

type ImageModel = Pick<ModelInfo, 'embedDim' | 'patchGrid'> & { preprocess: { size: number } };

/** Image entry: the global embedding, plus the projected patch grid for patch models. */
export function imageEntryShape(info: ImageModel): EntryShape<ImageEntryMeta> {
  const dim = info.embedDim;
  const grid = info.patchGrid;
  return {
    meta: (m) => transformProblem(m, info.preprocess.size),
    arrays: () => [
      { length: dim, what: `embedding of dim ${dim}` },
      ...(grid ? [{ length: grid[0] * grid[1] * dim, what: `patch grid ${grid[0]}×${grid[1]}×${dim}` }] : []),
    ],
  };
}

/** Occlusion entry: one embedding per cell of a `cells`×`cells` grid. */
export function occlusionEntryShape(info: ImageModel, cells: number): EntryShape<ImageEntryMeta> {
  const dim = info.embedDim;
  return {
    meta: (m) => transformProblem(m, info.preprocess.size),
    arrays: () => [{ length: cells * cells * dim, what: `occlusion grid ${cells}×${cells}×${dim}` }],
  };
}

/** Report entry: `chunks` chunk embeddings, then one per parsed sentence, each `embedDim` wide. */
export function reportEntryShape(embedDim: number, sentences: number): EntryShape<ReportEntryMeta> {
  return {
    meta: (m) => {
      const chunks = isObject(m) ? m.chunks : undefined;
      return Number.isSafeInteger(chunks) && (chunks as number) >= 0
        ? null
        : `'chunks' must be a whole number ≥ 0 (got ${JSON.stringify(chunks)})`;
    },
    arrays: (m) => [
      ...Array.from({ length: m.chunks }, (_, i) => ({
        length: embedDim,
        what: `chunk ${i} embedding of dim ${embedDim}`,
      })),
      ...Array.from({ length: sentences }, (_, i) => ({
        length: embedDim,
        what: `sentence ${i} embedding of dim ${embedDim}`,
      })),
    ],
  };
}

const TRANSFORM_FIELDS = ['scaleX', 'scaleY', 'offsetX', 'offsetY', 'width', 'height', 'inputSize'] as const;

/** The image→input transform heatmaps are mapped back with; every field finite, sizes positive. */
function transformProblem(meta: unknown, inputSize: number): string | null {
  if (!isObject(meta)) return 'missing (expected an object with a transform)';
  const t = meta.transform;
  if (!isObject(t)) return "'transform' is missing";
  for (const f of TRANSFORM_FIELDS) {
    if (typeof t[f] !== 'number' || !Number.isFinite(t[f]))
      return `'transform.${f}' must be a finite number (got ${JSON.stringify(t[f])})`;
  }
  for (const f of ['scaleX', 'scaleY', 'width', 'height'] as const)
    if ((t[f] as number) <= 0) return `'transform.${f}' must be positive (got ${t[f]})`;
  if (t.inputSize !== inputSize) return `'transform.inputSize' is ${t.inputSize}, the model's input is ${inputSize}`;
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
