// Scores every pair of a dataset folder: discover → read/parse reports → embed (cached) →
// per-pair scores and heatmaps → dataset-relative suspicion and ranking.
import { mkdir } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import { defaultCacheDir } from '../cache/default-dir';
import { EmbeddingCache } from '../cache/embedding-cache';
import { discover, reportText } from '../dataset';
import { loadModel } from '../model';
import type { ClipModel } from '../model/types';
import { parseReport } from '../report';
import type { PairResult, ScoreResults, SentenceResult } from '../results';
import { combineEvidence } from '../scoring/combine';
import { inverseDocumentFrequency, sentenceConsistency, terms } from '../scoring/consistency';
import { computeSuspicion } from '../scoring/suspicion';
import { type Limits, resolveLimits } from '../limits';
import type { LayoutName, Pair, ParsedReport, Skipped } from '../types';
import { ImageFeatureStore, type ImageFeatures } from './image-features';
import { ReportFeatureStore } from './report-features';
import { scorePair } from './score-pair';
import { writePairHeatmaps } from './write-heatmaps';

export interface ScoreProgress {
  phase: 'discovering' | 'loading-model' | 'scoring' | 'ranking' | 'done';
  /** Pairs scored so far, and in all (0 before discovery ends). */
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
  /** Pairs processed per step (images and texts of a step are batched together). */
  pairsPerStep?: number;
  batchSize?: number;
  threads?: number;
  layout?: LayoutName | 'auto';
  /** What one input may cost at most (limits.ts); the defaults for those left out. */
  limits?: Partial<Limits>;
  /** How many best-matching other reports to list per pair. */
  bestReports?: number;
  onProgress?: (p: ScoreProgress) => void;
  signal?: AbortSignal;
  /** Reuse an already loaded model (the extension keeps one warm). */
  model?: ClipModel;
}

/** The dataset cannot be scored at all (no such folder): distinct from per-file skips. */
export class ScoreError extends Error {
  override name = 'ScoreError';
}

/** Thrown when `signal` aborts the run between steps. */
export class ScoreCancelled extends Error {
  override name = 'ScoreCancelled';
  constructor() {
    super('scoring was cancelled');
  }
}

export async function scoreDataset(folder: string, options: ScoreOptions): Promise<ScoreResults> {
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
  const found = await discover(root, { layout: options.layout ?? 'auto', limits }).catch((e: Error) => {
    throw new ScoreError(e.message);
  });
  const skipped: Skipped[] = [...found.skipped];

  progress({ phase: 'loading-model', done: 0, total: found.pairs.length });
  const model = options.model ?? (await loadModel(options.modelDir, { batchSize: options.batchSize, threads: options.threads }));
  try {
    const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
    const cache = new EmbeddingCache(cacheDir);
    const images = new ImageFeatureStore(model, cache, limits);
    const reports = new ReportFeatureStore(model, cache);
    const heatmapMode = options.heatmapDir ? 'always' : (options.heatmaps ?? 'auto');
    const withCells = heatmapMode === 'always';
    const withHeatmaps = heatmapMode !== 'never';
    if (options.heatmapDir) await mkdir(options.heatmapDir, { recursive: true });

    const scored: { pair: Pair; text: string; result: Omit<PairResult, 'suspicion' | 'rank' | 'reportRank' | 'imageRank' | 'bestReports'>; study: Float32Array; reportEmbed: Float32Array }[] = [];
    const step = Math.max(1, options.pairsPerStep ?? 16);
    const total = found.pairs.length;
    progress({ phase: 'scoring', done: 0, total });

    for (let at = 0; at < total; at += step) {
      if (options.signal?.aborted) throw new ScoreCancelled();
      const batch = found.pairs.slice(at, at + step);
      const texts = await readReports(batch, skipped, limits);
      const usable = batch.filter((p) => texts.has(p.id));
      for (const pair of batch) if (!texts.has(pair.id)) skipImages(pair, pair.images, 'its report could not be used', skipped);
      const feats = await images.features(
        usable.flatMap((p) => p.images),
        withCells,
      );
      const ready: { pair: Pair; text: string; parsed: ParsedReport; imgs: ImageFeatures[]; imagePaths: string[] }[] = [];
      for (const pair of usable) {
        const imgs: ImageFeatures[] = [];
        const imagePaths: string[] = [];
        for (const path of pair.images) {
          const f = feats.get(path);
          if (f instanceof Error || !f) skipped.push({ path, reason: f ? f.message : 'image was not processed' });
          else imgs.push(f), imagePaths.push(path);
        }
        if (!imgs.length) {
          skipped.push({ path: reportPath(pair), reason: `pair ${pair.id} skipped: none of its images could be used` });
          continue;
        }
        const text = texts.get(pair.id)!;
        const parsed = parseReport(text);
        if (!parsed.sentences.length) {
          skipped.push({ path: reportPath(pair), reason: `pair ${pair.id} skipped: the report has no text` });
          skipImages(pair, imagePaths, 'its report has no text', skipped);
          continue;
        }
        ready.push({ pair, text, parsed, imgs, imagePaths });
      }
      const reportFeats = await reports.features(ready.map((r) => r.parsed));
      for (let i = 0; i < ready.length; i++) {
        const { pair, text, parsed, imgs, imagePaths } = ready[i];
        const s = scorePair(imgs, parsed, reportFeats[i], withHeatmaps, options.heatmapSmoothing ?? 1);
        const result = {
          id: pair.id,
          images: imagePaths.map((p) => relative(root, p)),
          // Inline text: its manifest and row ("metadata.csv#row 12"), relative like every path here.
          report: relative(root, pair.report.kind === 'file' ? pair.report.path : pair.report.origin),
          reportText: text,
          score: s.score,
          sentences: s.sentences,
          ...(pair.split ? { split: pair.split } : {}),
        };
        if (options.heatmapDir) {
          try {
            await writePairHeatmaps(options.heatmapDir, pair.id, imagePaths, s.sentences, limits);
          } catch (e) {
            skipped.push({ path: imagePaths[0], reason: `heatmap images not written: ${(e as Error).message}` });
          }
        }
        scored.push({ pair, text, result, study: s.study, reportEmbed: reportFeats[i].embed });
      }
      progress({ phase: 'scoring', done: Math.min(total, at + step), total });
    }

    progress({ phase: 'ranking', done: total, total });
    addConsistency(scored.map((s) => s.result.sentences));
    const sus = computeSuspicion({
      images: scored.map((s) => s.study),
      reports: scored.map((s) => s.reportEmbed),
      reportKeys: scored.map((s) => s.text.replace(/\s+/g, ' ').trim().toLowerCase()),
      bestCount: options.bestReports ?? 3,
    });
    const pairs: PairResult[] = scored.map((s, i) => ({
      ...s.result,
      suspicion: round(sus[i].suspicion),
      rank: 0,
      reportRank: round(sus[i].reportRank),
      imageRank: round(sus[i].imageRank),
      bestReports: sus[i].best.map((b) => ({ id: scored[b.index].pair.id, score: round(b.score) })),
    }));
    // Most suspicious first; among equals, the lower absolute match first.
    pairs.sort((a, b) => b.suspicion - a.suspicion || a.score - b.score || (a.id < b.id ? -1 : 1));
    pairs.forEach((p, i) => (p.rank = i + 1));

    progress({ phase: 'done', done: total, total });
    const info = model.info;
    return {
      format: 'radalign-results/1',
      model: { id: info.id, name: info.name, identity: info.identity, layout: info.layout, heatmapKind: info.heatmapKind, embedDim: info.embedDim },
      pairs,
      skipped,
      run: {
        folder: root,
        startedAt: new Date(started).toISOString(),
        seconds: (Date.now() - started) / 1000,
        imagesEncoded: images.encoded,
        textsEncoded: reports.encoded,
        cache: { dir: cacheDir, ...cache.stats, ...(cache.writeError ? { writeError: cache.writeError } : {}) },
      },
    };
  } finally {
    if (!options.model) await model.dispose();
  }
}

/**
 * Fills each sentence's `consistency` (fit with the rest of its report, IDF over this dataset's
 * reports) and makes `score` the combination of image and text evidence.
 */
function addConsistency(reports: SentenceResult[][]): void {
  const idf = inverseDocumentFrequency(reports.map((sentences) => sentences.flatMap((s) => terms(s.text))));
  for (const sentences of reports) {
    const c = sentenceConsistency(sentences.map((s) => s.text), idf);
    sentences.forEach((s, i) => (s.consistency = c[i] === null ? null : round(c[i]!)));
  }
  const all = reports.flat();
  const combined = combineEvidence(all);
  all.forEach((s, i) => (s.score = round(combined[i])));
}

/** Every file of a pair is listed when the pair is not scored, each with the pair's reason. */
function skipImages(pair: Pair, images: string[], why: string, skipped: Skipped[]): void {
  for (const path of images) skipped.push({ path, reason: `not scored: pair ${pair.id} was skipped because ${why} (${reportPath(pair)})` });
}

async function readReports(pairs: Pair[], skipped: Skipped[], limits: Limits): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    try {
      out.set(pair.id, await reportText(pair.report, limits));
    } catch (e) {
      skipped.push({ path: reportPath(pair), reason: (e as Error).message });
    }
  }
  return out;
}

function reportPath(pair: Pair): string {
  return pair.report.kind === 'file' ? pair.report.path : pair.report.origin;
}

function round(v: number): number {
  return Math.round(v * 1e6) / 1e6;
}
