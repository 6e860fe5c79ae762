// Benchmark: scoring 200 synthetic pairs with the fixture model, cold (empty cache) vs warm.
// Prints figures; asserts nothing. Run with `npm run bench`.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scoreDataset } from '../src/engine';
import { writeSyntheticDataset } from '../src/sample/synthetic-dataset';

async function main(): Promise<void> {
  const pairs = Number(process.argv[2] ?? 200);
  const model = resolve(__dirname, '../../test/fixtures/models/tiny-clip');
  const dir = await mkdtemp(join(tmpdir(), 'radalign-bench-'));
  try {
    await writeSyntheticDataset(join(dir, 'data'), { pairs, size: 512 });
    const runs: { label: string; seconds: number; images: number; texts: number; hits: number }[] = [];
    for (const label of ['cold (empty cache)', 'warm (cache filled)', 'no cache']) {
      const t0 = process.hrtime.bigint();
      const r = await scoreDataset(join(dir, 'data'), {
        modelDir: model,
        cacheDir: label === 'no cache' ? null : join(dir, 'cache'),
      });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      runs.push({ label, seconds, images: r.run.imagesEncoded, texts: r.run.textsEncoded, hits: r.run.cache.hits });
    }
    console.log(`radalign scoring benchmark: ${pairs} pairs, 512×512 PNG, fixture model`);
    for (const r of runs)
      console.log(
        `  ${r.label.padEnd(22)} ${r.seconds.toFixed(2).padStart(7)} s  ${(pairs / r.seconds).toFixed(1).padStart(7)} pairs/s  images encoded ${r.images}, texts encoded ${r.texts}, cache hits ${r.hits}`,
      );
    console.log(`  warm / cold speed-up: ${(runs[0].seconds / runs[1].seconds).toFixed(1)}×`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
