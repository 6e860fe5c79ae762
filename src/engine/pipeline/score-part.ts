// Scoring, first half: each pair of one part of a dataset (all of it, or the K-th of N shards)
// embedded and scored on its own, written as a stream to a part (part-files.ts), with nothing
// that depends on the other pairs. The second half (rank-parts.ts) reads the parts back in
// discovery order and does the dataset-wide work. One run on one machine is one part; a Slurm
// array is N, merged by `radalign merge`; both go through the same two halves, so they agree.
import { relative } from 'node:path';
import { hashKey } from '../cache/embedding-cache';
import { reportText } from '../dataset';
import type { Limits } from '../limits';
import type { ClipModel } from '../model/types';
import { parseReport } from '../report';
import type { PairFilesWriter } from '../results-store/pair-files';
import { splitHeatmaps, type StoredPair } from '../results-store/stored-pair';
import type { StoredResults } from '../results-store/results-store';
import type { Pair, ParsedReport, Skipped } from '../types';
import { IMAGE_PIPELINE_VERSION, type ImageFeatures, type ImageFeatureStore } from './image-features';
import { REPORT_PIPELINE_VERSION, type ReportFeatureStore } from './report-features';
import { scorePair } from './score-pair';
import { writePairHeatmaps } from './write-heatmaps';

export interface PartScoring {
  root: string;
  model: ClipModel;
  images: ImageFeatureStore;
  reports: ReportFeatureStore;
  limits: Limits;
  withCells: boolean;
  withHeatmaps: boolean;
  smoothing: number;
  heatmapDir?: string;
  /** Pairs per step: images and texts of a step are batched together. */
  step: number;
  /** What scores depend on besides a pair's inputs (settingsKey). */
  settingsKey: string;
  /** The previous results of this folder, when their settings match: unchanged pairs are copied from them. */
  previous?: StoredResults;
  /** Content hash of each image file (cheap for files the identity index recognises), or the reason it cannot be read. */
  contentHashes: (paths: string[]) => Promise<Map<string, string | Error>>;
  /** Whether a later run may reuse these pairs (a saved store, a shard): only then are input keys worth their image hashing. */
  keepInputKeys: boolean;
  signal?: AbortSignal;
  onPairsDone?: (done: number) => void;
}

/** Settings that change every pair's scores: another value, and nothing is reused from the previous run. */
export function settingsKey(model: ClipModel, heatmaps: 'auto' | 'always' | 'never', smoothing: number): string {
  return hashKey(
    'settings-v1',
    model.info.identity,
    IMAGE_PIPELINE_VERSION,
    REPORT_PIPELINE_VERSION,
    heatmaps,
    String(smoothing),
  );
}

/** Thrown when `signal` aborts the run between steps. */
export class ScoreCancelled extends Error {
  override name = 'ScoreCancelled';
  constructor() {
    super('scoring was cancelled');
  }
}

/**
 * Scores `pairs` (whose discovery-order positions start at `firstOrder`) into `out`; returns the
 * files it lists as not scored, in order, and which pairs were copied from the previous run.
 */
export async function scorePart(
  pairs: Pair[],
  firstOrder: number,
  out: PairFilesWriter,
  s: PartScoring,
): Promise<{ skipped: Skipped[]; reused: number; reusedRows: Map<string, number> }> {
  const skipped: Skipped[] = [];
  let reused = 0;
  /** Pair id → its row in the previous store, for pairs copied from it. */
  const reusedRows = new Map<string, number>();
  const orderOf = new Map(pairs.map((p, i) => [p, firstOrder + i]));
  for (let at = 0; at < pairs.length; at += s.step) {
    if (s.signal?.aborted) throw new ScoreCancelled();
    const batch = pairs.slice(at, at + s.step);
    const texts = await readReports(batch, skipped, s.limits);
    const usable = batch.filter((p) => texts.has(p.id));
    for (const pair of batch)
      if (!texts.has(pair.id)) skipImages(pair, pair.images, 'its report could not be used', skipped);

    // Pairs whose inputs are as the previous run saw them are copied, not scored again. The step's
    // pairs are written in discovery order, copied and scored alike.
    const keys = await inputKeys(usable, texts, s);
    const fresh: Pair[] = [];
    const written: {
      order: number;
      pair: Omit<StoredPair, 'row' | 'heatmapAt'>;
      values: Float32Array;
      study: Float32Array;
      report: Float32Array;
    }[] = [];
    for (const pair of usable) {
      const key = keys.get(pair.id);
      const old = key && s.previous?.entry(pair.id)?.inputKey === key ? await s.previous.reusable(pair.id) : undefined;
      if (!old || !key) {
        fresh.push(pair);
        continue;
      }
      const {
        row: _row,
        heatmapAt: _at,
        suspicion: _s,
        rank: _r,
        reportRank: _rr,
        imageRank: _ir,
        bestReports: _b,
        ...kept
      } = old.pair;
      written.push({
        order: orderOf.get(pair)!,
        pair: { ...kept, order: orderOf.get(pair)! },
        values: old.values,
        study: old.study,
        report: old.report,
      });
      reused++;
      reusedRows.set(pair.id, old.pair.row);
    }

    const feats = await s.images.features(
      fresh.flatMap((p) => p.images),
      s.withCells,
    );
    const ready: { pair: Pair; text: string; parsed: ParsedReport; imgs: ImageFeatures[]; imagePaths: string[] }[] = [];
    for (const pair of fresh) {
      const imgs: ImageFeatures[] = [];
      const imagePaths: string[] = [];
      for (const path of pair.images) {
        const f = feats.get(path);
        if (f instanceof Error || !f) skipped.push({ path, reason: f ? f.message : 'image was not processed' });
        else {
          imgs.push(f);
          imagePaths.push(path);
        }
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
    const reportFeats = await s.reports.features(ready.map((r) => r.parsed));
    for (let i = 0; i < ready.length; i++) {
      const { pair, text, parsed, imgs, imagePaths } = ready[i];
      const scored = scorePair(imgs, parsed, reportFeats[i], s.withHeatmaps, s.smoothing);
      const result = {
        id: pair.id,
        images: imagePaths.map((p) => relative(s.root, p)),
        ...reportFields(s.root, pair),
        reportText: text,
        cosine: scored.cosine,
        sentences: scored.sentences,
        ...(pair.split ? { split: pair.split } : {}),
      };
      if (s.heatmapDir) {
        try {
          await writePairHeatmaps(s.heatmapDir, pair.id, imagePaths, scored.sentences, s.limits);
        } catch (e) {
          skipped.push({ path: imagePaths[0], reason: `heatmap images not written: ${(e as Error).message}` });
        }
      }
      const { sentences, values } = splitHeatmaps(result);
      // A pair some of whose images were skipped gets no key: it is scored again next time, so its skips are listed again.
      const key = imagePaths.length === pair.images.length ? keys.get(pair.id) : undefined;
      const stored: Omit<StoredPair, 'row' | 'heatmapAt'> = {
        ...result,
        sentences,
        order: orderOf.get(pair)!,
        inputKey: key ?? hashKey('not-reusable', pair.id),
      };
      written.push({ order: stored.order, pair: stored, values, study: scored.study, report: reportFeats[i].embed });
    }
    written.sort((a, b) => a.order - b.order);
    for (const w of written) await out.add(w.pair, w.values, w.study, w.report);
    s.onPairsDone?.(Math.min(pairs.length, at + s.step));
  }
  return { skipped, reused, reusedRows };
}

/**
 * Per pair, a sha256 of everything its stored record depends on (kept, so that the next run can
 * tell which pairs are unchanged): the settings, its id, split,
 * report label and text, and each image's path and content hash. Pairs with an unreadable image
 * get none (they are scored, and their skips listed, every time).
 */
async function inputKeys(pairs: Pair[], texts: Map<string, string>, s: PartScoring): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!s.keepInputKeys && !s.previous) return out;
  const hashes = await s.contentHashes(pairs.flatMap((p) => p.images));
  for (const pair of pairs) {
    const parts = [s.settingsKey, pair.id, pair.split ?? '', relative(s.root, reportPath(pair)), texts.get(pair.id)!];
    let ok = true;
    for (const path of pair.images) {
      const h = hashes.get(path);
      if (typeof h !== 'string') ok = false;
      else parts.push(relative(s.root, path), h);
    }
    if (ok) out.set(pair.id, hashKey('pair-input-v1', ...parts));
  }
  return out;
}

/** Every file of a pair is listed when the pair is not scored, each with the pair's reason. */
function skipImages(pair: Pair, images: string[], why: string, skipped: Skipped[]): void {
  for (const path of images)
    skipped.push({ path, reason: `not scored: pair ${pair.id} was skipped because ${why} (${reportPath(pair)})` });
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

/** The report file, or for inline text its manifest and row ("metadata.csv#row 12"), relative like every path here. */
function reportFields(root: string, pair: Pair): { reportFile: string | null; reportRow: string | null } {
  return pair.report.kind === 'file'
    ? { reportFile: relative(root, pair.report.path), reportRow: null }
    : { reportFile: null, reportRow: relative(root, pair.report.origin) };
}
