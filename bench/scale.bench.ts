// Scale benchmark (issue 10): prints one table and writes out/bench/results.json, every figure next to
// a peer measured in the same run. Speed is never asserted; these are figures and ratios.
//
//   images/s     radalign end to end (scoreDataset), cold cache and warm, bundled model, real X-rays,
//                against onnxruntime alone on ready tensors and sharp alone on the same files
//   ranking      rankPairs at 2k / 20k / 64k pairs (D = 128, the bundled model, and 512) on random unit
//                embeddings, against the old O(N²) JavaScript loop (2k and 20k only; too slow above)
//   incremental  the CLI rescoring after one edited report in N pairs, against a full warm run
//   peer         radalign against Transformers.js on a random-weight CLIP ViT-B/16 in the Optimum
//                layout (built by tools/fixture-model/make_vit_b16_clip.py when python3 has torch + onnx)
//   peak RSS     of every case: each runs in a process of its own (scale-case.child.ts)
//
// `npm run bench` (about 8 minutes on 2 cores), `npm run bench -- --full` (64k at D = 512, the old loop at
// 20k / D = 512, incremental at 20k pairs, 64 ViT pairs: about 20 minutes in all), `--only <sections>`
// (comma-separated: images, ranking, incremental, transformers-js), `--out <file>`, `--keep` (keep the
// temporary datasets). Images come from ../shared/data/covid-cxr/images when present (hard-linked under new
// names into a temporary folder, never copied into the repository), else from the synthetic generator.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  linkSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
  appendFileSync,
  rmSync,
  mkdtempSync,
} from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { extname, join, resolve } from 'node:path';
import Table from 'cli-table3';
import { writeSyntheticDataset } from '../src/sample/synthetic-dataset';

const ROOT = resolve(__dirname, '../..');
const CHILD = join(__dirname, 'scale-case.child.js');
const TJS_CHILD = join(__dirname, 'transformers-js.bench.js');
const BUNDLED_MODEL = join(ROOT, 'media/models/default');
const REAL_IMAGES = resolve(ROOT, '../shared/data/covid-cxr/images');
const VIT_MODEL = join(ROOT, 'out/bench-models/clip-vit-b16-random');
const VIT_SCRIPT = join(ROOT, 'tools/fixture-model/make_vit_b16_clip.py');
const VIT_VERSION = 'clip-vit-b16-random/1';
const SECTIONS = ['images', 'ranking', 'incremental', 'transformers-js'] as const;
type Section = (typeof SECTIONS)[number];

interface Row {
  section: string;
  case: string;
  n: string;
  seconds: number | null;
  rate: string;
  peer: string;
  rssMB: number | null;
  note: string;
}

interface Options {
  full: boolean;
  only: Set<Section>;
  out: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Options {
  const opt: Options = { full: false, only: new Set(SECTIONS), out: join(ROOT, 'out/bench/results.json'), keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--full') opt.full = true;
    else if (a === '--keep') opt.keep = true;
    else if (a === '--out') opt.out = resolve(argv[++i]);
    else if (a === '--only') {
      const names = argv[++i].split(',');
      for (const n of names)
        if (!SECTIONS.includes(n as Section))
          throw new Error(`--only: unknown section '${n}' (known: ${SECTIONS.join(', ')})`);
      opt.only = new Set(names as Section[]);
    } else
      throw new Error(`unknown option '${a}' (known: --full, --only <${SECTIONS.join(',')}>, --out <file>, --keep)`);
  }
  return opt;
}

// ---------------------------------------------------------------- children

let resultCounter = 0;
let work = '';

/** Runs one case in its own process and returns the JSON it writes (plus wall seconds), or throws. */
function child<T extends object>(script: string, args: object, label: string): T & { wallSeconds: number } {
  const result = join(work, `result-${++resultCounter}.json`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [script, ...argsFor(script, args, result)], {
    // stderr (the CLI's progress, warnings) is shown only when the case fails.
    stdio: ['ignore', 'ignore', 'pipe'],
    cwd: ROOT,
    maxBuffer: 64 << 20,
  });
  const wallSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0 || !existsSync(result)) {
    const tail = String(r.stderr ?? '')
      .trim()
      .split('\n')
      .slice(-15)
      .join('\n    ');
    throw new Error(
      `${label}: child exited with ${r.status ?? r.signal ?? r.error?.message}${tail ? `:\n    ${tail}` : ''}`,
    );
  }
  return { ...(JSON.parse(readFileSync(result, 'utf8')) as T), wallSeconds };
}

function argsFor(script: string, args: object, result: string): string[] {
  const { kind, ...rest } = args as { kind?: string };
  const json = JSON.stringify({ ...rest, result });
  return script === CHILD ? [kind!, json] : [json];
}

function progress(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

// ---------------------------------------------------------------- datasets

const FINDINGS = [
  'The lungs are clear.',
  'Patchy opacity in the left lower lobe.',
  'Patchy opacity in the right lower lobe.',
  'Bilateral interstitial opacities, worse at the bases.',
  'Small left pleural effusion.',
  'Small right pleural effusion.',
  'No pleural effusion or pneumothorax.',
  'Heart size is normal.',
  'Mild cardiomegaly.',
  'The mediastinal contours are unremarkable.',
  'Endotracheal tube tip 4 cm above the carina.',
  'Right internal jugular central line with tip in the SVC.',
  'Left lower lobe atelectasis.',
  'Diffuse bilateral airspace opacities.',
  'A 1 cm nodule projects over the right upper lung.',
  'No acute osseous abnormality.',
];
const IMPRESSIONS = [
  'No acute cardiopulmonary process.',
  'Findings consistent with pneumonia.',
  'Possible early pneumonia.',
  'Pulmonary edema.',
  'Atelectasis, no consolidation.',
  'Stable appearance.',
];

/** A distinct report for pair `i` (its study number makes it unique), 3–6 findings and an impression. */
function report(i: number): string {
  let s = (i + 1) * 2654435761;
  const next = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  const count = 3 + Math.floor(next() * 4);
  const picked = new Set<string>();
  while (picked.size < count) picked.add(FINDINGS[Math.floor(next() * FINDINGS.length)]);
  return [
    `EXAMINATION: Chest radiograph, study ${i + 1}.`,
    'INDICATION: Cough and fever.',
    `FINDINGS: ${[...picked].join(' ')}`,
    `IMPRESSION: ${IMPRESSIONS[Math.floor(next() * IMPRESSIONS.length)]}`,
    '',
  ].join('\n');
}

interface ImageSource {
  kind: 'covid-cxr' | 'local' | 'synthetic';
  files: string[];
}

/** RADALIGN_BENCH_IMAGES: another folder of JPEG/PNG images, or 'synthetic'; default covid-cxr when present. */
async function imageSource(): Promise<ImageSource> {
  const wanted = process.env.RADALIGN_BENCH_IMAGES;
  const folder = wanted && wanted !== 'synthetic' ? resolve(wanted) : REAL_IMAGES;
  if (wanted !== 'synthetic' && existsSync(folder)) {
    const files = readdirSync(folder)
      .filter((f) => /\.(jpe?g|png)$/i.test(f))
      .sort()
      .map((f) => join(folder, f));
    if (files.length) return { kind: folder === REAL_IMAGES ? 'covid-cxr' : 'local', files };
  }
  const dir = join(work, 'synthetic');
  await writeSyntheticDataset(dir, { pairs: 200, size: 1024 });
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.png') && !f.includes('mask'))
    .sort()
    .map((f) => join(dir, f));
  return { kind: 'synthetic', files };
}

/** Hard link (else copy: another file system, or links refused): never a symlink, which the engine refuses. */
function place(from: string, to: string): void {
  try {
    linkSync(from, to);
  } catch {
    copyFileSync(from, to);
  }
}

/** n stem-layout pairs `p000000.<ext>` + `p000000.txt`, cycling through the source images. */
function makeDataset(
  name: string,
  n: number,
  src: ImageSource,
): { dir: string; pairs: { image: string; report: string }[] } {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const pairs: { image: string; report: string }[] = [];
  for (let i = 0; i < n; i++) {
    const from = src.files[i % src.files.length];
    const stem = join(dir, `p${String(i).padStart(6, '0')}`);
    const image = stem + extname(from).toLowerCase();
    place(from, image);
    writeFileSync(stem + '.txt', report(i));
    pairs.push({ image, report: stem + '.txt' });
  }
  return { dir, pairs };
}

// ---------------------------------------------------------------- sections

/** The run with the least `key` (the least disturbed by other processes). */
function fastest<T>(runs: T[], key: (r: T) => number): T {
  return runs.reduce((a, b) => (key(b) < key(a) ? b : a));
}

const fmt = (v: number, digits = 1) =>
  v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const times = (a: number, b: number) => `${fmt(a / b, a / b < 10 ? 2 : 0)}×`;

interface ScoreCase {
  loadSeconds: number;
  scoreSeconds: number;
  pairs: number;
  skipped: number;
  imagesEncoded: number;
  textsEncoded: number;
  cache: { hits: number; misses: number };
  peakRssMB: number;
}

async function imagesSection(src: ImageSource, opt: Options, rows: Row[]): Promise<object> {
  const n = Math.min(src.files.length, 400);
  const data = makeDataset('images', n, src);
  const section = `images/s (bundled model, ${n} ${src.kind} images)`;
  // Cold twice, each with an empty cache of its own; the faster counts, the other is in the JSON.
  let cacheDir = '';
  const colds = [1, 2].map((k) => {
    progress(`${section}: cold ${k} of 2`);
    cacheDir = join(work, `cache-images-${k}`);
    return child<ScoreCase>(CHILD, { kind: 'score', folder: data.dir, model: BUNDLED_MODEL, cacheDir }, 'cold');
  });
  const cold = fastest(colds, (c) => c.scoreSeconds);
  progress(`${section}: warm`);
  const warm = child<ScoreCase>(CHILD, { kind: 'score', folder: data.dir, model: BUNDLED_MODEL, cacheDir }, 'warm');
  progress(`${section}: onnxruntime alone`);
  const ortImages = opt.full ? n : Math.min(n, 200);
  const ort = child<{ imagesPerSecond: number; seconds: number; loadSeconds: number; peakRssMB: number; size: number }>(
    CHILD,
    { kind: 'ort', model: BUNDLED_MODEL, images: ortImages },
    'onnxruntime alone',
  );
  progress(`${section}: sharp alone`);
  const sh = child<{ imagesPerSecond: number; seconds: number; peakRssMB: number; concurrency: number; fit: string }>(
    CHILD,
    { kind: 'sharp', model: BUNDLED_MODEL, files: data.pairs.map((p) => p.image) },
    'sharp alone',
  );
  const coldRate = cold.imagesEncoded / cold.scoreSeconds;
  const warmRate = warm.pairs / warm.scoreSeconds;
  // Decoding and inference one after the other, no overlap: the rate a plain serial pipeline would reach.
  const serial = 1 / (1 / ort.imagesPerSecond + 1 / sh.imagesPerSecond);
  rows.push(
    {
      section,
      case: 'radalign cold (empty cache)',
      n: `${cold.imagesEncoded} img`,
      seconds: cold.scoreSeconds,
      rate: `${fmt(coldRate)} img/s`,
      peer: `${times(coldRate, serial)} serial bound`,
      rssMB: cold.peakRssMB,
      note: `+ model load ${fmt(cold.loadSeconds, 2)} s; ${cold.textsEncoded} texts encoded${cold.skipped ? `; ${cold.skipped} skipped` : ''}${cold.imagesEncoded < n ? `; ${n - cold.imagesEncoded} duplicate image(s) hit the cache` : ''}`,
    },
    {
      section,
      case: 'radalign warm (cache filled)',
      n: `${warm.pairs} pairs`,
      seconds: warm.scoreSeconds,
      rate: `${fmt(warmRate)} img/s`,
      peer: `${times(warmRate, coldRate)} cold`,
      rssMB: warm.peakRssMB,
      note: `${warm.cache.hits} hits, ${warm.imagesEncoded} images encoded`,
    },
    {
      section,
      case: 'onnxruntime alone, ready tensors',
      n: `${ortImages} img`,
      seconds: ort.seconds,
      rate: `${fmt(ort.imagesPerSecond)} img/s`,
      peer: `cold = ${times(coldRate, ort.imagesPerSecond)}`,
      rssMB: ort.peakRssMB,
      note: `batch 8, ${ort.size}² input`,
    },
    {
      section,
      case: 'sharp alone, same files',
      n: `${n} img`,
      seconds: sh.seconds,
      rate: `${fmt(sh.imagesPerSecond)} img/s`,
      peer: `cold = ${times(coldRate, sh.imagesPerSecond)}`,
      rssMB: sh.peakRssMB,
      note: `decode + resize (${sh.fit}), ${sh.concurrency} at a time`,
    },
  );
  return {
    images: n,
    source: src.kind,
    cold,
    coldRuns: colds,
    warm,
    onnxruntimeAlone: ort,
    sharpAlone: sh,
    serialBound: serial,
    coldImagesPerSecond: coldRate,
    warmImagesPerSecond: warmRate,
  };
}

async function rankingSection(opt: Options, rows: Row[]): Promise<object> {
  const out: object[] = [];
  const sizes = [2_000, 20_000, 64_000];
  for (const dim of [128, 512]) {
    for (const n of sizes) {
      const section = `ranking (random unit embeddings, D = ${dim})`;
      if (n === 64_000 && dim === 512 && !opt.full) {
        rows.push({
          section,
          case: 'rankPairs',
          n: '64,000',
          seconds: null,
          rate: 'skipped',
          peer: '',
          rssMB: null,
          note: 'with --full (about 2 min on 2 cores)',
        });
        continue;
      }
      progress(`ranking ${n} pairs, D = ${dim}: rankPairs`);
      const now = child<{ seconds: number; peakRssMB: number; meanSuspicion: number }>(
        CHILD,
        { kind: 'rank', pairs: n, dim, impl: 'new' },
        'rankPairs',
      );
      const runOld = n === 2_000 || (n === 20_000 && (dim === 128 || opt.full));
      let old: { seconds: number; peakRssMB: number; meanSuspicion: number } | null = null;
      if (runOld) {
        progress(`ranking ${n} pairs, D = ${dim}: old O(N²) loop`);
        old = child<{ seconds: number; peakRssMB: number; meanSuspicion: number }>(
          CHILD,
          { kind: 'rank', pairs: n, dim, impl: 'old' },
          'old ranking',
        );
      }
      const similaritiesPerSecond = (n * n) / now.seconds;
      rows.push({
        section,
        case: 'rankPairs',
        n: n.toLocaleString('en-US'),
        seconds: now.seconds,
        rate: `${fmt(similaritiesPerSecond / 1e6, 0)} M sim/s`,
        peer: old ? `${times(old.seconds, now.seconds)} faster than old` : '',
        rssMB: now.peakRssMB,
        note: old
          ? `old O(N²) loop: ${fmt(old.seconds, 2)} s, ${fmt(old.peakRssMB, 0)} MB; mean suspicion ${old.meanSuspicion === now.meanSuspicion ? 'identical' : `DIFFERS (${old.meanSuspicion} vs ${now.meanSuspicion})`}`
          : n === 20_000
            ? 'old loop at D = 512 with --full (about 6 min)'
            : 'old loop not run above 20k',
      });
      out.push({ pairs: n, dim, rankPairs: now, old });
    }
  }
  return { cases: out };
}

interface CliCase {
  exitCode: number;
  processSeconds: number;
  peakRssMB: number;
  wallSeconds: number;
  run: {
    seconds: number;
    imagesEncoded: number;
    textsEncoded: number;
    pairsReused?: number;
    imagesHashed?: number;
    ranking?: string;
    cache: { hits: number; misses: number };
  };
}

async function incrementalSection(src: ImageSource, opt: Options, rows: Row[]): Promise<object> {
  const n = opt.full ? 20_000 : 2_000;
  const data = makeDataset(`incremental-${n}`, n, src);
  const cacheDir = join(work, `cache-incremental-${n}`);
  const section = `incremental rescoring (CLI, bundled model, ${n.toLocaleString('en-US')} pairs)`;
  // `--save` keeps <folder>/.radalign/results.json, which a rescoring may start from.
  const cli = (label: string, flags: string[]): CliCase => {
    progress(`${section}: ${label}`);
    const outFile = join(work, `incremental-${resultCounter + 1}.json`);
    const argv = ['score', data.dir, '--model', BUNDLED_MODEL, '--cache-dir', cacheDir, '--out', outFile, ...flags];
    const r = child<Omit<CliCase, 'run'>>(CHILD, { kind: 'cli', argv }, label);
    if (r.exitCode !== 0) throw new Error(`${label}: radalign score exited with ${r.exitCode}`);
    const results = JSON.parse(readFileSync(outFile, 'utf8')) as { run: CliCase['run'] };
    return { ...r, run: results.run };
  };
  // Images repeat every src.files.length pairs, so the first run encodes each distinct image once.
  // The rescoring and its peer see the same files and the same saved results; the peer ignores them.
  const prime = cli('first run (fills the cache)', []);
  const baseline = cli('warm run that saves results', ['--save']);
  const edited = data.pairs[Math.floor(n / 2)].report;
  appendFileSync(edited, 'ADDENDUM: Small left pleural effusion, new since the prior study.\n');
  const incremental = cli('rescoring after one edited report', ['--save']);
  const warm = cli('full warm run (--no-incremental)', ['--save', '--no-incremental']);
  rows.push(
    {
      section,
      case: 'first run (cold cache, no save)',
      n: `${n.toLocaleString('en-US')} pairs`,
      seconds: prime.wallSeconds,
      rate: `${fmt(n / prime.wallSeconds, 0)} pairs/s`,
      peer: '',
      rssMB: prime.peakRssMB,
      note: `process wall time; ${prime.run.imagesEncoded} distinct images encoded, ${prime.run.textsEncoded} texts`,
    },
    {
      section,
      case: 'full warm run (--save --no-incremental)',
      n: `${n.toLocaleString('en-US')} pairs`,
      seconds: warm.wallSeconds,
      rate: `${fmt(n / warm.wallSeconds, 0)} pairs/s`,
      peer: '',
      rssMB: warm.peakRssMB,
      note: `run ${fmt(warm.run.seconds, 2)} s, ${warm.run.textsEncoded} texts encoded, ${warm.run.cache.hits} cache hits, ${warm.run.imagesHashed ?? '?'} images hashed; ranking ${warm.run.ranking ?? '?'}`,
    },
    {
      section,
      case: 'one report edited, rescored (--save)',
      n: '1 of ' + n.toLocaleString('en-US'),
      seconds: incremental.wallSeconds,
      rate: '',
      peer: `${times(warm.wallSeconds, incremental.wallSeconds)} faster than full warm`,
      rssMB: incremental.peakRssMB,
      note: `run ${fmt(incremental.run.seconds, 2)} s, ${incremental.run.pairsReused ?? 0} pairs reused, ${incremental.run.textsEncoded} texts and ${incremental.run.imagesEncoded} images encoded, ${incremental.run.imagesHashed ?? '?'} images hashed; ranking ${incremental.run.ranking ?? '?'}`,
    },
  );
  return { pairs: n, editedReport: edited, prime, baseline, incremental, warm };
}

function python(): string | null {
  // RADALIGN_PYTHON, when set, is the only interpreter tried.
  const candidates = process.env.RADALIGN_PYTHON ? [process.env.RADALIGN_PYTHON] : ['python3', '/usr/bin/python3'];
  for (const exe of candidates) {
    const r = spawnSync(exe, ['-c', 'import torch, onnx, numpy'], { stdio: 'ignore' });
    if (r.status === 0) return exe;
  }
  return null;
}

/** The ViT-B/16 model folder, built when missing or stale; or why it cannot be. */
function vitModel(): { dir: string } | { skip: string } {
  const marker = join(VIT_MODEL, '.complete');
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === VIT_VERSION) return { dir: VIT_MODEL };
  const exe = python();
  if (!exe)
    return {
      skip: 'python3 with torch, onnx and numpy not found (Debian: apt install python3-torch python3-onnx; or set RADALIGN_PYTHON)',
    };
  progress(`building the random-weight CLIP ViT-B/16 (about 600 MB, 1–2 min) into ${VIT_MODEL}`);
  mkdirSync(resolve(VIT_MODEL, '..'), { recursive: true });
  const r = spawnSync(exe, [VIT_SCRIPT, VIT_MODEL], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, PYTHONWARNINGS: 'ignore' },
  });
  if (r.status !== 0 || !existsSync(marker)) return { skip: `${VIT_SCRIPT} failed (exit ${r.status ?? r.signal})` };
  return { dir: VIT_MODEL };
}

async function transformersJsSection(src: ImageSource, opt: Options, rows: Row[]): Promise<object> {
  const n = opt.full ? 64 : 24;
  const section = `vs Transformers.js (random CLIP ViT-B/16, Optimum layout, ${n} pairs, no cache)`;
  let transformersJs = true;
  try {
    require.resolve('@huggingface/transformers');
  } catch {
    transformersJs = false;
  }
  const model: { dir: string } | { skip: string } = transformersJs
    ? vitModel()
    : { skip: '@huggingface/transformers is not installed (npm install: it is a devDependency)' };
  if ('skip' in model) {
    console.log(`\nTransformers.js comparison skipped: ${model.skip}`);
    rows.push({ section, case: 'skipped', n: '', seconds: null, rate: '', peer: '', rssMB: null, note: model.skip });
    return { skipped: model.skip };
  }
  const data = makeDataset('transformers-js', Math.min(n, src.files.length), src);
  type Peer = {
    loadSeconds: number;
    computeSeconds: number;
    imageSeconds: number;
    textSeconds: number;
    images: number;
    texts: number;
    peakRssMB: number;
    agreement: { texts: number; minTextCosine: number | null };
  };
  // radalign, Transformers.js, radalign, Transformers.js: the faster of each pair of runs counts, so
  // that load from other processes is less likely to favour one side.
  const oursRuns: ScoreCase[] = [];
  const theirsRuns: Peer[] = [];
  for (let k = 1; k <= 2; k++) {
    progress(`${section}: radalign ${k} of 2`);
    oursRuns.push(
      child<ScoreCase>(
        CHILD,
        { kind: 'score', folder: data.dir, model: model.dir, cacheDir: null },
        'radalign (ViT-B/16)',
      ),
    );
    progress(`${section}: Transformers.js ${k} of 2`);
    theirsRuns.push(
      child<Peer>(
        TJS_CHILD,
        { model: model.dir, pairs: data.pairs, agreementTexts: k === 1 ? 16 : 0 },
        'Transformers.js',
      ),
    );
  }
  const ours = fastest(oursRuns, (r) => r.scoreSeconds);
  const theirs = { ...fastest(theirsRuns, (r) => r.computeSeconds), agreement: theirsRuns[0].agreement };
  progress(`${section}: onnxruntime alone`);
  const ort = child<{ imagesPerSecond: number; seconds: number; peakRssMB: number }>(
    CHILD,
    { kind: 'ort', model: model.dir, images: data.pairs.length },
    'onnxruntime alone (ViT-B/16)',
  );
  const oursRate = ours.imagesEncoded / ours.scoreSeconds;
  const theirsRate = theirs.images / theirs.computeSeconds;
  const agree = theirs.agreement.minTextCosine;
  rows.push(
    {
      section,
      case: 'radalign scoreDataset',
      n: `${ours.imagesEncoded} img`,
      seconds: ours.scoreSeconds,
      rate: `${fmt(oursRate, 2)} img/s`,
      peer: `${times(oursRate, theirsRate)} Transformers.js`,
      rssMB: ours.peakRssMB,
      note: `+ load ${fmt(ours.loadSeconds, 1)} s; ${ours.textsEncoded} texts; heatmaps, ranking included`,
    },
    {
      section,
      case: 'Transformers.js 4 (same texts)',
      n: `${theirs.images} img`,
      seconds: theirs.computeSeconds,
      rate: `${fmt(theirsRate, 2)} img/s`,
      peer: '',
      rssMB: theirs.peakRssMB,
      note: `+ load ${fmt(theirs.loadSeconds, 1)} s; images ${fmt(theirs.imageSeconds, 1)} s, ${theirs.texts} texts ${fmt(theirs.textSeconds, 1)} s; text cos vs radalign ≥ ${agree === null ? 'n/a' : agree.toFixed(5)}`,
    },
    {
      section,
      case: 'onnxruntime alone, ready tensors',
      n: `${data.pairs.length} img`,
      seconds: ort.seconds,
      rate: `${fmt(ort.imagesPerSecond, 2)} img/s`,
      peer: `radalign = ${times(oursRate, ort.imagesPerSecond)}, Transformers.js = ${times(theirsRate, ort.imagesPerSecond)}`,
      rssMB: ort.peakRssMB,
      note: 'vision model only, batch 8',
    },
  );
  return {
    pairs: data.pairs.length,
    model: model.dir,
    radalign: ours,
    transformersJs: theirs,
    runs: { radalign: oursRuns, transformersJs: theirsRuns },
    onnxruntimeAlone: ort,
  };
}

// ---------------------------------------------------------------- main

function versions(): Record<string, string> {
  const v = (pkg: string) =>
    (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  const out: Record<string, string> = { node: process.version };
  for (const pkg of ['onnxruntime-node', 'sharp', '@huggingface/transformers']) {
    try {
      out[pkg] = v(pkg);
    } catch {
      out[pkg] = 'not installed';
    }
  }
  return out;
}

async function main(): Promise<void> {
  const opt = parseArgs(process.argv.slice(2));
  work = mkdtempSync(join(tmpdir(), 'radalign-scale-'));
  const started = Date.now();
  const rows: Row[] = [];
  const sections: Record<string, object> = {};
  const failures: string[] = [];
  const loadAtStart = loadavg();
  console.log(
    `radalign scale benchmark${opt.full ? ' (--full)' : ''}: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), ${fmt(totalmem() / 2 ** 30, 0)} GiB, ` +
      `load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')}; figures, not assertions`,
  );
  try {
    const src = await imageSource();
    progress(
      `images: ${src.files.length} ${src.kind === 'covid-cxr' ? `real chest X-rays from ${REAL_IMAGES}` : src.kind === 'local' ? `images from ${process.env.RADALIGN_BENCH_IMAGES}` : 'synthetic images (covid-cxr not found)'}`,
    );
    const run = async (name: Section, f: () => Promise<object>) => {
      if (!opt.only.has(name)) return;
      try {
        sections[name] = await f();
      } catch (e) {
        const msg = `${name}: ${(e as Error).message}`;
        failures.push(msg);
        rows.push({
          section: name,
          case: 'FAILED',
          n: '',
          seconds: null,
          rate: '',
          peer: '',
          rssMB: null,
          note: (e as Error).message,
        });
      }
    };
    await run('images', () => imagesSection(src, opt, rows));
    await run('ranking', () => rankingSection(opt, rows));
    await run('incremental', () => incrementalSection(src, opt, rows));
    await run('transformers-js', () => transformersJsSection(src, opt, rows));
  } finally {
    if (!opt.keep) rmSync(work, { recursive: true, force: true });
    else progress(`kept ${work}`);
  }

  const table = new Table({
    head: ['case', 'n', 'seconds', 'rate', 'vs peer (same run)', 'peak RSS', 'notes'],
    style: { head: [], border: [] },
    wordWrap: true,
    colWidths: [34, 14, 9, 15, 30, 10, 56],
  });
  let last = '';
  for (const r of rows) {
    if (r.section !== last) table.push([{ colSpan: 7, content: r.section }]);
    last = r.section;
    table.push([
      r.case,
      r.n,
      r.seconds === null ? '' : fmt(r.seconds, 2),
      r.rate,
      r.peer,
      r.rssMB === null ? '' : `${fmt(r.rssMB, 0)} MB`,
      r.note,
    ]);
  }
  console.log(table.toString());
  const totalSeconds = (Date.now() - started) / 1000;
  const loadAtEnd = loadavg();
  console.log(
    `whole benchmark: ${fmt(totalSeconds / 60, 1)} min, load average now ${loadAtEnd.map((l) => l.toFixed(2)).join(' ')} ` +
      `(above ${cpus().length}: other processes shared the CPUs, figures are noisier)${opt.full ? '' : '; bigger cases with --full'}`,
  );

  mkdirSync(resolve(opt.out, '..'), { recursive: true });
  const doc = {
    format: 'radalign-bench/1',
    generatedAt: new Date().toISOString(),
    full: opt.full,
    loadAverage: { start: loadAtStart, end: loadAtEnd },
    machine: {
      cpus: cpus().length,
      availableParallelism: availableParallelism(),
      cpuModel: cpus()[0]?.model ?? null,
      totalMemGiB: totalmem() / 2 ** 30,
      platform: `${process.platform}-${process.arch}`,
    },
    versions: versions(),
    totalSeconds,
    table: rows,
    sections,
    failures,
  };
  writeFileSync(opt.out, JSON.stringify(doc, null, 2) + '\n');
  console.log(`results: ${opt.out}`);
  if (failures.length) {
    console.error(`${failures.length} case(s) failed:\n  ${failures.join('\n  ')}`);
    process.exitCode = 1;
  }
}

void main();
