// One case of the scale benchmark (bench/scale.bench.ts), run in a process of its own so that its
// peak RSS is its own: `node out/bench/scale-case.child.js <kind> <args-json>`. Writes one JSON object
// to args.result and prints nothing else of note. Kinds:
//   score  scoreDataset on a folder (model loaded first, so load and scoring are timed apart)
//   cli    the radalign CLI itself (`radalign score ...`), in this process
//   ort    onnxruntime alone: the vision model on ready tensors (random values, the model's input size)
//   sharp  sharp alone: decode + resize to the model's input size, the same files
//   rank   ranking alone on random unit embeddings: the current rankPairs ('new') or the O(N²) loop ('old')
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import sharp from 'sharp';
import { scoreDataset, type ScoreProgress } from '../src/engine';
import { planModel } from '../src/engine/model';
import { rankPairs } from '../src/engine/ranking';
import { computeSuspicion } from '../test/helpers/reference-suspicion';

type Args = Record<string, unknown> & { result: string };

function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

function seconds(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function score(a: Args): Promise<object> {
  // Phases from the progress events: discovery, model load, scoring (read, decode, encode, per-pair
  // scores), ranking (and writing the results), so that load and scoring are timed apart.
  const at: Partial<Record<ScoreProgress['phase'], bigint>> = {};
  const t0 = process.hrtime.bigint();
  const r = await scoreDataset(String(a.folder), {
    modelDir: String(a.model),
    cacheDir: (a.cacheDir as string | null) ?? null,
    batchSize: a.batchSize as number | undefined,
    threads: a.threads as number | undefined,
    onProgress: (p) => (at[p.phase] ??= process.hrtime.bigint()),
  });
  const total = seconds(t0);
  const span = (from: ScoreProgress['phase'], to: ScoreProgress['phase']) =>
    at[from] !== undefined && at[to] !== undefined ? Number(at[to]! - at[from]!) / 1e9 : null;
  const loadSeconds = span('loading-model', 'scoring') ?? 0;
  return {
    totalSeconds: total,
    discoverSeconds: span('discovering', 'loading-model'),
    loadSeconds,
    encodeSeconds: span('scoring', 'ranking'),
    rankSeconds: span('ranking', 'done'),
    // Everything but discovery and model load (the figure images/s is computed from).
    scoreSeconds: span('scoring', 'done') ?? total - loadSeconds,
    runSeconds: r.run.seconds,
    pairs: r.pairs.length,
    skipped: r.skipped.length,
    imagesEncoded: r.run.imagesEncoded,
    textsEncoded: r.run.textsEncoded,
    cache: { hits: r.run.cache.hits, misses: r.run.cache.misses },
  };
}

async function onnxAlone(a: Args): Promise<object> {
  const plan = await planModel(String(a.model));
  const { size, channels } = plan.preprocess;
  const n = Number(a.images);
  const batch = Number(a.batchSize ?? 8);
  const threads = Number(a.threads ?? 0);
  const t0 = process.hrtime.bigint();
  const session = await InferenceSession.create(plan.vision.file, threads > 0 ? { intraOpNumThreads: threads } : {});
  const loadSeconds = seconds(t0);
  const per = channels * size * size;
  const data = new Float32Array(batch * per);
  let x = 12345;
  for (let i = 0; i < data.length; i++) data[i] = ((x = (x * 1103515245 + 12345) >>> 0) / 2 ** 32) * 4 - 2;
  const run = (b: number) =>
    session.run({ [plan.vision.input]: new Tensor('float32', data.subarray(0, b * per), [b, channels, size, size]) });
  await run(Math.min(batch, n)); // warm-up, not timed
  // The faster of two passes: the one less disturbed by whatever else the machine runs.
  let s = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    const t1 = process.hrtime.bigint();
    for (let done = 0; done < n; done += batch) await run(Math.min(batch, n - done));
    s = Math.min(s, seconds(t1));
  }
  await session.release();
  return { loadSeconds, seconds: s, images: n, imagesPerSecond: n / s, batchSize: batch, size, passes: 2 };
}

async function sharpAlone(a: Args): Promise<object> {
  const plan = await planModel(String(a.model));
  const { size, resize, channels } = plan.preprocess;
  const files = a.files as string[];
  const concurrency = Number(a.concurrency ?? availableParallelism());
  const fit = resize === 'squash' ? 'fill' : resize === 'letterbox' ? 'contain' : 'cover';
  const one = async (file: string) => {
    let p = sharp(file, { failOn: 'none' }).rotate();
    if (channels === 1) p = p.greyscale();
    await p
      .resize(size, size, { fit, kernel: 'cubic', background: { r: 0, g: 0, b: 0 } })
      .removeAlpha()
      .raw()
      .toBuffer();
  };
  await one(files[0]); // warm-up, not timed
  // The faster of two passes (the second reads the files from the page cache, as the first did after
  // the cold scoring run over the same files).
  let s = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    const t0 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < files.length) await one(files[next++]);
      }),
    );
    s = Math.min(s, seconds(t0));
  }
  return { seconds: s, images: files.length, imagesPerSecond: files.length / s, concurrency, size, fit, passes: 2 };
}

/** xorshift32 → standard normal (Box–Muller), deterministic per seed. */
function normals(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 2 ** 32;
  };
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/**
 * n pairs of unit embeddings, `dim` wide, shaped a little like CLIP's: a shared direction (unrelated
 * image–report cosines around 0.26), each report nearer its own image (about 0.37), and about 5 % of
 * reports reused from the previous pair (same text, same key), like notes reused across a patient's images.
 */
function embeddings(
  n: number,
  dim: number,
  seed: number,
): { images: Float32Array; reports: Float32Array; keys: string[] } {
  const g = normals(seed);
  const common = Float64Array.from({ length: dim }, g);
  const images = new Float32Array(n * dim);
  const reports = new Float32Array(n * dim);
  const keys: string[] = [];
  const shared = 0.6;
  const own = 0.15;
  const unit = (m: Float32Array, i: number) => {
    let s = 0;
    for (let k = i * dim; k < (i + 1) * dim; k++) s += m[k] * m[k];
    const inv = 1 / Math.sqrt(s);
    for (let k = i * dim; k < (i + 1) * dim; k++) m[k] *= inv;
  };
  const z = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < dim; k++) images[i * dim + k] = shared * common[k] + (z[k] = g());
    unit(images, i);
    if (i > 0 && i % 20 === 7) {
      reports.copyWithin(i * dim, (i - 1) * dim, i * dim);
      keys.push(keys[i - 1]);
      continue;
    }
    for (let k = 0; k < dim; k++) reports[i * dim + k] = shared * common[k] + own * z[k] + g();
    unit(reports, i);
    keys.push(`report ${i}`);
  }
  return { images, reports, keys };
}

async function rank(a: Args): Promise<object> {
  const n = Number(a.pairs);
  const dim = Number(a.dim);
  const { images, reports, keys } = embeddings(n, dim, Number(a.seed ?? 7));
  const bestCount = 3;
  // Small cases take the fastest of three calls (JIT and GC settle); big ones run once.
  const reps = n <= 5_000 ? 3 : 1;
  let best = Infinity;
  let mean = NaN;
  const rows = (m: Float32Array) => Array.from({ length: n }, (_, i) => m.subarray(i * dim, (i + 1) * dim));
  for (let r = 0; r < reps; r++) {
    if (a.impl === 'old') {
      const imageRows = rows(images);
      const reportRows = rows(reports);
      const t0 = process.hrtime.bigint();
      const out = computeSuspicion({ images: imageRows, reports: reportRows, reportKeys: keys, bestCount });
      best = Math.min(best, seconds(t0));
      mean = out.reduce((sum, x) => sum + x.suspicion, 0) / n;
    } else {
      const t0 = process.hrtime.bigint();
      const out = await rankPairs({ images, reports, dim, reportKeys: keys, bestCount });
      best = Math.min(best, seconds(t0));
      mean = out.reduce((sum, x) => sum + x.suspicion, 0) / n;
    }
  }
  return { seconds: best, reps, pairs: n, dim, impl: a.impl, meanSuspicion: mean };
}

async function cli(a: Args): Promise<object> {
  // The CLI bundle runs on require and may call process.exit: the figures are written on 'exit'.
  const t0 = process.hrtime.bigint();
  process.on('exit', (code) => {
    writeFileSync(a.result, JSON.stringify({ exitCode: code, processSeconds: seconds(t0), peakRssMB: peakRssMB() }));
  });
  process.argv = [process.argv[0], 'radalign', ...(a.argv as string[])];
  const entry = resolve(__dirname, '../../dist/cli/radalign.js');
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- runs the built CLI in this process
  require(entry);
  return new Promise(() => {}); // the CLI ends the process
}

async function main(): Promise<void> {
  const [kind, json] = process.argv.slice(2);
  const a = JSON.parse(json ?? '{}') as Args;
  const cases: Record<string, (a: Args) => Promise<object>> = { score, ort: onnxAlone, sharp: sharpAlone, rank, cli };
  const run = cases[kind];
  if (!run || !a.result) {
    console.error(
      `usage: scale-case.child.js <${Object.keys(cases).join('|')}> '{"result": "<file>", ...}' (run by bench/scale.bench.ts)`,
    );
    process.exit(2);
  }
  const t0 = process.hrtime.bigint();
  const out = await run(a);
  writeFileSync(a.result, JSON.stringify({ ...out, processSeconds: seconds(t0), peakRssMB: peakRssMB() }));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
