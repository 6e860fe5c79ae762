// Agreement figures against published worked examples, their defining properties, and how they
// are drawn from the review file (adjudications are no reviewer; pairs outside the results left out).
import assert from 'node:assert/strict';
import { agreement, cohenKappa, krippendorffAlpha } from '../../../src/engine/review/agreement';
import { ReviewIndex } from '../../../src/engine/review/review-index';
import { VERDICTS, type ReviewEntry, type Verdict } from '../../../src/engine/review/types';
import { adjudication as settled, verdict } from '../../helpers/review-fixtures';

/** `[a, b]` pairs from a contingency table: table[i][j] items rated category i by a and j by b. */
function fromTable(table: number[][]): [number, number][] {
  const out: [number, number][] = [];
  table.forEach((row, i) =>
    row.forEach((count, j) => out.push(...Array.from({ length: count }, () => [i, j] as [number, number]))),
  );
  return out;
}

/** Units (columns) from rows of raters' values, `null` = missing. */
function unitsOf(rows: (number | null)[][]): number[][] {
  return rows[0].map((_, u) => rows.map((row) => row[u]).filter((x): x is number => x !== null));
}

const close = (actual: number | null, expected: number, digits = 3) => {
  assert.ok(actual !== null, `expected ${expected}, got null`);
  assert.equal(actual.toFixed(digits), expected.toFixed(digits), `expected ≈ ${expected}, got ${actual}`);
};

/** A small deterministic generator, so the property checks see the same data on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    s ^= s + Math.imul(s ^ (s >>> 7), 61);
    return ((s ^ (s >>> 14)) >>> 0) / 2 ** 32;
  };
}
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

describe("Cohen's kappa", () => {
  it('matches the textbook 2 × 2 examples (Wikipedia, "Cohen\'s kappa": κ = 0.4, 0.1304, 0.2593)', () => {
    // 50 proposals, yes/no: 20 both yes, 5 A yes B no, 10 A no B yes, 15 both no: p_o = 0.7, p_e = 0.5.
    close(
      cohenKappa(
        fromTable([
          [20, 5],
          [10, 15],
        ]),
      ),
      0.4,
      4,
    );
    // Same 60 % raw agreement, different marginals, different kappa.
    close(
      cohenKappa(
        fromTable([
          [45, 15],
          [25, 15],
        ]),
      ),
      0.1304,
      4,
    );
    close(
      cohenKappa(
        fromTable([
          [25, 35],
          [5, 35],
        ]),
      ),
      0.2593,
      4,
    );
  });

  it('matches a three-category table computed by hand (p_o = .70, p_e = .41, κ = .29/.59 ≈ .492)', () => {
    // Marginals A .60/.30/.10, B .50/.30/.20 of 200 items (the illustration of Cohen, 1960).
    close(
      cohenKappa(
        fromTable([
          [88, 14, 18],
          [10, 40, 10],
          [2, 6, 12],
        ]),
      ),
      0.29 / 0.59,
      6,
    );
  });

  it('is 1 for perfect agreement, −1 for the balanced opposite, 0 at chance, and symmetric', () => {
    assert.equal(
      cohenKappa<Verdict>([
        ['aligned', 'aligned'],
        ['mismatched', 'mismatched'],
        ['unsure', 'unsure'],
      ]),
      1,
    );
    assert.equal(
      cohenKappa<Verdict>([
        ['aligned', 'mismatched'],
        ['mismatched', 'aligned'],
      ]),
      -1,
    );
    close(
      cohenKappa(
        fromTable([
          [1, 1],
          [1, 1],
        ]),
      ),
      0,
      12,
    );
    const rnd = random(7);
    for (let trial = 0; trial < 50; trial++) {
      const pairs = Array.from(
        { length: 1 + Math.floor(rnd() * 40) },
        () => [pick(rnd, VERDICTS), pick(rnd, VERDICTS)] as [Verdict, Verdict],
      );
      const k = cohenKappa(pairs);
      const swapped = cohenKappa(pairs.map(([x, y]) => [y, x] as [Verdict, Verdict]));
      const shuffled = cohenKappa([...pairs].reverse());
      if (k === null) {
        assert.equal(swapped, null);
        continue;
      }
      assert.ok(Math.abs(k - swapped!) < 1e-12, 'symmetric in the two raters');
      assert.ok(Math.abs(k - shuffled!) < 1e-12, 'order of items does not matter');
      assert.ok(k <= 1 + 1e-12 && k >= -1 - 1e-12, `in [-1, 1]: ${k}`);
      const same = pairs.every(([x, y]) => x === y);
      if (same) assert.ok(Math.abs(k - 1) < 1e-12, 'full agreement with two or more categories is 1');
    }
  });

  it('is null with no pairs, or when both always said one and the same verdict', () => {
    assert.equal(cohenKappa([]), null);
    assert.equal(
      cohenKappa<Verdict>([
        ['aligned', 'aligned'],
        ['aligned', 'aligned'],
      ]),
      null,
    );
    // One rater constant and the other not: defined (p_e < 1), and 0 (no agreement beyond chance).
    close(
      cohenKappa<Verdict>([
        ['aligned', 'aligned'],
        ['aligned', 'mismatched'],
      ]),
      0,
      12,
    );
  });
});

describe("Krippendorff's alpha (nominal)", () => {
  it("matches Krippendorff's own example: 4 observers, 12 units, missing values, α = 0.743", () => {
    // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C.
    const rows = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
      [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
    ];
    close(krippendorffAlpha(unitsOf(rows)), 0.743);
  });

  it('matches the Wikipedia example: 3 coders, 15 units, α = 0.691', () => {
    const rows = [
      [null, null, null, null, null, 3, 4, 1, 2, 1, 1, 3, 3, null, 3],
      [1, null, 2, 1, 3, 3, 4, 3, null, null, null, null, null, null, null],
      [null, null, 2, 1, 3, 4, 4, null, 2, 1, 1, 3, 3, null, 4],
    ];
    close(krippendorffAlpha(unitsOf(rows)), 0.691358, 6);
  });

  it('is 1 for perfect agreement, ignores unpairable units, and does not depend on labels or order', () => {
    assert.equal(
      krippendorffAlpha<Verdict>([
        ['aligned', 'aligned'],
        ['mismatched', 'mismatched', 'mismatched'],
        ['unsure', 'unsure'],
      ]),
      1,
    );
    const rnd = random(11);
    for (let trial = 0; trial < 50; trial++) {
      const units = Array.from({ length: 2 + Math.floor(rnd() * 30) }, () =>
        Array.from({ length: Math.floor(rnd() * 5) }, () => pick(rnd, VERDICTS)),
      );
      const a = krippendorffAlpha(units);
      const withSingles = krippendorffAlpha([...units, ['aligned'], [], ['unsure']]);
      const relabelled = krippendorffAlpha(
        units.map((u) => u.map((x) => ({ aligned: 'unsure', mismatched: 'aligned', unsure: 'mismatched' })[x])),
      );
      const reordered = krippendorffAlpha([...units].reverse().map((u) => [...u].reverse()));
      for (const other of [withSingles, relabelled, reordered]) {
        if (a === null) assert.equal(other, null);
        else assert.ok(Math.abs(a - other!) < 1e-12);
      }
    }
  });

  it('is null with nothing pairable or one category only', () => {
    assert.equal(krippendorffAlpha([]), null);
    assert.equal(krippendorffAlpha([['aligned'], ['mismatched']]), null);
    assert.equal(
      krippendorffAlpha<Verdict>([
        ['aligned', 'aligned'],
        ['aligned', 'aligned', 'aligned'],
      ]),
      null,
    );
  });

  it("for two coders with no missing values, equals Scott's pi with the small-sample correction", () => {
    // With p_e from the pooled shares of both coders, α = 1 − (1 − π)(2n − 1)/(2n) exactly.
    const pairs = fromTable([
      [20, 5],
      [10, 15],
    ]);
    const n = pairs.length;
    const po = pairs.filter(([x, y]) => x === y).length / n;
    const share = [0, 1].map(
      (c) => pairs.reduce((s, [x, y]) => s + (x === c ? 1 : 0) + (y === c ? 1 : 0), 0) / (2 * n),
    );
    const pe = share.reduce((s, p) => s + p * p, 0);
    const pi = (po - pe) / (1 - pe);
    const alpha = krippendorffAlpha(pairs.map(([x, y]) => [x, y]))!;
    close(alpha, 1 - ((1 - pi) * (2 * n - 1)) / (2 * n), 12);
  });
});

describe('agreement over a review file', () => {
  const adjudication = (pair: string, v: Verdict) => settled(pair, 'lead', v);

  it('pairs judged by two or more reviewers; kappa per two reviewers with their counts; adjudications not counted', () => {
    const entries: ReviewEntry[] = [
      // ann and bob: 4 pairs in common (p1..p4), cleo joins on p1 and p2.
      verdict('p1', 'ann', 'aligned'),
      verdict('p1', 'bob', 'aligned'),
      verdict('p1', 'cleo', 'aligned'),
      verdict('p2', 'ann', 'mismatched'),
      verdict('p2', 'bob', 'mismatched'),
      verdict('p2', 'cleo', 'unsure'),
      verdict('p3', 'ann', 'aligned'),
      verdict('p3', 'bob', 'mismatched'),
      adjudication('p3', 'aligned'),
      verdict('p4', 'bob', 'unsure'),
      verdict('p4', 'ann', 'unsure'),
      verdict('p5', 'ann', 'aligned'), // one reviewer only: not compared
      verdict('p6', 'ann', 'aligned'),
      verdict('p6', 'bob', null), // bob's verdict cleared
      verdict('gone', 'ann', 'aligned'),
      verdict('gone', 'bob', 'mismatched'), // not in the results
    ];
    const index = new ReviewIndex(entries);
    const inResults = (id: string) => id !== 'gone';
    const a = agreement(index, inResults);
    assert.equal(a.pairs, 4);
    assert.deepEqual(
      a.kappa.map(({ a, b, pairs }) => [a, b, pairs]),
      [
        ['ann', 'bob', 4],
        ['ann', 'cleo', 2],
        ['bob', 'cleo', 2],
      ],
    );
    const annBob: [Verdict, Verdict][] = [
      ['aligned', 'aligned'],
      ['mismatched', 'mismatched'],
      ['aligned', 'mismatched'],
      ['unsure', 'unsure'],
    ];
    assert.equal(a.kappa[0].kappa, cohenKappa(annBob));
    close(a.kappa[0].kappa, (3 / 4 - (2 * 1 + 1 * 2 + 1 * 1) / 16) / (1 - 5 / 16), 12);
    assert.equal(
      a.alpha,
      krippendorffAlpha<Verdict>([
        ['aligned', 'aligned', 'aligned'],
        ['mismatched', 'mismatched', 'unsure'],
        ['aligned', 'mismatched'],
        ['unsure', 'unsure'],
      ]),
    );
    // Without the filter the pair outside the results counts too.
    assert.equal(agreement(index).pairs, 5);
    // Adjudications change nothing: the same file without the adjudication gives the same figures.
    assert.deepEqual(agreement(new ReviewIndex(entries.filter((e) => e.kind !== 'adjudication')), inResults), a);
  });

  it('an empty review: no pairs, no figures', () => {
    assert.deepEqual(agreement(new ReviewIndex([])), { pairs: 0, alpha: null, kappa: [] });
  });
});
