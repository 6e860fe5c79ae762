// Small results for the views' unit tests, built with result-builders.ts without its schema
// check: the views' tests also feed hostile values (paths that leave the folder) on purpose.
import type { PairResult, ScoreResults, SentenceResult } from '../../src/engine/results';
import type { AdjudicationEntry, FlagReason, ReviewEntry, Verdict, VerdictEntry } from '../../src/engine/review';
import { ResultsInMemory, type SavedResults } from '../../src/engine/store/results-file';
import { pairResult, scoreResults, sentenceResult, sentencesOf } from './result-builders';

export function sentence(
  text: string,
  start: number,
  evidence: number,
  extra: Partial<SentenceResult> = {},
): SentenceResult {
  return sentenceResult({ text, start, evidence, ...extra }, { unchecked: true });
}

/** A pair whose report is `reportText`, sentences found by splitting at ". ", with `evidence` in order (0.2 after). */
export function pair(
  id: string,
  rank: number,
  reportText: string,
  evidence: number[] = [],
  extra: Partial<PairResult> = {},
): PairResult {
  return pairResult(
    { id, rank, reportText, suspicion: 1 - rank / 10, sentences: sentencesOf(reportText, evidence), ...extra },
    { unchecked: true },
  );
}

export function results(pairs: PairResult[], skipped: ScoreResults['skipped'] = []): ScoreResults {
  return scoreResults({ pairs, skipped }, { unchecked: true });
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
  return { ...judgement(pairId, reviewer, v), kind: 'verdict', ...extra };
}

/** The adjudication that settles a pair. */
export function adjudication(
  pairId: string,
  reviewer: string,
  v: Verdict | null,
  extra: Partial<AdjudicationEntry> = {},
): AdjudicationEntry {
  return { ...judgement(pairId, reviewer, v), kind: 'adjudication', ...extra };
}

/** What a verdict and an adjudication share, with the fixtures' defaults. */
function judgement(pairId: string, reviewer: string, v: Verdict | null) {
  return {
    pair: pairId,
    reviewer,
    verdict: v,
    reason: null,
    note: '',
    at: '2025-01-01T00:00:00Z',
    rev: 1,
    model: 'tiny',
  };
}

/** The pairs behind the SavedResults face (a results document in memory). */
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
