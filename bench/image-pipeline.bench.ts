// Benchmark: cold image scoring, stage by stage, on the same images in one run.
//   - sharp: decode to full-resolution pixels then preprocess (two pipelines, before image-v2) vs
//     one pipeline from the file's bytes (image/model-input.ts), one image at a time and at the
//     store's concurrency;
//   - onnxruntime alone on the ready tensors (bundled default model, batches of 8);
//   - ImageFeatureStore.features end to end, cold (empty cache), and the ratio of its time to
//     sharp alone + onnxruntime alone back to back (below 1: decoding overlaps inference);
//   - warm runs: images recognised from their status by the identity index vs read and hashed.
// Images: ../shared/data/covid-cxr/images when present (read in place, never copied), else
// synthetic radiographs; plus MIMIC-sized JPEGs (2,500 × 3,000) made from them in a temp folder.
// Prints figures; asserts nothing.
//   node out/bench/image-pipeline.bench.js [images per set (200)] [onnxruntime threads (0: its choice)]
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { EmbeddingCache } from '../src/engine/cache/embedding-cache';
import { FileIdentityIndex } from '../src/engine/cache/file-identity';
import { decodeImage, modelInputFromFile, preprocessImage } from '../src/engine/image';
import { DEFAULT_LIMITS } from '../src/engine/limits';
import { loadModel } from '../src/engine/model';
import type { ClipModel } from '../src/engine/model/types';
import {
  DECODE_CONCURRENCY,
  FILES_IN_FLIGHT,
  ImageFeatureStore,
  ONE_PIPELINE_CONCURRENCY,
} from '../src/engine/pipeline/image-features';
import { createLimiter, mapLimit } from '../src/engine/concurrency';
import { writeSyntheticDataset } from '../src/sample/synthetic-dataset';
import type { ImagePreprocessSpec } from '../src/engine/types';

const BATCH = 8;
const root = resolve(__dirname, '../..');

const CORES = availableParallelism();

/** Wall time of `work`, and how many cores the process kept busy on average meanwhile (CPU time / wall time). */
async function seconds<T>(work: () => Promise<T>): Promise<{ s: number; cores: number; value: T }> {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const value = await work();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(cpu0);
  return { s, cores: (cpu.user + cpu.system) / 1e6 / s, value };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let [ab, aa, bb] = [0, 0, 0];
  for (let i = 0; i < a.length; i++) [ab, aa, bb] = [ab + a[i]! * b[i]!, aa + a[i]! * a[i]!, bb + b[i]! * b[i]!];
  return ab / Math.sqrt(aa * bb);
}

const rate = (n: number, s: number): string => `${(n / s).toFixed(1).padStart(7)} img/s`;
const busy = (r: { cores: number }): string => `${r.cores.toFixed(2)} of ${CORES} cores busy`;

async function benchSet(label: string, paths: string[], model: ClipModel, tmp: string): Promise<void> {
  const spec: ImagePreprocessSpec = model.info.preprocess;
  const n = paths.length;
  console.log(`\n${label}: ${n} images, model ${model.info.id} (${spec.size}², ${spec.resize}), batch ${BATCH}`);
  // Warm the page cache and sharp, so the first timed stage is not charged for them.
  for (const p of paths) await readFile(p);
  await model.encodeImages(
    Array.from({ length: BATCH }, () => new Float32Array(spec.channels * spec.size * spec.size)),
  );
  await modelInputFromFile(paths[0]!, spec);

  const twoStep = async (p: string) => preprocessImage(await decodeImage(p, DEFAULT_LIMITS), spec);
  const one = async (p: string) => modelInputFromFile(p, spec, DEFAULT_LIMITS);
  const serial = async (fn: (p: string) => Promise<unknown>) => {
    for (const p of paths) await fn(p);
  };
  const two1 = await seconds(() => serial(twoStep));
  const one1 = await seconds(() => serial(one));
  // The store's concurrency: FILES_IN_FLIGHT files, decodes in the slots of their route.
  const heavy = createLimiter(DECODE_CONCURRENCY);
  const light = createLimiter(ONE_PIPELINE_CONCURRENCY);
  const oldTensors: Float32Array[] = new Array(n);
  const twoN = await seconds(() =>
    mapLimit(paths, FILES_IN_FLIGHT, async (p, i) => void (oldTensors[i] = (await heavy(() => twoStep(p))).tensor)),
  );
  const tensors: Float32Array[] = new Array(n);
  const routes = { 'one-pipeline': 0, decoded: 0 };
  const oneN = await seconds(() =>
    mapLimit(paths, FILES_IN_FLIGHT, async (p, i) => {
      const pre = await light(() => one(p));
      tensors[i] = pre.tensor;
      routes[pre.route]++;
    }),
  );
  console.log(
    `  routes: ${routes['one-pipeline']} one pipeline, ${routes.decoded} decoded first (alpha, 16-bit, DICOM)`,
  );
  console.log(`  sharp, decode then preprocess, 1 at a time   ${two1.s.toFixed(2).padStart(7)} s ${rate(n, two1.s)}`);
  console.log(
    `  sharp, one pipeline,           1 at a time   ${one1.s.toFixed(2).padStart(7)} s ${rate(n, one1.s)}   ${(two1.s / one1.s).toFixed(2)}× faster`,
  );
  console.log(
    `  sharp, decode then preprocess, ${DECODE_CONCURRENCY} at a time   ${twoN.s.toFixed(2).padStart(7)} s ${rate(n, twoN.s)}   ${busy(twoN)}`,
  );
  console.log(
    `  sharp, one pipeline,           ${ONE_PIPELINE_CONCURRENCY} at a time   ${oneN.s.toFixed(2).padStart(7)} s ${rate(n, oneN.s)}   ${busy(oneN)}, ${(twoN.s / oneN.s).toFixed(2)}× faster`,
  );

  const ort = await seconds(async () => {
    for (let i = 0; i < n; i += BATCH) await model.encodeImages(tensors.slice(i, i + BATCH));
  });
  console.log(
    `  onnxruntime alone, ready tensors            ${ort.s.toFixed(2).padStart(7)} s ${rate(n, ort.s)}   ${busy(ort)}`,
  );
  // How much the image-v2 tensors move the embeddings: cosine between old and new, per image.
  const cosines: number[] = [];
  for (let i = 0; i < n; i += BATCH) {
    const [a, b] = [
      await model.encodeImages(oldTensors.slice(i, i + BATCH)),
      await model.encodeImages(tensors.slice(i, i + BATCH)),
    ];
    a.forEach((e, j) => cosines.push(cosine(e.embed, b[j]!.embed)));
  }
  cosines.sort((x, y) => x - y);
  console.log(
    `  embeddings, old vs one-pipeline tensors: cosine min ${cosines[0]!.toFixed(5)}, median ${cosines[Math.floor(n / 2)]!.toFixed(5)}, 1 - mean ${(1 - cosines.reduce((x, y) => x + y, 0) / n).toExponential(1)}`,
  );
  const uncached = await seconds(() =>
    new ImageFeatureStore(model, new EmbeddingCache(null), DEFAULT_LIMITS, { batchSize: BATCH }).features(paths, false),
  );
  console.log(
    `  end to end, no cache (ImageFeatureStore)    ${uncached.s.toFixed(2).padStart(7)} s ${rate(n, uncached.s)}   ${busy(uncached)}`,
  );

  const cacheDir = await mkdtemp(join(tmp, 'cache-'));
  const cold = await seconds(() =>
    new ImageFeatureStore(model, new EmbeddingCache(cacheDir), DEFAULT_LIMITS, { batchSize: BATCH }).features(
      paths,
      false,
    ),
  );
  const errors = [...cold.value.values()].filter((f) => f instanceof Error);
  if (errors.length) console.log(`  (${errors.length} images refused: ${String(errors[0])})`);
  const backToBack = oneN.s + ort.s;
  console.log(
    `  end to end, cold (ImageFeatureStore)        ${cold.s.toFixed(2).padStart(7)} s ${rate(n, cold.s)}   ${busy(cold)}`,
  );
  console.log(
    `  end to end cold / (sharp + onnxruntime back to back) = ${cold.s.toFixed(2)} / (${oneN.s.toFixed(2)} + ${ort.s.toFixed(2)}) = ${(cold.s / backToBack).toFixed(2)}`,
  );
  console.log(
    `  (with ${CORES} cores and both stages CPU-bound, about (sharp + ort CPU time) / ${CORES} is the floor: ${((oneN.s * oneN.cores + ort.s * ort.cores) / CORES).toFixed(2)} s)`,
  );

  // Warm: every entry cached; the first store hashes each file and records it, the next recognises it.
  const hashing = new ImageFeatureStore(model, new EmbeddingCache(cacheDir), DEFAULT_LIMITS, {
    batchSize: BATCH,
    identity: null,
  });
  const warmHash = await seconds(() => hashing.features(paths, false));
  const filling = new ImageFeatureStore(model, new EmbeddingCache(cacheDir), DEFAULT_LIMITS, { batchSize: BATCH });
  await filling.features(paths, false);
  const flush = await seconds(() => filling.flush());
  const recognising = new ImageFeatureStore(model, new EmbeddingCache(cacheDir), DEFAULT_LIMITS, {
    batchSize: BATCH,
    identity: new FileIdentityIndex(cacheDir),
  });
  const warmIdentity = await seconds(() => recognising.features(paths, false));
  console.log(
    `  warm, every file read and hashed            ${warmHash.s.toFixed(2).padStart(7)} s ${rate(n, warmHash.s)}   (hashed ${hashing.files.hashed})`,
  );
  console.log(
    `  warm, recognised by the identity index      ${warmIdentity.s.toFixed(2).padStart(7)} s ${rate(n, warmIdentity.s)}   (recognised ${recognising.files.recognised}, hashed ${recognising.files.hashed}; index written in ${(flush.s * 1000).toFixed(0)} ms)`,
  );
}

/** Identity index load and flush at MIMIC scale (400,000 records), in the temp folder. */
async function benchIndexScale(tmp: string): Promise<void> {
  const dir = await mkdtemp(join(tmp, 'index-'));
  const index = new FileIdentityIndex(dir, { racyMarginMs: 0 });
  await index.load();
  const count = 400_000;
  const hash = 'ab'.repeat(32);
  const old = BigInt(Date.now() - 86_400_000) * 1_000_000n;
  for (let i = 0; i < count; i++) {
    index.record(
      `/data/mimic/p1${i % 10}/p${i}/s${i}/${i}.jpg`,
      { dev: 2049n, ino: BigInt(1e6 + i), size: 1_500_000n, mtimeNs: old, ctimeNs: old },
      hash,
      Date.now(),
    );
  }
  const write = await seconds(() => index.flush());
  const fresh = new FileIdentityIndex(dir);
  const load = await seconds(() => fresh.load());
  const look = await seconds(async () => {
    let found = 0;
    for (let i = 0; i < count; i++) {
      if (
        fresh.lookup(`/data/mimic/p1${i % 10}/p${i}/s${i}/${i}.jpg`, {
          dev: 2049n,
          ino: BigInt(1e6 + i),
          size: 1_500_000n,
          mtimeNs: old,
          ctimeNs: old,
        })
      )
        found++;
    }
    return found;
  });
  console.log(
    `\nidentity index, ${count.toLocaleString('en')} records (${((fresh.size * 112) / 1e6).toFixed(0)} MB): flush ${write.s.toFixed(2)} s, load ${load.s.toFixed(2)} s, ${look.value.toLocaleString('en')} lookups ${look.s.toFixed(2)} s`,
  );
}

async function main(): Promise<void> {
  const perSet = Number(process.argv[2] ?? 200);
  const threads = Number(process.argv[3] ?? 0);
  const tmp = await mkdtemp(join(tmpdir(), 'radalign-image-bench-'));
  const model = await loadModel(join(root, 'media/models/default'), { batchSize: BATCH, threads });
  try {
    const shared = resolve(root, '../shared/data/covid-cxr/images');
    let paths: string[];
    let label: string;
    if (existsSync(shared)) {
      paths = readdirSync(shared)
        .sort()
        .slice(0, perSet)
        .map((f) => join(shared, f));
      label = 'covid-cxr (real chest X-rays, JPEG and PNG, read in place)';
    } else {
      await writeSyntheticDataset(join(tmp, 'synthetic'), { pairs: Math.min(perSet, 200), size: 1024 });
      paths = readdirSync(join(tmp, 'synthetic'))
        .filter((f) => f.endsWith('.png'))
        .sort()
        .map((f) => join(tmp, 'synthetic', f));
      label = 'synthetic radiographs (1024² PNG; ../shared/data/covid-cxr is absent)';
    }
    // MIMIC-CXR-JPG-sized files: grey 2,500 × 3,000 JPEGs (quality 95), made from the first images.
    const big: string[] = [];
    for (let i = 0; i < Math.min(48, paths.length); i++) {
      const out = join(tmp, `mimic-sized-${i}.jpg`);
      await writeFile(
        out,
        await sharp(paths[i]!).resize(2500, 3000, { fit: 'fill' }).greyscale().jpeg({ quality: 95 }).toBuffer(),
      );
      big.push(out);
    }
    console.log(
      `radalign image pipeline benchmark: ${CORES} cores, ${ONE_PIPELINE_CONCURRENCY} one-pipeline / ${DECODE_CONCURRENCY} full decodes at a time, ` +
        `${FILES_IN_FLIGHT} files in flight, onnxruntime threads ${threads || 'its choice'}`,
    );
    await benchSet(label, paths, model, tmp);
    await benchSet('MIMIC-sized grey JPEG, 2,500 × 3,000', big, model, tmp);
    await benchIndexScale(tmp);
  } finally {
    await model.dispose();
    await rm(tmp, { recursive: true, force: true });
  }
}

void main();
