// The bundled default model (media/models/default): loads in the engine, tokenizers.js gives the same ids as
// the Python tokenizer it was trained with, and onnxruntime reproduces the torch outputs saved at export
// (media/models/default/tokenizer-check.json, written by training/export.py).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, type ClipModel } from '../../../src/engine/model';
import { TextTokenizer } from '../../../src/engine/model/tokenizer';
import { repoRoot } from '../../helpers/fixture-models';

interface Check {
  maxTextLength: number;
  tokenizer: { text: string; ids: number[] }[];
  texts: { text: string; textEmbeds: number[] }[];
  images: { pattern: number; imageEmbeds: number[]; patchEmbeds0: number[]; patchEmbeds24: number[] }[];
}

function findModelDir(): string {
  return join(repoRoot, 'media/models/default');
}
const MODEL_DIR = findModelDir();
const check = JSON.parse(readFileSync(join(MODEL_DIR, 'tokenizer-check.json'), 'utf8')) as Check;

/** training/export.py's pattern_images(): two deterministic 3×224×224 inputs. */
function patternImage(k: number): Float32Array {
  const size = 224;
  const out = new Float32Array(3 * size * size);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        let v: number;
        if (k === 0) v = ((x * 3 + y * 5 + c * 7) % 64) / 64;
        else {
          v = 0.5 + 0.4 * Math.sin(x / 17) * Math.cos(y / 23);
          if (x < 112) v *= 0.6;
        }
        out[c * size * size + y * size + x] = v;
      }
  return out;
}

/**
 * torch vs onnxruntime, float32 on both sides: rounding differences only, which grow through the 17 convolution
 * blocks of the image model. Compared as the relative L2 error of the whole vector (embeddings are used as
 * directions, never element by element).
 */
const RELATIVE_TOLERANCE = 5e-3;

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: lengths differ`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < actual.length; i++) {
    diff += (actual[i] - expected[i]) ** 2;
    norm += expected[i] ** 2;
  }
  const rel = Math.sqrt(diff / norm);
  assert.ok(rel <= RELATIVE_TOLERANCE, `${what}: relative L2 error ${rel} > ${RELATIVE_TOLERANCE}`);
}

describe('default model (media/models/default)', function () {
  this.timeout(120000);
  let model: ClipModel;

  before(async () => {
    model = await loadModel(MODEL_DIR);
  });
  after(async () => {
    await model?.dispose();
  });

  it('loads with patch heatmaps and a 7×7 grid', () => {
    assert.equal(model.info.layout, 'radalign');
    assert.equal(model.info.heatmapKind, 'patch');
    assert.deepEqual(model.info.patchGrid, [7, 7]);
    assert.equal(model.info.maxTextLength, check.maxTextLength);
  });

  it('tokenizes exactly like the Python tokenizer it was trained with', async () => {
    const tok = await TextTokenizer.load(
      join(MODEL_DIR, 'tokenizer.json'),
      null,
      100000,
      join(MODEL_DIR, 'model.json'),
    );
    assert.ok(check.tokenizer.length >= 10);
    for (const { text, ids } of check.tokenizer) assert.deepEqual(tok.encode(text), ids, JSON.stringify(text));
  });

  it('text embeddings match torch', async () => {
    const out = await model.encodeTexts(check.texts.map((t) => t.text));
    check.texts.forEach((t, i) => assertClose(out[i], t.textEmbeds, `text ${JSON.stringify(t.text)}`));
  });

  it('image and patch embeddings match torch', async () => {
    const out = await model.encodeImages(check.images.map((im) => patternImage(im.pattern)));
    const dim = model.info.embedDim;
    check.images.forEach((im, i) => {
      assertClose(out[i].embed, im.imageEmbeds, `image ${im.pattern} image_embeds`);
      assert.ok(out[i].patches, 'patch embeddings present');
      assertClose(out[i].patches!.subarray(0, dim), im.patchEmbeds0, `image ${im.pattern} patch 0`);
      assertClose(out[i].patches!.subarray(24 * dim, 25 * dim), im.patchEmbeds24, `image ${im.pattern} patch 24`);
    });
  });
});
