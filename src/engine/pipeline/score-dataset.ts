// Scores every pair of a dataset folder: discover → read/parse reports → embed (cached) →
// per-pair scores and heatmaps, streamed to a part (score-part.ts) → dataset-wide consistency,
// suspicion and ranking, streamed to a results store (rank-parts.ts). One machine runs both
// halves; `--shard K/N` runs the first half on a slice and `merge` the second on all slices.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { defaultCacheDir } from '../cache/default-dir';
import { EmbeddingCache, hashKey } from '../cache/embedding-cache';
import { discover } from '../dataset';
import { type Limits, resolveLimits } from '../limits';
import { loadModel } from '../model';
import type { ClipModel, DeviceChoice } from '../model/types';
import type { ModelSummary, RunSummary, ScoreResults } from '../results';
import { RESULTS_FORMAT } from '../results-schema';
import { folderLocation, type StoreLocation } from '../results-store/location';
import { PairFilesReader, PairFilesWriter } from '../results-store/pair-files';
import { PART_FORMAT, type PartHeader, parsePartHeader, shardRange, shardStem } from '../results-store/part-header';
import {
  BEST_COUNT,
  newGeneration,
  removeStaleGenerations,
  StoredResults,
  StoreWriter,
} from '../results-store/results-store';
import type { Discovery, LayoutName } from '../types';
import { ImageFeatureStore } from './image-features';
import { rankParts } from './rank-parts';
import { ReportFeatureStore } from './report-features';
import { scorePart, settingsKey } from './score-part';

export { ScoreCancelled } from './score-part';

export interface ScoreProgress {
  phase: 'discovering' | 'loading-model' | 'scoring' | 'ranking' | 'done';
  /** Pairs scored (or ranked) so far, and in all (0 before discovery ends). */
  done: number;
  total: number;
}

export interface ScoreOptions {
  /** Model folder (model.json or the Optimum CLIP layout). */
  modelDir: string;
  /** Embedding cache folder; null disables caching. Default: the per-user cache (cache/default-dir.ts). */
  cacheDir?: string | null;
  /** 'auto': heatmaps when the model has patch outputs (free); 'always': occlusion too (costly); 'never'. */
  heatmaps?: 'auto' | 'always' | 'never';
  /** Write one overlay PNG per sentence under this folder. Implies heatmaps 'always'. */
  heatmapDir?: string;
  /** Passes of smoothing over patch heatmaps; default 1, 0 = raw patch similarities. */
  heatmapSmoothing?: number;
  batchSize?: number;
  threads?: number;
  /** Execution provider choice (model/types.ts DeviceChoice); default 'cpu'. */
  device?: DeviceChoice;
  layout?: LayoutName | 'auto';
  /**
   * Score only the pairs this manifest (CSV/TSV/JSONL/JSON, or an R2Gen annotation.json) lists,
   * instead of detecting the folder's layout: absolute, or relative to the folder, else to the
   * working directory. It may lie outside the folder; the paths it names are read relative to the
   * folder (to its own folder first when it lies inside), through discovery's path gate: nothing
   * outside the folder is read (DiscoverOptions.manifest).
   */
  manifest?: string;
  /** What one input may cost at most (limits.ts); the defaults for those left out. */
  limits?: Partial<Limits>;
  /** Reuse the scores of pairs whose inputs are unchanged since the results in the target store (default true). */
  incremental?: boolean;
  /**
   * Whether the store is kept for a later run to reuse (default true). false (a temporary store,
   * read and removed): pairs get no input keys, which spares hashing every image file once more.
   */
  keep?: boolean;
  onProgress?: (p: ScoreProgress) => void;
  signal?: AbortSignal;
}

/** The dataset cannot be scored at all (no such folder, parts that do not fit together): distinct from per-file skips. */
export class ScoreError extends Error {
  override name = 'ScoreError';
}

/** Pairs processed per step (images and texts of a step are batched together). */
const PAIRS_PER_STEP = 32;

interface Prepared {
  root: string;
  started: number;
  limits: Limits;
  found: Discovery;
  model: ClipModel;
  cache: EmbeddingCache;
  images: ImageFeatureStore;
  reports: ReportFeatureStore;
  heatmapMode: 'auto' | 'always' | 'never';
  settingsKey: string;
}

async function prepare(folder: string, options: ScoreOptions): Promise<Prepared> {
  const started = Date.now();
  const root = resolve(folder);
  const progress = options.onProgress ?? (() => {});
  let limits: Limits;
  try {
    limits = resolveLimits(options.limits);
  } catch (e) {
    throw new ScoreError((e as Error).message);
  }
  progress({ phase: 'discovering', done: 0, total: 0 });
  const found = await discover(root, {
    layout: options.layout ?? 'auto',
    limits,
    ...(options.manifest !== undefined ? { manifest: options.manifest } : {}),
  }).catch((e: Error) => {
    throw new ScoreError(e.message);
  });
  progress({ phase: 'loading-model', done: 0, total: found.pairs.length });
  const model = await loadModel(options.modelDir, {
    batchSize: options.batchSize,
    threads: options.threads,
    device: options.device,
  });
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const cache = new EmbeddingCache(cacheDir);
  const images = new ImageFeatureStore(model, cache, limits, { batchSize: options.batchSize });
  const reports = new ReportFeatureStore(model, cache);
  const heatmapMode = options.heatmapDir ? 'always' : (options.heatmaps ?? 'auto');
  if (options.heatmapDir) await mkdir(options.heatmapDir, { recursive: true });
  return {
    root,
    started,
    limits,
    found,
    model,
    cache,
    images,
    reports,
    heatmapMode,
    settingsKey: settingsKey(model, heatmapMode, options.heatmapSmoothing ?? 1),
  };
}

function modelSummary(model: ClipModel): ModelSummary {
  const info = model.info;
  return {
    id: info.id,
    name: info.name,
    identity: info.identity,
    layout: info.layout,
    heatmapKind: info.heatmapKind,
    embedDim: info.embedDim,
  };
}

function runSummary(p: Prepared, reused: number): RunSummary {
  const device = p.model.info.device;
  return {
    folder: p.root,
    startedAt: new Date(p.started).toISOString(),
    seconds: (Date.now() - p.started) / 1000,
    imagesEncoded: p.images.encoded,
    textsEncoded: p.reports.encoded,
    cache: { dir: p.cache.dir, ...p.cache.stats, ...(p.cache.writeError ? { writeError: p.cache.writeError } : {}) },
    pairsReused: reused,
    imagesHashed: p.images.files.hashed,
    ...(device ? { device: { requested: device.requested, provider: device.provider, notes: device.notes } } : {}),
  };
}

/** The previous results in `location`, when they were scored with the same settings (else nothing is reused). */
async function previousResults(location: StoreLocation, key: string): Promise<StoredResults | undefined> {
  try {
    const previous = await StoredResults.open(location);
    if (previous?.summary.settingsKey === key) return previous;
    await previous?.close();
  } catch {
    // unreadable, damaged or of the older format: score everything, and the new results replace them
  }
  return undefined;
}

/**
 * Scores `folder` and writes the results store into `location` (a dataset's `.radalign`, or any
 * folder); returns it opened for reading. Pairs unchanged since the results already there are
 * copied rather than scored again (`incremental`).
 */
export async function scoreToStore(
  folder: string,
  location: StoreLocation,
  options: ScoreOptions,
): Promise<StoredResults> {
  const p = await prepare(folder, options);
  const progress = options.onProgress ?? (() => {});
  const total = p.found.pairs.length;
  const previous =
    options.incremental === false || options.heatmapDir ? undefined : await previousResults(location, p.settingsKey);
  const generation = newGeneration();
  const names = {
    pairs: `part.${generation}.pairs.jsonl`,
    heatmaps: `part.${generation}.heatmaps.bin`,
    embeddings: `part.${generation}.embeddings.bin`,
  };
  let part: PairFilesWriter | undefined;
  let reader: PairFilesReader | undefined;
  let store: StoreWriter | undefined;
  try {
    await removeStaleGenerations(location, undefined);
    part = await PairFilesWriter.create(location, names, p.model.info.embedDim);
    progress({ phase: 'scoring', done: 0, total });
    const scored = await scorePart(p.found.pairs, 0, part, {
      ...partSettings(p, options),
      previous,
      onPairsDone: (done) => progress({ phase: 'scoring', done, total }),
    });
    const sizes = await part.close();
    part = undefined;
    reader = await PairFilesReader.open(location, names, p.model.info.embedDim, sizes, 'trusted');
    progress({ phase: 'ranking', done: 0, total });
    store = await StoreWriter.create(location, p.model.info.embedDim);
    // Few pairs changed since the previous results: their ranking is updated, not computed anew.
    const before = previous && scored.reused ? await previous.previousRanking().catch(() => undefined) : undefined;
    const ranked = await rankParts([reader], store, {
      dim: p.model.info.embedDim,
      bestCount: BEST_COUNT,
      threads: options.threads,
      signal: options.signal,
      onProgress: (done) => progress({ phase: 'ranking', done, total }),
      ...(before ? { before: { ranking: before, unchangedRow: scored.reusedRows } } : {}),
    });
    await previous?.close();
    const file = await store.commit({
      model: modelSummary(p.model),
      run: { ...runSummary(p, scored.reused), ranking: ranked.ranking },
      skipped: [...p.found.skipped, ...scored.skipped],
      settingsKey: p.settingsKey,
    });
    store = undefined;
    progress({ phase: 'done', done: total, total });
    return await openStore(location, file);
  } finally {
    await previous?.close().catch(() => {});
    await part?.abort();
    await store?.abort();
    await reader?.close();
    await Promise.all(Object.values(names).map((n) => location.remove(n)));
    await p.images.flush();
    await p.model.dispose();
  }
}

/** sha256 over every pair discovered, in order: its id, image paths and report, relative to the folder. */
function discoveryFingerprint(p: Prepared): string {
  const rel = (path: string) => relative(p.root, path);
  return hashKey(
    'discovery-v1',
    ...p.found.pairs.flatMap((x) => [
      x.id,
      ...x.images.map(rel),
      '|',
      rel(x.report.kind === 'file' ? x.report.path : x.report.origin),
      '\n',
    ]),
  );
}

function partSettings(p: Prepared, options: ScoreOptions) {
  return {
    root: p.root,
    model: p.model,
    images: p.images,
    reports: p.reports,
    limits: p.limits,
    withCells: p.heatmapMode === 'always',
    withHeatmaps: p.heatmapMode !== 'never',
    smoothing: options.heatmapSmoothing ?? 1,
    heatmapDir: options.heatmapDir,
    step: PAIRS_PER_STEP,
    settingsKey: p.settingsKey,
    contentHashes: (paths: string[]) => p.images.contentHashes(paths),
    keepInputKeys: options.keep !== false,
    signal: options.signal,
  };
}

async function openStore(location: StoreLocation, summaryFile: string): Promise<StoredResults> {
  const stored = await StoredResults.open(location);
  if (!stored) throw new Error(`${summaryFile}: missing right after it was written`);
  return stored;
}

/**
 * Scores the `index`-th of `count` parts of `folder` (a contiguous run of its pairs in discovery
 * order) into `shardDir`; a part scored before under the same index is replaced. Returns its header.
 */
export async function scoreShard(
  folder: string,
  shardDir: string,
  shard: { index: number; count: number },
  options: ScoreOptions,
): Promise<PartHeader> {
  if (!(
    Number.isInteger(shard.count) &&
    shard.count >= 1 &&
    Number.isInteger(shard.index) &&
    shard.index >= 0 &&
    shard.index < shard.count
  )) {
    throw new ScoreError(`shard ${shard.index}/${shard.count}: expected K/N with 0 ≤ K < N`);
  }
  const p = await prepare(folder, options);
  const progress = options.onProgress ?? (() => {});
  const location = folderLocation(resolve(shardDir));
  const stem = shardStem(shard.index, shard.count);
  const names = {
    pairs: `${stem}.pairs.jsonl`,
    heatmaps: `${stem}.heatmaps.bin`,
    embeddings: `${stem}.embeddings.bin`,
  };
  const range = shardRange(p.found.pairs.length, shard.index, shard.count);
  const pairs = p.found.pairs.slice(range.from, range.to);
  let part: PairFilesWriter | undefined;
  try {
    // A rerun of this index replaces the earlier part: its header goes first, so no merge sees half of one.
    await location.remove(`${stem}.json`);
    await Promise.all(Object.values(names).map((n) => location.remove(n)));
    part = await PairFilesWriter.create(location, names, p.model.info.embedDim);
    progress({ phase: 'scoring', done: 0, total: pairs.length });
    const scored = await scorePart(pairs, range.from, part, {
      ...partSettings(p, options),
      onPairsDone: (done) => progress({ phase: 'scoring', done, total: pairs.length }),
    });
    const sizes = await part.close();
    part = undefined;
    const header: PartHeader = {
      format: PART_FORMAT,
      shard,
      dataset: { folder: p.root, pairs: p.found.pairs.length, idsSha256: discoveryFingerprint(p) },
      range,
      model: modelSummary(p.model),
      settingsKey: p.settingsKey,
      skipped: [...(shard.index === 0 ? p.found.skipped : []), ...scored.skipped],
      run: runSummary(p, scored.reused),
      files: { ...names, ...sizes },
    };
    await location.commit(`${stem}.json`, JSON.stringify(header) + '\n');
    progress({ phase: 'done', done: pairs.length, total: pairs.length });
    return header;
  } finally {
    await part?.abort();
    await p.images.flush();
    await p.model.dispose();
  }
}

/**
 * Ranks the parts in `shardDir` together and writes the results store into `location`. Refuses
 * (ScoreError) unless every part of one split is there, of the same dataset, model and settings.
 */
export async function mergeShards(
  shardDir: string,
  location: StoreLocation,
  options: { threads?: number; signal?: AbortSignal; onProgress?: (p: ScoreProgress) => void } = {},
): Promise<StoredResults> {
  const started = Date.now();
  const dir = resolve(shardDir);
  const shards = folderLocation(dir);
  const headers = await readHeaders(dir);
  const readers: PairFilesReader[] = [];
  let store: StoreWriter | undefined;
  try {
    for (const h of headers) readers.push(await PairFilesReader.open(shards, h.files, h.model.embedDim, h.files));
    const first = headers[0];
    const total = headers.reduce((n, h) => n + h.files.count, 0);
    store = await StoreWriter.create(location, first.model.embedDim);
    options.onProgress?.({ phase: 'ranking', done: 0, total });
    await rankParts(readers, store, {
      dim: first.model.embedDim,
      bestCount: BEST_COUNT,
      threads: options.threads,
      signal: options.signal,
      onProgress: (done) => options.onProgress?.({ phase: 'ranking', done, total }),
    });
    const sum = (f: (r: RunSummary) => number) => headers.reduce((n, h) => n + f(h.run), 0);
    const run: RunSummary = {
      folder: first.dataset.folder,
      startedAt: headers.map((h) => h.run.startedAt).sort()[0],
      // Machine time: every part's scoring plus this merge.
      seconds: sum((r) => r.seconds) + (Date.now() - started) / 1000,
      imagesEncoded: sum((r) => r.imagesEncoded),
      textsEncoded: sum((r) => r.textsEncoded),
      cache: {
        dir: first.run.cache.dir,
        hits: sum((r) => r.cache.hits),
        misses: sum((r) => r.cache.misses),
        corrupt: sum((r) => r.cache.corrupt),
        writes: sum((r) => r.cache.writes),
      },
      pairsReused: sum((r) => r.pairsReused ?? 0),
      imagesHashed: sum((r) => r.imagesHashed ?? 0),
      shards: headers.length,
    };
    const file = await store.commit({
      model: first.model,
      run,
      skipped: headers.flatMap((h) => h.skipped),
      settingsKey: first.settingsKey,
    });
    store = undefined;
    options.onProgress?.({ phase: 'done', done: total, total });
    return await openStore(location, file);
  } finally {
    await store?.abort();
    await Promise.all(readers.map((r) => r.close()));
  }
}

/** The part headers of one complete split, in index order; ScoreError naming what is missing or mismatched. */
async function readHeaders(dir: string): Promise<PartHeader[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new ScoreError(
      `${dir}: cannot read the shard folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  const headers: PartHeader[] = [];
  const location = folderLocation(dir);
  for (const name of names.filter((n) => /^shard-\d+-of-\d+\.json$/.test(n)).sort()) {
    const handle = await location.open(name);
    if (!handle) continue;
    const text = await handle.readFile('utf8').finally(() => handle.close());
    try {
      headers.push(parsePartHeader(text, join(dir, name)));
    } catch (e) {
      throw new ScoreError((e as Error).message);
    }
  }
  if (!headers.length)
    throw new ScoreError(
      `${dir}: no finished parts (shard-K-of-N.json); run \`radalign score <folder> --shard K/N --shard-dir ${dir}\` for each K first`,
    );
  const n = headers[0].shard.count;
  const problems: string[] = [];
  const byIndex = new Map<number, PartHeader>();
  for (const h of headers) {
    if (h.shard.count !== n)
      problems.push(`shard ${h.shard.index}/${h.shard.count} is from a split into ${h.shard.count}, not ${n}`);
    else byIndex.set(h.shard.index, h);
  }
  const missing = Array.from({ length: n }, (_, k) => k).filter((k) => !byIndex.has(k));
  if (missing.length)
    problems.push(
      `part${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${n} ${missing.length === 1 ? 'is' : 'are'} missing or unfinished`,
    );
  const ordered = [...byIndex.values()].sort((a, b) => a.shard.index - b.shard.index);
  const first = ordered[0];
  for (const h of ordered.slice(1)) {
    const k = h.shard.index;
    if (h.dataset.folder !== first.dataset.folder)
      problems.push(
        `part ${k} scored ${h.dataset.folder}, part 0 ${first.dataset.folder} (every part must see the dataset at the same path)`,
      );
    else if (h.dataset.pairs !== first.dataset.pairs || h.dataset.idsSha256 !== first.dataset.idsSha256)
      problems.push(
        `part ${k} found ${h.dataset.pairs} pairs in ${h.dataset.folder}, part 0 found ${first.dataset.pairs} in ${first.dataset.folder} (another dataset, or the folder changed between parts)`,
      );
    if (h.model.identity !== first.model.identity)
      problems.push(
        `part ${k} used model ${h.model.id} (${h.model.identity.slice(0, 12)}), part 0 ${first.model.id} (${first.model.identity.slice(0, 12)})`,
      );
    else if (h.settingsKey !== first.settingsKey)
      problems.push(`part ${k} was scored with other heatmap settings than part 0`);
  }
  for (let i = 0; i + 1 < ordered.length; i++) {
    if (ordered[i].range.to !== ordered[i + 1].range.from)
      problems.push(
        `parts ${ordered[i].shard.index} and ${ordered[i + 1].shard.index} do not meet (${ordered[i].range.to} ≠ ${ordered[i + 1].range.from})`,
      );
  }
  if (problems.length) throw new ScoreError(`${dir}: cannot merge: ${problems.join('; ')}`);
  return ordered;
}

/**
 * Scores `folder` and returns every result in memory (the results-file form): for small datasets,
 * tests and tools. Large datasets go through scoreToStore and read pages.
 */
export async function scoreDataset(folder: string, options: ScoreOptions): Promise<ScoreResults> {
  const dir = await mkdtemp(join(tmpdir(), 'radalign-run-'));
  try {
    const stored = await scoreToStore(folder, folderLocation(dir), { ...options, incremental: false, keep: false });
    try {
      return await resultsInMemory(stored);
    } finally {
      await stored.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A whole store as one results object (the results document's form). */
export async function resultsInMemory(stored: StoredResults): Promise<ScoreResults> {
  const pairs = [];
  for await (const pair of stored.all()) pairs.push(pair);
  return { format: RESULTS_FORMAT, model: stored.model, pairs, skipped: await stored.skipped(), run: stored.run };
}
