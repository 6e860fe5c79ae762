// Small hand-made results for the views' unit tests.
import type { PairResult, ScoreResults, SentenceResult } from '../../src/engine/results';
import type { AdjudicationEntry, FlagReason, ReviewEntry, Verdict, VerdictEntry } from '../../src/engine/review';
import { ResultsInMemory, type SavedResults } from '../../src/engine/store/results-file';

export function sentence(
  text: string,
  start: number,
  score: number,
  extra: Partial<SentenceResult> = {},
): SentenceResult {
  return {
    text,
    section: 'findings',
    start,
    end: start + text.length,
    score,
    imageScore: score,
    consistency: null,
    negated: false,
    uncertain: false,
    describesImage: true,
    ...extra,
  };
}

/** A pair whose report is `reportText`, sentences found by splitting at ". ". */
export function pair(
  id: string,
  rank: number,
  reportText: string,
  scores: number[] = [],
  extra: Partial<PairResult> = {},
): PairResult {
  const sentences: SentenceResult[] = [];
  const re = /[^.]+\./g;
  let m: RegExpExecArray | null;
  let k = 0;
  while ((m = re.exec(reportText))) {
    const lead = m[0].length - m[0].trimStart().length;
    sentences.push(sentence(m[0].trim(), m.index + lead, scores[k++] ?? 0.2));
  }
  return {
    id,
    images: [`${id}.png`],
    report: `${id}.txt`,
    reportText,
    score: 0.25,
    suspicion: 1 - rank / 10,
    rank,
    reportRank: 0.5,
    imageRank: 0.25,
    bestReports: [],
    sentences,
    ...extra,
  };
}

export function results(pairs: PairResult[], skipped: ScoreResults['skipped'] = []): ScoreResults {
  return {
    format: 'radalign-results/1',
    model: { id: 'tiny', name: 'Tiny CLIP', identity: 'x', layout: 'radalign', heatmapKind: 'patch', embedDim: 8 },
    pairs,
    skipped,
    run: {
      folder: '/data',
      startedAt: '2025-01-01T00:00:00Z',
      seconds: 1,
      imagesEncoded: 0,
      textsEncoded: 0,
      cache: { dir: null, hits: 0, misses: 0, corrupt: 0, writes: 0 },
    },
  };
}

/**
 * A review entry as a reviewer made it: `sentenceIndex` null is today's pair flag, i.e. a verdict
 * "mismatched" with that reason (reason null: a cleared verdict); a number is a sentence flag
 * (with `sentenceText` when given).
 */
export function flag(
  pairId: string,
  sentenceIndex: number | null,
  reason: FlagReason | null,
  note = '',
  reviewer = 'ana',
  sentenceText?: string,
): ReviewEntry {
  const base = { pair: pairId, note, reviewer, at: '2025-01-01T00:00:00Z', rev: 1, model: 'tiny' };
  if (sentenceIndex === null)
    return { ...base, kind: 'verdict', verdict: reason === null ? null : 'mismatched', reason };
  return {
    ...base,
    kind: 'flag',
    sentence: sentenceIndex,
    ...(sentenceText !== undefined ? { sentenceText } : {}),
    reason,
  };
}

/** A reviewer's verdict on a pair. */
export function verdict(
  pairId: string,
  reviewer: string,
  v: Verdict | null,
  extra: Partial<VerdictEntry> = {},
): VerdictEntry {
  return {
    kind: 'verdict',
    pair: pairId,
    reviewer,
    verdict: v,
    reason: null,
    note: '',
    at: '2025-01-01T00:00:00Z',
    rev: 1,
    model: 'tiny',
    ...extra,
  };
}

/** The adjudication that settles a pair. */
export function adjudication(
  pairId: string,
  reviewer: string,
  v: Verdict | null,
  extra: Partial<AdjudicationEntry> = {},
): AdjudicationEntry {
  return {
    kind: 'adjudication',
    pair: pairId,
    reviewer,
    verdict: v,
    reason: null,
    note: '',
    at: '2025-01-01T00:00:00Z',
    rev: 1,
    model: 'tiny',
    ...extra,
  };
}

/** The pairs behind the SavedResults face (a radalign-results/1 document in memory). */
export function saved(pairs: PairResult[], skipped: ScoreResults['skipped'] = []): SavedResults {
  return new ResultsInMemory(results(pairs, skipped));
}

/** Saved results that count which pairs are read, and whether they were closed. */
export class CountingResults implements SavedResults {
  readonly reads: string[] = [];
  closed = false;

  constructor(private readonly inner: SavedResults) {}

  get model() {
    return this.inner.model;
  }
  get run() {
    return this.inner.run;
  }
  get count() {
    return this.inner.count;
  }
  ids() {
    return this.inner.ids();
  }
  entry(at: number | string) {
    return this.inner.entry(at);
  }
  async pair(id: string) {
    if (this.closed) throw new Error('read after close');
    this.reads.push(id);
    return this.inner.pair(id);
  }
  async page(from: number, count: number) {
    const pairs = await this.inner.page(from, count);
    this.reads.push(...pairs.map((p) => p.id));
    return pairs;
  }
  async *all() {
    for await (const p of this.inner.all()) {
      this.reads.push(p.id);
      yield p;
    }
  }
  skipped() {
    return this.inner.skipped();
  }
  async close() {
    this.closed = true;
    await this.inner.close();
  }
}
