// One sentence's evidence from two kinds of it: how well the sentence matches the image
// (cosine, model-specific scale) and how well it fits the rest of its report (TF-IDF cosine).
// Each is standardised over the dataset's sentences, the two z-scores are averaged with equal
// weight (no tuning), and the result is mapped back onto the image cosine's scale, so `evidence`
// reads like a cosine and equals `imageCosine` exactly where consistency cannot be judged.

export interface SentenceEvidence {
  imageCosine: number;
  consistency: number | null;
}

interface Moments {
  mean: number;
  sd: number;
}

function moments(values: ArrayLike<number>, count: number, skipNaN: boolean): Moments | null {
  if (count < 5) return null;
  // Summed in order, as Array.reduce did: the same figures whichever caller.
  let sum = 0;
  for (let i = 0; i < values.length; i++) if (!skipNaN || !Number.isNaN(values[i])) sum += values[i];
  const mean = sum / count;
  let sq = 0;
  for (let i = 0; i < values.length; i++) if (!skipNaN || !Number.isNaN(values[i])) sq += (values[i] - mean) ** 2;
  const sd = Math.sqrt(sq / count);
  return sd > 1e-9 ? { mean, sd } : null;
}

/** Combined evidence, in the order given. */
export function combineEvidence(all: SentenceEvidence[]): number[] {
  const image = Float64Array.from(all, (e) => e.imageCosine);
  const consistency = Float64Array.from(all, (e) => (e.consistency === null ? NaN : e.consistency));
  return Array.from(combineEvidenceArrays(image, consistency));
}

/** combineEvidence over typed arrays (a dataset's sentences, NaN where consistency is null). */
export function combineEvidenceArrays(imageCosines: Float64Array, consistency: Float64Array): Float64Array {
  let judged = 0;
  for (let i = 0; i < consistency.length; i++) if (!Number.isNaN(consistency[i])) judged++;
  const img = moments(imageCosines, imageCosines.length, false);
  const cons = moments(consistency, judged, true);
  const out = new Float64Array(imageCosines.length);
  for (let i = 0; i < imageCosines.length; i++) {
    const c = consistency[i];
    if (!img || !cons || Number.isNaN(c)) out[i] = imageCosines[i];
    else {
      const z = ((imageCosines[i] - img.mean) / img.sd + (c - cons.mean) / cons.sd) / Math.SQRT2;
      out[i] = img.mean + img.sd * z;
    }
  }
  return out;
}
