import assert from 'node:assert/strict';
import { gridBox, occlusionDrop, patchSimilarity, smoothGrid } from '../../../src/engine/scoring/heatmap';
import { normalize, normalizeRows } from '../../../src/engine/scoring/vectors';

const v = (...xs: number[]) => normalize(new Float32Array(xs));

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
    assert.deepEqual(
      Array.from(n, (x) => Math.round(x * 1e6) / 1e6),
      [0.6, 0.8, 0, 0, 0, 1],
    );
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
    const box = gridBox({
      scaleX: 1.12,
      scaleY: 1.12,
      offsetX: -112,
      offsetY: 0,
      width: 400,
      height: 200,
      inputSize: 224,
    });
    assert.deepEqual(
      box.map((x) => Math.round(x * 1000) / 1000 + 0),
      [100, 0, 300, 200],
    );
  });
});
