// How far reviewers agree, beyond chance, on the pairs several of them judged: Cohen's kappa for
// each two reviewers and Krippendorff's alpha (nominal) over everyone, with the counts they rest
// on. Verdicts are nominal categories (aligned / mismatched / unsure). Adjudications settle a pair
// but are no reviewer's judgement, so they never count here.
//
// Both figures are undefined (null) where their formula divides by zero: no pairs to compare, or
// every verdict the same single category (expected agreement 1: agreement cannot be told apart
// from chance, whatever the count). A null with pairs > 0 therefore means "always agreed, on one
// verdict only": report it as such, never as 1 or 0.
import type { ReviewIndex } from './review-index';
import type { Verdict } from './types';

export interface KappaFigure {
  a: string;
  b: string;
  /** Pairs both reviewers gave a verdict on. */
  pairs: number;
  kappa: number | null;
}

export interface Agreement {
  /** Pairs with verdicts of two or more reviewers (the units alpha is computed over). */
  pairs: number;
  alpha: number | null;
  /** One entry per two reviewers who judged at least one pair in common, sorted by a, then b (a < b). */
  kappa: KappaFigure[];
}

/**
 * Cohen's kappa of two raters over items both rated: (p_o − p_e) / (1 − p_e), where p_o is the
 * share of items they put in the same category and p_e the agreement expected by chance from each
 * rater's own category shares. Null when there are no items, or when p_e = 1 (both raters used
 * one and the same category for every item).
 */
export function cohenKappa<T>(pairs: readonly (readonly [T, T])[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const first = new Map<T, number>();
  const second = new Map<T, number>();
  let agreed = 0;
  for (const [x, y] of pairs) {
    if (x === y) agreed++;
    first.set(x, (first.get(x) ?? 0) + 1);
    second.set(y, (second.get(y) ?? 0) + 1);
  }
  let chance = 0; // Σ_c n_xc · n_yc, so p_e = chance / n²
  for (const [c, count] of first) chance += count * (second.get(c) ?? 0);
  const denominator = n * n - chance;
  if (denominator === 0) return null;
  return (agreed * n - chance) / denominator;
}

/**
 * Krippendorff's alpha for nominal data: 1 − D_o / D_e from the coincidence matrix. Each unit
 * holds the values its raters gave (a rater who gave none is simply absent: missing values are
 * allowed); units with fewer than two values cannot be paired and are left out. Null when fewer
 * than two values are pairable or when every pairable value is the same category (D_e = 0).
 */
export function krippendorffAlpha<T>(units: readonly (readonly T[])[]): number | null {
  // With o_ck the coincidences and n_c = Σ_k o_ck, n = Σ n_c:
  //   alpha = ((n − 1) Σ_c o_cc − Σ_c n_c (n_c − 1)) / (n (n − 1) − Σ_c n_c (n_c − 1)).
  let n = 0;
  let matching = 0; // Σ_c o_cc
  const totals = new Map<T, number>(); // n_c
  const inUnit = new Map<T, number>();
  for (const unit of units) {
    const m = unit.length;
    if (m < 2) continue;
    inUnit.clear();
    for (const value of unit) inUnit.set(value, (inUnit.get(value) ?? 0) + 1);
    for (const [value, count] of inUnit) {
      // Each of the `count` values pairs with the count − 1 others of its category in the unit.
      matching += (count * (count - 1)) / (m - 1);
      totals.set(value, (totals.get(value) ?? 0) + count);
    }
    n += m;
  }
  if (n < 2) return null;
  let sameByChance = 0; // Σ_c n_c (n_c − 1)
  for (const total of totals.values()) sameByChance += total * (total - 1);
  const denominator = n * (n - 1) - sameByChance;
  if (denominator === 0) return null;
  return ((n - 1) * matching - sameByChance) / denominator;
}

/**
 * Agreement over the pairs of `index` (those `inResults` accepts, when given) that two or more
 * reviewers gave a verdict on; adjudications are not counted.
 */
export function agreement(index: ReviewIndex, inResults?: (pairId: string) => boolean): Agreement {
  const units: Verdict[][] = [];
  const byTwo = new Map<string, { a: string; b: string; pairs: [Verdict, Verdict][] }>();
  for (const review of index.pairs()) {
    const verdicts = review.verdicts; // live, one per reviewer, sorted by reviewer
    if (verdicts.length < 2) continue;
    if (inResults && !inResults(review.pair)) continue;
    units.push(verdicts.map((v) => v.verdict!));
    for (let i = 0; i < verdicts.length; i++) {
      for (let j = i + 1; j < verdicts.length; j++) {
        const [x, y] = [verdicts[i], verdicts[j]];
        const key = JSON.stringify([x.reviewer, y.reviewer]);
        let two = byTwo.get(key);
        if (!two) byTwo.set(key, (two = { a: x.reviewer, b: y.reviewer, pairs: [] }));
        two.pairs.push([x.verdict!, y.verdict!]);
      }
    }
  }
  const kappa = [...byTwo.values()]
    .sort((p, q) => compare(p.a, q.a) || compare(p.b, q.b))
    .map(({ a, b, pairs }) => ({ a, b, pairs: pairs.length, kappa: cohenKappa(pairs) }));
  return { pairs: units.length, alpha: krippendorffAlpha(units), kappa };
}

function compare(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}
