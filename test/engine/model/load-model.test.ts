// Model loading: both fixture layouts, parity with the torch reference, batching, truncation, broken folders.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadModel, ModelError, planModel, type ClipModel } from '../../../src/engine/model';
import { modelIdentity } from '../../../src/engine/model/identity';
import { TextTokenizer } from '../../../src/engine/model/tokenizer';
import { repoRoot } from '../../helpers/fixture-models';

/** Torch outputs written by tools/fixture-model/make_tiny_clip.py. */
interface Reference {
  imageSize: number;
  embedDim: number;
  patchGrid: [number, number];
  maxTextLength: number;
  mean: number[];
  std: number[];
  images: { png: string; input: number[]; imageEmbeds: number[]; patchEmbeds: number[] }[];
  texts: { text: string; ids: number[]; textEmbeds: number[] }[];
  tokenizer: { text: string; ids: number[] }[];
}

/** torch (float32, CPU) vs onnxruntime on the same graph: differences are rounding only. */
const PARITY_TOLERANCE = 1e-5;
/** The same model on the same input, batched differently. */
const BATCH_TOLERANCE = 1e-5;

function findModelsDir(): string {
  return join(repoRoot, 'test/fixtures/models');
}
const MODELS = findModelsDir();
const RADALIGN_DIR = join(MODELS, 'tiny-clip');
const OPTIMUM_DIR = join(MODELS, 'tiny-clip-optimum');
const ref = JSON.parse(readFileSync(join(MODELS, 'reference.json'), 'utf8')) as Reference;
const refInputs = ref.images.map((im) => Float32Array.from(im.input));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length, 'lengths differ');
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  const diff = maxAbsDiff(actual, expected);
  assert.ok(diff <= tolerance, `${what}: max abs diff ${diff} > ${tolerance}`);
}

/** Runs `fn` and returns the ModelError it must throw. */
async function modelErrorFrom(fn: () => Promise<unknown>): Promise<ModelError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof ModelError) return err;
    throw new Error(`expected a ModelError, got: ${String(err)}`, { cause: err });
  }
  throw new Error('expected a ModelError, but it succeeded');
}

describe('model loading', function () {
  let tmp: string;
  const opened: ClipModel[] = [];

  async function open(dir: string, options?: Parameters<typeof loadModel>[1]): Promise<ClipModel> {
    const model = await loadModel(dir, options);
    opened.push(model);
    return model;
  }

  /** A copy of a fixture folder to break. */
  async function copyOf(fixture: string): Promise<string> {
    const dir = await mkdtemp(join(tmp, 'model-'));
    await cp(fixture, dir, { recursive: true });
    return dir;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the tests edit arbitrary places of model.json
  async function editJson(file: string, edit: (json: Record<string, any>) => void): Promise<void> {
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    edit(json);
    await writeFile(file, JSON.stringify(json));
  }

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-model-test-'));
  });

  after(async () => {
    await Promise.all(opened.map((m) => m.dispose()));
    await rm(tmp, { recursive: true, force: true });
  });

  describe('radalign layout (model.json)', () => {
    let model: ClipModel;
    before(async () => {
      model = await open(RADALIGN_DIR);
    });

    it('reports what model.json and the ONNX files say', () => {
      const { info } = model;
      assert.equal(info.layout, 'radalign');
      assert.equal(info.id, 'tiny-clip-fixture');
      assert.equal(info.dir, RADALIGN_DIR);
      assert.equal(info.embedDim, ref.embedDim);
      assert.deepEqual(info.patchGrid, ref.patchGrid);
      assert.equal(info.heatmapKind, 'patch');
      assert.equal(info.maxTextLength, ref.maxTextLength);
      assert.equal(info.logitScale, 100);
      assert.deepEqual(info.preprocess, {
        size: ref.imageSize,
        resize: 'shortest-edge',
        mean: ref.mean,
        std: ref.std,
        channels: 3,
      });
      assert.match(info.identity, /^[0-9a-f]{64}$/);
    });

    it('matches torch on the reference images: image and patch embeddings', async () => {
      const out = await model.encodeImages(refInputs);
      assert.equal(out.length, ref.images.length);
      out.forEach((enc, i) => {
        assert.equal(enc.embed.length, ref.embedDim);
        assertClose(enc.embed, ref.images[i].imageEmbeds, PARITY_TOLERANCE, `image ${i} embed`);
        assert.ok(enc.patches, 'patch embeddings expected');
        assert.equal(enc.patches.length, ref.patchGrid[0] * ref.patchGrid[1] * ref.embedDim);
        assertClose(enc.patches, ref.images[i].patchEmbeds, PARITY_TOLERANCE, `image ${i} patches`);
      });
    });

    it('matches torch on the reference sentences (tokenizer ids included), batched with padding', async () => {
      const out = await model.encodeTexts(ref.texts.map((t) => t.text));
      out.forEach((embed, i) =>
        assertClose(embed, ref.texts[i].textEmbeds, PARITY_TOLERANCE, `text ${i} (${ref.texts[i].text})`),
      );
    });

    it('counts tokens with special tokens and before truncation', () => {
      for (const { text, ids } of ref.tokenizer) assert.equal(model.countTokens(text), ids.length, text);
    });

    it('returns nothing for nothing', async () => {
      assert.deepEqual(await model.encodeImages([]), []);
      assert.deepEqual(await model.encodeTexts([]), []);
    });

    it('rejects an image tensor of the wrong size', async () => {
      await assert.rejects(model.encodeImages([new Float32Array(10)]), RangeError);
    });
  });

  describe('Optimum / Transformers.js layout', () => {
    let model: ClipModel;
    before(async () => {
      model = await open(OPTIMUM_DIR);
    });

    it('derives the model info from config.json and preprocessor_config.json', () => {
      const { info } = model;
      assert.equal(info.layout, 'optimum');
      assert.equal(info.id, 'tiny-clip-optimum');
      assert.equal(info.embedDim, ref.embedDim);
      assert.equal(info.patchGrid, null);
      assert.equal(info.heatmapKind, 'occlusion');
      assert.equal(info.maxTextLength, ref.maxTextLength);
      assert.ok(Math.abs(info.logitScale - 100) < 1e-9, `logitScale ${info.logitScale}`);
      // As CLIPImageProcessor computes: PIL resample 3 (bicubic), int(edge * long / short), (h - crop) // 2.
      assert.deepEqual(info.preprocess, {
        size: ref.imageSize,
        resize: 'shortest-edge',
        mean: ref.mean,
        std: ref.std,
        channels: 3,
        filter: 'bicubic',
        resizeRounding: 'truncate',
        cropRounding: 'floor',
      });
    });

    it('matches torch on the reference images, without patch embeddings', async () => {
      const out = await model.encodeImages(refInputs);
      out.forEach((enc, i) => {
        assertClose(enc.embed, ref.images[i].imageEmbeds, PARITY_TOLERANCE, `image ${i} embed`);
        assert.equal(enc.patches, undefined);
      });
    });

    it('matches torch on the reference sentences with an input_ids-only text model', async () => {
      const out = await model.encodeTexts(ref.texts.map((t) => t.text));
      out.forEach((embed, i) => assertClose(embed, ref.texts[i].textEmbeds, PARITY_TOLERANCE, `text ${i}`));
    });

    it('loads without tokenizer_config.json', async () => {
      const dir = await copyOf(OPTIMUM_DIR);
      await rm(join(dir, 'tokenizer_config.json'));
      const bare = await open(dir);
      const out = await bare.encodeTexts(ref.texts.map((t) => t.text));
      out.forEach((embed, i) => assertClose(embed, ref.texts[i].textEmbeds, PARITY_TOLERANCE, `text ${i}`));
    });

    it('reads older preprocessor configs with plain-number sizes, and folds rescale_factor into mean/std', async () => {
      const dir = await copyOf(OPTIMUM_DIR);
      await editJson(join(dir, 'preprocessor_config.json'), (p) => {
        p.size = 32;
        p.crop_size = 32;
        p.do_rescale = false; // the model then sees 0..255: (255v - mean) / std == (v - mean/255) / (std/255)
      });
      const { preprocess } = (await open(dir)).info;
      assert.equal(preprocess.size, 32);
      preprocess.mean.forEach((m, i) => assert.ok(Math.abs(m - ref.mean[i] / 255) < 1e-12));
      preprocess.std.forEach((s, i) => assert.ok(Math.abs(s - ref.std[i] / 255) < 1e-12));
    });
  });

  describe("Optimum layout: the processor's own resize", () => {
    it('reads resample, size.shortest_edge against crop_size, and refuses filters radalign lacks', async () => {
      const dir = await copyOf(OPTIMUM_DIR);
      const file = join(dir, 'preprocessor_config.json');
      const cases: [number, string][] = [
        [0, 'nearest'],
        [1, 'lanczos'],
        [2, 'bilinear'],
        [3, 'bicubic'],
      ];
      for (const [code, filter] of cases) {
        await editJson(file, (p) => {
          p.resample = code;
          p.size = { shortest_edge: 40 };
        });
        const { preprocess } = await planModel(dir);
        assert.equal(preprocess.filter, filter);
        assert.equal(preprocess.shortestEdge, 40);
        assert.equal(preprocess.size, 32);
      }
      await editJson(file, (p) => delete p.resample);
      assert.equal((await planModel(dir)).preprocess.filter, 'bicubic'); // CLIPImageProcessor's default
      await editJson(file, (p) => (p.resample = 5));
      let err = await modelErrorFrom(() => planModel(dir));
      assert.equal(err.file, file);
      assert.match(err.problem, /field 'resample' is PIL filter 5/);
      await editJson(file, (p) => {
        p.resample = 3;
        p.size = { shortest_edge: 20 };
      });
      err = await modelErrorFrom(() => planModel(dir));
      assert.match(err.problem, /field 'size' resizes the short side to 20, less than crop_size 32/);
    });

    it('keys the identity on the preprocessing it derives, so old cached embeddings are not reused', async () => {
      const plan = await planModel(OPTIMUM_DIR);
      // The files alone hash as before this reading; the identity is not that hash.
      const filesOnly = await modelIdentity(plan.dir, plan.identityFiles);
      const identity = (await open(OPTIMUM_DIR)).info.identity;
      assert.notEqual(identity, filesOnly);
      assert.equal(identity, await modelIdentity(plan.dir, plan.identityFiles, plan.identityNote));
      assert.match(plan.identityNote ?? '', /^optimum-preprocess\/2 \{.*"filter":"bicubic"/);
      // The radalign layout has no note: its identity is the files' hash, as it always was.
      const radalign = await planModel(RADALIGN_DIR);
      assert.equal(radalign.identityNote, undefined);
      assert.equal((await open(RADALIGN_DIR)).info.identity, await modelIdentity(radalign.dir, radalign.identityFiles));
    });
  });

  describe('tokenizer', () => {
    let tokenizer: TextTokenizer;
    before(async () => {
      tokenizer = await TextTokenizer.load(
        join(RADALIGN_DIR, 'tokenizer.json'),
        null,
        ref.maxTextLength,
        join(RADALIGN_DIR, 'model.json'),
      );
    });

    it('gives the same ids as the Python reference (punctuation, capitals, unknown words, numbers)', () => {
      for (const { text, ids } of ref.tokenizer) {
        assert.equal(tokenizer.count(text), ids.length, text);
        if (ids.length <= ref.maxTextLength) assert.deepEqual(tokenizer.encode(text), ids, text);
      }
      // The reference sentences were truncated by the Python rule; at least one of them needed it.
      assert.ok(ref.tokenizer.some((t) => t.ids.length > ref.maxTextLength));
      for (const { text, ids } of ref.texts) assert.deepEqual(tokenizer.encode(text), ids, text);
    });

    it('truncates a very long text to maxTextLength, keeping [BOS] first and [EOS] last', async () => {
      const long = 'Small bilateral pleural effusions with mild cardiomegaly. '.repeat(40);
      const full = ref.tokenizer[1].ids; // a short sentence: [BOS] ... [EOS]
      const [bos, eos] = [full[0], full[full.length - 1]];
      const ids = tokenizer.encode(long);
      assert.equal(ids.length, ref.maxTextLength);
      assert.equal(ids[0], bos);
      assert.equal(ids[ids.length - 1], eos);
      assert.ok(tokenizer.count(long) > 300);

      const model = await open(RADALIGN_DIR);
      const [embed] = await model.encodeTexts([long]);
      assert.equal(embed.length, ref.embedDim);
      assert.ok(embed.every(Number.isFinite));
    });
  });

  describe('batching', () => {
    // Seven distinct inputs: the three references and four deterministic variations of them.
    const sevenImages = [
      ...refInputs,
      ...refInputs.map((t) => t.map((v) => -v)),
      refInputs[0].map((v, i) => v * ((i % 7) / 7)),
    ];
    const sevenTexts = [
      'No acute cardiopulmonary process.',
      'Lungs are clear.',
      'Mild cardiomegaly with small bilateral pleural effusions and bibasilar atelectasis, unchanged.',
      'Right',
      'A 2.5 cm nodule in the RIGHT upper lobe, likely granuloma!',
      '',
      'Endotracheal tube tip terminates 4 cm above the carina; no pneumothorax.',
    ];

    for (const fixture of [RADALIGN_DIR, OPTIMUM_DIR]) {
      it(`gives the same results in batches of 3 as one by one (${fixture.split(/[\\/]/).pop()})`, async () => {
        const batched = await open(fixture, { batchSize: 3, threads: 1 });
        const single = await open(fixture, { batchSize: 1 });
        const [imagesBatched, imagesSingle] = [
          await batched.encodeImages(sevenImages),
          await single.encodeImages(sevenImages),
        ];
        assert.equal(imagesBatched.length, 7);
        imagesBatched.forEach((enc, i) => {
          assertClose(enc.embed, imagesSingle[i].embed, BATCH_TOLERANCE, `image ${i}`);
          if (enc.patches) assertClose(enc.patches, imagesSingle[i].patches!, BATCH_TOLERANCE, `patches ${i}`);
        });
        // Different inputs must give different embeddings, or the comparison above proves nothing.
        assert.ok(maxAbsDiff(imagesBatched[0].embed, imagesBatched[3].embed) > 1e-3);

        const [textsBatched, textsSingle] = [
          await batched.encodeTexts(sevenTexts),
          await single.encodeTexts(sevenTexts),
        ];
        assert.equal(textsBatched.length, 7);
        textsBatched.forEach((e, i) => assertClose(e, textsSingle[i], BATCH_TOLERANCE, `text ${i} (${sevenTexts[i]})`));
        assert.ok(maxAbsDiff(textsBatched[0], textsBatched[1]) > 1e-3);
      });
    }
  });

  describe('broken model folders', () => {
    it('names the folder when it has neither model.json nor onnx/', async () => {
      const dir = await mkdtemp(join(tmp, 'empty-'));
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, dir);
      assert.match(err.problem, /model\.json/);
      assert.match(err.problem, /onnx\//);
    });

    it('names the folder when it does not exist', async () => {
      const dir = join(tmp, 'no-such-model');
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, dir);
    });

    it('names model.json when it is not valid JSON', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await writeFile(join(dir, 'model.json'), '{ "format": "radalign-model/1", ');
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'model.json'));
      assert.match(err.problem, /not valid JSON/);
    });

    it('names model.json and the field when a required field is missing or mistyped', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await editJson(join(dir, 'model.json'), (m) => delete m.embedDim);
      let err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'model.json'));
      assert.match(err.problem, /missing field 'embedDim'/);

      await editJson(join(dir, 'model.json'), (m) => {
        m.embedDim = 16;
        m.vision.file = 42;
      });
      err = await modelErrorFrom(() => loadModel(dir));
      assert.match(err.problem, /'vision\.file' must be a non-empty string/);
    });

    it('names model.json when mean does not have one value per channel', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await editJson(join(dir, 'model.json'), (m) => (m.image.mean = [0.5, 0.5]));
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'model.json'));
      assert.match(err.problem, /image\.mean.*2 values.*channels is 3/);
    });

    it('names the vision ONNX file when it is missing', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await rm(join(dir, 'vision.onnx'));
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'vision.onnx'));
      assert.match(err.problem, /missing/);
    });

    it('names the ONNX file and both names when an input name is wrong', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await editJson(join(dir, 'model.json'), (m) => (m.vision.input = 'pixels'));
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'vision.onnx'));
      assert.match(err.problem, /'pixels'/);
      assert.match(err.problem, /'pixel_values'/);
    });

    it('names the text ONNX file when model.json declares an attention mask the graph lacks', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await cp(join(OPTIMUM_DIR, 'onnx/text_model.onnx'), join(dir, 'text.onnx')); // input_ids only
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'text.onnx'));
      assert.match(err.problem, /'attention_mask'/);
    });

    it('names the text ONNX file when text and image embeddings differ in width', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await cp(join(MODELS, 'broken/text-embed-dim-8.onnx'), join(dir, 'text.onnx'));
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'text.onnx'));
      assert.match(err.problem, /8 wide.*16 wide/);
    });

    it('names the vision ONNX file when embedDim or the patch grid disagree with its outputs', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await editJson(join(dir, 'model.json'), (m) => (m.embedDim = 8));
      let err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'vision.onnx'));
      assert.match(err.problem, /16 wide.*embedding width is 8/);

      await editJson(join(dir, 'model.json'), (m) => {
        m.embedDim = 16;
        m.patchGrid = [2, 2];
      });
      err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'vision.onnx'));
      assert.match(err.problem, /16 patches.*2×2 needs 4/);
    });

    it('names the vision ONNX file when the image size does not fit the graph', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await editJson(join(dir, 'model.json'), (m) => (m.image.size = 48));
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'vision.onnx'));
      assert.match(err.problem, /test run on a 1×3×48×48 input failed/);
    });

    it('names tokenizer.json when it is corrupt', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      const file = join(dir, 'tokenizer.json');
      await writeFile(file, (await readFile(file, 'utf8')).slice(0, 500));
      let err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, file);
      assert.match(err.problem, /not valid JSON/);

      await writeFile(file, JSON.stringify({ version: '1.0', model: { type: 'WordPiece' } }));
      err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, file);
      assert.match(err.problem, /tokenizers\.js cannot use it/);
    });

    it('names the ONNX file when it is not a loadable model', async () => {
      const dir = await copyOf(RADALIGN_DIR);
      await writeFile(join(dir, 'text.onnx'), 'not an onnx model');
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'text.onnx'));
      assert.match(err.problem, /onnxruntime cannot load it/);
    });

    it('names preprocessor_config.json when it is missing or its crop is not square (Optimum layout)', async () => {
      const dir = await copyOf(OPTIMUM_DIR);
      const file = join(dir, 'preprocessor_config.json');
      await editJson(file, (p) => (p.crop_size = { height: 32, width: 24 }));
      let err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, file);
      assert.match(err.problem, /crop_size.*square/);

      await rm(file);
      err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, file);
      assert.match(err.problem, /missing/);
    });

    it('names the Optimum vision model when it is missing', async () => {
      const dir = await copyOf(OPTIMUM_DIR);
      await rm(join(dir, 'onnx/vision_model.onnx'));
      const err = await modelErrorFrom(() => loadModel(dir));
      assert.equal(err.file, join(dir, 'onnx/vision_model.onnx'));
    });
  });

  describe('identity', () => {
    it('does not depend on where the folder lives, and changes with model.json', async () => {
      const original = (await open(RADALIGN_DIR)).info.identity;
      const dir = await copyOf(RADALIGN_DIR);
      assert.equal((await open(dir)).info.identity, original);
      await editJson(join(dir, 'model.json'), (m) => (m.name = 'Renamed'));
      assert.notEqual((await open(dir)).info.identity, original);
    });

    it("changes when an ONNX file's bytes change", async () => {
      const dir = await copyOf(RADALIGN_DIR);
      const plan = await planModel(dir);
      const before = await modelIdentity(plan.dir, plan.identityFiles);
      assert.equal(before, (await open(dir)).info.identity);
      const onnx = join(dir, 'text.onnx');
      const bytes = await readFile(onnx);
      bytes[Math.floor(bytes.length / 2)] ^= 1;
      await writeFile(onnx, bytes);
      assert.notEqual(await modelIdentity(plan.dir, plan.identityFiles), before);
      assert.equal(resolve(plan.text.file), onnx);
    });
  });

  it('refuses to encode after dispose', async () => {
    const model = await loadModel(RADALIGN_DIR);
    await model.dispose();
    await assert.rejects(model.encodeTexts(['Lungs are clear.']), /disposed/);
  });
});
