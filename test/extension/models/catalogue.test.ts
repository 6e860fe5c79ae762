// The model catalogue: the bundled file, validation errors that name the field, merging a
// server's catalogue, URL rules, loading from a local server, install state, and what the picker
// shows for each entry.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Catalogue,
  CATALOGUE_FORMAT,
  catalogueDocumentUrl,
  downloadableFiles,
  entrySize,
  mergeCatalogues,
  parseCatalogue,
} from '../../../src/extension/models/catalogue';
import { catalogueChoice, formatMB } from '../../../src/extension/models/catalogue-choices';
import { loadCatalogue, MAX_CATALOGUE_BYTES } from '../../../src/extension/models/catalogue-source';
import { DownloadProgressText } from '../../../src/extension/models/download-progress-text';
import { installState, MARKER_FILE, modelDirFor } from '../../../src/extension/models/installed';
import { repoRoot } from '../../helpers/fixture-models';
import { FileServer } from './models-server';

const BUNDLED = join(repoRoot, 'media', 'model-catalogue.json');
const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

function doc(models: unknown[]): unknown {
  return { format: CATALOGUE_FORMAT, models };
}
const entryDoc = (over: Record<string, unknown> = {}) => ({
  id: 'm',
  name: 'M',
  description: 'd',
  licence: 'l',
  ...over,
});

describe('model catalogue', () => {
  it('the bundled catalogue lists CheXzero, BiomedCLIP and BioViL, each with a licence to verify and an export command, none downloadable', async () => {
    const c = await loadCatalogue(BUNDLED, '');
    assert.deepEqual(
      c.entries.map((e) => e.id),
      ['chexzero-vit-b32', 'biomedclip-vit-b16', 'biovil-resnet50'],
    );
    for (const e of c.entries) {
      assert.match(e.licence, /verify/, e.id);
      assert.match(e.licence, /check/i, `${e.id} says what to check`);
      assert.match(e.export ?? '', /^python tools\/export\/export_\w+\.py models\//, e.id);
      assert.ok(e.approxSize && e.approxSize > 100e6, e.id);
      assert.deepEqual(e.files.map((f) => f.path).sort(), ['model.json', 'text.onnx', 'tokenizer.json', 'vision.onnx']);
      assert.ok(
        e.files.every((f) => !f.sha256 && !f.url),
        'no invented hashes or URLs',
      );
      const choice = catalogueChoice(e, c, 'absent');
      assert.equal(choice.action, 'unavailable');
      assert.match(
        choice.detail,
        /^not available yet: no catalogue server hosts it; export the model yourself with tools\/export \(see docs\/models\.md\)$/,
      );
      assert.match(choice.description, /^about \d+ MB, not available to download$/);
    }
  });

  it('errors name the source and the field', () => {
    const bad: [unknown, RegExp][] = [
      [{ format: 'x', models: [] }, /^CatalogueError: src: field 'format' must be "radalign-model-catalogue\/1"$/],
      [doc([entryDoc({ id: '../up' })]), /field 'models\[0\]\.id' must be lower-case/],
      [doc([entryDoc(), entryDoc()]), /field 'models\[1\]\.id' repeats "m"/],
      [doc([entryDoc({ licence: '' })]), /field 'models\[0\]\.licence' must be a non-empty string/],
      [doc([entryDoc({ files: [{ path: '../x.onnx' }] })]), /field 'models\[0\]\.files\[0\]\.path' must be a relative/],
      [doc([entryDoc({ files: [{ path: '/abs.onnx' }] })]), /files\[0\]\.path' must be a relative/],
      [doc([entryDoc({ files: [{ path: 'a\\b.onnx' }] })]), /files\[0\]\.path' must be a relative/],
      [
        doc([entryDoc({ files: [{ path: 'vision.onnx.part' }] })]),
        /files\[0\]\.path' "vision\.onnx\.part" is a name radalign uses/,
      ],
      [
        doc([entryDoc({ files: [{ path: 'v.onnx', sha256: 'ABC' }] })]),
        /files\[0\]\.sha256' must be 64 lower-case hex digits/,
      ],
      [doc([entryDoc({ files: [{ path: 'v.onnx', size: -1 }] })]), /files\[0\]\.size' must be a whole number of bytes/],
      [doc([entryDoc({ files: [{ path: 'v.onnx' }, { path: 'v.onnx' }] })]), /files\[1\]\.path' repeats "v\.onnx"/],
    ];
    for (const [d, re] of bad) assert.throws(() => parseCatalogue(d, 'src'), re);
  });

  it("a server's entry supplies the files; URLs resolve to <id>/<path> beside the catalogue, or the file's own url", () => {
    const bundled = parseCatalogue(doc([entryDoc({ files: [{ path: 'model.json' }], approxSize: 5e8 })]), 'b');
    const server = parseCatalogue(
      doc([
        {
          ...entryDoc(),
          name: 'M v2',
          files: [
            { path: 'model.json', size: 10, sha256: HASH_A },
            { path: 'onnx/v.onnx', size: 20, sha256: HASH_B, url: 'https://cdn.example/v.onnx' },
          ],
        },
        entryDoc({ id: 'extra' }),
      ]),
      's',
    );
    const merged = mergeCatalogues(bundled, server);
    assert.deepEqual(
      merged.entries.map((e) => [e.id, e.name]),
      [
        ['m', 'M v2'],
        ['extra', 'M'],
      ],
    );
    const m = merged.entries[0];
    assert.equal(m.approxSize, 5e8, 'bundled fields the server does not give are kept');
    assert.equal(entrySize(m), 30);
    assert.deepEqual(downloadableFiles(m, 'https://models.example/radalign/catalogue.json'), {
      ok: true,
      files: [
        { path: 'model.json', url: 'https://models.example/radalign/m/model.json', size: 10, sha256: HASH_A },
        { path: 'onnx/v.onnx', url: 'https://cdn.example/v.onnx', size: 20, sha256: HASH_B },
      ],
    });
    assert.deepEqual(downloadableFiles(m, undefined), {
      ok: false,
      reason: 'no catalogue server is configured (radalign.modelCatalogueUrl)',
    });
    assert.deepEqual(downloadableFiles(bundled.entries[0], 'https://x/c.json'), {
      ok: false,
      reason: 'the catalogue gives no size and sha256 for model.json',
    });
    const plain = parseCatalogue(
      doc([entryDoc({ files: [{ path: 'a', size: 1, sha256: HASH_A, url: 'http://example.org/a' }] })]),
      's',
    ).entries[0];
    assert.deepEqual(downloadableFiles(plain, 'https://x/c.json'), {
      ok: false,
      reason: 'a: http://example.org/a is not https (plain http is allowed only to localhost)',
    });
  });

  it('the setting: https anywhere, plain http only to this machine, a folder URL means its catalogue.json', () => {
    assert.deepEqual(catalogueDocumentUrl('https://models.example/radalign/'), {
      ok: true,
      url: 'https://models.example/radalign/catalogue.json',
    });
    assert.deepEqual(catalogueDocumentUrl(' http://127.0.0.1:8080/c.json '), {
      ok: true,
      url: 'http://127.0.0.1:8080/c.json',
    });
    assert.deepEqual(catalogueDocumentUrl('http://localhost/'), { ok: true, url: 'http://localhost/catalogue.json' });
    assert.equal(catalogueDocumentUrl('http://models.example/c.json').ok, false);
    assert.equal(catalogueDocumentUrl('ftp://x/c.json').ok, false);
    assert.deepEqual(catalogueDocumentUrl('not a url'), {
      ok: false,
      reason: 'radalign.modelCatalogueUrl is not a URL: not a url',
    });
  });

  describe('loading from a server (127.0.0.1)', () => {
    let server: FileServer | undefined;
    afterEach(async () => {
      await server?.close();
      server = undefined;
    });
    async function start(files: Record<string, string>): Promise<string> {
      server = new FileServer(new Map(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)])));
      return server.start();
    }

    it("merges the server's catalogue over the bundled one", async () => {
      const served = doc([
        {
          ...entryDoc({ id: 'chexzero-vit-b32', name: 'CheXzero (ViT-B/32)' }),
          files: [{ path: 'model.json', size: 3, sha256: HASH_A }],
        },
      ]);
      const base = await start({ '/models/catalogue.json': JSON.stringify(served) });
      const c = await loadCatalogue(BUNDLED, `${base}models/`);
      assert.equal(c.url, `${base}models/catalogue.json`);
      assert.equal(c.serverProblem, undefined);
      const chexzero = c.entries.find((e) => e.id === 'chexzero-vit-b32')!;
      const choice = catalogueChoice(chexzero, c, 'absent');
      assert.equal(choice.action, 'download');
      assert.equal(choice.description, 'Download (0.0 MB)…');
      assert.equal(
        catalogueChoice(c.entries[1], c, 'absent').detail,
        'not on the catalogue server: the catalogue gives no size and sha256 for model.json; export the model yourself with tools/export (see docs/models.md)',
      );
    });

    it('a 404, a broken document or an unreachable server is reported and the bundled entries stay', async () => {
      const base = await start({
        '/bad.json': '{"format": "radalign-model-catalogue/1", "models": 3}',
        '/nojson.json': '<html>',
      });
      const missing = await loadCatalogue(BUNDLED, `${base}none.json`);
      assert.equal(missing.serverProblem, `${base}none.json answered 404`);
      assert.equal(missing.entries.length, 3);
      assert.match(
        (await loadCatalogue(BUNDLED, `${base}bad.json`)).serverProblem!,
        /bad\.json: field 'models' must be a list$/,
      );
      assert.match((await loadCatalogue(BUNDLED, `${base}nojson.json`)).serverProblem!, /nojson\.json: not JSON/);
      const port = new URL(base).port;
      await server!.close();
      server = undefined;
      const offline = await loadCatalogue(BUNDLED, base);
      assert.equal(
        offline.serverProblem?.startsWith(
          `cannot reach 127.0.0.1:${port} (connection refused): you seem to be offline`,
        ),
        true,
        offline.serverProblem,
      );
      const choice = catalogueChoice(offline.entries[0], offline, 'absent');
      assert.equal(choice.action, 'unavailable');
      assert.match(choice.detail, /^cannot reach 127\.0\.0\.1:\d+ \(connection refused\)/);
    });

    it('follows a catalogue redirect only where the download rule allows, and refuses an oversized document', async () => {
      const served = JSON.stringify(doc([]));
      server = new FileServer(
        new Map([
          ['/real/catalogue.json', Buffer.from(served)],
          [
            '/huge.json',
            Buffer.from(
              `{"format": "radalign-model-catalogue/1", "models": [], "pad": "${'x'.repeat(MAX_CATALOGUE_BYTES)}"}`,
            ),
          ],
        ]),
        {
          redirects: {
            '/moved.json': '/real/catalogue.json',
            '/away.json': 'http://models.example/catalogue.json',
            '/ftp.json': 'ftp://127.0.0.1/catalogue.json',
          },
          overflow: { '/endless.json': { extra: 'endless' } },
        },
      );
      server.files.set('/endless.json', Buffer.from('{"format": "radalign-model-catalogue/1", "models": [], "pad": "'));
      const base = await server.start();
      assert.equal(
        (await loadCatalogue(BUNDLED, `${base}moved.json`)).serverProblem,
        undefined,
        'a redirect on the same server is followed',
      );
      assert.match(
        (await loadCatalogue(BUNDLED, `${base}away.json`)).serverProblem!,
        /redirect from .*away\.json refused: http:\/\/models\.example\/catalogue\.json is not https/,
      );
      assert.match(
        (await loadCatalogue(BUNDLED, `${base}ftp.json`)).serverProblem!,
        /refused: ftp:\/\/127\.0\.0\.1\/catalogue\.json is not https/,
      );
      assert.match(
        (await loadCatalogue(BUNDLED, `${base}huge.json`)).serverProblem!,
        /huge\.json: the catalogue is larger than 1 MiB; refused/,
      );
      // No Content-Length, a body without end: stopped once it passes the cap.
      assert.match(
        (await loadCatalogue(BUNDLED, `${base}endless.json`)).serverProblem!,
        /endless\.json: the catalogue is larger than 1 MiB; refused/,
      );
      assert.ok(
        server.sent.get('/endless.json')! < 8 * MAX_CATALOGUE_BYTES,
        `the server stopped sending (${server.sent.get('/endless.json')} bytes)`,
      );
    });

    it('refuses a plain-http server elsewhere without contacting it', async () => {
      const c = await loadCatalogue(BUNDLED, 'http://models.example/catalogue.json');
      assert.equal(
        c.serverProblem,
        'radalign.modelCatalogueUrl: http://models.example/catalogue.json is not https (plain http is allowed only to localhost)',
      );
    });
  });

  it('install state follows the marker and the hashes the catalogue pins now', async () => {
    const storage = await mkdtemp(join(tmpdir(), 'radalign-cat-'));
    try {
      const pinned = (h: string): Catalogue['entries'][number] => ({
        id: 'm',
        name: 'M',
        description: 'd',
        licence: 'l',
        files: [{ path: 'model.json', size: 3, sha256: h }],
      });
      assert.equal(await installState(storage, pinned(HASH_A)), 'absent');
      await mkdir(modelDirFor(storage, 'm'), { recursive: true });
      await writeFile(
        join(modelDirFor(storage, 'm'), MARKER_FILE),
        JSON.stringify({
          id: 'm',
          name: 'M',
          files: [{ path: 'model.json', size: 3, sha256: HASH_A }],
          downloadedAt: '',
        }),
      );
      assert.equal(await installState(storage, pinned(HASH_A)), 'installed');
      assert.equal(await installState(storage, pinned(HASH_B)), 'outdated');
      assert.equal(
        await installState(storage, { ...pinned(HASH_A), files: [{ path: 'model.json' }] }),
        'installed',
        'no server: what was downloaded stays usable',
      );
      const served = { entries: [pinned(HASH_B)], url: 'https://x/catalogue.json' };
      assert.equal(catalogueChoice(served.entries[0], served, 'installed').action, 'select');
      assert.equal(catalogueChoice(served.entries[0], served, 'outdated').description, 'Update (0.0 MB)…');
    } finally {
      await rm(storage, { recursive: true, force: true });
    }
  });

  it('formats sizes and the download notification text', () => {
    assert.equal(formatMB(605_000_000), '605 MB');
    assert.equal(formatMB(12_340_000), '12 MB');
    assert.equal(formatMB(1_230_000), '1.2 MB');
    let now = 1000;
    const text = new DownloadProgressText(() => now);
    assert.deepEqual(
      text.update({ file: 'vision.onnx', fileDone: 0, fileTotal: 4e8, done: 1e8, total: 6e8, received: 0 }),
      { message: 'vision.onnx · 100 MB / 600 MB', increment: 100 / 6 },
    );
    now += 2000;
    const later = text.update({
      file: 'vision.onnx',
      fileDone: 2e7,
      fileTotal: 4e8,
      done: 1.2e8,
      total: 6e8,
      received: 2e7,
    });
    assert.equal(
      later.message,
      'vision.onnx · 120 MB / 600 MB · 10 MB/s',
      'the rate counts bytes received now, not resumed ones',
    );
    assert.ok(Math.abs(later.increment - 100 / 30) < 1e-9);
  });
});
