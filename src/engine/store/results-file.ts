// The saved results of a dataset, `<dataset>/.radalign/results.json` and the files it names:
// written by the extension's scoring worker and by `radalign score --save` / `radalign merge
// --save` (score on a server, review in VS Code), read by the extension and by `radalign flag` and
// `review`. Read only through radalign-folder.ts (no links) and validated on every read: the folder
// may come from someone else. Two forms: a store read a page at a time (results-store/; today's
// radalign-results/4, or /2 from before issue 12's names), and one JSON document, which earlier
// versions saved (radalign-results/1) and `--out` writes (radalign-results/3), still read. Whatever
// the version, pairs come out with today's names.
import { join } from 'node:path';
import { parseResults } from '../read-results';
import type { PairResult, ScoreResults } from '../results';
import { radalignLocation } from '../results-store/location';
import { type RankedEntry, StoredResults, SUMMARY_NAME } from '../results-store/results-store';
import { STORE_FORMAT, STORE_FORMAT_V2 } from '../results-store/store-schema';
import { RADALIGN_DIR } from './radalign-folder';
import type { Skipped } from '../types';
import type { ModelSummary, RunSummary } from '../results';

/** Relative to the dataset folder. */
export const RESULTS_FILE = join(RADALIGN_DIR, SUMMARY_NAME);

/** Largest results document read (one JSON document must fit in memory and in one string). */
export const MAX_V1_RESULTS_BYTES = 256 << 20;

/** Saved results, whichever format: the index in memory, pairs read when asked for. */
export interface SavedResults {
  readonly model: ModelSummary;
  readonly run: RunSummary;
  readonly count: number;
  /** Ids, most suspicious first. */
  ids(): string[];
  /** Rank (1-based) or id → the pair's place and figures, without reading it. */
  entry(at: number | string): RankedEntry | undefined;
  pair(id: string): Promise<PairResult | undefined>;
  page(from: number, count: number): Promise<PairResult[]>;
  all(): AsyncGenerator<PairResult>;
  skipped(): Promise<Skipped[]>;
  close(): Promise<void>;
}

export type OpenedResults = { ok: true; results: SavedResults } | { ok: false; problem: string };

/**
 * The saved results of `datasetRoot`, opened; undefined when nothing was saved; `ok: false` with
 * the file and field when they cannot be used. Throws RefusedPathError for a planted link.
 */
export async function openSavedResults(datasetRoot: string): Promise<OpenedResults | undefined> {
  const file = join(datasetRoot, RESULTS_FILE);
  const handle = await radalignLocation(datasetRoot).open(SUMMARY_NAME);
  if (handle === undefined) return undefined;
  let text: string;
  try {
    // Sized before it is read: an older single-document file can be too big to hold as one string.
    const bytes = (await handle.stat()).size;
    if (bytes > MAX_V1_RESULTS_BYTES)
      return {
        ok: false,
        problem: `${file}: ${bytes} bytes, more than the ${MAX_V1_RESULTS_BYTES} read in one piece; score again to save it in the paged format`,
      };
    text = await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
  if (text.includes(`"${STORE_FORMAT}"`) || text.includes(`"${STORE_FORMAT_V2}"`)) {
    try {
      return { ok: true, results: await StoredResults.fromSummary(radalignLocation(datasetRoot), text) };
    } catch (e) {
      if ((e as Error).name === 'RefusedPathError') throw e;
      return { ok: false, problem: `${(e as Error).message}; score again to rewrite the results` };
    }
  }
  const parsed = parseResults(text, file);
  return parsed.ok ? { ok: true, results: new ResultsInMemory(parsed.results) } : parsed;
}

/** A results document behind the SavedResults face. */
export class ResultsInMemory implements SavedResults {
  private readonly ranked: PairResult[];
  private readonly byId: Map<string, number>;

  constructor(private readonly results: ScoreResults) {
    this.ranked = [...results.pairs].sort((a, b) => a.rank - b.rank);
    this.byId = new Map(this.ranked.map((p, k) => [p.id, k]));
  }

  get model(): ModelSummary {
    return this.results.model;
  }

  get run(): RunSummary {
    return this.results.run;
  }

  get count(): number {
    return this.ranked.length;
  }

  ids(): string[] {
    return this.ranked.map((p) => p.id);
  }

  entry(at: number | string): RankedEntry | undefined {
    const k = typeof at === 'number' ? at - 1 : this.byId.get(at);
    const p = k === undefined ? undefined : this.ranked[k];
    return (
      p && {
        id: p.id,
        rank: k! + 1,
        suspicion: p.suspicion,
        cosine: p.cosine,
        inputKey: '',
        reportFile: p.reportFile,
        reportRow: p.reportRow,
        images: p.images,
      }
    );
  }

  async pair(id: string): Promise<PairResult | undefined> {
    const k = this.byId.get(id);
    return k === undefined ? undefined : this.ranked[k];
  }

  async page(from: number, count: number): Promise<PairResult[]> {
    return this.ranked.slice(Math.max(0, from - 1), Math.max(0, from - 1 + count));
  }

  async *all(): AsyncGenerator<PairResult> {
    yield* this.ranked;
  }

  async skipped(): Promise<Skipped[]> {
    return this.results.skipped;
  }

  async close(): Promise<void> {}
}
