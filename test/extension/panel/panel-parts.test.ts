// The review panel's HTML shell (CSP), image routing, and the display worker.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { DisplayWorkerClient } from '../../../src/extension/panel/display-worker-client';
import { routeFromHead, routeImage } from '../../../src/extension/panel/image-route';
import { contentSecurityPolicy, panelHtml } from '../../../src/extension/panel/panel-html';
import { TransferSyntaxes, buildDicom } from '../../helpers/dicom-writer';

describe('review panel HTML', () => {
  it('has a strict CSP with the nonce on its only script and stylesheet', () => {
    const html = panelHtml({
      cspSource: 'https://x.vscode-cdn.net',
      scriptUri: 'https://x/s.js',
      styleUri: 'https://x/s.css',
      title: 'a <b>',
      nonce: 'N0NCE',
    });
    assert.ok(html.includes(`content="${contentSecurityPolicy('https://x.vscode-cdn.net', 'N0NCE')}"`));
    assert.equal(
      contentSecurityPolicy('C', 'N'),
      "default-src 'none'; img-src C data: blob:; script-src 'nonce-N'; style-src C 'nonce-N'; font-src C",
    );
    assert.deepEqual(html.match(/<script[^>]*>/g), ['<script nonce="N0NCE" src="https://x/s.js">']);
    assert.ok(html.includes('<title>a &lt;b></title>'));
    assert.ok(!/unsafe-inline|unsafe-eval/.test(html));
  });
});

describe('review panel image routing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'radalign-route-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lets the webview load 8-bit PNG, JPEG and WebP by URL and decodes 16-bit PNG, TIFF and DICOM', async () => {
    const grey = (bits: 8 | 16) => {
      const raw = bits === 8 ? Buffer.alloc(16) : Buffer.from(new Uint16Array(16).buffer);
      return sharp(raw, { raw: { width: 4, height: 4, channels: 1 } }).toColourspace(bits === 8 ? 'b-w' : 'grey16');
    };
    const files: [string, Buffer][] = [
      ['a.png', await grey(8).png().toBuffer()],
      ['b.png', await grey(16).png().toBuffer()],
      ['c.jpg', await grey(8).jpeg().toBuffer()],
      ['d.webp', await grey(8).webp().toBuffer()],
      ['e.tif', await grey(8).tiff().toBuffer()],
      [
        'f.png',
        buildDicom({
          transferSyntax: TransferSyntaxes.explicitLittle,
          rows: 2,
          columns: 2,
          bitsAllocated: 16,
          pixels: [0, 1, 2, 3],
        }),
      ],
    ];
    for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    const routes = await Promise.all(files.map(([name]) => routeImage(join(dir, name))));
    assert.deepEqual(routes, ['uri', 'pixels', 'uri', 'uri', 'pixels', 'pixels']);
    assert.equal(await routeImage(join(dir, 'missing.png')), 'pixels', 'the decoder reports what is wrong');
    assert.equal(routeFromHead(new Uint8Array(0), 'x.png'), 'pixels');
  });

  it('sends images whose header claims more pixels than a browser should decode to the host instead', async () => {
    const big = sharp({ create: { width: 7000, height: 6000, channels: 3, background: '#000' } }).toColourspace('b-w');
    const small = sharp({ create: { width: 300, height: 200, channels: 3, background: '#000' } }).toColourspace('b-w');
    const files: [string, Buffer][] = [
      ['big.png', await big.clone().png({ compressionLevel: 1 }).toBuffer()],
      [
        'big.jpg',
        await big
          .clone()
          .jpeg()
          .withExifMerge({ IFD0: { ImageDescription: 'x'.repeat(20_000) } })
          .toBuffer(),
      ],
      ['big.webp', await big.clone().webp({ lossless: true }).toBuffer()],
      ['big-lossy.webp', await big.clone().webp().toBuffer()],
      ['small.png', await small.clone().png().toBuffer()],
      ['small.jpg', await small.clone().jpeg().toBuffer()],
      ['small.webp', await small.clone().webp().toBuffer()],
    ];
    for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    const routes = await Promise.all(files.map(([name]) => routeImage(join(dir, name))));
    assert.deepEqual(routes, ['pixels', 'pixels', 'pixels', 'pixels', 'uri', 'uri', 'uri']);
  });
});

describe('review panel display worker', () => {
  const WORKER = resolve('dist', 'display-worker.js');
  const dir = mkdtempSync(join(tmpdir(), 'radalign-display-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes in a separate process and returns the bytes of 16-bit samples; errors name the file', async () => {
    const path = join(dir, 'x.dcm');
    writeFileSync(
      path,
      buildDicom({
        transferSyntax: TransferSyntaxes.explicitLittle,
        rows: 2,
        columns: 3,
        bitsAllocated: 16,
        pixels: [10, 20, 30, 40, 50, 60],
      }),
    );
    const client = new DisplayWorkerClient(WORKER, 50);
    try {
      const [image, again] = await Promise.all([client.decode(path, 1536), client.decode(path, 1536)]);
      assert.deepEqual([image.width, image.height, image.bits, image.channels], [3, 2, 16, 1]);
      assert.ok(image.data instanceof Uint8Array);
      assert.deepEqual(Array.from(new Uint16Array(image.data.slice().buffer)), [0, 10, 20, 30, 40, 50]);
      assert.deepEqual(image.units, { scale: 1, offset: 10 });
      assert.deepEqual(again.sourceWidth, 3);
      await assert.rejects(client.decode(join(dir, 'none.dcm'), 64), /none\.dcm.*cannot read file/);
      // Stops when idle; the next request starts it again.
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(client.running, false);
      assert.equal((await client.decode(path, 2)).width, 2);
    } finally {
      client.dispose();
    }
  });
});
