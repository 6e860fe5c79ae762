// One sentence score from two kinds of evidence: how well the sentence matches the image
// (cosine, model-specific scale) and how well it fits the rest of its report (TF-IDF cosine).
// Each is standardised over the dataset's sentences, the two z-scores are averaged with equal
// weight (no tuning), and the result is mapped back onto the image cosine's scale, so `score`
// reads like a cosine and equals `imageScore` exactly where consistency cannot be judged.

export interface SentenceEvidence {
  imageScore: number;
  consistency: number | null;
}

interface Moments {
  mean: number;
  sd: number;
}

function moments(values: number[]): Moments | null {
  if (values.length < 5) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return sd > 1e-9 ? { mean, sd } : null;
}

/** Combined scores, in the order given. */
export function combineEvidence(all: SentenceEvidence[]): number[] {
  const img = moments(all.map((e) => e.imageScore));
  const cons = moments(all.flatMap((e) => (e.consistency === null ? [] : [e.consistency])));
  return all.map((e) => {
    if (!img || !cons || e.consistency === null) return e.imageScore;
    const z = ((e.imageScore - img.mean) / img.sd + (e.consistency - cons.mean) / cons.sd) / Math.SQRT2;
    return img.mean + img.sd * z;
  });
}
