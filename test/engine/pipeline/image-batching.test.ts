// ImageFeatureStore runs the model on batches while later images are still being decoded, keeps
// only a few batches of tensors waiting, and gives the same features as one big batch. The model is
// the tiny fixture, wrapped to record its calls (and slowed down where the test needs the decoder to
// outrun it); the images are real PNG files.
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { EmbeddingCache } from '../../../src/engine/cache/embedding-cache';
import { loadModel } from '../../../src/engine/model';
import type { ClipModel, ImageEncoding } from '../../../src/engine/model/types';
import {
  BATCHES_WAITING,
  FILES_IN_FLIGHT,
  ImageFeatureStore,
  type ImageFeatures,
} from '../../../src/engine/pipeline/image-features';
import { createLimiter, mapLimit } from '../../../src/engine/concurrency';
import { BatchQueue } from '../../../src/engine/pipeline/batch-queue';
import { tinyClipDir } from '../../helpers/fixture-models';
import { makeTempDir } from '../../helpers/image-fixtures';

const temp = makeTempDir('pipeline-batching');
after(temp.remove);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Counts image files opened (fs/promises `open`, as the engine reads them) while `work` runs. */
async function countingOpens<T>(dir: string, work: (opened: () => number) => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object itself, to wrap its `open`
  const promises = require('node:fs/promises') as { open: typeof fsp.open };
  const original = promises.open;
  let count = 0;
  promises.open = ((path: Parameters<typeof fsp.open>[0], ...rest: unknown[]) => {
    if (String(path).startsWith(dir)) count++;
    return (original as (...a: unknown[]) => ReturnType<typeof fsp.open>)(path, ...rest);
  }) as typeof fsp.open;
  try {
    return await work(() => count);
  } finally {
    promises.open = original;
  }
}

/** The model, recording each encodeImages call (its size and what `probe` says when it starts), optionally slowed. */
function recording(
  model: ClipModel,
  probe: () => number,
  delayMs = 0,
): ClipModel & { calls: { size: number; probe: number }[]; encodedSoFar: () => number } {
  const calls: { size: number; probe: number }[] = [];
  let encoded = 0;
  return {
    info: model.info,
    calls,
    encodedSoFar: () => encoded,
    async encodeImages(tensors: Float32Array[]): Promise<ImageEncoding[]> {
      calls.push({ size: tensors.length, probe: probe() });
      if (delayMs) await sleep(delayMs);
      const out = await model.encodeImages(tensors);
      encoded += tensors.length;
      return out;
    },
    encodeTexts: (texts) => model.encodeTexts(texts),
    countTokens: (text) => model.countTokens(text),
    dispose: async () => {},
  };
}

describe('engine/pipeline: decoding overlapped with batched inference', function () {
  this.timeout(120_000);
  let model: ClipModel;
  let dir: string;
  let paths: string[];

  before(async () => {
    model = await loadModel(tinyClipDir);
    dir = join(temp.dir, 'images');
    await fsp.mkdir(dir);
    paths = [];
    for (let i = 0; i < 48; i++) {
      const px = Buffer.alloc(160 * 128);
      for (let j = 0; j < px.length; j++) px[j] = (j * (i + 3) + (j >> 7) * 11) % 256;
      const path = join(dir, `img-${String(i).padStart(2, '0')}.png`);
      writeFileSync(
        path,
        await sharp(px, { raw: { width: 160, height: 128, channels: 1 } })
          .png()
          .toBuffer(),
      );
      paths.push(path);
    }
  });
  after(async () => {
    await model.dispose();
  });

  it('runs the model on batches of batchSize (the last shorter) and gives the same features as one batch of all', async () => {
    const some = paths.slice(0, 21);
    const wrapped = recording(model, () => 0);
    const batched = await new ImageFeatureStore(wrapped, new EmbeddingCache(null), undefined, {
      batchSize: 4,
    }).features(some, false);
    assert.deepEqual(
      wrapped.calls.map((c) => c.size),
      [4, 4, 4, 4, 4, 1],
    );
    const whole = await new ImageFeatureStore(model, new EmbeddingCache(null), undefined, { batchSize: 64 }).features(
      some,
      false,
    );
    for (const p of some) {
      const [a, b] = [batched.get(p) as ImageFeatures, whole.get(p) as ImageFeatures];
      let worst = 0;
      for (let i = 0; i < a.embed.length; i++) worst = Math.max(worst, Math.abs(a.embed[i]! - b.embed[i]!));
      assert.ok(worst < 1e-5, `${p}: ${worst}`);
      assert.deepEqual(a.transform, b.transform);
    }
  });

  it('the first batch is encoded while most files have not even been opened', async () => {
    await countingOpens(dir, async (opened) => {
      const wrapped = recording(model, opened);
      await new ImageFeatureStore(wrapped, new EmbeddingCache(null), undefined, { batchSize: 4 }).features(
        paths,
        false,
      );
      const first = wrapped.calls[0]!.probe;
      // Four tensors made, and at most the files in flight beyond them.
      assert.ok(first <= 4 + FILES_IN_FLIGHT, `${first} of ${paths.length} files opened when the model first ran`);
      assert.equal(opened(), paths.length);
    });
  });

  it('with a slow model, decoding waits: files opened but not yet encoded stay within a few batches', async () => {
    await countingOpens(dir, async (opened) => {
      let worst = 0;
      const box: { wrapped?: ReturnType<typeof recording> } = {};
      // Sampled as each batch starts: the decoder has had the whole previous run to get ahead.
      const wrapped = (box.wrapped = recording(
        model,
        () => (worst = Math.max(worst, opened() - box.wrapped!.encodedSoFar())),
        60,
      ));
      const batch = 4;
      await new ImageFeatureStore(wrapped, new EmbeddingCache(null), undefined, { batchSize: batch }).features(
        paths,
        false,
      );
      // Waiting in the queue, plus the batch running, plus one per file in flight.
      const bound = (BATCHES_WAITING + 2) * batch + FILES_IN_FLIGHT;
      assert.ok(worst <= bound, `${worst} files opened ahead of the model (bound ${bound}, ${paths.length} in all)`);
      assert.ok(worst >= batch, `the decoder did run ahead (${worst})`);
    });
  });

  it('a model failure fails the call, as before, and stops reading further files', async () => {
    let calls = 0;
    const failing: ClipModel = {
      ...model,
      info: model.info,
      encodeImages: async () => {
        calls++;
        throw new Error('onnxruntime: out of memory (test)');
      },
    };
    await countingOpens(dir, async (opened) => {
      await assert.rejects(
        new ImageFeatureStore(failing, new EmbeddingCache(null), undefined, { batchSize: 4 }).features(paths, false),
        /out of memory \(test\)/,
      );
      await sleep(200); // anything still running would open more files meanwhile
      assert.equal(calls, 1);
      assert.ok(opened() < paths.length, `${opened()} files opened`);
    });
  });
});

describe('engine/pipeline: the limiter and BatchQueue', () => {
  it('the limiter lets at most `count` run at once and serves waiters in order', async () => {
    const slot = createLimiter(2);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    await mapLimit(
      Array.from({ length: 10 }, (_, i) => i),
      10,
      (i) =>
        slot(async () => {
          running++;
          peak = Math.max(peak, running);
          order.push(i);
          await sleep(5);
          running--;
        }),
    );
    assert.equal(peak, 2);
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('BatchQueue runs full batches in order, one at a time, then the rest at finish', async () => {
    const batches: number[][] = [];
    let running = 0;
    const queue = new BatchQueue<number>(3, 6, async (b) => {
      running++;
      assert.equal(running, 1, 'one run at a time');
      await sleep(5);
      batches.push(b);
      running--;
    });
    for (let i = 0; i < 11; i++) await queue.push(i);
    await queue.finish();
    assert.deepEqual(batches, [
      [0, 1, 2],
      [3, 4, 5],
      [6, 7, 8],
      [9, 10],
    ]);
  });

  it('BatchQueue: push waits while maxWaiting items are queued; a failed run fails later pushes and finish', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const queue = new BatchQueue<number>(2, 4, async (b) => {
      if (b[0] === 0) await gate;
      else throw new Error('boom');
    });
    for (let i = 0; i < 6; i++) await queue.push(i); // 2 running, 4 waiting
    let pushed = false;
    const blocked = queue.push(6).then(() => (pushed = true));
    await sleep(20);
    assert.equal(pushed, false, 'the seventh waits');
    release();
    await blocked.catch(() => {});
    await assert.rejects(queue.finish(), /boom/);
    await assert.rejects(queue.push(99), /boom/);
  });
});
