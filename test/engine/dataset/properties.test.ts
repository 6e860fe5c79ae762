// Property-based tests (fast-check) of the two places where a dataset's own text decides what
// is read: the manifest readers (every row, however odd, becomes a pair or a reason, never both,
// never neither, never an exception) and the path gate (no path outside the folder is accepted,
// whatever `..`, separators, absolute spellings or symlinks it uses).
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import fc from 'fast-check';
import type { Skip } from '../../../src/engine/dataset/layouts/types';
import { createLimiter } from '../../../src/engine/concurrency';
import { readManifestFile } from '../../../src/engine/dataset/manifest-file';
import {
  type DatasetRoot,
  isWithin,
  locateDatasetFile,
  openRoot,
  resolveDatasetFile,
} from '../../../src/engine/dataset/paths';
import { knownFiles, walkTree } from '../../../src/engine/dataset/walk';

const RUNS = 200;
const OUTSIDE = 'OUTSIDE-MARKER';
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
);

// `<tmp>/ds` is the dataset; `<tmp>/ds-evil` (a sibling sharing the name as a prefix) and
// `<tmp>/out` lie outside it. Links inside point both ways.
let tmp: string;
let root: DatasetRoot;
before(async () => {
  tmp = await realpath(await mkdtemp(join(tmpdir(), 'radalign-props-')));
  const ds = join(tmp, 'ds');
  const put = async (path: string, data: string | Buffer) => {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  };
  await put(join(ds, 'a.png'), PNG);
  await put(join(ds, 'img', 'b.png'), PNG);
  await put(join(ds, 'sub', 'c.png'), PNG);
  await put(join(ds, 'sub', 'r.txt'), 'Inside report.');
  await put(join(ds, 'r.txt'), 'Inside report.');
  for (const dir of ['ds-evil', 'out']) {
    await put(join(tmp, dir, 'a.png'), OUTSIDE);
    await put(join(tmp, dir, 'r.txt'), OUTSIDE);
  }
  await put(join(tmp, 'a.png'), OUTSIDE);
  await symlink(join(ds, 'img', 'b.png'), join(ds, 'in-link.png'));
  await symlink(join(tmp, 'out', 'a.png'), join(ds, 'out-link.png'));
  await symlink(join(tmp, 'out', 'r.txt'), join(ds, 'sub', 'out-link.txt'));
  await symlink(join(tmp, 'out'), join(ds, 'out-dir'));
  await symlink(join(ds, 'sub'), join(ds, 'in-dir'));
  await symlink(join(tmp, 'nowhere.png'), join(ds, 'broken.png'));
  root = await openRoot(ds);
});
after(() => rm(tmp, { recursive: true, force: true }));

// ---------------------------------------------------------------- generators

const NAMES = [
  'a.png',
  'b.png',
  'c.png',
  'r.txt',
  'img',
  'sub',
  'ds',
  'ds-evil',
  'out',
  'in-link.png',
  'out-link.png',
  'out-link.txt',
  'out-dir',
  'in-dir',
  'broken.png',
  'nope.png',
  '..',
  '.',
  '...',
  '..a.png',
];

/** A path as a manifest might spell it: segments, `..` chains, mixed separators, absolute prefixes. */
function pathValue(): fc.Arbitrary<string> {
  const segments = fc.array(
    fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...NAMES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 6 }) },
    ),
    { minLength: 1, maxLength: 6 },
  );
  const separator = fc.constantFrom('/', '\\', '//', '/./');
  const prefix = fc.constantFrom(
    '',
    '',
    '',
    './',
    '../',
    '../../',
    '/',
    () => `${tmp}/`,
    () => `${tmp}/ds/`,
    () => `${tmp}/ds-evil/`,
    () => `${tmp}\\ds\\`,
  );
  const spelled = fc
    .tuple(prefix, segments, separator)
    .map(([p, segs, s]) => (typeof p === 'function' ? p() : p) + segs.join(s));
  // Spellings that reach a file (inside or out), so acceptance is exercised as much as refusal.
  const near = fc.constantFrom(
    'a.png',
    './a.png',
    'img/b.png',
    'img\\b.png',
    'sub/c.png',
    'in-link.png',
    'in-dir/c.png',
    'sub/r.txt',
    'img/../a.png',
    '../ds/a.png',
    '../ds-evil/a.png',
    '../a.png',
    'out-dir/a.png',
    'out-link.png',
    'sub/out-link.txt',
    'broken.png',
  );
  const absolute = fc
    .constantFrom('a.png', 'img/b.png', 'in-link.png', 'out-dir/a.png', '../ds-evil/a.png', '../out/r.txt')
    .map((v) => `${tmp}/ds/${v}`);
  return fc.oneof(
    { weight: 3, arbitrary: spelled },
    { weight: 2, arbitrary: near },
    { weight: 1, arbitrary: absolute },
  );
}

/** A CSV cell written as is or quoted, whatever it holds. */
function csvCell(value: string, quote: boolean): string {
  return quote || /[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
}

const reportValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '   ',
    'Clear lungs, no effusion.',
    'He said "normal".\nNext line.',
    'r.txt',
    'sub/r.txt',
    'missing.txt',
    '../out/r.txt',
    'sub/out-link.txt',
  ),
  pathValue(),
);
const imageValue = fc.oneof(
  { weight: 3, arbitrary: pathValue() },
  { weight: 1, arbitrary: fc.tuple(pathValue(), pathValue()).map(([x, y]) => `${x};${y}`) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', 'a.png', 'img/b.png', 'b.png') },
);

// ---------------------------------------------------------------- (a) manifest readers

/** Each data row's outcome: its candidate (at most one) and its skips. */
function byRow(
  file: string,
  read: Awaited<ReturnType<typeof readManifestFile>>,
): Map<string, { pairs: number; skips: Skip[] }> {
  const rows = new Map<string, { pairs: number; skips: Skip[] }>();
  const at = (where: string) => {
    let r = rows.get(where);
    if (!r) rows.set(where, (r = { pairs: 0, skips: [] }));
    return r;
  };
  if (!read.ok) return rows;
  for (const c of read.candidates) at(c.where!).pairs++;
  for (const s of read.skips) {
    assert.ok(s.path.startsWith(`${file}#`), `a skip not about a row: ${JSON.stringify(s)}`);
    at(s.path).skips.push(s);
  }
  return rows;
}

/** The property every row must have: a pair (with at most notes on images left out) or reasons, never both, never neither. */
function assertEachRowAccounted(
  file: string,
  labels: string[],
  read: Awaited<ReturnType<typeof readManifestFile>>,
): void {
  const rows = byRow(file, read);
  for (const label of labels) {
    const row = rows.get(`${file}#${label}`);
    assert.ok(row, `${label}: neither a pair nor a reason`);
    assert.ok(row.pairs <= 1, `${label}: ${row.pairs} pairs`);
    if (row.pairs === 1) {
      for (const s of row.skips)
        assert.match(
          s.reason,
          /; the row's other images are used$/,
          `${label} is a pair and also skipped: ${s.reason}`,
        );
    } else {
      assert.ok(row.skips.length > 0, `${label}: no pair and no reason`);
      for (const s of row.skips) assert.ok(s.reason.trim().length > 5, `${label}: reason "${s.reason}"`);
    }
  }
  assert.equal(rows.size, labels.length, `outcomes for rows that do not exist: ${[...rows.keys()].join(', ')}`);
  if (read.ok) {
    for (const c of read.candidates) {
      for (const image of c.pair.images) assert.ok(isWithin(root.path, image), `image outside: ${image}`);
      if (c.pair.report.kind === 'file') assert.ok(isWithin(root.path, c.pair.report.path));
      else assert.ok(!c.pair.report.text.includes(OUTSIDE));
    }
  }
}

describe('dataset properties: manifest rows', function () {
  this.timeout(60_000);

  const limits = { maxManifestRows: 1_000_000 };
  const known = async () => knownFiles(await walkTree(root, createLimiter(16), []));

  it(`any CSV row becomes a pair or a skip with a reason, never both, never neither (${RUNS} runs)`, async () => {
    const headers = fc.tuple(
      fc.constantFrom('id', 'study_id', 'UID', null),
      fc.constantFrom('image', 'images', 'image_path', 'Image Path', 'filename'),
      fc.constantFrom('report', 'report_text', 'text', 'findings', 'report_path'),
      fc.boolean(),
    );
    const row = fc.record({
      id: fc.option(fc.string({ maxLength: 8 })),
      image: imageValue,
      report: reportValue,
      cells: fc.integer({ min: 1, max: 4 }),
      quote: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }),
    });
    const lookup = await known();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        headers,
        fc.array(row, { minLength: 1, maxLength: 12 }),
        async ([idName, imageName, reportName, reversed], rows) => {
          const columns = [...(idName ? [idName] : []), imageName, reportName];
          if (reversed) columns.reverse();
          const lines = [columns.join(',')];
          for (const r of rows) {
            const byName: Record<string, string> = { [imageName]: r.image, [reportName]: r.report };
            if (idName) byName[idName] = r.id ?? '';
            // Missing columns: a row may stop early (csv-parse's relax_column_count keeps it).
            const cells = columns
              .slice(0, Math.min(r.cells, columns.length))
              .map((c, i) => csvCell(byName[c], r.quote[i]));
            lines.push(cells.join(','));
          }
          const file = join(root.path, `props-${n++}.csv`);
          const eol = n % 2 ? '\n' : '\r\n';
          await writeFile(file, lines.join(eol) + eol);
          try {
            for (const lookupNow of [lookup, undefined]) {
              const read = await readManifestFile(root, file, limits, lookupNow);
              assert.ok(
                read.ok,
                `a CSV with image and report columns is a manifest: ${read.ok ? '' : read.problem}\n${JSON.stringify(lines)}`,
              );
              assertEachRowAccounted(
                file,
                rows.map((_, i) => `row ${i + 1}`),
                read,
              );
            }
          } finally {
            await rm(file);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`any JSONL line becomes a pair or a skip with a reason, never both, never neither (${RUNS} runs)`, async () => {
    const keyName = fc.constantFrom(
      'id',
      'image',
      'images',
      'image_path',
      'filename',
      'report',
      'report_path',
      'text',
      'findings',
      'impression',
      'folder',
      'split',
      'other',
    );
    const value = fc.oneof(
      imageValue,
      reportValue,
      fc.array(pathValue(), { maxLength: 3 }),
      fc.integer(),
      fc.constant(null),
      fc.boolean(),
      fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }),
    );
    const objectLine = fc.dictionary(keyName, value, { maxKeys: 6 }).map((o) => JSON.stringify(o));
    const oddLine = fc.oneof(
      fc.constantFrom(
        '{"id": ',
        '[1, 2]',
        '"just a string"',
        '42',
        'null',
        '{"image": "a.png", "report": }',
        'not json at all',
      ),
      fc.string({ minLength: 1, maxLength: 10 }),
    );
    const line = fc
      .oneof({ weight: 5, arbitrary: objectLine }, { weight: 1, arbitrary: oddLine })
      // eslint-disable-next-line no-control-regex -- line breaks of every kind, control characters included
      .filter((l) => l.trim() !== '' && !/[\r\n\u2028\u2029\u0085\u000b\u000c\u001c-\u001e]/.test(l));
    const first = fc.record({ image: imageValue, report: reportValue }).map((o) => JSON.stringify(o));
    const lookup = await known();
    let n = 0;
    await fc.assert(
      fc.asyncProperty(first, fc.array(line, { maxLength: 12 }), async (head, rest) => {
        const lines = [head, ...rest];
        const file = join(root.path, `props-${n++}.jsonl`);
        await writeFile(file, lines.join('\n') + '\n');
        try {
          for (const lookupNow of [lookup, undefined]) {
            const read = await readManifestFile(root, file, limits, lookupNow);
            assert.ok(read.ok, `the first row names an image and a report column: ${read.ok ? '' : read.problem}`);
            assertEachRowAccounted(
              file,
              lines.map((_, i) => `row ${i + 1}`),
              read,
            );
          }
        } finally {
          await rm(file);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------- (b) path gate

describe('dataset properties: the path gate', function () {
  this.timeout(60_000);

  it(`isWithin agrees with a plain prefix test on resolved paths (${RUNS * 5} runs)`, () => {
    const segment = fc.constantFrom('ds', 'ds-evil', 'dsx', 'd', 's', '..', '.', 'a', '..a', 'a..', '');
    const path = fc
      .tuple(fc.constantFrom('/data', '/data/ds', '/', '/data/ds/'), fc.array(segment, { maxLength: 6 }))
      .map(([base, segs]) => [base, ...segs].join('/'));
    fc.assert(
      fc.property(path, path, (parent, child) => {
        const p = resolve(parent);
        const c = resolve(child);
        const expected = c === p || c.startsWith(p.endsWith(sep) ? p : p + sep);
        assert.equal(isWithin(parent, child), expected, `isWithin(${parent}, ${child})`);
      }),
      { numRuns: RUNS * 5 },
    );
  });

  it(`resolveDatasetFile / locateDatasetFile never accept a file outside the folder (${RUNS} runs, with and without the walk's knowledge)`, async () => {
    const lookup = knownFiles(await walkTree(root, createLimiter(16), []));
    const bases = fc.constantFrom(
      [root.path],
      [join(root.path, 'sub'), root.path],
      [join(root.path, 'img'), join(root.path, 'sub'), root.path],
    );
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(pathValue(), bases, async (value, baseList) => {
        const plain = await resolveDatasetFile(root, value, baseList);
        for (const known of [lookup, undefined]) {
          const found = await locateDatasetFile(root, value, baseList, known);
          assert.equal(found.ok, plain.ok, `the walk's knowledge changes nothing: ${value}`);
          if (!found.ok) {
            assert.ok(found.reason.length > 5);
            continue;
          }
          accepted++;
          assert.ok(
            isWithin(root.path, found.path) || isWithin(root.real, found.path),
            `lexically outside: ${value} → ${found.path}`,
          );
          const real = await realpath(found.path);
          assert.ok(isWithin(root.real, real), `really outside: ${value} → ${found.path} → ${real}`);
          assert.equal(found.real, real, `the key is the real path: ${value}`);
          assert.notEqual(
            await readFile(found.path, 'utf8').catch(() => ''),
            OUTSIDE,
            `read outside text through ${value}`,
          );
        }
      }),
      { numRuns: RUNS },
    );
    assert.ok(accepted > 10, `the generator reaches files inside too (accepted ${accepted})`);
    console.log(
      `      ${accepted} of ${RUNS * 2} resolutions accepted (each checked inside by realpath), the rest refused with a reason`,
    );
  });
});
