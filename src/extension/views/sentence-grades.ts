// How strongly to tint a sentence: its evidence's place among the dataset's sentences' evidence
// (a sentence's `evidence`: image and consistency combined, on the cosine's scale). Raw cosines
// mean different things per model, so the grade is dataset-relative (like suspicion).
// A large dataset's thresholds come from a sample of its pairs spread over the ranking (every
// pair of one with up to GRADE_SAMPLE_PAIRS): reading 227,000 pairs to tint one report would not do.
import type { PairResult, SentenceResult } from '../../engine/results';
import type { RankedEntry } from '../../engine/results-store/results-store';

/** 0 = among the sentences with the least evidence … 4 = among the highest; 2 is left untinted. */
export type Grade = 0 | 1 | 2 | 3 | 4;
export const GRADES: readonly Grade[] = [0, 1, 2, 3, 4];

/** How a sentence is drawn: low evidence on a negated or non-image sentence is no mismatch by itself. */
export type SentenceStyle = 'finding' | 'negated' | 'context';

export function sentenceStyle(s: SentenceResult): SentenceStyle {
  if (!s.describesImage) return 'context';
  return s.negated ? 'negated' : 'finding';
}

export class SentenceGrades {
  private readonly sorted: number[];

  /** Thresholds come from the sentences that describe the image (context lines would skew them). */
  constructor(pairs: readonly PairResult[]) {
    const describing = pairs.flatMap((p) => p.sentences.filter((s) => s.describesImage).map((s) => s.evidence));
    const all = describing.length ? describing : pairs.flatMap((p) => p.sentences.map((s) => s.evidence));
    this.sorted = all.sort((a, b) => a - b);
  }

  /** Fraction of the dataset's sentences whose evidence is below `evidence` (0..1); 0.5 when there are none. */
  percentile(evidence: number): number {
    const n = this.sorted.length;
    if (!n) return 0.5;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < evidence) lo = mid + 1;
      else hi = mid;
    }
    return lo / n;
  }

  /** Quintile of the evidence: 0 for the lowest 20%, 4 for the highest. */
  grade(evidence: number): Grade {
    return Math.min(4, Math.floor(this.percentile(evidence) * 5)) as Grade;
  }
}

/** Pairs read at most to set a dataset's grades (a few thousand sentences: quintiles to about ±1 %). */
export const GRADE_SAMPLE_PAIRS = 500;

/** Saved results as the grades need them (SavedResults fits). */
export interface GradeSource {
  readonly count: number;
  entry(rank: number): RankedEntry | undefined;
  pair(id: string): Promise<PairResult | undefined>;
}

/** The ranks read for the grades: all of them, or `maxPairs` spread evenly from the top to the bottom of the ranking. */
export function sampleRanks(count: number, maxPairs = GRADE_SAMPLE_PAIRS): number[] {
  if (count <= maxPairs) return Array.from({ length: count }, (_, k) => k + 1);
  return Array.from({ length: maxPairs }, (_, k) => 1 + Math.floor((k * count) / maxPairs));
}

const gradesOf = new WeakMap<GradeSource, Promise<SentenceGrades>>();

/** The grades of these results, read once (see sampleRanks) and shared by the decorations and the hover. */
export function gradesFor(results: GradeSource, maxPairs = GRADE_SAMPLE_PAIRS): Promise<SentenceGrades> {
  let grades = gradesOf.get(results);
  if (!grades) {
    grades = readGrades(results, maxPairs);
    gradesOf.set(results, grades);
    grades.catch(() => gradesOf.delete(results)); // a failed read is tried again next time
  }
  return grades;
}

async function readGrades(results: GradeSource, maxPairs: number): Promise<SentenceGrades> {
  const pairs: PairResult[] = [];
  for (const rank of sampleRanks(results.count, maxPairs)) {
    const entry = results.entry(rank);
    const pair = entry && (await results.pair(entry.id));
    if (pair) pairs.push(pair);
  }
  return new SentenceGrades(pairs);
}

/** A ten-cell text bar for hovers: "▰▰▰▱▱▱▱▱▱▱". */
export function fractionBar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * 10);
  return '▰'.repeat(filled) + '▱'.repeat(10 - filled);
}
