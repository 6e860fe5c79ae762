// Which sentence of a report a flag belongs to now. A flag stores its sentence's text and offsets
// as they were when flagged; after the report is parsed anew (another splitter) or edited, the
// sentence may have another index. The text decides: the same sentence (whitespace aside), else
// the one sentence that contains the flagged text, nearest to where it was; when none does, the
// flag is orphaned — shown as such, never moved onto a sentence it was not about.

export interface SentenceSpan {
  text: string;
  start: number;
  end: number;
}

interface Anchorable {
  sentence: number;
  sentenceText?: string;
  start?: number;
}

export interface AnchoredFlags<F> {
  anchored: { flag: F; sentence: number }[];
  /** Flags whose sentence is no longer in the report. */
  orphaned: F[];
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** The index of the sentence the flag belongs to, or null when its sentence is gone. */
export function anchorFlag(flag: Anchorable, sentences: readonly SentenceSpan[]): number | null {
  // Lines of version-1 files that did not record the text: the index is all there is.
  if (flag.sentenceText === undefined) return flag.sentence < sentences.length ? flag.sentence : null;
  const wanted = squash(flag.sentenceText);
  if (!wanted) return null;
  const at = flag.start ?? sentences[flag.sentence]?.start ?? 0;
  const nearest = (matches: number[]) =>
    matches.reduce((best, i) => (Math.abs(sentences[i].start - at) < Math.abs(sentences[best].start - at) ? i : best));
  const same: number[] = [];
  const containing: number[] = [];
  sentences.forEach((s, i) => {
    const text = squash(s.text);
    if (text === wanted) same.push(i);
    else if (text.includes(wanted)) containing.push(i);
  });
  if (same.length) return nearest(same);
  if (containing.length) return nearest(containing);
  return null;
}

export function anchorFlags<F extends Anchorable>(
  flags: readonly F[],
  sentences: readonly SentenceSpan[],
): AnchoredFlags<F> {
  const out: AnchoredFlags<F> = { anchored: [], orphaned: [] };
  for (const flag of flags) {
    const sentence = anchorFlag(flag, sentences);
    if (sentence === null) out.orphaned.push(flag);
    else out.anchored.push({ flag, sentence });
  }
  return out;
}
