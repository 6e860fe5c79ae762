// Model folders written by tools/export/ (the recipes for CheXzero/open_clip ViT and ResNet, HF CLIPModel,
// BiomedCLIP, BioViL), exported from tiny random stand-ins with each library's module structure: the engine must
// load them and reproduce the torch outputs. The references in each reference.json come from the stand-in's own
// forward (and, for MaskCLIP patches, from the library attention run with a self-only mask), not from the wrappers.
// Regenerate with: /usr/bin/python3 tools/export/make_fixtures.py
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadModel, type ClipModel } from '../../../src/engine/model';
import { TextTokenizer } from '../../../src/engine/model/tokenizer';
import { repoRoot } from '../../helpers/fixture-models';

interface ExportReference {
  imageSize: number;
  mean: number[];
  std: number[];
  embedDim: number;
  patchGrid: [number, number];
  maxTextLength: number;
  logitScale: number | null;
  pythonSelfCheckMaxAbsDiff: Record<string, number>;
  images: { pixelChannels: 1 | 3; pixels: number[]; imageEmbeds: number[]; patchEmbeds: number[] }[];
  texts: { text: string; ids: number[]; fullIds: number[]; textEmbeds: number[] }[];
}

/**
 * torch (CPU, float32) vs onnxruntime on the same weights: rounding only. Embeddings here are O(1); the largest
 * difference measured when this was written was below 2e-6.
 */
const TOLERANCE = 1e-5;

function findExportDir(): string {
  return join(repoRoot, 'test/fixtures/export');
}
const EXPORT_DIR = findExportDir();

/** HWC uint8 pixels -> CHW float32 (v/255 - mean)/std, every step rounded to float32 as numpy did. */
function toTensor(ref: ExportReference, image: ExportReference['images'][number]): Float32Array {
  const size = ref.imageSize;
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(ref.mean[c]);
    const std = Math.fround(ref.std[c]);
    for (let i = 0; i < plane; i++) {
      const v = image.pixels[i * image.pixelChannels + (image.pixelChannels === 1 ? 0 : c)];
      out[c * plane + i] = Math.fround(Math.fround(Math.fround(v / 255) - mean) / std);
    }
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

const FIXTURES: { name: string; resize: string; what: string }[] = [
  { name: 'hf-clip', resize: 'shortest-edge', what: 'transformers CLIPModel structure, CLIP BPE tokenizer' },
  {
    name: 'open-clip',
    resize: 'letterbox',
    what: 'open_clip/OpenAI CLIP structure (CheXzero preprocessing), CLIP BPE tokenizer',
  },
  {
    name: 'open-clip-main',
    resize: 'shortest-edge',
    what: "open_clip main's own Attention class (after 3.3.0) in both towers, CLIP BPE tokenizer",
  },
  {
    name: 'open-clip-resnet',
    resize: 'shortest-edge',
    what: 'open_clip ModifiedResNet (RN50 structure): attention-pool global, its value path for patches',
  },
  {
    name: 'timm-bert',
    resize: 'shortest-edge',
    what: 'timm ViT + BERT text (BiomedCLIP structure), WordPiece tokenizer',
  },
  {
    name: 'biovil',
    resize: 'shortest-edge',
    what: 'BioViL ResNet + projector grid, CXR-BERT-style text, WordPiece tokenizer',
  },
];

describe('exported model folders (tools/export)', () => {
  const worst: Record<string, number> = {};

  after(() => {
    // Recorded for the report: the largest torch-vs-onnxruntime difference per output kind.
    console.log(`      max abs diff vs torch: ${JSON.stringify(worst)}`);
  });

  for (const { name, resize, what } of FIXTURES) {
    describe(`${name} (${what})`, () => {
      const dir = join(EXPORT_DIR, name);
      const ref = JSON.parse(readFileSync(join(dir, 'reference.json'), 'utf8')) as ExportReference;
      let model: ClipModel;

      function record(kind: string, diff: number, what: string): void {
        worst[`${name}.${kind}`] = Math.max(worst[`${name}.${kind}`] ?? 0, diff);
        assert.ok(diff <= TOLERANCE, `${what}: max abs diff ${diff} > ${TOLERANCE}`);
      }

      before(async () => {
        model = await loadModel(dir);
      });
      after(async () => {
        await model?.dispose();
      });

      it('loads as a radalign folder with patch heatmaps and the preprocessing the recipe chose', () => {
        const { info } = model;
        assert.equal(info.layout, 'radalign');
        assert.equal(info.id, `export-fixture-${name}`);
        assert.equal(info.embedDim, ref.embedDim);
        assert.deepEqual(info.patchGrid, ref.patchGrid);
        assert.equal(info.heatmapKind, 'patch');
        assert.equal(info.maxTextLength, ref.maxTextLength);
        assert.deepEqual(info.preprocess, { size: ref.imageSize, resize, mean: ref.mean, std: ref.std, channels: 3 });
        // CLIPs carry their learned temperature (exp(log(1/0.07)) in the stand-ins); BioViL has none: default 100.
        if (ref.logitScale === null) assert.equal(info.logitScale, 100);
        else assert.ok(Math.abs(info.logitScale - 1 / 0.07) < 1e-4, `logitScale ${info.logitScale}`);
      });

      it('the Python self-check found the wrappers equal to the independent torch computation', () => {
        for (const [kind, diff] of Object.entries(ref.pythonSelfCheckMaxAbsDiff)) {
          assert.ok(diff <= 1e-5, `${kind}: ${diff}`);
        }
      });

      it('image_embeds and patch_embeds match torch (patches row-major)', async () => {
        const out = await model.encodeImages(ref.images.map((im) => toTensor(ref, im)));
        assert.equal(out.length, ref.images.length);
        out.forEach((enc, i) => {
          record('imageEmbeds', maxAbsDiff(enc.embed, ref.images[i].imageEmbeds), `image ${i} embed`);
          assert.ok(enc.patches, 'patch embeddings expected');
          record('patchEmbeds', maxAbsDiff(enc.patches, ref.images[i].patchEmbeds), `image ${i} patches`);
        });
        // The references are not degenerate: images differ, and patches differ from each other.
        assert.ok(maxAbsDiff(ref.images[0].imageEmbeds, ref.images[1].imageEmbeds) > 1e-3);
        const d = ref.embedDim;
        assert.ok(maxAbsDiff(ref.images[1].patchEmbeds.slice(0, d), ref.images[1].patchEmbeds.slice(d, 2 * d)) > 1e-3);
      });

      it('tokenizers.js gives the Python reference token ids (special tokens, truncation kept)', async () => {
        const tokenizer = await TextTokenizer.load(
          join(dir, 'tokenizer.json'),
          null,
          ref.maxTextLength,
          join(dir, 'model.json'),
        );
        for (const t of ref.texts) {
          assert.deepEqual(tokenizer.encode(t.text), t.ids, t.text);
          assert.equal(model.countTokens(t.text), t.fullIds.length, t.text);
        }
        assert.ok(
          ref.texts.some((t) => t.fullIds.length > ref.maxTextLength),
          'a reference sentence is truncated',
        );
      });

      it('text_embeds match torch, batched with padding and one at a time', async () => {
        const texts = ref.texts.map((t) => t.text);
        const batched = await model.encodeTexts(texts);
        batched.forEach((e, i) =>
          record('textEmbeds', maxAbsDiff(e, ref.texts[i].textEmbeds), `text ${i} (${texts[i]})`),
        );
        for (let i = 0; i < texts.length; i++) {
          const [alone] = await model.encodeTexts([texts[i]]);
          record('textEmbeds', maxAbsDiff(alone, ref.texts[i].textEmbeds), `text ${i} alone`);
        }
      });
    });
  }
});
