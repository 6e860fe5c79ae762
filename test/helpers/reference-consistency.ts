// The original definition of sentence consistency, written the obvious (quadratic) way: the cosine
// of a sentence's TF-IDF vector with the rest of its report, the rest rebuilt for every sentence.
// The fast version (src/engine/scoring/consistency.ts) is tested and benchmarked against it.
import { terms } from '../../src/engine/scoring/consistency';

export function referenceConsistency(sentences: string[], idf: Map<string, number>): (number | null)[] {
  const weights = (words: string[]) => {
    const v = new Map<string, number>();
    for (const w of words) v.set(w, (v.get(w) ?? 0) + (idf.get(w) ?? 1));
    return v;
  };
  const words = sentences.map(terms);
  return words.map((own, i) => {
    const rest = words.flatMap((w, j) => (j === i ? [] : w));
    if (!own.length || !rest.length) return null;
    const a = weights(own);
    const b = weights(rest);
    let dot = 0;
    let na = 0;
    let nb = 0;
    for (const [t, x] of a) {
      na += x * x;
      dot += x * (b.get(t) ?? 0);
    }
    for (const y of b.values()) nb += y * y;
    return na && nb ? dot / Math.sqrt(na * nb) : 0;
  });
}
