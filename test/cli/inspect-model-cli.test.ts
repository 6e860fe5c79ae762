// `radalign inspect-model`, run as a user runs it: what it writes must be exactly what scoring gives the model
// (the tensor from the file's bytes, the embeddings, the token ids), in files numpy reads.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { modelInputFromFile } from '../../src/engine/image';
import { loadModel, planModel } from '../../src/engine/model';
import { TextTokenizer } from '../../src/engine/model/tokenizer';
import { INSPECT_FILE, INSPECT_FORMAT, type InspectDocument } from '../../src/cli/inspect-model-command';
import { float32Npy } from '../../src/cli/npy';
import { tinyClipDir } from '../helpers/fixture-models';
import { cliRunner } from '../helpers/run-cli';

const run = cliRunner();

/** Reads a float32 .npy as numpy does: magic, version 1.0, header length, dict header, little-endian body. */
function readNpy(bytes: Buffer): { shape: number[]; data: Float32Array } {
  assert.deepEqual([...bytes.subarray(0, 8)], [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 'npy magic and version');
  const headerLength = bytes.readUInt16LE(8);
  assert.equal((10 + headerLength) % 64, 0, 'header padded to 64 bytes');
  const header = bytes.subarray(10, 10 + headerLength).toString('latin1');
  assert.match(header, /'descr': '<f4'/);
  assert.match(header, /'fortran_order': False/);
  assert.ok(header.endsWith('\n'));
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map(Number);
  const body = bytes.subarray(10 + headerLength);
  const data = new Float32Array(body.length / 4);
  for (let i = 0; i < data.length; i++) data[i] = body.readFloatLE(i * 4);
  assert.equal(
    data.length,
    shape.reduce((a, b) => a * b, 1),
    'body holds the shape',
  );
  return { shape, data };
}

describe('radalign inspect-model (CLI)', function () {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'radalign-inspect-'));
    // An odd-sized, non-square grey image, so resize and crop both do something.
    const w = 97;
    const h = 61;
    const pixels = Buffer.alloc(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels[y * w + x] = (x * 7 + y * 3) % 256;
    await sharp(pixels, { raw: { width: w, height: h, channels: 1 } })
      .png()
      .toFile(join(dir, 'xray.png'));
    await writeFile(join(dir, 'not-an-image.png'), 'plain text, not a PNG');
    // A listing for --images-from (onnxruntime-node crashes when argv is very long: many --image flags).
    await writeFile(join(dir, 'more-images.txt'), `\n${join(dir, 'not-an-image.png')}\n\n`);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('writes the tensor, embeddings and ids that the engine gives, and lists an unreadable image (from --images-from) as skipped', async () => {
    const out = join(dir, 'out');
    const texts = ['No acute cardiopulmonary process.', 'Small left pleural effusion.'];
    const r = run(
      'inspect-model',
      '--model',
      tinyClipDir,
      '--image',
      join(dir, 'xray.png'),
      '--images-from',
      join(dir, 'more-images.txt'),
      '--text',
      texts[0]!,
      '--text',
      texts[1]!,
      '--out',
      out,
    );
    assert.equal(r.status, 0, r.stderr);
    const doc = JSON.parse(await readFile(join(out, INSPECT_FILE), 'utf8')) as InspectDocument;
    assert.equal(doc.format, INSPECT_FORMAT);
    assert.equal(doc.images.length, 1);
    assert.equal(doc.skipped.length, 1);
    assert.ok(doc.skipped[0]!.file.endsWith('not-an-image.png'));
    assert.match(r.stdout, /skipped .*not-an-image\.png/);

    const model = await loadModel(tinyClipDir);
    try {
      const spec = model.info.preprocess;
      const want = await modelInputFromFile(join(dir, 'xray.png'), spec);
      const pixels = readNpy(await readFile(join(out, doc.images[0]!.pixels)));
      assert.deepEqual(pixels.shape, [spec.channels, spec.size, spec.size]);
      assert.deepEqual(pixels.data, want.tensor);
      assert.deepEqual(doc.images[0]!.transform, want.transform);
      const [encoding] = await model.encodeImages([want.tensor]);
      assert.deepEqual(doc.images[0]!.embedding, Array.from(encoding!.embed));
      const [rows, cols] = model.info.patchGrid!;
      const patches = readNpy(await readFile(join(out, doc.images[0]!.patches!)));
      assert.deepEqual(patches.shape, [rows * cols, model.info.embedDim]);
      assert.deepEqual(patches.data, encoding!.patches);

      const plan = await planModel(tinyClipDir);
      const tokenizer = await TextTokenizer.load(
        plan.tokenizer.file,
        plan.tokenizer.configFile,
        plan.maxTextLength,
        plan.settingsFile,
      );
      const embeds = await model.encodeTexts(texts);
      doc.texts.forEach((t, i) => {
        assert.equal(t.text, texts[i]);
        assert.deepEqual(t.ids, tokenizer.encode(texts[i]!));
        assert.deepEqual(t.embedding, Array.from(embeds[i]!));
      });
    } finally {
      await model.dispose();
    }
  });

  it('refuses to run without --out, and names a model folder that is not one', () => {
    const noOut = run('inspect-model', '--model', tinyClipDir, '--text', 'x');
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /--out/);
    const badModel = run('inspect-model', '--model', dir, '--text', 'x', '--out', join(dir, 'o2'));
    assert.equal(badModel.status, 2);
    assert.match(badModel.stderr, /is not a model folder/);
  });
});

describe('float32Npy', () => {
  it('writes a 1-d shape with the trailing comma numpy needs, and pads every header to 64 bytes', () => {
    for (const n of [1, 5, 1000]) {
      const data = Float32Array.from({ length: n }, (_, i) => i / 3 - 1);
      const back = readNpy(float32Npy(data, [n]));
      assert.deepEqual(back.shape, [n]);
      assert.deepEqual(back.data, data);
      assert.match(float32Npy(data, [n]).toString('latin1', 10, 80), new RegExp(`'shape': \\(${n},\\)`));
    }
  });
  it('refuses a shape that does not hold the data', () => {
    assert.throws(() => float32Npy(new Float32Array(6), [2, 2]), /holds 4 values, not 6/);
  });
});
