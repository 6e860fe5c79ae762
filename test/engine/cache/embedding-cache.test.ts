import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingCache, decodeEntry, encodeEntry, hashKey } from '../../../src/engine/cache/embedding-cache';

describe('embedding cache', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'radalign-cache-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const entry = {
    meta: { width: 640, note: 'ü' },
    arrays: [new Float32Array([1, -2.5, 3e-7]), new Float32Array([0.25])],
  };

  async function onlyFile(): Promise<string> {
    const sub = await readdir(dir);
    const files = await readdir(join(dir, sub[0]));
    assert.equal(files.length, 1);
    return join(dir, sub[0], files[0]);
  }

  it('round-trips meta and float arrays exactly', async () => {
    const cache = new EmbeddingCache(dir);
    await cache.put('ab' + 'c'.repeat(62), entry);
    const got = await cache.get<typeof entry.meta>('ab' + 'c'.repeat(62));
    assert.deepEqual(got?.meta, entry.meta);
    assert.deepEqual(
      got?.arrays.map((a) => Array.from(a)),
      entry.arrays.map((a) => Array.from(a)),
    );
    assert.deepEqual(cache.stats, { hits: 1, misses: 0, corrupt: 0, writes: 1 });
  });

  it('a missing key is a miss', async () => {
    const cache = new EmbeddingCache(dir);
    assert.equal(await cache.get(hashKey('nothing')), null);
    assert.equal(cache.stats.misses, 1);
  });

  it('detects a truncated entry, removes it and reports a miss', async () => {
    const cache = new EmbeddingCache(dir);
    const key = hashKey('k');
    await cache.put(key, entry);
    const file = await onlyFile();
    const size = (await readFile(file)).length;
    await truncate(file, size - 5);
    assert.equal(await cache.get(key), null);
    assert.equal(cache.stats.corrupt, 1);
    await assert.rejects(readFile(file), /ENOENT/);
  });

  it('detects a flipped byte inside a float (not a length field): the checksum catches it', async () => {
    const cache = new EmbeddingCache(dir);
    const key = hashKey('k2');
    await cache.put(key, entry);
    const file = await onlyFile();
    const bytes = await readFile(file);
    // magic 8, meta length 4, meta, array count 4, first array's length 4, then its floats.
    const firstFloat = 8 + 4 + bytes.readUInt32LE(8) + 4 + 4;
    assert.equal(bytes.readUInt32LE(firstFloat - 4), 3, 'the offset lands on array 0 (3 floats)');
    assert.equal(bytes.readFloatLE(firstFloat + 4), -2.5, 'and its second float');
    bytes[firstFloat + 4 + 1] ^= 0x10; // a mantissa byte of -2.5: still a finite float, just another one
    assert.ok(Number.isFinite(bytes.readFloatLE(firstFloat + 4)) && bytes.readFloatLE(firstFloat + 4) !== -2.5);
    await writeFile(file, bytes);
    assert.equal(await cache.get(key), null);
    assert.equal(cache.stats.corrupt, 1);
    assert.match(cache.rejected[0], /\.emb: sha256 checksum does not match the contents$/);
    await assert.rejects(readFile(file), /ENOENT/);
  });

  it('rejects garbage and an empty file', () => {
    assert.equal(decodeEntry(Buffer.from('hello world, not an entry at all, really not')), null);
    assert.equal(decodeEntry(Buffer.alloc(0)), null);
    assert.notEqual(decodeEntry(encodeEntry(entry)), null);
  });

  it('a null folder disables caching', async () => {
    const cache = new EmbeddingCache(null);
    await cache.put(hashKey('x'), entry);
    assert.equal(await cache.get(hashKey('x')), null);
    assert.equal(cache.stats.writes, 0);
  });

  it('keys differ when any part differs, and parts cannot run together', () => {
    assert.notEqual(hashKey('ab', 'c'), hashKey('a', 'bc'));
    assert.notEqual(hashKey('model-1', 'text'), hashKey('model-2', 'text'));
    assert.equal(hashKey('a', Buffer.from('b')), hashKey('a', 'b'));
  });
});

describe('cache location and write failures', () => {
  it('defaults to a per-user cache folder outside any dataset, overridable by RADALIGN_CACHE_DIR', async () => {
    const { defaultCacheDir } = await import('../../../src/engine/cache/default-dir');
    assert.equal(defaultCacheDir({ RADALIGN_CACHE_DIR: '/x/y' }, 'linux'), '/x/y');
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/c' }, 'linux'), join('/c', 'radalign'));
    assert.match(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'), /radalign.Cache$/);
  });

  it('an unwritable cache folder stops caching with a reason instead of failing the run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'radalign-cache-ro-'));
    try {
      const blocker = join(dir, 'file');
      await writeFile(blocker, 'not a folder');
      const cache = new EmbeddingCache(join(blocker, 'cache'));
      await cache.put(hashKey('a'), { meta: {}, arrays: [new Float32Array([1])] });
      assert.match(cache.writeError ?? '', /cache not written to .*file.cache/);
      assert.equal(cache.stats.writes, 0);
      assert.equal(await cache.get(hashKey('a')), null);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
