// A pair's best-matching other reports: the one definition of which candidates make the list,
// used on exact scores by the full ranking (rank-pairs.ts) and by the update (update-ranking.ts).

export interface Candidate {
  /** Pair (column) index. */
  index: number;
  score: number;
}

/**
 * The best `max` candidates, one per report text: per text its highest score (the earliest column
 * among equals), then by score, highest first, the earlier column first among equals. The same
 * list the full ranking's one-pass selection keeps (rank-pairs.ts insertBest).
 */
export function topDistinct(
  candidates: readonly Candidate[],
  keys: ArrayLike<string | number>,
  max: number,
): Candidate[] {
  if (max <= 0) return [];
  const perKey = new Map<string | number, Candidate>();
  for (const c of candidates) {
    const held = perKey.get(keys[c.index]);
    if (!held || c.score > held.score || (c.score === held.score && c.index < held.index)) perKey.set(keys[c.index], c);
  }
  return [...perKey.values()].sort((a, b) => b.score - a.score || a.index - b.index).slice(0, max);
}
