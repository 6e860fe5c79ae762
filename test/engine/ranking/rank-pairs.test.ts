// rankPairs against the plain O(N²) loop it replaced (exactly equal, ties included), and
// updateRanking against ranking anew after random edits.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rankPairs, updateRanking, type PairRanking } from '../../../src/engine/ranking';
import { gemmErrorBound } from '../../../src/engine/ranking/rank-pairs';
import { normalize } from '../../../src/engine/scoring/vectors';
import { computeSuspicion } from '../../helpers/reference-suspicion';

const v = (...xs: number[]) => normalize(new Float32Array(xs));

function pack(rows: Float32Array[]): Float32Array {
  const dim = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(r, i * dim));
  return out;
}

type Ranks = Omit<PairRanking, 'betterReports' | 'betterImages'>;

/** The ranking without its raw counts (the reference loop gives fractions only). */
function ranks(r: PairRanking[]): Ranks[] {
  return r.map(({ betterReports: _r, betterImages: _i, ...rest }) => rest);
}

async function rank(
  images: Float32Array[],
  reports: Float32Array[],
  reportKeys: string[],
  bestCount: number,
  blocks?: { blockRows: number; blockCols: number },
): Promise<Ranks[]> {
  return ranks(
    await rankPairs(
      { images: pack(images), reports: pack(reports), dim: images[0]?.length ?? 1, reportKeys, bestCount },
      blocks,
    ),
  );
}

/** The reference loop's answer in rankPairs' shape. */
function reference(images: Float32Array[], reports: Float32Array[], reportKeys: string[], bestCount: number): Ranks[] {
  return computeSuspicion({ images, reports, reportKeys, bestCount }).map((r) => ({
    suspicion: r.suspicion,
    reportRank: r.reportRank,
    imageRank: r.imageRank,
    best: r.best,
  }));
}

describe('ranking (rankPairs)', () => {
  // Three well-matched pairs along the axes, and pair 3 whose report is pair 0's direction.
  const images = [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1), v(0.1, 0.2, 1)];
  const reports = [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1), v(1, 0.05, 0)];

  it('puts the pair with a foreign report first and lists the report that fits its image', async () => {
    const r = await rank(images, reports, ['a', 'b', 'c', 'd'], 2);
    const order = r.map((x, i) => [x.suspicion, i] as const).sort((a, b) => b[0] - a[0]);
    assert.equal(order[0][1], 3);
    assert.equal(r[3].best[0].index, 2, 'the image of pair 3 is closest to report c');
    assert.ok(r[1].suspicion < r[3].suspicion);
    for (const x of r) assert.ok(x.suspicion >= 0 && x.suspicion <= 1);
  });

  it('does not count reports with the same text as competitors', async () => {
    const imgs = [v(1, 0), v(0.9, 0.1)];
    const reps = [v(0.9, 0.1), v(1, 0)];
    const distinct = await rank(imgs, reps, ['a', 'b'], 1);
    assert.ok(distinct[0].suspicion > 0);
    const same = await rank(imgs, reps, ['a', 'a'], 1);
    assert.deepEqual(
      same.map((s) => s.suspicion),
      [0, 0],
    );
    assert.deepEqual(same[0].best, []);
  });

  it('lists each report text once among the best matches', async () => {
    const imgs = [v(1, 0), v(0, 1), v(0, 1), v(1, 1)];
    const reps = [v(1, 0), v(0, 1), v(0, 1), v(1, 1)];
    const r = await rank(imgs, reps, ['a', 'b', 'b', 'c'], 3);
    assert.deepEqual(
      r[0].best.map((b) => b.index),
      [3, 1],
    );
  });

  it('handles no pairs and one pair', async () => {
    assert.deepEqual(await rank([], [], [], 3), []);
    assert.deepEqual(await rank([v(1, 0)], [v(0, 1)], ['a'], 3), [
      { suspicion: 0, reportRank: 0, imageRank: 0, best: [] },
    ]);
  });

  it('refuses packed arrays of the wrong length, naming the counts', async () => {
    await assert.rejects(
      rankPairs({
        images: new Float32Array(6),
        reports: new Float32Array(4),
        dim: 2,
        reportKeys: ['a', 'b', 'c'],
        bestCount: 1,
      }),
      /3 pairs of 2 values need 6 values each, got 6 image and 4 report values/,
    );
  });

  it('equals the plain loop exactly on random embeddings, with ties, shared texts and repeated images, at any block size', async function () {
    this.timeout(120_000);
    // Coarse values make exact ties common: equal cosines to the last bit, where only the exact
    // recomputation can decide, and repeated images/reports as in datasets that reuse them.
    const vec = (dim: number) =>
      fc
        .array(fc.integer({ min: -2, max: 2 }), { minLength: dim, maxLength: dim })
        .map((xs) => normalize(Float32Array.from(xs)));
    const dataset = fc.integer({ min: 1, max: 9 }).chain((dim) =>
      fc.record({
        dim: fc.constant(dim),
        pairs: fc.array(fc.record({ image: vec(dim), report: vec(dim), key: fc.integer({ min: 0, max: 6 }) }), {
          minLength: 0,
          maxLength: 40,
        }),
        bestCount: fc.integer({ min: 0, max: 5 }),
        blockRows: fc.integer({ min: 1, max: 16 }),
        blockCols: fc.integer({ min: 1, max: 16 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(dataset, async ({ dim, pairs, bestCount, blockRows, blockCols }) => {
        // Pairs with the same key carry the same report text, hence the same report embedding.
        const byKey = new Map<number, Float32Array>();
        const reports = pairs.map((p) => byKey.get(p.key) ?? (byKey.set(p.key, p.report), p.report));
        const images = pairs.map((p) => p.image);
        const keys = pairs.map((p) => `k${p.key}`);
        if (!pairs.length) return;
        const got = await rankPairs(
          { images: pack(images), reports: pack(reports), dim, reportKeys: keys, bestCount },
          { blockRows, blockCols },
        );
        assert.deepStrictEqual(ranks(got), reference(images, reports, keys, bestCount));
      }),
      { numRuns: 150, seed: 20261130 },
    );
  });

  it('equals the plain loop on 600 model-like pairs where near-ties are settled by exact recomputation', async function () {
    this.timeout(120_000);
    // Images and reports near a few shared directions, so GEMM rounding lands within the error
    // bound of many own-pair cosines; 37 % of pairs reuse one of 40 report texts.
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const dim = 64;
    const centres = Array.from({ length: 12 }, () => Float32Array.from({ length: dim }, rand));
    const near = (c: Float32Array, spread: number) => normalize(Float32Array.from(c, (x) => x + spread * rand()));
    const shared = Array.from({ length: 40 }, (_, i) => near(centres[i % 12], 0.3));
    const images: Float32Array[] = [];
    const reports: Float32Array[] = [];
    const keys: string[] = [];
    for (let i = 0; i < 600; i++) {
      const img = near(centres[i % 12], 0.3);
      images.push(i % 5 === 0 ? (images[Math.max(0, i - 5)] ?? img) : img);
      if (i % 8 < 3) {
        reports.push(shared[i % 40]);
        keys.push(`shared ${i % 40}`);
      } else {
        reports.push(near(centres[i % 12], 0.3));
        keys.push(`own ${i}`);
      }
    }
    const got = await rankPairs(
      { images: pack(images), reports: pack(reports), dim, reportKeys: keys, bestCount: 3 },
      { blockRows: 64, blockCols: 128 },
    );
    assert.deepStrictEqual(ranks(got), reference(images, reports, keys, 3));
  });

  it('bounds the GEMM error by the embedding norms and dimension', () => {
    const unit = pack([v(1, 2, 3), v(3, 2, 1)]);
    const bound = gemmErrorBound(unit, unit, 3, 2);
    assert.ok(bound > 3 * 2 ** -24 && bound < 1e-6, `bound ${bound}`);
    const doubled = gemmErrorBound(
      unit.map((x) => 2 * x),
      unit,
      3,
      2,
    );
    assert.ok(Math.abs(doubled / bound - 2) < 1e-9, 'scales with the norms');
  });

  it('updating after pairs are removed, changed and added equals ranking the new set from scratch', async function () {
    this.timeout(120_000);
    const vec = (dim: number) =>
      fc
        .array(fc.integer({ min: -2, max: 2 }), { minLength: dim, maxLength: dim })
        .map((xs) => normalize(Float32Array.from(xs)));
    const pair = (dim: number) => fc.record({ image: vec(dim), report: vec(dim), key: fc.integer({ min: 0, max: 5 }) });
    const scenario = fc.integer({ min: 1, max: 6 }).chain((dim) =>
      fc.record({
        dim: fc.constant(dim),
        before: fc.array(pair(dim), { minLength: 1, maxLength: 25 }),
        // Per previous pair: kept, removed, or changed (replaced by a new pair in its place).
        fate: fc.array(fc.constantFrom('kept', 'kept', 'kept', 'removed', 'changed'), { minLength: 25, maxLength: 25 }),
        replacements: fc.array(pair(dim), { minLength: 25, maxLength: 25 }),
        added: fc.array(fc.record({ at: fc.nat(30), pair: pair(dim) }), { maxLength: 4 }),
        bestCount: fc.integer({ min: 0, max: 4 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ({ dim, before, fate, replacements, added, bestCount }) => {
        const reportOf = new Map<number, Float32Array>();
        const norm = (p: { image: Float32Array; report: Float32Array; key: number }) => ({
          image: p.image,
          report: reportOf.get(p.key) ?? (reportOf.set(p.key, p.report), p.report),
          key: `k${p.key}`,
        });
        const prev = before.map(norm);
        const prevRanked = await rankPairs({
          images: pack(prev.map((p) => p.image)),
          reports: pack(prev.map((p) => p.report)),
          dim,
          reportKeys: prev.map((p) => p.key),
          bestCount,
        });
        const next: { image: Float32Array; report: Float32Array; key: string; from: number }[] = [];
        prev.forEach((p, i) => {
          if (fate[i] === 'kept') next.push({ ...p, from: i });
          else if (fate[i] === 'changed') next.push({ ...norm(replacements[i]), from: -1 });
        });
        for (const a of added) next.splice(Math.min(a.at, next.length), 0, { ...norm(a.pair), from: -1 });
        if (!next.length) return;
        const set = {
          images: pack(next.map((p) => p.image)),
          reports: pack(next.map((p) => p.report)),
          keys: next.map((p) => p.key),
        };
        const previous = {
          images: pack(prev.map((p) => p.image)),
          reports: pack(prev.map((p) => p.report)),
          keys: prev.map((p) => p.key),
          counts: prevRanked,
        };
        const got = updateRanking(previous, set, Int32Array.from(next.map((p) => p.from)), dim, bestCount);
        const full = await rankPairs({
          images: set.images,
          reports: set.reports,
          dim,
          reportKeys: set.keys,
          bestCount,
        });
        assert.deepStrictEqual(got, full);
      }),
      { numRuns: 200, seed: 20261130 },
    );
  });
});
