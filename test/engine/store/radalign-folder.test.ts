// `.radalign/` is written only as a real folder of regular files: planted links are refused
// and the files they point to are never read, written, or copied into the dataset.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReviewStore } from '../../../src/engine/review';
import { hostTag } from '../../../src/engine/store/owner';
import {
  readRadalignFile,
  RefusedPathError,
  removeAbandonedTemps,
  writeRadalignFile,
} from '../../../src/engine/store/radalign-folder';
import { radalignLocation } from '../../../src/engine/results-store/location';
import { StoreWriter } from '../../../src/engine/results-store/results-store';
import { deadPid } from '../../helpers/processes';

const flag = {
  kind: 'verdict' as const,
  pair: 'p1',
  verdict: 'mismatched' as const,
  reason: 'other' as const,
  note: '',
  reviewer: 'ann',
  model: 'm',
};

describe('.radalign folder: never through a link', () => {
  let tmp: string;
  let root: string;
  let outside: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'radalign-dotfolder-'));
    root = join(tmp, 'ds');
    outside = join(tmp, 'outside');
    await mkdir(root);
    await mkdir(outside);
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  it('a review.jsonl that is a symlink to a file outside is neither read, written, nor copied in', async () => {
    const victim = join(outside, 'victim.txt');
    await writeFile(victim, 'precious\n{"not": "a review line"}\n');
    await mkdir(join(root, '.radalign'));
    await symlink(victim, join(root, '.radalign', 'review.jsonl'));
    const store = new ReviewStore(root);
    await assert.rejects(
      store.load(),
      (e: unknown) => e instanceof RefusedPathError && /review\.jsonl: is a symbolic link/.test(e.message),
    );
    await assert.rejects(
      store.record(flag),
      (e: unknown) => e instanceof RefusedPathError && e.path === join(root, '.radalign', 'review.jsonl'),
    );
    assert.equal(await readFile(victim, 'utf8'), 'precious\n{"not": "a review line"}\n', 'the target is untouched');
    const inside = await readdir(join(root, '.radalign'));
    assert.ok(
      !inside.some((f) => f.includes('unreadable') || f.includes('.tmp-')),
      `nothing copied into the dataset: ${inside.join()}`,
    );
  });

  it('a .radalign that is a symlink to a folder outside is refused, and nothing is written there', async () => {
    await symlink(outside, join(root, '.radalign'));
    await assert.rejects(
      new ReviewStore(root).record(flag),
      (e: unknown) => e instanceof RefusedPathError && /\.radalign: is a symbolic link, not a folder/.test(e.message),
    );
    await assert.rejects(writeRadalignFile(root, 'results.json', '{}'), RefusedPathError);
    await assert.rejects(readRadalignFile(root, 'results.json'), RefusedPathError);
    assert.deepEqual(await readdir(outside), [], 'no lock, temporary or data file outside');
  });

  it('a .radalign that is a file, or a results.json that is a folder or a link, is refused with its name', async () => {
    await writeFile(join(root, '.radalign'), 'x');
    await assert.rejects(writeRadalignFile(root, 'results.json', '{}'), /\.radalign: is not a folder/);
    await rm(join(root, '.radalign'));
    await mkdir(join(root, '.radalign', 'results.json'), { recursive: true });
    await assert.rejects(writeRadalignFile(root, 'results.json', '{}'), /results\.json: is not a regular file/);
    await rm(join(root, '.radalign', 'results.json'), { recursive: true });
    await writeFile(join(outside, 'r.json'), 'outside');
    await symlink(join(outside, 'r.json'), join(root, '.radalign', 'results.json'));
    await assert.rejects(writeRadalignFile(root, 'results.json', '{}'), /results\.json: is a symbolic link/);
    await assert.rejects(readRadalignFile(root, 'results.json'), /results\.json: is a symbolic link/);
    assert.equal(await readFile(join(outside, 'r.json'), 'utf8'), 'outside');
  });

  it('writes atomically into a fresh folder with a .gitignore for locks and temporary files', async () => {
    await writeRadalignFile(root, 'results.json', '{"a":1}\n');
    assert.equal(await readRadalignFile(root, 'results.json'), '{"a":1}\n');
    await writeRadalignFile(root, 'results.json', '{"a":2}\n');
    assert.equal(await readRadalignFile(root, 'results.json'), '{"a":2}\n');
    assert.deepEqual((await readdir(join(root, '.radalign'))).sort(), ['.gitignore', 'results.json']);
    assert.match(await readFile(join(root, '.radalign', '.gitignore'), 'utf8'), /\*\.lock\.\*\n\*\.tmp-\*/);
    assert.equal(await readRadalignFile(root, 'missing.json'), undefined);
  });

  it('removes temporary files of writers that are gone, keeps those of running ones', async () => {
    const dir = join(root, '.radalign');
    await mkdir(dir);
    const dead = `review.jsonl.tmp-${hostTag()}-${deadPid()}-0a0b0c0d`;
    const live = `review.jsonl.tmp-${hostTag()}-${process.pid}-0a0b0c0d`;
    const foreignOld = 'review.jsonl.tmp-ffffffff-12-0a0b0c0d';
    const foreignNew = 'review.jsonl.tmp-eeeeeeee-12-0a0b0c0d';
    for (const f of [dead, live, foreignOld, foreignNew, 'results.json.tmp-ffffffff-1-x'])
      await writeFile(join(dir, f), 'x');
    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 3600 * 1000);
    await utimes(join(dir, foreignOld), twoDaysAgo, twoDaysAgo);
    assert.equal(await removeAbandonedTemps(dir, 'review.jsonl'), 2);
    assert.deepEqual((await readdir(dir)).sort(), [live, foreignNew, 'results.json.tmp-ffffffff-1-x'].sort());
  });

  it('loading the review file, and saving results, remove what writers killed mid-write left behind', async () => {
    const dir = join(root, '.radalign');
    await mkdir(dir);
    const pid = deadPid();
    const left = [
      `review.jsonl.tmp-${hostTag()}-${pid}-0a0b0c0d`,
      `review.jsonl.tmp-${hostTag()}-${pid}-01020304.lock`,
      `results.json.tmp-${hostTag()}-${pid}-0a0b0c0d`,
    ];
    for (const f of left) await writeFile(join(dir, f), 'half');
    await new ReviewStore(root).load();
    assert.deepEqual((await readdir(dir)).sort(), [left[2]], 'review temporaries removed on load');
    const store = await StoreWriter.create(radalignLocation(root), 2);
    const model = { id: 'm', name: 'm', identity: 'i', layout: 'radalign', heatmapKind: 'patch' as const, embedDim: 2 };
    const run = {
      folder: root,
      startedAt: '',
      seconds: 0,
      imagesEncoded: 0,
      textsEncoded: 0,
      cache: { dir: null, hits: 0, misses: 0, corrupt: 0, writes: 0 },
    };
    await store.commit({ model, run, skipped: [], settingsKey: '' });
    assert.deepEqual(
      (await readdir(dir)).filter((n) => !n.startsWith(`results.${store.generation}.`)).sort(),
      ['results.json'],
      'results temporaries removed on save',
    );
  });
});
