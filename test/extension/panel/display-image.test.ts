// decodeForDisplay: what the review panel receives for images the webview cannot show by URL.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeForDisplay, downscaleArea } from '../../../src/engine/image';
import { TransferSyntaxes, buildDicom } from '../../helpers/dicom-writer';
import { makeTempDir } from '../../helpers/image-fixtures';

describe('decodeForDisplay', () => {
  const temp = makeTempDir('display');
  after(temp.remove);

  it('keeps a 16-bit grey PNG at 16 bits with the percentile window, downscaled to maxSide', async () => {
    const width = 400;
    const height = 200;
    // Left half 1000, right half 41000: every downscaled pixel is one of the two values.
    const samples = Uint16Array.from({ length: width * height }, (_, i) => (i % width < width / 2 ? 1000 : 41000));
    const path = join(temp.dir, 'deep.png');
    await sharp(samples, { raw: { width, height, channels: 1 } })
      .toColourspace('grey16')
      .png()
      .toFile(path);

    const img = await decodeForDisplay(path, 100);
    assert.deepEqual(
      [img.width, img.height, img.sourceWidth, img.sourceHeight, img.channels, img.bits],
      [100, 50, 400, 200, 1, 16],
    );
    assert.ok(img.data instanceof Uint16Array);
    assert.equal(img.data.length, 100 * 50);
    assert.equal(img.data[0], 1000);
    assert.equal(img.data[99], 41000);
    assert.deepEqual(img.window, { center: 21000, width: 40000 });
    assert.equal(img.invert, false);
  });

  it('keeps an 8-bit PNG at 8 bits with the full window and leaves small images at their size', async () => {
    const path = join(temp.dir, 'grey.png');
    const grey = Buffer.from(Array.from({ length: 16 * 8 }, (_, i) => i % 256));
    await sharp(grey, { raw: { width: 16, height: 8, channels: 1 } })
      .toColourspace('b-w')
      .png()
      .toFile(path);
    const img = await decodeForDisplay(path, 1536);
    assert.deepEqual([img.width, img.height, img.channels, img.bits, img.sourceBits], [16, 8, 1, 8, 8]);
    assert.ok(img.data instanceof Uint8Array);
    assert.deepEqual(Array.from(img.data), Array.from(grey));
    assert.deepEqual(img.window, { center: 127.5, width: 255 });
  });

  it('gives a MONOCHROME1 DICOM in modality units shifted to 0, with its own window converted, and inverted', async () => {
    // Stored 0..99, slope 2, intercept -1024 → modality -1024..-826.
    const pixels = Array.from({ length: 10 * 10 }, (_, i) => i);
    const path = join(temp.dir, 'ct.dcm');
    await writeFile(
      path,
      buildDicom({
        transferSyntax: TransferSyntaxes.explicitLittle,
        rows: 10,
        columns: 10,
        bitsAllocated: 16,
        bitsStored: 12,
        photometric: 'MONOCHROME1',
        rescaleSlope: '2',
        rescaleIntercept: '-1024',
        windowCenter: '-900',
        windowWidth: '100',
        pixels,
      }),
    );
    const img = await decodeForDisplay(path);
    assert.deepEqual(
      [img.width, img.height, img.channels, img.bits, img.format, img.invert],
      [10, 10, 1, 16, 'dicom', true],
    );
    assert.deepEqual(img.units, { scale: 1, offset: -1024 });
    assert.equal(img.data[0], 0);
    assert.equal(img.data[99], 198);
    // Back to modality units: value * scale + offset.
    assert.equal(img.data[50]! * img.units.scale + img.units.offset, 50 * 2 - 1024);
    assert.deepEqual(img.window, { center: 124, width: 100 });
  });

  it('downscales a DICOM by area averaging and maps heatmap coordinates through its source size', async () => {
    const pixels = Array.from({ length: 40 * 20 }, (_, i) => (i % 40 < 20 ? 100 : 300));
    const path = join(temp.dir, 'wide.dcm');
    await writeFile(
      path,
      buildDicom({ transferSyntax: TransferSyntaxes.implicitLittle, rows: 20, columns: 40, bitsAllocated: 16, pixels }),
    );
    const img = await decodeForDisplay(path, 10);
    assert.deepEqual([img.width, img.height, img.sourceWidth, img.sourceHeight], [10, 5, 40, 20]);
    assert.deepEqual(img.units, { scale: 1, offset: 100 });
    assert.deepEqual(Array.from(img.data.subarray(0, 10)), [0, 0, 0, 0, 0, 200, 200, 200, 200, 200]);
  });

  it('rejects a file that is not an image with an ImageError naming it', async () => {
    const path = join(temp.dir, 'notes.png');
    await writeFile(path, 'not an image');
    await assert.rejects(
      decodeForDisplay(path),
      (e: Error) => e.message.includes(path) && /not a supported image/.test(e.message),
    );
  });
});

describe('downscaleArea', () => {
  it('averages each output pixel over its footprint, per channel', () => {
    const data = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80]); // 4x1, 2 channels
    const out = downscaleArea(data, 4, 1, 2, 2);
    assert.deepEqual([out.width, out.height], [2, 1]);
    assert.deepEqual(Array.from(out.data), [20, 30, 60, 70]);
  });
});
