// Report-internal consistency: how well a sentence fits the rest of its own report, from words
// alone (TF-IDF cosine, IDF over the dataset's reports). A sentence pasted in from another
// patient's report tends to share little with its neighbours, whatever the image model says;
// measured on held-out covid-cxr notes this text-only signal detects inserted sentences better
// than the small bundled image model (training/, MODEL_CARD.md).

/** Short function words that carry no finding; everything of 3+ letters otherwise counts. */
const STOPWORDS = new Set(
  ('the and with for are was were has have had this that there these those from into onto over than then ' +
    'which who whom its his her their our your not but also any all both each some such per via upon within ' +
    'without been being may might can could would should will shall does did done')
    .split(' '),
);

export function terms(text: string): string[] {
  return (text.toLowerCase().match(/[a-z]{3,}/g) ?? []).filter((w) => !STOPWORDS.has(w));
}

/** Inverse document frequencies over documents given as term lists (smoothed, never zero). */
export function inverseDocumentFrequency(docs: string[][]): Map<string, number> {
  const df = new Map<string, number>();
  for (const d of docs) for (const t of new Set(d)) df.set(t, (df.get(t) ?? 0) + 1);
  const idf = new Map<string, number>();
  for (const [t, n] of df) idf.set(t, Math.log((1 + docs.length) / (1 + n)) + 1);
  return idf;
}

function weights(words: string[], idf: Map<string, number>): Map<string, number> {
  const v = new Map<string, number>();
  for (const w of words) v.set(w, (v.get(w) ?? 0) + (idf.get(w) ?? 1));
  return v;
}

function cosine(a: Map<string, number>, b: Map<string, number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, x] of a) {
    na += x * x;
    const y = b.get(t);
    if (y !== undefined) dot += x * y;
  }
  for (const y of b.values()) nb += y * y;
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/**
 * Per sentence, the TF-IDF cosine with the rest of its report (0..1), or null when it cannot be
 * judged: the sentence has no content words, or the report has nothing else to compare with.
 */
export function sentenceConsistency(sentences: string[], idf: Map<string, number>): (number | null)[] {
  const words = sentences.map(terms);
  return words.map((own, i) => {
    const rest = words.flatMap((w, j) => (j === i ? [] : w));
    if (!own.length || !rest.length) return null;
    return cosine(weights(own, idf), weights(rest, idf));
  });
}
