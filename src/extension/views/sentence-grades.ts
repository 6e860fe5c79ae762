// How strongly to tint a sentence: its score's place among the dataset's sentence scores.
// Raw cosines mean different things per model, so the grade is dataset-relative (like suspicion).
import type { PairResult, SentenceResult } from '../../engine/results';

/** 0 = among the lowest-scoring sentences … 4 = among the highest; 2 is left untinted. */
export type Grade = 0 | 1 | 2 | 3 | 4;
export const GRADES: readonly Grade[] = [0, 1, 2, 3, 4];

/** How a sentence is drawn: a low score on a negated or non-image sentence is no mismatch by itself. */
export type SentenceStyle = 'finding' | 'negated' | 'context';

export function sentenceStyle(s: SentenceResult): SentenceStyle {
  if (!s.describesImage) return 'context';
  return s.negated ? 'negated' : 'finding';
}

export class SentenceGrades {
  private readonly sorted: number[];

  /** Thresholds come from the sentences that describe the image (context lines would skew them). */
  constructor(pairs: readonly PairResult[]) {
    const describing = pairs.flatMap((p) => p.sentences.filter((s) => s.describesImage).map((s) => s.score));
    const all = describing.length ? describing : pairs.flatMap((p) => p.sentences.map((s) => s.score));
    this.sorted = all.sort((a, b) => a - b);
  }

  /** Fraction of the dataset's sentences scoring below `score` (0..1); 0.5 when there are none. */
  percentile(score: number): number {
    const n = this.sorted.length;
    if (!n) return 0.5;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < score) lo = mid + 1;
      else hi = mid;
    }
    return lo / n;
  }

  /** Quintile of the score: 0 for the lowest 20%, 4 for the highest. */
  grade(score: number): Grade {
    return Math.min(4, Math.floor(this.percentile(score) * 5)) as Grade;
  }
}

/** A ten-cell text bar for hovers: "▰▰▰▱▱▱▱▱▱▱". */
export function scoreBar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * 10);
  return '▰'.repeat(filled) + '▱'.repeat(10 - filled);
}
