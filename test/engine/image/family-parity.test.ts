// The model.json preprocessing fields against each family's own Python preprocessing (open_clip, Hugging Face
// CLIPImageProcessor, CheXzero, BioViL/hi-ml): reference tensors made by test/fixtures/preprocess/make.py on
// synthetic images, compared with what radalign makes from the file (both routes) through model.json.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeImage, modelInputFromFile, preprocessImage } from '../../../src/engine/image';
import { planModel } from '../../../src/engine/model';
import type { ImagePreprocessSpec } from '../../../src/engine/types';
import { repoRoot, tinyClipWithImage } from '../../helpers/fixture-models';

const FIXTURES = join(repoRoot, 'test/fixtures/preprocess');

interface Case {
  family: string;
  image: string;
  ref: string;
  shape: [number, number, number];
  image_spec: Record<string, unknown>;
}

const cases = (JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as { cases: Case[] }).cases;

/** Cosine of two tensors, and their largest difference in 8-bit steps of the input (value · std · 255). */
export function compare(ours: Float32Array, ref: Float32Array, std: number[]): { cosine: number; maxSteps: number } {
  assert.equal(ours.length, ref.length);
  const area = ours.length / std.length;
  let dot = 0;
  let a2 = 0;
  let b2 = 0;
  let maxSteps = 0;
  for (let i = 0; i < ours.length; i++) {
    dot += ours[i]! * ref[i]!;
    a2 += ours[i]! ** 2;
    b2 += ref[i]! ** 2;
    maxSteps = Math.max(maxSteps, Math.abs(ours[i]! - ref[i]!) * std[Math.floor(i / area)]! * 255);
  }
  return { cosine: dot / Math.sqrt(a2 * b2), maxSteps };
}

function refOf(c: Case): Float32Array {
  const bytes = readFileSync(join(FIXTURES, c.ref));
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/**
 * Exact 8-bit pipelines leave only float rounding (under 0.001 of a step); CheXzero's float32 torch resize
 * against radalign's doubles leaves a little more. A wrong filter, rounding or order moves whole steps
 * (the test fails at ≥ 1 step: each was broken once to see it fail).
 */
const MAX_STEPS = 0.01;
const MIN_COSINE = 0.9999999;

describe('family preprocessing parity (model.json fields vs the families’ Python code)', function () {
  this.timeout(120000);
  let tmp: string;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-family-'));
  });
  after(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  /** The spec model.json gives for these `image` fields (so the manifest reader is part of what is tested). */
  async function specFrom(image: Record<string, unknown>): Promise<ImagePreprocessSpec> {
    return (await planModel(await tinyClipWithImage(tmp, image, 'replace'))).preprocess;
  }

  for (const c of cases) {
    it(`${c.family}: ${c.image}`, async () => {
      const spec = await specFrom(c.image_spec);
      const path = join(FIXTURES, c.image);
      const ref = refOf(c);
      const fromFile = await modelInputFromFile(path, spec);
      assert.equal(fromFile.route, 'decoded');
      const { cosine, maxSteps } = compare(fromFile.tensor, ref, spec.std);
      assert.ok(cosine >= MIN_COSINE, `cosine ${cosine}`);
      assert.ok(maxSteps <= MAX_STEPS, `max difference ${maxSteps} steps`);
      // The decoded route, asked to read the file the same way, gives the very same tensor.
      const decoded = await preprocessImage(await decodeImage(path, undefined, { familyOf: spec }), spec);
      assert.deepEqual(decoded.tensor, fromFile.tensor);
      assert.deepEqual(decoded.transform, fromFile.transform);
    });
  }
});
