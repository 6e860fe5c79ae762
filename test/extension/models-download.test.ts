// The catalogue-model downloader against a local HTTP server (127.0.0.1 only): resume with and
// without Range support, dropped connections, checksum and HTTP errors, offline, cancellation,
// one download per model, and the folder check at the end.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CatalogueEntry, downloadableFiles, type DownloadableFile } from '../../src/extension/models/catalogue';
import { downloadModel, type DownloadProgress } from '../../src/extension/models/download';
import { DownloadCancelled, DownloadError } from '../../src/extension/models/download-file';
import { DownloadBusy } from '../../src/extension/models/download-lock';
import { installState, MARKER_FILE, modelDirFor, modelsRoot } from '../../src/extension/models/installed';
import { tinyClipDir } from '../helpers/fixture-models';
import { FileServer, type FileServerOptions } from './models-server';

const NAMES = ['model.json', 'tokenizer.json', 'vision.onnx', 'text.onnx'];
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('model download (local server)', function () {
  this.timeout(30_000);
  let bytes: Map<string, Buffer>;
  let storage: string;
  let server: FileServer | undefined;

  before(async () => {
    bytes = new Map(await Promise.all(NAMES.map(async (n) => [n, await readFile(join(tinyClipDir, n))] as const)));
  });
  beforeEach(async () => {
    storage = await mkdtemp(join(tmpdir(), 'radalign-dl-'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await rm(storage, { recursive: true, force: true });
  });

  function entry(id = 'tiny', override: Partial<Record<string, Partial<DownloadableFile>>> = {}): CatalogueEntry {
    return {
      id,
      name: `Tiny ${id}`,
      description: 'test',
      licence: 'test',
      files: NAMES.map((n) => ({ path: n, size: bytes.get(n)!.length, sha256: sha(bytes.get(n)!), ...override[n] })),
    };
  }

  /** Serves the fixture files under /<id>/ and returns the entry's downloadable files. */
  async function serve(e: CatalogueEntry, options: FileServerOptions = {}, content = bytes, alsoIds: string[] = []): Promise<DownloadableFile[]> {
    const served = new Map([e.id, ...alsoIds].flatMap((id) => [...content].map(([n, b]) => [`/${id}/${n}`, b] as const)));
    server = new FileServer(served, options);
    baseUrl = await server.start();
    return filesOf(e);
  }
  let baseUrl = '';
  function filesOf(e: CatalogueEntry): DownloadableFile[] {
    const files = downloadableFiles(e, `${baseUrl}catalogue.json`);
    assert.ok(files.ok);
    return files.files;
  }

  const dirOf = (id = 'tiny') => modelDirFor(storage, id);

  async function assertInstalled(id = 'tiny') {
    for (const n of NAMES) assert.deepEqual(await readFile(join(dirOf(id), n)), bytes.get(n), n);
    assert.deepEqual((await readdir(dirOf(id))).filter((f) => f.endsWith('.part')), [], 'no .part left');
    assert.equal(await installState(storage, entry(id)), 'installed');
  }

  it('downloads every file, verifies it, checks the folder and marks it installed', async () => {
    const e = entry();
    const files = await serve(e, { ranges: true });
    const seen: DownloadProgress[] = [];
    const dir = await downloadModel(e, files, { globalStorage: storage, onProgress: (p) => seen.push(p) });
    assert.equal(dir, dirOf());
    await assertInstalled();
    const total = NAMES.reduce((n, f) => n + bytes.get(f)!.length, 0);
    assert.ok(seen.every((p, i) => p.total === total && (i === 0 || p.done >= seen[i - 1].done)), 'overall progress only grows');
    assert.deepEqual(seen.at(-1), { file: 'text.onnx', fileDone: bytes.get('text.onnx')!.length, fileTotal: bytes.get('text.onnx')!.length, done: total, total, received: total });
    assert.deepEqual(server!.requests.map((r) => r.path), NAMES.map((n) => `/tiny/${n}`));
    assert.ok(!existsSync(join(modelsRoot(storage), 'tiny.lock')), 'the lock is released');

    // Again: every file is in place and verified, nothing is fetched.
    await downloadModel(e, files, { globalStorage: storage });
    assert.equal(server!.requests.length, NAMES.length);
  });

  it('resumes a dropped connection with a Range request and completes the file', async () => {
    const e = entry();
    const files = await serve(e, { ranges: true, misbehave: { '/tiny/vision.onnx': { after: 50_000, how: 'drop' } } });
    await downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10 });
    await assertInstalled();
    const vision = server!.requests.filter((r) => r.path === '/tiny/vision.onnx');
    assert.deepEqual(vision, [{ path: '/tiny/vision.onnx' }, { path: '/tiny/vision.onnx', range: 'bytes=50000-' }]);
  });

  it('starts the file over when the server ignores Range (200)', async () => {
    const e = entry();
    const files = await serve(e, { ranges: false, misbehave: { '/tiny/vision.onnx': { after: 50_000, how: 'drop' } } });
    const vision: number[] = [];
    await downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10, onProgress: (p) => p.file === 'vision.onnx' && vision.push(p.fileDone) });
    await assertInstalled();
    assert.equal(server!.requests.filter((r) => r.path === '/tiny/vision.onnx' && r.range === 'bytes=50000-').length, 1, 'it asked for the rest');
    assert.ok(vision.includes(0) && vision.lastIndexOf(0) > vision.indexOf(50_000), 'progress went back to 0 for the restart');
  });

  it('without retries reports the drop, keeps the .part, and the next call resumes it', async () => {
    const e = entry();
    const files = await serve(e, { ranges: true, misbehave: { '/tiny/vision.onnx': { after: 50_000, how: 'drop' } } });
    await assert.rejects(downloadModel(e, files, { globalStorage: storage, retries: 0 }), (err: Error) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.file, 'vision.onnx');
      assert.match(err.message, /^vision\.onnx: download from 127\.0\.0\.1:\d+ failed: /);
      return true;
    });
    assert.equal((await stat(join(dirOf(), 'vision.onnx.part'))).size, 50_000);
    assert.equal(await installState(storage, e), 'absent');
    await downloadModel(e, files, { globalStorage: storage, retries: 0 });
    await assertInstalled();
    assert.equal(server!.requests.at(-2)?.range, 'bytes=50000-');
  });

  it('a checksum mismatch deletes the file and names it with both hashes', async () => {
    const wrong = 'ab'.repeat(32);
    const e = entry('tiny', { 'tokenizer.json': { sha256: wrong } });
    const files = await serve(e, { ranges: true });
    await assert.rejects(downloadModel(e, files, { globalStorage: storage }), (err: Error) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.file, 'tokenizer.json');
      assert.ok(err.message.includes(`expected sha256 ${wrong}, got ${sha(bytes.get('tokenizer.json')!)}`), err.message);
      return true;
    });
    assert.ok(!existsSync(join(dirOf(), 'tokenizer.json.part')) && !existsSync(join(dirOf(), 'tokenizer.json')));
    assert.ok(!existsSync(join(dirOf(), 'model.json')), 'nothing is renamed into place before every file is verified');
    assert.equal(await installState(storage, e), 'absent');
  });

  it('a 404 names the file and the status', async () => {
    const e = entry();
    const partial = new Map([...bytes].filter(([n]) => n !== 'text.onnx'));
    const files = await serve(e, { ranges: true }, partial);
    await assert.rejects(downloadModel(e, files, { globalStorage: storage }), /^DownloadError: text\.onnx: http:\/\/127\.0\.0\.1:\d+\/tiny\/text\.onnx answered 404 Not Found$/);
  });

  it('a file of another size than the catalogue says is refused', async () => {
    const e = entry('tiny', { 'model.json': { size: bytes.get('model.json')!.length + 1 } });
    const files = await serve(e, { ranges: true });
    await assert.rejects(downloadModel(e, files, { globalStorage: storage }), /model\.json: the server's file has \d+ bytes, the catalogue says \d+/);
  });

  it('connection refused: says it cannot reach the host and how to do without', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const e = entry();
    const files = downloadableFiles(e, `http://127.0.0.1:${port}/catalogue.json`);
    assert.ok(files.ok);
    const t0 = Date.now();
    await assert.rejects(downloadModel(e, files.files, { globalStorage: storage }), (err: Error) => {
      assert.equal(
        err.message,
        `cannot reach 127.0.0.1:${port} (connection refused): you seem to be offline or the server is down; export the model yourself with tools/export (see docs/models.md) or try again when online`,
      );
      return true;
    });
    assert.ok(Date.now() - t0 < 2000, 'an unreachable host is not retried');
  });

  it('cancelling keeps the .part; the next download resumes from it', async () => {
    const e = entry();
    const files = await serve(e, { ranges: true, misbehave: { '/tiny/vision.onnx': { after: 40_000, how: 'stall' } } });
    const aborter = new AbortController();
    await assert.rejects(
      downloadModel(e, files, { globalStorage: storage, signal: aborter.signal, onProgress: (p) => p.file === 'vision.onnx' && p.fileDone >= 40_000 && aborter.abort() }),
      DownloadCancelled,
    );
    assert.equal((await stat(join(dirOf(), 'vision.onnx.part'))).size, 40_000);
    assert.ok(existsSync(join(dirOf(), 'model.json.part')), 'verified files wait as .part until all are done');
    const before = server!.requests.length;
    await downloadModel(e, files, { globalStorage: storage });
    await assertInstalled();
    const again = server!.requests.slice(before);
    assert.deepEqual(again, [{ path: '/tiny/vision.onnx', range: 'bytes=40000-' }, { path: '/tiny/text.onnx' }], 'only the rest is fetched');
  });

  it('one download per model at a time; another model may download meanwhile', async () => {
    const e = entry();
    const files = await serve(e, { ranges: true, misbehave: { '/tiny/vision.onnx': { after: 1000, how: 'stall' } } }, bytes, ['other']);
    const aborter = new AbortController();
    let stalled!: () => void;
    const atStall = new Promise<void>((r) => (stalled = r));
    const first = downloadModel(e, files, { globalStorage: storage, signal: aborter.signal, onProgress: (p) => p.file === 'vision.onnx' && p.fileDone >= 1000 && stalled() });
    await atStall;
    await assert.rejects(downloadModel(e, files, { globalStorage: storage }), (err: Error) => err instanceof DownloadBusy && /Tiny tiny is already being downloaded/.test(err.message));
    await downloadModel(entry('other'), filesOf(entry('other')), { globalStorage: storage });
    await assertInstalled('other');
    aborter.abort();
    await assert.rejects(first, DownloadCancelled);
    await downloadModel(e, files, { globalStorage: storage });
    await assertInstalled();
  });

  it('a lock left by a dead process is taken over; a live one (another window) is respected', async () => {
    const e = entry();
    const files = await serve(e, { ranges: true });
    await mkdir(modelsRoot(storage), { recursive: true });
    const lock = join(modelsRoot(storage), 'tiny.lock');
    await writeFile(lock, String(process.ppid)); // alive: the process that started mocha
    await assert.rejects(downloadModel(e, files, { globalStorage: storage }), (err: Error) => err instanceof DownloadBusy && err.message.includes(`by process ${process.ppid}`));
    await writeFile(lock, '2147483646'); // no such process
    await downloadModel(e, files, { globalStorage: storage });
    await assertInstalled();
  });

  it('a downloaded folder that is not a usable model is reported naming the file, and not marked installed', async () => {
    const manifest = JSON.parse(bytes.get('model.json')!.toString('utf8')) as { vision: { file: string } };
    manifest.vision.file = 'vision-missing.onnx';
    const broken = new Map(bytes);
    broken.set('model.json', Buffer.from(JSON.stringify(manifest)));
    const e = entry('tiny', { 'model.json': { size: broken.get('model.json')!.length, sha256: sha(broken.get('model.json')!) } });
    const files = await serve(e, { ranges: true }, broken);
    await assert.rejects(downloadModel(e, files, { globalStorage: storage }), (err: Error) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.file, join(dirOf(), 'vision-missing.onnx'));
      assert.match(err.message, /vision-missing\.onnx: file is missing/);
      return true;
    });
    assert.ok(!existsSync(join(dirOf(), MARKER_FILE)));
  });
});
