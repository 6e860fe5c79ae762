// Benchmark: what a family's exact preprocessing (model.json `filter`, `before`, `antialias`, `intensity`,
// `greyscale`: decoded pixels, Pillow's resampling in JS) costs per image against the sharp pipeline that specs
// without those fields keep, on the same files in one run, one image at a time.
// Images: ../shared/data/covid-cxr/images when present (read in place), else synthetic radiographs.
// Prints figures (ms per image, ratio to the sharp pipeline); asserts nothing.
//   node out/bench/family-preprocess.bench.js [images (60)]
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeImage, modelInputFromFile } from '../src/engine/image';
import type { ImagePreprocessSpec } from '../src/engine/types';
import { writeSyntheticDataset } from '../src/sample/synthetic-dataset';

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

// The presets of tools/export/radalign_export/presets.py (docs/model-format.md, Family steps).
const SPECS: { label: string; spec: ImagePreprocessSpec }[] = [
  {
    label: 'sharp pipeline (no family fields)',
    spec: { size: 224, resize: 'shortest-edge', mean: CLIP_MEAN, std: CLIP_STD, channels: 3 },
  },
  {
    label: 'open_clip (Pillow bicubic)',
    spec: {
      size: 224,
      resize: 'shortest-edge',
      mean: CLIP_MEAN,
      std: CLIP_STD,
      channels: 3,
      filter: 'bicubic',
      resizeRounding: 'truncate',
      cropRounding: 'half-even',
    },
  },
  {
    label: 'CheXzero (lanczos 320, torch bicubic 224)',
    spec: {
      size: 224,
      resize: 'squash',
      mean: [0.398, 0.398, 0.398],
      std: [0.327, 0.327, 0.327],
      channels: 3,
      filter: 'bicubic',
      antialias: false,
      before: {
        size: 320,
        resize: 'letterbox',
        filter: 'lanczos',
        resizeRounding: 'truncate-ratio',
        cropRounding: 'floor',
        greyscale: true,
      },
    },
  },
  {
    label: 'BioViL (min-max, bilinear 512, crop 480)',
    spec: {
      size: 480,
      resize: 'shortest-edge',
      shortestEdge: 512,
      mean: [0, 0, 0],
      std: [1, 1, 1],
      channels: 3,
      filter: 'bilinear',
      resizeRounding: 'truncate',
      cropRounding: 'half-even',
      intensity: 'min-max',
      greyscale: true,
    },
  },
];

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 60);
  const shared = resolve(__dirname, '../../../shared/data/covid-cxr/images');
  const tmp = await mkdtemp(join(tmpdir(), 'radalign-family-bench-'));
  try {
    let paths: string[];
    let source: string;
    if (existsSync(shared)) {
      paths = readdirSync(shared)
        .sort()
        .filter((_, i, all) => i % Math.max(1, Math.floor(all.length / n)) === 0)
        .slice(0, n)
        .map((f) => join(shared, f));
      source = 'covid-cxr (real chest X-rays, PNG and JPEG)';
    } else {
      await writeSyntheticDataset(join(tmp, 'data'), { pairs: n, size: 1024 });
      paths = readdirSync(join(tmp, 'data'))
        .filter((f) => f.endsWith('.png'))
        .map((f) => join(tmp, 'data', f));
      source = 'synthetic 1024² radiographs (../shared/data/covid-cxr not found)';
    }
    console.log(`family preprocessing benchmark: ${paths.length} images, ${source}, one at a time`);
    let base = 0;
    for (const { label, spec } of SPECS) {
      for (const p of paths.slice(0, 3)) await modelInputFromFile(p, spec); // warm up
      const t0 = process.hrtime.bigint();
      for (const p of paths) await modelInputFromFile(p, spec);
      const ms = Number(process.hrtime.bigint() - t0) / 1e6 / paths.length;
      if (base === 0) base = ms;
      console.log(
        `  ${label.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms/image  ${(ms / base).toFixed(2)}× the sharp pipeline`,
      );
    }
    // Where the family steps' time goes: decoding to full-resolution pixels is their first step.
    const t0 = process.hrtime.bigint();
    for (const p of paths) await decodeImage(p, undefined, { familyOf: SPECS[1]!.spec });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6 / paths.length;
    console.log(`  ${'of which decoding alone'.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms/image`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

void main();
