// The report as written, cut into plain runs and sentence runs by the sentences' offsets, and the
// tint of each sentence: its evidence relative to the report's other sentences'.
import type { SentenceView } from '../../src/protocol/review-panel-protocol';
import { l10n } from './l10n';

export interface ReportRun {
  text: string;
  /** Sentence index, or null for text between sentences (headings, spacing). */
  sentence: number | null;
}

/** Runs covering `text` exactly once, in order; overlapping or out-of-range offsets are clipped. */
export function reportRuns(text: string, sentences: readonly Pick<SentenceView, 'start' | 'end'>[]): ReportRun[] {
  const order = sentences.map((s, i) => ({ ...s, i })).sort((a, b) => a.start - b.start);
  const runs: ReportRun[] = [];
  let at = 0;
  for (const s of order) {
    const start = Math.max(at, Math.min(s.start, text.length));
    const end = Math.max(start, Math.min(s.end, text.length));
    if (start > at) runs.push({ text: text.slice(at, start), sentence: null });
    if (end > start) runs.push({ text: text.slice(start, end), sentence: s.i });
    at = end;
  }
  if (at < text.length) runs.push({ text: text.slice(at), sentence: null });
  return runs;
}

/**
 * 0 (the report's best-matching sentence) .. 1 (its worst), among the sentences that describe
 * the image; a report with one such sentence, or all equal, gets 0 everywhere.
 */
export function sentenceTints(sentences: readonly Pick<SentenceView, 'evidence' | 'describesImage'>[]): number[] {
  const describing = sentences.filter((s) => s.describesImage).map((s) => s.evidence);
  const pool = describing.length ? describing : sentences.map((s) => s.evidence);
  const min = Math.min(...pool);
  const max = Math.max(...pool);
  const span = max - min;
  return sentences.map((s) => (span > 0 ? Math.min(1, Math.max(0, (max - s.evidence) / span)) : 0));
}

/** Why low evidence on this sentence is not by itself a mismatch, or undefined when it could be. */
export function sentenceCaveat(s: Pick<SentenceView, 'negated' | 'describesImage' | 'section'>): string | undefined {
  if (!s.describesImage) return l10n.t('Not about the image ({0}): a low score here is not a mismatch.', s.section);
  if (s.negated)
    return l10n.t(
      'Negated ("no …"): CLIP models score absent findings poorly, so a low score here is not by itself a mismatch.',
    );
  return undefined;
}
