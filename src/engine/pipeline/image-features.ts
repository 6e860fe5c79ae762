// Image embeddings (global + a grid of cell embeddings for heatmaps), through the cache.
import { decodeImage, preprocessImage, type ImageLimits } from '../image';
import { readImageBytes } from '../image/read-image-file';
import { DEFAULT_LIMITS } from '../limits';
import type { ClipModel } from '../model/types';
import { EmbeddingCache, hashKey } from '../cache/embedding-cache';
import { imageEntryShape, occlusionEntryShape } from '../cache/entry-shapes';
import { normalize, normalizeRows } from '../scoring/vectors';
import type { InputToImageTransform } from '../types';
import { mapLimit } from './map-limit';

/** Bump when decoding or preprocessing changes what tensors an image yields. */
export const IMAGE_PIPELINE_VERSION = 'image-v1';

/** Side of the occlusion grid for models without patch outputs (cells² extra image passes). */
export const OCCLUSION_GRID = 6;

/** Files read at once to hash them and look them up in the cache; each is dropped once hashed. */
const LOOKUP_CONCURRENCY = 4;

/**
 * Images decoded at once. Until it is preprocessed, one holds its file, its stored samples (4 bytes each
 * for DICOM) and its 8-bit pixels, several bytes a pixel: with the pixel limit that bounds each image,
 * two at a time bound the peak of a batch, whatever the batch size (sharp still uses several threads for each).
 */
export const DECODE_CONCURRENCY = 2;

export interface ImageFeatures {
  /** Unit-length global embedding. */
  embed: Float32Array;
  /** Unit per-cell embeddings, row-major `rows*cols*dim`: projected patches, or occluded-image embeddings. */
  cells: Float32Array | null;
  cellKind: 'patch' | 'occlusion' | null;
  rows: number;
  cols: number;
  transform: InputToImageTransform;
}

interface ImageMeta {
  transform: InputToImageTransform;
}

export class ImageFeatureStore {
  encoded = 0;

  /** @param limits `maxImagePixels`: larger images are skipped with the reason, checked from their header (a whole `Limits` fits). */
  constructor(
    private readonly model: ClipModel,
    private readonly cache: EmbeddingCache,
    private readonly limits: ImageLimits = DEFAULT_LIMITS,
  ) {}

  /**
   * Features for each path, or an Error saying why the image cannot be used.
   * `withCells` asks for heatmap cells; patch models always carry them (they cost nothing extra).
   */
  async features(paths: string[], withCells: boolean): Promise<Map<string, ImageFeatures | Error>> {
    const out = new Map<string, ImageFeatures | Error>();
    const info = this.model.info;
    const occlusion = withCells && !info.patchGrid;
    // Keys only: the file bytes read for hashing are not kept for the whole batch (decoding reads the file again).
    const pending: { path: string; key: string; occKey: string | null }[] = [];

    await mapLimit(paths, LOOKUP_CONCURRENCY, async (path) => {
      let bytes: Buffer;
      try {
        bytes = await readImageBytes(path, this.limits);
      } catch (e) {
        out.set(path, e as Error);
        return;
      }
      const contentHash = hashKey(bytes);
      const key = hashKey('image', IMAGE_PIPELINE_VERSION, info.identity, contentHash);
      const occKey = occlusion ? hashKey('occlusion', IMAGE_PIPELINE_VERSION, String(OCCLUSION_GRID), info.identity, contentHash) : null;
      const hit = await this.cache.get<ImageMeta>(key, imageEntryShape(info));
      const occHit = occKey ? await this.cache.get<ImageMeta>(occKey, occlusionEntryShape(info, OCCLUSION_GRID)) : null;
      if (hit && (!occKey || occHit)) {
        out.set(path, this.assemble(hit.arrays[0], hit.arrays[1] ?? null, occHit?.arrays[0] ?? null, hit.meta.transform));
      } else pending.push({ path, key, occKey });
    });

    // Decode and preprocess misses a few at a time (sharp works off the JS thread), keeping only the
    // model-sized tensor of each, then run the model over all of them in its own batches.
    const ready: { path: string; key: string; occKey: string | null; tensor: Float32Array; transform: InputToImageTransform }[] = [];
    await mapLimit(pending, DECODE_CONCURRENCY, async (p) => {
      try {
        const img = await decodeImage(p.path, this.limits);
        const pre = await preprocessImage(img, info.preprocess);
        ready.push({ path: p.path, key: p.key, occKey: p.occKey, tensor: pre.tensor, transform: pre.transform });
      } catch (e) {
        out.set(p.path, e instanceof Error ? e : new Error(String(e)));
      }
    });
    if (ready.length === 0) return out;
    const encodings = await this.model.encodeImages(ready.map((r) => r.tensor));
    this.encoded += ready.length;
    for (let i = 0; i < ready.length; i++) {
      const r = ready[i];
      const enc = encodings[i];
      const arrays = enc.patches ? [enc.embed, enc.patches] : [enc.embed];
      await this.cache.put<ImageMeta>(r.key, { meta: { transform: r.transform }, arrays });
      let occluded: Float32Array | null = null;
      if (r.occKey) {
        occluded = await this.occludedEmbeddings(r.tensor);
        await this.cache.put<ImageMeta>(r.occKey, { meta: { transform: r.transform }, arrays: [occluded] });
      }
      out.set(r.path, this.assemble(enc.embed, enc.patches ?? null, occluded, r.transform));
    }
    return out;
  }

  private assemble(embed: Float32Array, patches: Float32Array | null, occluded: Float32Array | null, transform: InputToImageTransform): ImageFeatures {
    const grid = this.model.info.patchGrid;
    const dim = this.model.info.embedDim;
    if (patches && grid) return { embed: normalize(embed), cells: normalizeRows(patches, dim), cellKind: 'patch', rows: grid[0], cols: grid[1], transform };
    if (occluded) return { embed: normalize(embed), cells: normalizeRows(occluded, dim), cellKind: 'occlusion', rows: OCCLUSION_GRID, cols: OCCLUSION_GRID, transform };
    return { embed: normalize(embed), cells: null, cellKind: null, rows: 0, cols: 0, transform };
  }

  /** One embedding per grid cell with that cell set to 0, i.e. the normalisation mean (grey). */
  private async occludedEmbeddings(tensor: Float32Array): Promise<Float32Array> {
    const { size, channels } = this.model.info.preprocess;
    const g = OCCLUSION_GRID;
    const variants: Float32Array[] = [];
    for (let r = 0; r < g; r++)
      for (let c = 0; c < g; c++) {
        const t = tensor.slice();
        const y0 = Math.floor((r * size) / g);
        const y1 = Math.floor(((r + 1) * size) / g);
        const x0 = Math.floor((c * size) / g);
        const x1 = Math.floor(((c + 1) * size) / g);
        for (let ch = 0; ch < channels; ch++)
          for (let y = y0; y < y1; y++) t.fill(0, ch * size * size + y * size + x0, ch * size * size + y * size + x1);
        variants.push(t);
      }
    const enc = await this.model.encodeImages(variants);
    const dim = this.model.info.embedDim;
    const out = new Float32Array(g * g * dim);
    enc.forEach((e, i) => out.set(e.embed, i * dim));
    return out;
  }
}
