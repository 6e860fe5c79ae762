// Image embeddings (global + a grid of cell embeddings for heatmaps), through the cache.
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { planModelInput, type ImageLimits, type ModelInputJob } from '../image';
import { maxPixelsOf } from '../image/pixel-limit';
import { checkImageFileStat, imageFormatOf, readImageBytesWithStat } from '../image/read-image-file';
import { DEFAULT_LIMITS } from '../limits';
import type { ClipModel } from '../model/types';
import { EmbeddingCache, hashKey } from '../cache/embedding-cache';
import { imageEntryShape, occlusionEntryShape } from '../cache/entry-shapes';
import { FileIdentityIndex, stampOf } from '../cache/file-identity';
import { normalize, normalizeRows } from '../scoring/vectors';
import type { InputToImageTransform, PreprocessedImage } from '../types';
import { createLimiter, mapLimit, type Limiter } from '../concurrency';
import { BatchQueue } from './batch-queue';

/**
 * Bump when decoding or preprocessing changes what tensors an image yields.
 * image-v2: 8-bit raster files in one sharp pipeline from their bytes (JPEG shrink-on-load).
 */
export const IMAGE_PIPELINE_VERSION = 'image-v2';

/** Side of the occlusion grid for models without patch outputs (cells² extra image passes). */
export const OCCLUSION_GRID = 6;

/**
 * Files in flight at once, whatever each is doing (its status checked, read and hashed, looked up in
 * the cache, decoded): the bound on file bytes held, as when lookups read four files at a time before.
 */
export const FILES_IN_FLIGHT = 4;

/**
 * Images decoded to full-resolution pixels at once (DICOM, 16-bit, alpha: image/model-input.ts). Until it
 * is preprocessed, one holds its file, its stored samples (4 bytes each for DICOM) and its 8-bit pixels,
 * several bytes a pixel: with the pixel limit that bounds each image, two at a time bound the peak of a
 * batch, whatever the batch size (sharp still uses several threads for each).
 */
export const DECODE_CONCURRENCY = 2;

/**
 * Images through one sharp pipeline at once: each holds its file and little else (libvips streams the
 * decode into the small model input), and a JPEG decode is single-threaded, so several run side by side.
 * sharp and file reads share libuv's pool (4 threads unless UV_THREADPOOL_SIZE says otherwise) with
 * onnxruntime's runs, so more than 3 would only queue there; one file in flight is left for lookups.
 */
export const ONE_PIPELINE_CONCURRENCY = Math.max(
  DECODE_CONCURRENCY,
  Math.min(FILES_IN_FLIGHT - 1, availableParallelism()),
);

/** Batches of tensors that may wait for the model while later images decode (a 224² RGB tensor is 0.6 MB). */
export const BATCHES_WAITING = 2;

/** Images per encodeImages call when the caller does not say: OnnxClipModel's default batch size. */
export const DEFAULT_ENCODE_BATCH = 8;

/** The identity index is written at least this often during a long run (and by flush() at its end). */
const AUTO_FLUSH_MS = 10 * 60_000;

export interface ImageFeatureOptions {
  /** Images per encodeImages call: pass the model's batch size (ScoreOptions.batchSize); default 8. */
  batchSize?: number;
  /**
   * Recognises unchanged files from their status without reading them (cache/file-identity.ts).
   * Default: an index in the cache folder; none when the cache is disabled. null: none.
   */
  identity?: FileIdentityIndex | null;
}

/** How each image looked up found its cache entry. */
export interface ImageFileCounts {
  /** Files read and hashed (new, changed, or not recognisable from their status). */
  hashed: number;
  /** Files recognised unread: their status matched the identity index, which gave their content hash. */
  recognised: number;
}

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

interface CacheKeys {
  contentHash: string;
  key: string;
  occKey: string | null;
}

/** An image whose tensor is made, waiting for the model. */
interface ReadyImage extends CacheKeys {
  path: string;
  tensor: Float32Array;
  transform: InputToImageTransform;
}

export class ImageFeatureStore {
  encoded = 0;
  /** Files hashed vs recognised by the identity index, over every features() call. */
  readonly files: ImageFileCounts = { hashed: 0, recognised: 0 };
  /** The identity index in use (its `problem` and `writeError` explain a cold start or a lost write), or null. */
  readonly identity: FileIdentityIndex | null;
  private readonly batchSize: number;
  private lastFlush = Date.now();
  /** Content hashes the last contentHashes() call found, each taken once by the features() that follows. */
  private readonly hashedBefore = new Map<string, string>();

  /** @param limits `maxImagePixels`: larger images are skipped with the reason, checked from their header (a whole `Limits` fits). */
  constructor(
    private readonly model: ClipModel,
    private readonly cache: EmbeddingCache,
    private readonly limits: ImageLimits = DEFAULT_LIMITS,
    options: ImageFeatureOptions = {},
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_ENCODE_BATCH;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1)
      throw new RangeError(`batchSize must be a whole number ≥ 1 (got ${this.batchSize})`);
    this.identity =
      options.identity !== undefined ? options.identity : cache.dir ? new FileIdentityIndex(cache.dir) : null;
  }

  /** Writes the identity index if this run changed it. Call once at the end of a run (also when it is cancelled); never throws. */
  async flush(): Promise<void> {
    this.lastFlush = Date.now();
    await this.identity?.flush();
  }

  /**
   * Features for each path, or an Error saying why the image cannot be used.
   * `withCells` asks for heatmap cells; patch models always carry them (they cost nothing extra).
   */
  async features(paths: string[], withCells: boolean): Promise<Map<string, ImageFeatures | Error>> {
    const out = new Map<string, ImageFeatures | Error>();
    const occlusion = withCells && !this.model.info.patchGrid;
    await this.identity?.load();

    // Each file: find its content hash (from its status, or by reading it), look it up in the cache,
    // and on a miss make its tensor (in a slot for its route) and queue it. The model runs on full
    // batches while later files are still being read and decoded; sharp and onnxruntime both work
    // off the JS thread, so the two overlap. A file is read at most once: the bytes hashed are the
    // bytes decoded, so an entry is always stored under the hash of what made it.
    const encoder = new BatchQueue<ReadyImage>(this.batchSize, (BATCHES_WAITING + 1) * this.batchSize, (batch) =>
      this.encodeBatch(batch, out),
    );
    const slots = {
      decoded: createLimiter(DECODE_CONCURRENCY),
      'one-pipeline': createLimiter(ONE_PIPELINE_CONCURRENCY),
    };
    await mapLimit(paths, FILES_IN_FLIGHT, async (path) => {
      if (encoder.failed) return;
      let ready: ReadyImage;
      try {
        const found = await this.lookup(path, occlusion);
        if ('features' in found) {
          out.set(path, found.features);
          return;
        }
        ready = await this.makeTensor(path, found, occlusion, slots);
      } catch (e) {
        out.set(path, e instanceof Error ? e : new Error(String(e)));
        return;
      }
      await encoder.push(ready); // a model failure fails the whole call, as before
    });
    await encoder.finish();
    if (this.identity?.dirty && Date.now() - this.lastFlush > AUTO_FLUSH_MS) await this.flush();
    return out;
  }

  private keysOf(contentHash: string, occlusion: boolean): CacheKeys {
    const info = this.model.info;
    return {
      contentHash,
      key: hashKey('image', IMAGE_PIPELINE_VERSION, info.identity, contentHash),
      occKey: occlusion
        ? hashKey('occlusion', IMAGE_PIPELINE_VERSION, String(OCCLUSION_GRID), info.identity, contentHash)
        : null,
    };
  }

  /**
   * Each file's content hash, or why it cannot be read: from the identity index where the file's
   * status matches (no read), else read and hashed (and recorded for next time).
   */
  async contentHashes(paths: string[]): Promise<Map<string, string | Error>> {
    await this.identity?.load();
    this.hashedBefore.clear();
    const out = new Map<string, string | Error>();
    await mapLimit(paths, FILES_IN_FLIGHT, async (path) => {
      try {
        const { contentHash } = await this.contentHashOf(path);
        out.set(path, contentHash);
        this.hashedBefore.set(path, contentHash);
      } catch (e) {
        out.set(path, e instanceof Error ? e : new Error(String(e)));
      }
    });
    return out;
  }

  /** The content hash of `path`, and its bytes when they had to be read for it. */
  private async contentHashOf(path: string): Promise<{ contentHash: string; bytes: Buffer | null }> {
    // Found by the last contentHashes() call, just before features() asks (a file changed since is
    // caught when it is read for decoding: readChecked).
    const known = this.hashedBefore.get(path);
    if (known !== undefined) {
      this.hashedBefore.delete(path);
      return { contentHash: known, bytes: null };
    }
    let contentHash: string | null = null;
    let bytes: Buffer | null = null;
    if (this.identity) {
      const abs = resolve(path);
      const status = await stat(abs, { bigint: true }).catch(() => null); // a file that cannot be stat'ed is read below, which says why
      if (status) {
        // The checks a read would make first (a regular file, within the byte cap), from the same status.
        checkImageFileStat(path, status, maxPixelsOf(this.limits));
        contentHash = this.identity.lookup(abs, stampOf(status));
      }
    }
    if (contentHash) this.files.recognised++;
    else {
      const read = await readImageBytesWithStat(path, this.limits);
      bytes = read.bytes;
      contentHash = hashKey(bytes);
      this.files.hashed++;
      this.identity?.record(resolve(path), stampOf(read.stat), contentHash, read.statTakenMs);
    }
    return { contentHash, bytes };
  }

  /** The cached features of `path`, or its keys (and its bytes when they were read to hash them). */
  private async lookup(
    path: string,
    occlusion: boolean,
  ): Promise<{ features: ImageFeatures } | (CacheKeys & { bytes: Buffer | null })> {
    const info = this.model.info;
    const { contentHash, bytes } = await this.contentHashOf(path);
    const keys = this.keysOf(contentHash, occlusion);
    const hit = await this.cache.get<ImageMeta>(keys.key, imageEntryShape(info));
    const occHit = keys.occKey
      ? await this.cache.get<ImageMeta>(keys.occKey, occlusionEntryShape(info, OCCLUSION_GRID))
      : null;
    if (hit && (!keys.occKey || occHit)) {
      return {
        features: this.assemble(hit.arrays[0], hit.arrays[1] ?? null, occHit?.arrays[0] ?? null, hit.meta.transform),
      };
    }
    return { ...keys, bytes };
  }

  /**
   * A cache miss's model-input tensor, from the bytes already read or read now. An image for the
   * 'decoded' route (DICOM, 16-bit, alpha) holds no file while it waits for one of the few decode
   * slots: it is read again inside the slot, as every image was before image-v2.
   */
  private async makeTensor(
    path: string,
    miss: CacheKeys & { bytes: Buffer | null },
    occlusion: boolean,
    slots: Record<'decoded' | 'one-pipeline', Limiter>,
  ): Promise<ReadyImage> {
    let keys: CacheKeys = miss;
    let bytes = miss.bytes;
    miss.bytes = null;
    if (!bytes) ({ bytes, keys } = await this.readChecked(path, keys, occlusion));
    const spec = this.model.info.preprocess;
    // The spec decides the route too: a family's own steps decode first, so they wait for a decode slot.
    let job: ModelInputJob | null = await planModelInput(path, bytes, imageFormatOf(path, bytes), this.limits, spec);
    let pre: PreprocessedImage;
    if (job.route === 'one-pipeline') {
      const oneJob = job;
      pre = await slots['one-pipeline'](() => oneJob.run(spec));
    } else {
      // Nothing may keep the first read alive while waiting: not the bytes, not the job that holds them.
      // eslint-disable-next-line no-useless-assignment -- dropping the references is the point
      bytes = null;
      // eslint-disable-next-line no-useless-assignment -- as above
      job = null;
      pre = await slots.decoded(async () => {
        const again = await this.readChecked(path, keys, occlusion);
        keys = again.keys;
        const decodeJob = await planModelInput(path, again.bytes, imageFormatOf(path, again.bytes), this.limits, spec);
        return decodeJob.run(spec);
      });
    }
    return { path, ...keys, tensor: pre.tensor, transform: pre.transform };
  }

  /**
   * Reads `path` for decoding. The entry is keyed by what is read: should the content differ from
   * `keys` (the file changed without its status showing it, or since it was hashed), the keys are
   * remade from these bytes and the identity index is corrected.
   */
  private async readChecked(
    path: string,
    keys: CacheKeys,
    occlusion: boolean,
  ): Promise<{ bytes: Buffer; keys: CacheKeys }> {
    const read = await readImageBytesWithStat(path, this.limits);
    const contentHash = hashKey(read.bytes);
    if (contentHash === keys.contentHash) return { bytes: read.bytes, keys };
    const abs = resolve(path);
    this.identity?.forget(abs);
    this.identity?.record(abs, stampOf(read.stat), contentHash, read.statTakenMs);
    return { bytes: read.bytes, keys: this.keysOf(contentHash, occlusion) };
  }

  /** One batch through the model (and occlusion when asked), stored in the cache and `out`. */
  private async encodeBatch(batch: ReadyImage[], out: Map<string, ImageFeatures | Error>): Promise<void> {
    const encodings = await this.model.encodeImages(batch.map((r) => r.tensor));
    this.encoded += batch.length;
    // The batch's entries are written side by side (the next batch waits for them, not for each in turn).
    await Promise.all(
      batch.map((r, i) => {
        const enc = encodings[i]!;
        return this.cache.put<ImageMeta>(r.key, {
          meta: { transform: r.transform },
          arrays: enc.patches ? [enc.embed, enc.patches] : [enc.embed],
        });
      }),
    );
    for (let i = 0; i < batch.length; i++) {
      const r = batch[i]!;
      const enc = encodings[i]!;
      let occluded: Float32Array | null = null;
      if (r.occKey) {
        occluded = await this.occludedEmbeddings(r.tensor);
        await this.cache.put<ImageMeta>(r.occKey, { meta: { transform: r.transform }, arrays: [occluded] });
      }
      out.set(r.path, this.assemble(enc.embed, enc.patches ?? null, occluded, r.transform));
    }
  }

  private assemble(
    embed: Float32Array,
    patches: Float32Array | null,
    occluded: Float32Array | null,
    transform: InputToImageTransform,
  ): ImageFeatures {
    const grid = this.model.info.patchGrid;
    const dim = this.model.info.embedDim;
    if (patches && grid)
      return {
        embed: normalize(embed),
        cells: normalizeRows(patches, dim),
        cellKind: 'patch',
        rows: grid[0],
        cols: grid[1],
        transform,
      };
    if (occluded)
      return {
        embed: normalize(embed),
        cells: normalizeRows(occluded, dim),
        cellKind: 'occlusion',
        rows: OCCLUSION_GRID,
        cols: OCCLUSION_GRID,
        transform,
      };
    return { embed: normalize(embed), cells: null, cellKind: null, rows: 0, cols: 0, transform };
  }

  /** One embedding per grid cell with that cell set to 0, i.e. the normalisation mean (grey). */
  private async occludedEmbeddings(tensor: Float32Array): Promise<Float32Array> {
    const { size, channels } = this.model.info.preprocess;
    const g = OCCLUSION_GRID;
    // All variants in one allocation, each a view of it.
    const all = new Float32Array(g * g * tensor.length);
    const variants: Float32Array[] = [];
    for (let r = 0; r < g; r++)
      for (let c = 0; c < g; c++) {
        const t = all.subarray((r * g + c) * tensor.length, (r * g + c + 1) * tensor.length);
        t.set(tensor);
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
