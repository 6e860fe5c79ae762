import assert from 'node:assert/strict';
import type { ImageFeatures } from '../../../src/engine/pipeline/image-features';
import { scorePair } from '../../../src/engine/pipeline/score-pair';
import { parseReport } from '../../../src/engine/report';

describe('scorePair heatmap smoothing passes', () => {
  // A 3x3 patch grid in 2-D; only the centre patch points along the sentence embedding.
  const dim = 2;
  const cells = new Float32Array(9 * dim);
  for (let c = 0; c < 9; c++) cells.set(c === 4 ? [1, 0] : [0, 1], c * dim);
  const image: ImageFeatures = {
    embed: new Float32Array([1, 0]),
    cells,
    cellKind: 'patch',
    rows: 3,
    cols: 3,
    transform: { scaleX: 1, scaleY: 1, offsetX: 0, offsetY: 0, width: 3, height: 3, inputSize: 3 },
  };
  const report = parseReport('Focal opacity.');
  const features = { embed: new Float32Array([1, 0]), sentences: [new Float32Array([1, 0])] };
  const centreContrast = (passes?: number) => {
    const map = scorePair([image], report, features, true, passes).sentences[0].heatmap!;
    return map.values[4] - map.values[0];
  };

  it('0 passes keeps the raw patch cosines; more passes spread the peak; default is 1', () => {
    assert.equal(centreContrast(0), 1);
    assert.ok(
      centreContrast(1) < 1 && centreContrast(1) > centreContrast(3),
      `${centreContrast(1)} then ${centreContrast(3)}`,
    );
    assert.equal(centreContrast(), centreContrast(1));
  });
});
