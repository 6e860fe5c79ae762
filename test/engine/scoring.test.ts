import assert from 'node:assert/strict';
import { computeSuspicion } from '../../src/engine/scoring/suspicion';
import { gridBox, occlusionDrop, patchSimilarity, smoothGrid } from '../../src/engine/scoring/heatmap';
import { normalize, normalizeRows } from '../../src/engine/scoring/vectors';

const v = (...xs: number[]) => normalize(new Float32Array(xs));

describe('suspicion', () => {
  // Three well-matched pairs along the axes, and pair 3 whose report is pair 0's direction.
  const images = [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1), v(0.1, 0.2, 1)];
  const reports = [v(1, 0, 0), v(0, 1, 0), v(0, 0, 1), v(1, 0.05, 0)];

  it('puts the pair with a foreign report first and lists the report that fits its image', () => {
    const r = computeSuspicion({ images, reports, reportKeys: ['a', 'b', 'c', 'd'], bestCount: 2 });
    const order = r.map((x, i) => [x.suspicion, i] as const).sort((a, b) => b[0] - a[0]);
    assert.equal(order[0][1], 3);
    assert.equal(r[3].best[0].index, 2, 'the image of pair 3 is closest to report c');
    assert.ok(r[1].suspicion < r[3].suspicion);
    for (const x of r) assert.ok(x.suspicion >= 0 && x.suspicion <= 1);
  });

  it('does not count reports with the same text as competitors', () => {
    const imgs = [v(1, 0), v(0.9, 0.1)];
    const reps = [v(0.9, 0.1), v(1, 0)];
    const distinct = computeSuspicion({ images: imgs, reports: reps, reportKeys: ['a', 'b'], bestCount: 1 });
    assert.ok(distinct[0].suspicion > 0);
    const same = computeSuspicion({ images: imgs, reports: reps, reportKeys: ['a', 'a'], bestCount: 1 });
    assert.deepEqual(same.map((s) => s.suspicion), [0, 0]);
    assert.deepEqual(same[0].best, []);
  });

  it('lists each report text once among the best matches', () => {
    const imgs = [v(1, 0), v(0, 1), v(0, 1), v(1, 1)];
    const reps = [v(1, 0), v(0, 1), v(0, 1), v(1, 1)];
    const r = computeSuspicion({ images: imgs, reports: reps, reportKeys: ['a', 'b', 'b', 'c'], bestCount: 3 });
    assert.deepEqual(r[0].best.map((b) => b.index), [3, 1]);
  });
});

describe('heatmap math', () => {
  it('patch similarity peaks at the patch that points like the sentence', () => {
    const dim = 3;
    const patches = new Float32Array(4 * dim);
    patches.set([0, 1, 0], 0);
    patches.set([0, 0, 1], 3);
    patches.set([1, 0, 0], 6);
    patches.set([0, 1, 1], 9);
    const sim = patchSimilarity(v(1, 0, 0), normalizeRows(patches, dim), 2, 2);
    assert.equal(sim.indexOf(Math.max(...sim)), 2);
    assert.ok(Math.abs(sim[3] - 0) < 1e-6 && Math.abs(sim[2] - 1) < 1e-6, 'cosines of unit vectors');
  });

  it('normalizeRows makes each row unit length and leaves zero rows at zero', () => {
    const n = normalizeRows(new Float32Array([3, 4, 0, 0, 0, 2]), 2);
    assert.deepEqual(Array.from(n, (x) => Math.round(x * 1e6) / 1e6), [0.6, 0.8, 0, 0, 0, 1]);
  });

  it('smoothing keeps a single peak in place and its mass spreads to neighbours', () => {
    const g = new Float32Array(25);
    g[12] = 1;
    const s = smoothGrid(g, 5, 5);
    assert.equal(s.indexOf(Math.max(...s)), 12);
    assert.ok(s[7] > 0 && s[0] === 0);
  });

  it('occlusion drop is positive where hiding a cell removes the evidence', () => {
    const sentence = v(1, 0);
    const image = v(1, 1);
    const occluded = normalizeRows(new Float32Array([0, 1, 1, 1]), 2); // cell 0 removes the x component
    const d = occlusionDrop(sentence, image, occluded, 2);
    assert.ok(d[0] > 0.5 && Math.abs(d[1]) < 1e-6);
  });

  it('grid box undoes a shortest-edge resize with centre crop', () => {
    // 400×200 image → scale 224/200, resized 448×224, crop 112 px off the left.
    const box = gridBox({ scaleX: 1.12, scaleY: 1.12, offsetX: -112, offsetY: 0, width: 400, height: 200, inputSize: 224 });
    assert.deepEqual(box.map((x) => Math.round(x * 1000) / 1000 + 0), [100, 0, 300, 200]);
  });
});
