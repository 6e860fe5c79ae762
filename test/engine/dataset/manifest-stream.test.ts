// Manifests are streamed row by row and bounded: a million-row CSV is read in memory that grows
// with the pairs kept, not with the file; Limits.maxManifestRows stops reading with one skip that
// names the limit; a JSON manifest (or annotation.json) streams the same way; a file that breaks
// partway or is no manifest at all is used not at all, with the reason.
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { discover } from '../../../src/engine/dataset';
import type { Discovery } from '../../../src/engine/types';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
);
const MB = 1024 * 1024;
const IMAGES = 1000;

/** Runs `work` while sampling the resident set; returns its result and the peak growth in MB. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; peakMB: number; seconds: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = Date.now();
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakMB: (peak - before) / MB, seconds: (Date.now() - started) / 1000 };
  } finally {
    clearInterval(timer);
  }
}

/** Writes `count` lines made by `line(i)` through a stream (the test itself must not hold the file). */
async function writeLines(
  path: string,
  head: string,
  count: number,
  line: (i: number) => string,
  tail = '',
): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  out.write(head);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += line(i);
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.end(chunk + tail);
  await finished(out);
}

const capSkips = (d: Discovery) => d.skipped.filter((s) => /maxManifestRows/.test(s.reason));

describe('manifests are streamed and bounded', function () {
  this.timeout(180_000);
  let tmp: string;
  let root: string;
  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-stream-'));
    root = join(tmp, 'ds');
  });

  /** `count` tiny PNGs named 0.png, 1.png, ... in `dir`. */
  async function images(dir: string, count: number): Promise<void> {
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < count; i++) await writeFile(join(dir, `${i}.png`), PNG);
  }
  after(() => rm(tmp, { recursive: true, force: true }));

  describe('a 1,000,000-row CSV manifest', () => {
    const ROWS = 1_000_000;
    let folder: string;
    before(async () => {
      folder = join(root, 'big');
      await images(join(folder, 'img'), IMAGES);
      await writeLines(
        join(folder, 'lists', 'm.csv'),
        'id,image,report\n',
        ROWS,
        (i) => `S${i},../img/${i % IMAGES}.png,Report ${i}: the lungs are clear.\n`,
      );
    });

    it('streams: every row becomes a pair, in memory that grows with the pairs kept, not the file', async () => {
      const {
        result: d,
        peakMB,
        seconds,
      } = await peakGrowth(() => discover(folder, { limits: { maxManifestRows: 2_000_000 } }));
      assert.equal(d.pairs.length, ROWS);
      assert.deepEqual(d.skipped, []);
      assert.equal(d.pairs[0].id, 'S0');
      console.log(
        `      ${ROWS.toLocaleString('en-US')} rows (51 MB CSV) → ${d.pairs.length.toLocaleString('en-US')} pairs in ${seconds.toFixed(1)} s; peak RSS growth ${peakMB.toFixed(0)} MB (${((peakMB * MB) / ROWS).toFixed(0)} bytes per pair kept)`,
      );
      assert.ok(peakMB < 600, `peak RSS grew by ${peakMB.toFixed(0)} MB`);
    });

    it('the row cap stops reading: one skip names the limit and how to raise it', async () => {
      const {
        result: d,
        peakMB,
        seconds,
      } = await peakGrowth(() => discover(folder, { limits: { maxManifestRows: 1000 } }));
      assert.equal(d.pairs.length, 1000);
      assert.deepEqual(
        d.pairs.slice(0, 2).map((p) => p.id),
        ['S0', 'S1'],
      );
      assert.equal(d.skipped.length, 1, JSON.stringify(d.skipped));
      const [cap] = d.skipped;
      assert.equal(cap.path, join(folder, 'lists', 'm.csv'));
      assert.match(
        cap.reason,
        /^manifest has more rows than the limit maxManifestRows \(1,000\): only the first 1,000 rows were read; about [\d,]+ more rows \(estimated from the file size\) were not read; raise the limit with --max-manifest-rows$/,
      );
      const estimate = Number(/about ([\d,]+)/.exec(cap.reason)![1].replace(/,/g, ''));
      assert.ok(Math.abs(estimate - (ROWS - 1000)) < 0.1 * ROWS, `estimate ${estimate} of ${ROWS - 1000}`);
      console.log(
        `      cap 1,000 of ${ROWS.toLocaleString('en-US')} rows: ${seconds.toFixed(2)} s, peak RSS growth ${peakMB.toFixed(0)} MB; "${cap.reason}"`,
      );
    });
  });

  it('a small file past the cap: the rows left out are counted exactly, one skip per manifest', async () => {
    const folder = join(root, 'small');
    await images(join(folder, 'img'), 50);
    await writeLines(join(folder, 'a.csv'), 'id,image,report\n', 50, (i) => `A${i},img/${i}.png,Report ${i}.\n`);
    await writeLines(
      join(folder, 'b.jsonl'),
      '',
      30,
      (i) => `${JSON.stringify({ id: `B${i}`, image: `img/${i}.png`, report: `Report ${i}.` })}\n`,
    );
    const annotation = {
      train: Array.from({ length: 8 }, (_, i) => ({ id: `T${i}`, report: 'Clear.', image_path: [`${i}.png`] })),
      val: Array.from({ length: 8 }, (_, i) => ({ id: `V${i}`, report: 'Clear.', image_path: [`${i + 8}.png`] })),
    };
    await writeFile(join(folder, 'annotation.json'), JSON.stringify(annotation));
    await images(join(folder, 'images'), 16);
    const d = await discover(folder, { limits: { maxManifestRows: 10 } });
    const ids = d.pairs.map((p) => p.id);
    assert.equal(ids.filter((id) => id.startsWith('A')).length, 10);
    assert.equal(ids.filter((id) => id.startsWith('B')).length, 10);
    assert.deepEqual(
      ids.filter((id) => /^[TV]/.test(id)),
      ['T0', 'T1', 'T2', 'T3', 'T4', 'T5', 'T6', 'T7', 'V0', 'V1'],
      'the cap counts rows across the splits',
    );
    const caps = capSkips(d).map((s) => [
      s.path.slice(folder.length + 1),
      /the other ([\d,]+) rows were not used/.exec(s.reason)?.[1],
    ]);
    assert.deepEqual(caps, [
      ['a.csv', '40'],
      ['annotation.json', '6'],
      ['b.jsonl', '20'],
    ]);
    // The images of rows past the cap are not paired, and are listed like any unpaired image.
    assert.ok(
      d.skipped.some((s) => s.path === join(folder, 'images', '15.png') && /^no report found for image/.test(s.reason)),
    );
  });

  it('streams a large R2Gen annotation.json row by row', async () => {
    const folder = join(root, 'r2gen');
    const ROWS = 100_000;
    await images(join(folder, 'images'), 100);
    const row = (i: number) =>
      JSON.stringify({
        id: `R${i}`,
        report: `FINDINGS: case ${i}, the heart is normal. IMPRESSION: no "acute" disease.`,
        image_path: [`${i % 100}.png`],
        split: 'train',
      });
    await writeLines(
      join(folder, 'annotation.json'),
      '{"train": [',
      ROWS,
      (i) => (i ? ',' : '') + row(i),
      '], "val": [], "test": []}',
    );
    const { result: d, peakMB, seconds } = await peakGrowth(() => discover(folder));
    assert.equal(d.pairs.length, ROWS);
    assert.ok(d.pairs.every((p) => p.layout === 'r2gen' && p.split === 'train'));
    assert.deepEqual(d.skipped, []);
    console.log(
      `      annotation.json of ${ROWS.toLocaleString('en-US')} rows → ${d.pairs.length.toLocaleString('en-US')} pairs in ${seconds.toFixed(1)} s; peak RSS growth ${peakMB.toFixed(0)} MB`,
    );
  });

  describe('a table that breaks partway or is no manifest is used not at all, with the reason', () => {
    const cases: Array<[string, string, RegExp]> = [
      [
        'broken.csv',
        'id,image,report\nA,../img/1.png,fine\nB,"../img/2.png,unclosed\n',
        /^not read as a manifest: malformed CSV: Quote Not Closed/,
      ],
      [
        'broken.json',
        '[{"id": "A", "image": "../img/1.png", "report": "x"},\n {"id": "B" "image": "../img/2.png"}]',
        /^not read as a manifest: bad JSON at line 2, column 13: comma expected$/,
      ],
      [
        'unclosed.json',
        '{"train": [{"id": "A", "image_path": ["../img/1.png"], "report": "x"}',
        /^not read as a manifest: bad JSON/,
      ],
      ['trailing.json', '[{"id": "A", "image": "../img/1.png", "report": "x"}] [', /^not read as a manifest: bad JSON/],
      [
        'several.json',
        '{"images": [{"image": "../img/1.png", "report": "x"}], "annotations": [{"id": 1}]}',
        /^not a manifest: JSON manifest holds several arrays \(images, annotations\) and they are not train\/val\/test splits \(left alone\)$/,
      ],
      [
        'scalar.json',
        '"just text"',
        /^not a manifest: JSON manifest must be an array of rows or an object holding arrays of rows \(left alone\)$/,
      ],
      [
        'config.json',
        '{"name": "x", "version": 2}',
        /^not a manifest: JSON manifest holds no array of rows \(left alone\)$/,
      ],
      ['empty.json', '', /^not a manifest: empty JSON file \(left alone\)$/],
      [
        'labels.jsonl',
        '{"id": 1, "label": "normal"}\n{"id": 2, "label": "effusion"}\n',
        /^not a manifest: no image column .* \(left alone\)$/,
      ],
      ['empty.csv', '', /^not a manifest: empty CSV \(no header row\) \(left alone\)$/],
      ['header-only.csv', 'id,image,report\n', /^manifest has no rows$/],
    ];
    for (const [name, content, reason] of cases) {
      it(name, async () => {
        const folder = join(root, `bad-${name.replace('.', '-')}`);
        await mkdir(folder, { recursive: true });
        await writeFile(join(folder, name), content);
        const d = await discover(folder);
        assert.deepEqual(d.pairs, []);
        const mine = d.skipped.filter((s) => s.path.startsWith(join(folder, name)));
        assert.equal(mine.length, 1, JSON.stringify(d.skipped, null, 1));
        assert.match(mine[0].reason, reason);
        assert.equal(mine[0].path, join(folder, name));
      });
    }
  });
});
