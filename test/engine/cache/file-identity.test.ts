// The file identity index (cache/file-identity.ts): an unchanged image is recognised from its
// status (device, inode, size, mtime, ctime) without being opened; any change makes it read and
// hashed again; a racy, stale or corrupt record costs a read, never a wrong embedding. Real files,
// real stat() results, the tiny fixture model.
import assert from 'node:assert/strict';
import * as fsp from 'node:fs/promises';
import { existsSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { EmbeddingCache, hashKey } from '../../../src/engine/cache/embedding-cache';
import {
  FILE_IDENTITY_NAME,
  FileIdentityIndex,
  type FileStamp,
  RECORD_BYTES,
  stampOf,
} from '../../../src/engine/cache/file-identity';
import { loadModel } from '../../../src/engine/model';
import type { ClipModel } from '../../../src/engine/model/types';
import {
  IMAGE_PIPELINE_VERSION,
  ImageFeatureStore,
  type ImageFeatures,
} from '../../../src/engine/pipeline/image-features';
import { planCases, renderCase } from '../../../src/sample/synthetic-dataset';
import { countOpens } from '../../helpers/count-opens';
import { tinyClipDir } from '../../helpers/fixture-models';
import { makeTempDir } from '../../helpers/image-fixtures';

const temp = makeTempDir('file-identity');
after(temp.remove);
let dirs = 0;
const freshDir = (): string => join(temp.dir, `d${++dirs}`);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const H = (c: string): string => c.repeat(64);
const NS = 1_000_000n;

/** When this suite loaded: stamps made from it are the same whenever they are made. */
const LOADED = Date.now();

/** A stamp of a file last changed `agoMs` before the suite loaded. */
function stamp(agoMs: number, over: Partial<FileStamp> = {}): FileStamp {
  const t = BigInt(LOADED - agoMs) * NS;
  return { dev: 2049n, ino: 1234n, size: 5000n, mtimeNs: t, ctimeNs: t, ...over };
}

describe('engine/cache: FileIdentityIndex', () => {
  it('a recorded stamp is found again after flush and load; a change in any field, or another path, is not', async () => {
    const dir = freshDir();
    const index = new FileIdentityIndex(dir);
    await index.load();
    const s = stamp(60_000);
    assert.equal(index.record('/data/a.png', s, H('a'), Date.now()), true);
    assert.equal(index.lookup('/data/a.png', s), H('a'), 'known before flushing');
    await index.flush();
    assert.ok(existsSync(join(dir, FILE_IDENTITY_NAME)));

    const again = new FileIdentityIndex(dir);
    await again.load();
    assert.equal(again.problem, null);
    assert.equal(again.lookup('/data/a.png', s), H('a'));
    assert.equal(again.lookup('/data/b.png', s), null);
    for (const field of ['dev', 'ino', 'size', 'mtimeNs', 'ctimeNs'] as const) {
      assert.equal(again.lookup('/data/a.png', { ...s, [field]: s[field] + 1n }), null, `${field} changed by one`);
    }
  });

  it('a file changed within RACY margin of when its status was taken is not recorded (mtime or ctime)', async () => {
    const index = new FileIdentityIndex(freshDir(), { racyMarginMs: 3000 });
    await index.load();
    // Times relative to this moment (stamp() is relative to when the file loaded, long ago in a full run).
    const now = Date.now();
    const at = (agoMs: number): FileStamp => ({
      ...stamp(0),
      mtimeNs: BigInt(now - agoMs) * NS,
      ctimeNs: BigInt(now - agoMs) * NS,
    });
    assert.equal(index.record('/x/fresh.png', at(1000), H('1'), now), false);
    assert.equal(index.lookup('/x/fresh.png', at(1000)), null);
    // Old content time, but the status changed a moment ago (utimes, chmod): still racy.
    const old = at(60_000);
    assert.equal(index.record('/x/touched.png', { ...old, ctimeNs: BigInt(now - 500) * NS }, H('2'), now), false);
    assert.equal(index.record('/x/settled.png', old, H('3'), now), true);
    // A racy read forgets what was known of the path.
    assert.equal(index.record('/x/settled.png', at(100), H('4'), now), false);
    assert.equal(index.lookup('/x/settled.png', old), null);
  });

  for (const [what, damage] of [
    ['one byte of a record flipped', (b: Buffer) => ((b[16 + 40] ^= 0xff), b)],
    ['cut short', (b: Buffer) => b.subarray(0, b.length - 50)],
    ['the seal alone altered', (b: Buffer) => ((b[b.length - 1] ^= 1), b)],
    ['another file entirely', () => Buffer.from('{"not": "an index"}')],
    ['records of another size', (b: Buffer) => (b.writeUInt32LE(RECORD_BYTES + 8, 8), b)],
  ] as const) {
    it(`an index file ${what} is ignored (a cold start, with the reason) and rewritten whole at the next flush`, async () => {
      const dir = freshDir();
      const first = new FileIdentityIndex(dir);
      await first.load();
      for (let i = 0; i < 5; i++)
        first.record(`/data/${i}.png`, stamp(60_000, { ino: BigInt(i) }), H(String(i)), Date.now());
      await first.flush();
      const file = join(dir, FILE_IDENTITY_NAME);
      writeFileSync(file, damage(readFileSync(file)));

      const damaged = new FileIdentityIndex(dir);
      await damaged.load();
      assert.match(damaged.problem ?? '', /ignored, rebuilt at the next flush$/);
      assert.equal(damaged.size, 0);
      assert.equal(damaged.lookup('/data/1.png', stamp(60_000, { ino: 1n })), null);
      damaged.record('/data/9.png', stamp(60_000, { ino: 9n }), H('9'), Date.now());
      await damaged.flush();
      const rebuilt = new FileIdentityIndex(dir);
      await rebuilt.load();
      assert.equal(rebuilt.problem, null);
      assert.equal(rebuilt.size, 1);
      assert.equal(rebuilt.lookup('/data/9.png', stamp(60_000, { ino: 9n })), H('9'));
    });
  }

  it('a flush merges with what another process flushed since this one loaded; this one wins for the paths it recorded', async () => {
    const dir = freshDir();
    const [a, b] = [new FileIdentityIndex(dir), new FileIdentityIndex(dir)];
    await Promise.all([a.load(), b.load()]);
    const s = stamp(60_000);
    a.record('/a-only.png', s, H('a'), Date.now());
    a.record('/both.png', s, H('a'), Date.now());
    b.record('/b-only.png', s, H('b'), Date.now());
    b.record('/both.png', s, H('b'), Date.now());
    await a.flush();
    await b.flush();
    const merged = new FileIdentityIndex(dir);
    await merged.load();
    assert.deepEqual(
      ['/a-only.png', '/b-only.png', '/both.png'].map((p) => merged.lookup(p, s)),
      [H('a'), H('b'), H('b')],
    );
  });

  it('forgets a path on request, and drops records unused for MAX_AGE_DAYS (a lookup counts as use)', async () => {
    const dir = freshDir();
    const day = 86_400_000;
    const at = (d: number) => () => Date.UTC(2030, 0, 1) + d * day;
    const s = stamp(60_000);
    const day0 = new FileIdentityIndex(dir, { now: at(0) });
    await day0.load();
    for (const name of ['kept', 'used', 'unused', 'forgotten']) day0.record(`/d/${name}.png`, s, H('e'), Date.now());
    await day0.flush();

    const day100 = new FileIdentityIndex(dir, { now: at(100) });
    await day100.load();
    assert.equal(day100.lookup('/d/used.png', s), H('e'));
    day100.forget('/d/forgotten.png');
    day100.record('/d/kept.png', s, H('f'), Date.now());
    await day100.flush();

    const day200 = new FileIdentityIndex(dir, { now: at(200) });
    await day200.load();
    day200.record('/d/new.png', s, H('0'), Date.now()); // something to flush
    await day200.flush();
    const later = new FileIdentityIndex(dir, { now: at(200) });
    await later.load();
    const known = (name: string) => later.lookup(`/d/${name}.png`, s);
    assert.deepEqual(
      ['kept', 'used', 'unused', 'forgotten', 'new'].map(known),
      [H('f'), H('e'), null, null, H('0')],
      'unused since day 0 is 200 days old at day 200; used and kept were touched on day 100',
    );
  });

  it('an unwritable folder is a write error kept for the run, never a failure', async () => {
    const blocker = join(freshDir());
    writeFileSync(blocker, 'a file where the cache folder should be');
    const index = new FileIdentityIndex(join(blocker, 'cache'));
    await index.load();
    index.record('/x.png', stamp(60_000), H('a'), Date.now());
    await index.flush();
    assert.match(index.writeError ?? '', /file identity index not written to/);
  });
});

describe('engine/pipeline: ImageFeatureStore recognises unchanged images by their status', function () {
  this.timeout(120_000);
  let model: ClipModel;
  let data: string;
  let cacheDir: string;
  let paths: string[];
  let reference: Map<string, ImageFeatures | Error>;
  const identity = (): FileIdentityIndex => new FileIdentityIndex(cacheDir, { racyMarginMs: 50 });
  const store = (id: FileIdentityIndex | null = identity()): ImageFeatureStore =>
    new ImageFeatureStore(model, new EmbeddingCache(cacheDir), undefined, { identity: id });
  const embedOf = (m: Map<string, ImageFeatures | Error>, p: string): number[] => {
    const f = m.get(p);
    assert.ok(f && !(f instanceof Error), `${p}: ${String(f)}`);
    return [...f.embed];
  };

  /** An uncompressed TIFF of a synthetic radiograph: other pixels give another file of the same size. */
  async function radiographTiff(seed: number): Promise<Buffer> {
    const [c] = planCases({ pairs: 1, seed });
    const { png } = await renderCase(c!, 96);
    return sharp(png).greyscale().tiff({ compression: 'none' }).toBuffer();
  }

  before(async () => {
    model = await loadModel(tinyClipDir);
    data = freshDir();
    cacheDir = freshDir();
    await fsp.mkdir(data);
    paths = [];
    // Modified an hour ago, on a whole second (so a test can set the very same mtime again).
    const wholeSecond = Math.floor(Date.now() / 1000) - 3600;
    for (let i = 0; i < 6; i++) {
      const path = join(data, `img-${i}.tif`);
      writeFileSync(path, await radiographTiff(100 + i));
      utimesSync(path, wholeSecond, wholeSecond);
      paths.push(path);
    }
    await sleep(100); // past the (test's) racy margin
    reference = await new ImageFeatureStore(model, new EmbeddingCache(null)).features(paths, false);
  });
  after(async () => {
    await model.dispose();
  });

  it('first run: every file read and hashed; next run: none opened, all recognised, same features', async () => {
    const first = store();
    const cold = await first.features(paths, false);
    assert.deepEqual(first.files, { hashed: 6, recognised: 0 });
    assert.equal(first.encoded, 6);
    await first.flush();
    assert.ok(existsSync(join(cacheDir, FILE_IDENTITY_NAME)), 'the index lives in the cache folder');
    assert.deepEqual(
      readdirSync(data).sort(),
      paths.map((p) => p.slice(data.length + 1)).sort(),
      'nothing written to the dataset folder',
    );

    const opens = countOpens(data);
    let warm;
    const second = store();
    try {
      warm = await second.features(paths, false);
    } finally {
      opens.restore();
    }
    assert.deepEqual(second.files, { hashed: 0, recognised: 6 });
    assert.equal(opens.count(), 0, `opened: ${opens.paths.join(', ')}`);
    assert.equal(second.encoded, 0);
    for (const p of paths) assert.deepEqual(embedOf(warm, p), embedOf(cold, p));
    for (const p of paths) assert.deepEqual(embedOf(warm, p), embedOf(reference, p));
  });

  it('the open counter does count: without the index every file is opened', async () => {
    const opens = countOpens(data);
    const plain = store(null);
    try {
      await plain.features(paths, false);
    } finally {
      opens.restore();
    }
    assert.equal(opens.count(), 6);
    assert.deepEqual(plain.files, { hashed: 6, recognised: 0 });
  });

  it('new content of the same size with its mtime set back is read again (ctime changed), and embedded as what it now holds', async () => {
    const path = paths[0]!;
    const before = statSync(path, { bigint: true });
    const replacement = await radiographTiff(999);
    assert.equal(replacement.length, Number(before.size), 'same size');
    writeFileSync(path, replacement);
    const wholeSecond = Number(before.mtimeNs / 1_000_000_000n);
    utimesSync(path, wholeSecond, wholeSecond); // mtime set back, as `touch -r`, `cp -p`, `rsync -t` do
    const after = statSync(path, { bigint: true });
    assert.deepEqual(
      [after.dev, after.ino, after.size, after.mtimeNs],
      [before.dev, before.ino, before.size, before.mtimeNs],
      'all but ctime as before',
    );
    assert.notEqual(after.ctimeNs, before.ctimeNs);
    // Keyed without ctime, the index would hand out the old content's hash: the old embedding.
    const index = identity();
    await index.load();
    assert.equal(
      index.lookup(resolve(path), { ...stampOf(after), ctimeNs: before.ctimeNs }),
      hashKey(await radiographTiff(100)),
    );
    await sleep(100);

    const run = store();
    const opens = countOpens(data);
    let features;
    try {
      features = await run.features(paths, false);
    } finally {
      opens.restore();
    }
    assert.deepEqual(run.files, { hashed: 1, recognised: 5 });
    assert.deepEqual(opens.paths, [path]);
    assert.equal(run.encoded, 1);
    const truth = await new ImageFeatureStore(model, new EmbeddingCache(null)).features([path], false);
    assert.deepEqual(embedOf(features, path), embedOf(truth, path));
    assert.notDeepEqual(embedOf(features, path), embedOf(reference, path));
    await run.flush();
    reference.set(path, truth.get(path)!);
  });

  it('only the mtime changed: read and hashed again, its cache entry still used', async () => {
    const path = paths[1]!;
    utimesSync(path, new Date(), new Date(Date.now() - 3_600_000));
    await sleep(100);
    const run = store();
    const features = await run.features(paths, false);
    assert.deepEqual(run.files, { hashed: 1, recognised: 5 });
    assert.equal(run.encoded, 0);
    assert.deepEqual(embedOf(features, path), embedOf(reference, path));
    await run.flush();
    const next = store();
    await next.features(paths, false);
    assert.deepEqual(next.files, { hashed: 0, recognised: 6 }, 'the new stamp was recorded');
  });

  it('a corrupt index file is ignored: every file hashed, the same features, and a sound index written', async () => {
    const file = join(cacheDir, FILE_IDENTITY_NAME);
    const bytes = readFileSync(file);
    bytes[20] ^= 0x55;
    writeFileSync(file, bytes);
    const run = store();
    const features = await run.features(paths, false);
    assert.match(run.identity?.problem ?? '', /sha256 checksum does not match/);
    assert.deepEqual(run.files, { hashed: 6, recognised: 0 });
    assert.equal(run.encoded, 0, 'the cache entries themselves are intact');
    for (const p of paths) assert.deepEqual(embedOf(features, p), embedOf(reference, p));
    await run.flush();
    const next = store();
    await next.features(paths, false);
    assert.equal(next.identity?.problem, null);
    assert.deepEqual(next.files, { hashed: 0, recognised: 6 });
  });

  it('a stale record (status matches, hash is of other content) costs a read: the entry is made from, and keyed by, the bytes read', async () => {
    const path = paths[2]!;
    const trueKey = hashKey('image', IMAGE_PIPELINE_VERSION, model.info.identity, hashKey(readFileSync(path)));
    await fsp.rm(new EmbeddingCache(cacheDir).pathOf(trueKey));
    const stale = identity();
    await stale.load();
    const status = await fsp.stat(resolve(path), { bigint: true });
    assert.equal(stale.record(resolve(path), stampOf(status), H('e'), Date.now()), true);
    await stale.flush();

    const run = store();
    const features = await run.features(paths, false);
    assert.deepEqual(run.files, { hashed: 0, recognised: 6 }, 'trusted from its status');
    assert.equal(
      run.encoded,
      1,
      'no entry under the stale hash (nor under the true one, removed above): decoded and embedded',
    );
    assert.deepEqual(embedOf(features, path), embedOf(reference, path));
    assert.ok(existsSync(new EmbeddingCache(cacheDir).pathOf(trueKey)), 'stored under the hash of its content');
    await run.flush();
    const next = store();
    await next.features(paths, false);
    assert.deepEqual([next.files, next.encoded], [{ hashed: 0, recognised: 6 }, 0], 'the record was corrected');
  });

  it('with the default margin, a file written a moment ago is hashed on every run until its times settle', async () => {
    const path = join(data, 'just-written.tif');
    writeFileSync(path, await radiographTiff(4242));
    for (let run = 0; run < 2; run++) {
      const s = new ImageFeatureStore(model, new EmbeddingCache(cacheDir));
      await s.features([path], false);
      await s.flush();
      assert.deepEqual(s.files, { hashed: 1, recognised: 0 }, `run ${run}`);
    }
  });

  it('without a cache folder there is no index, and no file is written anywhere', async () => {
    const s = new ImageFeatureStore(model, new EmbeddingCache(null));
    assert.equal(s.identity, null);
    await s.features(paths, false);
    await s.flush();
    assert.deepEqual(s.files, { hashed: 6, recognised: 0 });
  });
});
