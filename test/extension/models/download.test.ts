// The catalogue-model downloader against a local HTTP server (127.0.0.1 only): resume with and
// without Range support, dropped connections, checksum and HTTP errors, offline, cancellation,
// one download per model, and the folder check at the end; and its bounds: never more bytes than
// listed, redirects checked hop by hop and counted, bounded retries for 5xx only.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CatalogueEntry, downloadableFiles, type DownloadableFile } from '../../../src/extension/models/catalogue';
import { downloadModel, type DownloadProgress } from '../../../src/extension/models/download';
import { DownloadCancelled, DownloadError } from '../../../src/extension/models/download-file';
import { DownloadBusy } from '../../../src/extension/models/download-lock';
import { installState, MARKER_FILE, modelDirFor, modelsRoot } from '../../../src/extension/models/installed';
import { tinyClipDir } from '../../helpers/fixture-models';
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
  async function serve(
    e: CatalogueEntry,
    options: FileServerOptions = {},
    content = bytes,
    alsoIds: string[] = [],
  ): Promise<DownloadableFile[]> {
    const served = new Map(
      [e.id, ...alsoIds].flatMap((id) => [...content].map(([n, b]) => [`/${id}/${n}`, b] as const)),
    );
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
    assert.deepEqual(
      (await readdir(dirOf(id))).filter((f) => f.endsWith('.part')),
      [],
      'no .part left',
    );
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
    assert.ok(
      seen.every((p, i) => p.total === total && (i === 0 || p.done >= seen[i - 1].done)),
      'overall progress only grows',
    );
    assert.deepEqual(seen.at(-1), {
      file: 'text.onnx',
      fileDone: bytes.get('text.onnx')!.length,
      fileTotal: bytes.get('text.onnx')!.length,
      done: total,
      total,
      received: total,
    });
    assert.deepEqual(
      server!.requests.map((r) => r.path),
      NAMES.map((n) => `/tiny/${n}`),
    );
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
    await downloadModel(e, files, {
      globalStorage: storage,
      retryDelayMs: 10,
      onProgress: (p) => p.file === 'vision.onnx' && vision.push(p.fileDone),
    });
    await assertInstalled();
    assert.equal(
      server!.requests.filter((r) => r.path === '/tiny/vision.onnx' && r.range === 'bytes=50000-').length,
      1,
      'it asked for the rest',
    );
    assert.ok(
      vision.includes(0) && vision.lastIndexOf(0) > vision.indexOf(50_000),
      'progress went back to 0 for the restart',
    );
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
      assert.ok(
        err.message.includes(`expected sha256 ${wrong}, got ${sha(bytes.get('tokenizer.json')!)}`),
        err.message,
      );
      return true;
    });
    assert.ok(!existsSync(join(dirOf(), 'tokenizer.json.part')) && !existsSync(join(dirOf(), 'tokenizer.json')));
    assert.ok(!existsSync(join(dirOf(), 'model.json')), 'nothing is renamed into place before every file is verified');
    assert.equal(await installState(storage, e), 'absent');
    assert.equal(
      server!.requests.filter((r) => r.path === '/tiny/tokenizer.json').length,
      1,
      'a checksum mismatch is not retried',
    );
  });

  it('a 404 names the file and the status', async () => {
    const e = entry();
    const partial = new Map([...bytes].filter(([n]) => n !== 'text.onnx'));
    const files = await serve(e, { ranges: true }, partial);
    await assert.rejects(
      downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10 }),
      /^DownloadError: text\.onnx: http:\/\/127\.0\.0\.1:\d+\/tiny\/text\.onnx answered 404 Not Found$/,
    );
    assert.equal(server!.requests.filter((r) => r.path === '/tiny/text.onnx').length, 1, 'a 4xx is not retried');
  });

  it('a file of another size than the catalogue says is refused', async () => {
    const e = entry('tiny', { 'model.json': { size: bytes.get('model.json')!.length + 1 } });
    const files = await serve(e, { ranges: true });
    await assert.rejects(
      downloadModel(e, files, { globalStorage: storage }),
      /model\.json: the server's file has \d+ bytes, the catalogue says \d+/,
    );
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
      downloadModel(e, files, {
        globalStorage: storage,
        signal: aborter.signal,
        onProgress: (p) => p.file === 'vision.onnx' && p.fileDone >= 40_000 && aborter.abort(),
      }),
      DownloadCancelled,
    );
    assert.equal((await stat(join(dirOf(), 'vision.onnx.part'))).size, 40_000);
    assert.ok(existsSync(join(dirOf(), 'model.json.part')), 'verified files wait as .part until all are done');
    const before = server!.requests.length;
    await downloadModel(e, files, { globalStorage: storage });
    await assertInstalled();
    const again = server!.requests.slice(before);
    assert.deepEqual(
      again,
      [{ path: '/tiny/vision.onnx', range: 'bytes=40000-' }, { path: '/tiny/text.onnx' }],
      'only the rest is fetched',
    );
  });

  it('one download per model at a time; another model may download meanwhile', async () => {
    const e = entry();
    const files = await serve(
      e,
      { ranges: true, misbehave: { '/tiny/vision.onnx': { after: 1000, how: 'stall' } } },
      bytes,
      ['other'],
    );
    const aborter = new AbortController();
    let stalled!: () => void;
    const atStall = new Promise<void>((r) => (stalled = r));
    const first = downloadModel(e, files, {
      globalStorage: storage,
      signal: aborter.signal,
      onProgress: (p) => p.file === 'vision.onnx' && p.fileDone >= 1000 && stalled(),
    });
    await atStall;
    await assert.rejects(
      downloadModel(e, files, { globalStorage: storage }),
      (err: Error) => err instanceof DownloadBusy && /Tiny tiny is already being downloaded/.test(err.message),
    );
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
    await assert.rejects(
      downloadModel(e, files, { globalStorage: storage }),
      (err: Error) => err instanceof DownloadBusy && err.message.includes(`by process ${process.ppid}`),
    );
    await writeFile(lock, '2147483646'); // no such process
    await downloadModel(e, files, { globalStorage: storage });
    await assertInstalled();
  });

  it('a downloaded folder that is not a usable model is reported naming the file, and not marked installed', async () => {
    const manifest = JSON.parse(bytes.get('model.json')!.toString('utf8')) as { vision: { file: string } };
    manifest.vision.file = 'vision-missing.onnx';
    const broken = new Map(bytes);
    broken.set('model.json', Buffer.from(JSON.stringify(manifest)));
    const e = entry('tiny', {
      'model.json': { size: broken.get('model.json')!.length, sha256: sha(broken.get('model.json')!) },
    });
    const files = await serve(e, { ranges: true }, broken);
    await assert.rejects(downloadModel(e, files, { globalStorage: storage }), (err: Error) => {
      assert.ok(err instanceof DownloadError);
      assert.equal(err.file, join(dirOf(), 'vision-missing.onnx'));
      assert.match(err.message, /vision-missing\.onnx: file is missing/);
      return true;
    });
    assert.ok(!existsSync(join(dirOf(), MARKER_FILE)));
  });

  describe('bounds', () => {
    const size = (n: string) => bytes.get(n)!.length;

    /** Largest size `path` had while `run` ran, sampled every millisecond or so. */
    async function largestWhile<T>(
      path: string,
      run: () => Promise<T>,
    ): Promise<{ largest: number; outcome: PromiseSettledResult<T> }> {
      let largest = 0;
      const sample = () => {
        try {
          largest = Math.max(largest, statSync(path).size);
        } catch {
          // not there (yet, or any more)
        }
      };
      const timer = setInterval(sample, 1);
      const [outcome] = await Promise.allSettled([run()]);
      clearInterval(timer);
      sample();
      return { largest, outcome };
    }

    it('a body that runs on past the listed size without Content-Length fails at once; the .part never exceeds the listed size and is deleted', async () => {
      const e = entry();
      const files = await serve(e, { ranges: true, overflow: { '/tiny/vision.onnx': { extra: 'endless' } } });
      const part = join(dirOf(), 'vision.onnx.part');
      const t0 = Date.now();
      const { largest, outcome } = await largestWhile(part, () =>
        downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10 }),
      );
      const took = Date.now() - t0;
      assert.equal(outcome.status, 'rejected');
      const err = (outcome as PromiseRejectedResult).reason as Error;
      assert.ok(err instanceof DownloadError, String(err));
      assert.equal(err.file, 'vision.onnx');
      assert.match(
        err.message,
        new RegExp(
          `^vision\\.onnx: http://127\\.0\\.0\\.1:\\d+/tiny/vision\\.onnx sent more than the ${size('vision.onnx')} bytes the catalogue lists \\(at least \\d+\\); stopped, and the partial file was deleted$`,
        ),
      );
      assert.ok(took < 5000, `took ${took} ms`);
      assert.ok(largest <= size('vision.onnx'), `the .part reached ${largest} bytes; listed ${size('vision.onnx')}`);
      assert.ok(!existsSync(part), 'the .part is deleted');
      assert.equal(server!.requests.filter((r) => r.path === '/tiny/vision.onnx').length, 1, 'not retried');
      // The connection was closed: the server stops sending.
      const sent = server!.sent.get('/tiny/vision.onnx')!;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(server!.sent.get('/tiny/vision.onnx'), sent, 'the server could not go on sending');
      assert.ok(sent < 64 * 1024 * 1024, `the server sent ${sent} bytes`);
    });

    it('one byte more than listed (no Content-Length) is refused too', async () => {
      const e = entry();
      const files = await serve(e, { ranges: true, overflow: { '/tiny/model.json': { extra: 1 } } });
      await assert.rejects(
        downloadModel(e, files, { globalStorage: storage }),
        /^DownloadError: model\.json: .* sent more than the \d+ bytes the catalogue lists \(at least (\d+)\)/,
      );
      assert.ok(!existsSync(join(dirOf(), 'model.json.part')));
    });

    it('a Content-Length larger than listed fails before any of the body is read', async () => {
      const e = entry();
      const listed = size('vision.onnx');
      const files = await serve(e, {
        ranges: true,
        overflow: { '/tiny/vision.onnx': { extra: 1000, contentLength: listed + 1000, bodyDelayMs: 3000 } },
      });
      const seen: number[] = [];
      const t0 = Date.now();
      await assert.rejects(
        downloadModel(e, files, {
          globalStorage: storage,
          onProgress: (p) => p.file === 'vision.onnx' && seen.push(p.fileDone),
        }),
        (err: Error) => {
          assert.ok(err instanceof DownloadError);
          assert.match(
            err.message,
            new RegExp(
              `^vision\\.onnx: the server's file has ${listed + 1000} bytes, the catalogue says ${listed} \\(Content-Length from http://127\\.0\\.0\\.1:\\d+/tiny/vision\\.onnx\\); refused before reading it$`,
            ),
          );
          return true;
        },
      );
      assert.ok(Date.now() - t0 < 2500, 'it did not wait for the body');
      assert.equal(server!.sent.get('/tiny/vision.onnx') ?? 0, 0, 'no body byte was sent before the refusal');
      assert.ok(
        seen.every((d) => d === 0),
        'no byte of it was counted',
      );
      assert.ok(!existsSync(join(dirOf(), 'vision.onnx.part')));
    });

    it('follows a redirect chain (relative and absolute Locations) and resumes through it with the Range on every hop', async () => {
      const e = entry();
      const files = await serve(
        e,
        { ranges: true, misbehave: { '/real/vision.onnx': { after: 50_000, how: 'drop' } } },
        bytes,
        ['real'],
      );
      server!.options.redirects = {
        '/tiny/model.json': '/hop1/model.json',
        '/hop1/model.json': `${baseUrl}hop2/model.json`,
        '/hop2/model.json': { to: '../real/model.json', status: 301 },
        '/tiny/vision.onnx': { to: '/real/vision.onnx', status: 307 },
      };
      await downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10 });
      await assertInstalled();
      const paths = server!.requests.map((r) => r.path);
      assert.deepEqual(paths.slice(0, 4), [
        '/tiny/model.json',
        '/hop1/model.json',
        '/hop2/model.json',
        '/real/model.json',
      ]);
      assert.deepEqual(
        server!.requests.filter((r) => r.path.endsWith('vision.onnx')),
        [
          { path: '/tiny/vision.onnx' },
          { path: '/real/vision.onnx' },
          { path: '/tiny/vision.onnx', range: 'bytes=50000-' },
          { path: '/real/vision.onnx', range: 'bytes=50000-' },
        ],
      );
    });

    it('five redirects are followed; a sixth, or a loop, is refused naming the file, the URL and the limit', async () => {
      const e = entry();
      const files = await serve(e, { ranges: true }, bytes, ['real']);
      const chain = (from: string, hops: number) =>
        Object.fromEntries(
          Array.from({ length: hops }, (_, i) => [
            i ? `/r${i}/${from}` : `/tiny/${from}`,
            i + 1 < hops ? `/r${i + 1}/${from}` : `/real/${from}`,
          ]),
        );
      server!.options.redirects = { ...chain('model.json', 5), ...chain('tokenizer.json', 6) };
      const before = () => server!.requests.length;
      await assert.rejects(downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10 }), (err: Error) => {
        assert.ok(err instanceof DownloadError);
        assert.equal(err.file, 'tokenizer.json');
        assert.match(
          err.message,
          /^tokenizer\.json: more than 5 redirects from http:\/\/127\.0\.0\.1:\d+\/tiny\/tokenizer\.json \(the limit is 5; the last went to http:\/\/127\.0\.0\.1:\d+\/real\/tokenizer\.json\)$/,
        );
        return true;
      });
      assert.deepEqual(
        server!.requests
          .filter((r) => r.path.endsWith('model.json'))
          .map((r) => r.path)
          .at(-1),
        '/real/model.json',
        'five hops reached the file',
      );
      assert.equal(
        server!.requests.filter((r) => r.path.endsWith('tokenizer.json')).length,
        6,
        'the first request and five hops; not retried',
      );
      assert.ok(!server!.requests.some((r) => r.path === '/real/tokenizer.json'));

      server!.options.redirects = { '/tiny/tokenizer.json': '/loop/a', '/loop/a': '/loop/b', '/loop/b': '/loop/a' };
      const at = before();
      await assert.rejects(
        downloadModel(e, files, { globalStorage: storage }),
        /tokenizer\.json: more than 5 redirects/,
      );
      assert.equal(server!.requests.length - at, 6);
    });

    for (const [what, to, problem] of [
      [
        'plain http to another host',
        'http://models.example.invalid/tiny/model.json',
        /refused: http:\/\/models\.example\.invalid\/tiny\/model\.json is not https \(plain http is allowed only to localhost\)$/,
      ],
      [
        'another scheme (ftp)',
        'ftp://127.0.0.1/tiny/model.json',
        /refused: ftp:\/\/127\.0\.0\.1\/tiny\/model\.json is not https \(scheme ftp: is not allowed\)$/,
      ],
      [
        'another scheme (file)',
        'file:///etc/passwd',
        /refused: file:\/\/\/etc\/passwd is not https \(scheme file: is not allowed\)$/,
      ],
      [
        'credentials in the URL',
        'http://user:s3cret@127.0.0.1:1/tiny/model.json',
        /refused: http:\/\/127\.0\.0\.1:1\/tiny\/model\.json carries credentials in the URL; refused$/,
      ],
    ] as const) {
      it(`a redirect to ${what} is refused, not retried, and names the file and both URLs`, async () => {
        const e = entry();
        const files = await serve(e, { ranges: true, redirects: { '/tiny/model.json': to } });
        await assert.rejects(downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10 }), (err: Error) => {
          assert.ok(err instanceof DownloadError);
          assert.equal(err.file, 'model.json');
          assert.ok(
            err.message.startsWith(`model.json: redirect from ${baseUrl}tiny/model.json refused: `),
            err.message,
          );
          assert.match(err.message, problem);
          assert.ok(!err.message.includes('s3cret'));
          return true;
        });
        assert.equal(server!.requests.length, 1);
      });
    }

    it('a 503 twice, then the file: succeeds after two retries', async () => {
      const e = entry();
      const files = await serve(e, { ranges: true, failures: { '/tiny/vision.onnx': { status: 503, times: 2 } } });
      await downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10 });
      await assertInstalled();
      assert.equal(server!.requests.filter((r) => r.path === '/tiny/vision.onnx').length, 3);
    });

    it('a 5xx that does not go away: gives up after the retries, naming the file, the URL, the status and the limit', async () => {
      const e = entry();
      const files = await serve(e, { ranges: true, failures: { '/tiny/model.json': { status: 502, times: 100 } } });
      await assert.rejects(
        downloadModel(e, files, { globalStorage: storage, retries: 2, retryDelayMs: 10 }),
        /^DownloadError: model\.json: http:\/\/127\.0\.0\.1:\d+\/tiny\/model\.json answered 502 Bad Gateway \(gave up after 3 attempts; retries limit 2\)$/,
      );
      assert.equal(server!.requests.length, 3);
    });

    it('a 403 is not retried', async () => {
      const e = entry();
      const files = await serve(e, { ranges: true, failures: { '/tiny/model.json': { status: 403, times: 1 } } });
      await assert.rejects(
        downloadModel(e, files, { globalStorage: storage, retryDelayMs: 10 }),
        /model\.json: .* answered 403 Forbidden$/,
      );
      assert.equal(server!.requests.length, 1);
    });
  });
});
