// The pixel limit (Limits.maxImagePixels): an image whose header claims too many pixels is refused
// from that header, before any pixel is allocated, with a reason naming the file, its size and the
// limit; a lying or cut file gets a clear reason, never a RangeError; a batch's peak memory does not
// grow with its largest file. Files are real DICOM and PNG files written by the tests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import sharp, { type Metadata } from 'sharp';
import { EmbeddingCache } from '../../../src/engine/cache/embedding-cache';
import { decodeForDisplay, decodeImage } from '../../../src/engine/image';
import { explainSharpLimit, limitedSharp } from '../../../src/engine/image/raster';
import { DEFAULT_LIMITS } from '../../../src/engine/limits';
import { loadModel } from '../../../src/engine/model';
import { DECODE_CONCURRENCY, ImageFeatureStore } from '../../../src/engine/pipeline/image-features';
import {
  type TestDicomImage,
  TransferSyntaxes as TS,
  buildDicom,
  encodeConstantRleFrame,
} from '../../helpers/dicom-writer';
import { encodeJpegLossless } from '../../helpers/dicom-jpeg-lossless';
import { tinyClipDir } from '../../helpers/fixture-models';
import { assertImageError, makeTempDir } from '../../helpers/image-fixtures';
import { describePeak, measurePeakRss } from '../../helpers/peak-rss';

const temp = makeTempDir('image-limits');
after(temp.remove);
let counter = 0;

function writeDicom(img: TestDicomImage, name = `limit-${++counter}.dcm`): string {
  const path = join(temp.dir, name);
  writeFileSync(path, buildDicom(img));
  return path;
}

/** The refusal text for a `width` × `height` image over the default 64 MP limit. */
const overDefault = (width: number, height: number, mp: string): RegExp =>
  new RegExp(
    `^image is ${width} × ${height} pixels \\(${mp}\\), over the 64 MP limit for one image \\(raise it with --max-image-pixels\\)$`,
  );

/** Memory a refused image may cost at most: nothing near its claimed size. */
const GENEROUS_MB = 200;

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose IHDR claims `width` × `height` 8-bit grey pixels, followed by one tiny row of image data. */
function pngClaiming(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.alloc(17))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('engine/image: the pixel limit, checked from the header', function () {
  this.timeout(120_000);

  it('refuses a 20,000 × 20,000 RLE DICOM (a 6 MB file) from its header, at near-baseline memory', async () => {
    const frame = encodeConstantRleFrame(0, 20000, 20000, 8, 1);
    const path = writeDicom({ transferSyntax: TS.rle, rows: 20000, columns: 20000, bitsAllocated: 8, frames: [frame] });
    assert.ok(frame.length > 6e6 && frame.length < 7e6, `${frame.length} bytes`);
    const measured = await measurePeakRss(() => decodeImage(path));
    console.log(`      20,000² RLE DICOM (${(frame.length / 1e6).toFixed(1)} MB): ${describePeak(measured)}`);
    await assertImageError(Promise.reject(measured.outcome), path, overDefault(20000, 20000, '400 MP'));
    assert.equal(
      (measured.outcome as Error).message,
      `${path}: image is 20000 × 20000 pixels (400 MP), over the 64 MP limit for one image (raise it with --max-image-pixels)`,
    );
    assert.ok(measured.peakMB - measured.beforeMB < GENEROUS_MB, describePeak(measured));
  });

  it('refuses a 65,535 × 65,535 16-bit RLE DICOM with the same reason, not "Invalid typed array length"', async () => {
    // Its segments are cut short (a full one would be 134 MB): the header alone must decide.
    const frame = encodeConstantRleFrame(0, 65535, 65535, 16, 1, 4096);
    const path = writeDicom({
      transferSyntax: TS.rle,
      rows: 65535,
      columns: 65535,
      bitsAllocated: 16,
      frames: [frame],
    });
    const measured = await measurePeakRss(() => decodeImage(path));
    console.log(`      65,535² RLE DICOM: ${describePeak(measured)}`);
    await assertImageError(Promise.reject(measured.outcome), path, overDefault(65535, 65535, '4295 MP'));
    assert.ok(measured.peakMB - measured.beforeMB < GENEROUS_MB, describePeak(measured));
  });

  it('refuses the same RLE files for display too', async () => {
    const path = writeDicom({
      transferSyntax: TS.rle,
      rows: 20000,
      columns: 20000,
      bitsAllocated: 8,
      frames: [encodeConstantRleFrame(0, 20000, 20000, 8, 1, 64)],
    });
    await assertImageError(decodeForDisplay(path), path, overDefault(20000, 20000, '400 MP'));
  });

  it('refuses an uncompressed DICOM claiming 60,000 × 60,000 pixels with 200 bytes of pixel data: the limit, then the length', async () => {
    const img: TestDicomImage = {
      transferSyntax: TS.explicitLittle,
      rows: 60000,
      columns: 60000,
      bitsAllocated: 16,
      pixels: new Array(100).fill(7),
    };
    const path = writeDicom(img);
    await assertImageError(decodeImage(path), path, overDefault(60000, 60000, '3600 MP'));
    // Under a limit raised past its claim, the pixel data that cannot fill Rows × Columns is the reason.
    const raised = { maxImagePixels: 4_000_000_000 };
    const measured = await measurePeakRss(() => decodeImage(path, raised));
    await assertImageError(
      Promise.reject(measured.outcome),
      path,
      /^cannot decode DICOM pixel data \(Explicit VR Little Endian\): truncated: the first frame needs 7200000000 bytes of pixel data but only 200 are present \(the header says 60000 × 60000 pixels \(Columns × Rows\), 1 sample of 16 bits; the file is cut short or its Rows\/Columns are wrong\)$/,
    );
    assert.ok(measured.peakMB - measured.beforeMB < GENEROUS_MB, describePeak(measured));
  });

  it('refuses an RLE frame too short for its Rows × Columns before allocating, even under a raised limit', async () => {
    const path = writeDicom({
      transferSyntax: TS.rle,
      rows: 40000,
      columns: 40000,
      bitsAllocated: 16,
      frames: [encodeConstantRleFrame(0, 40000, 40000, 16, 1, 1000)],
    });
    const measured = await measurePeakRss(() => decodeImage(path, { maxImagePixels: 2_000_000_000 }));
    await assertImageError(
      Promise.reject(measured.outcome),
      path,
      /^cannot decode DICOM pixel data \(RLE Lossless\): truncated: RLE segment 1 is 1000 bytes, too short to decode to the 1600000000 bytes that 40000 × 40000 pixels need/,
    );
    assert.ok(measured.peakMB - measured.beforeMB < GENEROUS_MB, describePeak(measured));
  });

  it('refuses a PNG whose header claims 30,000 × 30,000 pixels before decoding it (scoring and display)', async () => {
    const path = join(temp.dir, 'huge.png');
    writeFileSync(path, pngClaiming(30000, 30000));
    assert.deepEqual([(await sharp(path, { limitInputPixels: false }).metadata()).width], [30000]);
    const measured = await measurePeakRss(() => decodeImage(path));
    await assertImageError(Promise.reject(measured.outcome), path, overDefault(30000, 30000, '900 MP'));
    assert.ok(measured.peakMB - measured.beforeMB < GENEROUS_MB, describePeak(measured));
    await assertImageError(decodeForDisplay(path), path, overDefault(30000, 30000, '900 MP'));
  });

  it("refuses a PNG claiming 10,000 × 10,000 pixels: over our 64 MP limit though under sharp's default (~268 MP)", async () => {
    const path = join(temp.dir, 'large.png');
    writeFileSync(path, pngClaiming(10000, 10000));
    const measured = await measurePeakRss(() => decodeImage(path));
    await assertImageError(Promise.reject(measured.outcome), path, overDefault(10000, 10000, '100 MP'));
    assert.ok(measured.peakMB - measured.beforeMB < GENEROUS_MB, describePeak(measured));
    await assertImageError(decodeForDisplay(path), path, overDefault(10000, 10000, '100 MP'));
  });

  it("turns sharp's own pixel-limit error into the same reason", async () => {
    const png = await sharp(Buffer.alloc(200 * 150, 9), { raw: { width: 200, height: 150, channels: 1 } })
      .png()
      .toBuffer();
    const thrown = await limitedSharp(png, 10_000)
      .raw()
      .toBuffer()
      .then(
        () => assert.fail('sharp should refuse 30,000 pixels under a 10,000 limit'),
        (e: unknown) => e,
      );
    const explained = explainSharpLimit('/x/small.png', thrown, { width: 200, height: 150 } as Metadata, 10_000);
    assert.equal(
      (explained as Error).message,
      '/x/small.png: image is 200 × 150 pixels (0.03 MP), over the 0.01 MP limit for one image (raise it with --max-image-pixels)',
    );
  });

  describe('an image at the limit decodes; one pixel more is refused (maxImagePixels 10,000)', () => {
    const limits = { maxImagePixels: 10_000 };
    const ramp = (n: number): number[] => Array.from({ length: n }, (_, i) => (i * 7) % 4096);

    it('PNG 100 × 100 decodes, 101 × 100 is refused', async () => {
      const at = join(temp.dir, 'at-limit.png');
      const over = join(temp.dir, 'over-limit.png');
      await sharp(Buffer.alloc(100 * 100, 77), { raw: { width: 100, height: 100, channels: 1 } })
        .png()
        .toFile(at);
      await sharp(Buffer.alloc(101 * 100, 77), { raw: { width: 101, height: 100, channels: 1 } })
        .png()
        .toFile(over);
      const img = await decodeImage(at, limits);
      assert.deepEqual([img.width, img.height, img.data[0]], [100, 100, 77]);
      assert.equal((await decodeForDisplay(at, 64, limits)).sourceWidth, 100);
      await assertImageError(
        decodeImage(over, limits),
        over,
        /^image is 101 × 100 pixels \(0\.0101 MP\), over the 0\.01 MP limit for one image \(raise it with --max-image-pixels\)$/,
      );
      await assertImageError(decodeForDisplay(over, 64, limits), over, /^image is 101 × 100 pixels/);
    });

    it('DICOM 100 × 100 decodes uncompressed, RLE and JPEG Lossless; 100 × 101 is refused for each', async () => {
      for (const [rows, ok] of [
        [100, true],
        [101, false],
      ] as const) {
        const pixels = ramp(rows * 100);
        const base = { rows, columns: 100, bitsAllocated: 16, bitsStored: 12 } as const;
        const files = [
          writeDicom({ ...base, transferSyntax: TS.explicitLittle, pixels }),
          writeDicom({ ...base, transferSyntax: TS.rle, frames: [encodeConstantRleFrame(5, rows, 100, 16, 1)] }),
          writeDicom({ ...base, transferSyntax: TS.jpegLossless, frames: [encodeJpegLossless(pixels, 100, rows, 12)] }),
        ];
        for (const path of files) {
          if (ok) assert.deepEqual([(await decodeImage(path, limits)).height], [100], path);
          else
            await assertImageError(
              decodeImage(path, limits),
              path,
              /^image is 100 × 101 pixels \(0\.0101 MP\), over the 0\.01 MP limit/,
            );
        }
      }
    });

    it('counts the bytes of a colour DICOM frame: 80 × 80 RGB fits, 82 × 82 RGB (6,724 pixels, 20,172 bytes) does not', async () => {
      const rgb = (n: number): TestDicomImage => ({
        transferSyntax: TS.explicitLittle,
        rows: n,
        columns: n,
        bitsAllocated: 8,
        samplesPerPixel: 3,
        pixels: new Array(n * n * 3).fill(200),
      });
      assert.equal((await decodeImage(writeDicom(rgb(80)), limits)).channels, 3);
      const path = writeDicom(rgb(82));
      await assertImageError(
        decodeImage(path, limits),
        path,
        /^image is 82 × 82 pixels × 3 samples of 8 bits \(0\.0202 MB a frame\), over the 0\.02 MB that the 0\.01 MP limit for one image allows \(raise it with --max-image-pixels\)$/,
      );
    });

    it("checks the size a JPEG Lossless frame declares, which need not be the header's", async () => {
      const jpeg = encodeJpegLossless(ramp(100), 10, 10, 12);
      const sof = jpeg.indexOf(Buffer.from([0xff, 0xc3]));
      jpeg.writeUInt16BE(30000, sof + 5); // height
      jpeg.writeUInt16BE(30000, sof + 7); // width
      const path = writeDicom({
        transferSyntax: TS.jpegLossless,
        rows: 10,
        columns: 10,
        bitsAllocated: 16,
        bitsStored: 12,
        frames: [jpeg],
      });
      const measured = await measurePeakRss(() => decodeImage(path));
      await assertImageError(Promise.reject(measured.outcome), path, overDefault(30000, 30000, '900 MP'));
      assert.ok(measured.peakMB - measured.beforeMB < GENEROUS_MB, describePeak(measured));
    });

    it('refuses a JPEG Lossless frame whose size differs from Rows × Columns (it used to be read as a sheared image)', async () => {
      const jpeg = encodeJpegLossless(ramp(100), 10, 10, 12);
      const path = writeDicom({
        transferSyntax: TS.jpegLossless,
        rows: 8,
        columns: 10,
        bitsAllocated: 16,
        bitsStored: 12,
        frames: [jpeg],
      });
      await assertImageError(decodeImage(path), path, /JPEG Lossless frame is 10x10 but the header says 10x8/);
    });

    it('refuses a JPEG Baseline frame whose size differs from Rows × Columns before decoding it', async () => {
      const jpeg = await sharp(Buffer.alloc(64 * 48, 100), { raw: { width: 64, height: 48, channels: 1 } })
        .jpeg()
        .toBuffer();
      const path = writeDicom({
        transferSyntax: TS.jpegBaseline,
        rows: 10,
        columns: 10,
        bitsAllocated: 8,
        frames: [jpeg],
      });
      await assertImageError(decodeImage(path), path, /JPEG frame is 64x48 but the header says 10x10/);
    });

    it('bounds what a deflated dataset may inflate to (one frame at the limit plus 64 MiB of attributes)', async () => {
      // 72 MB of pixels deflate to a few hundred kilobytes.
      const path = writeDicom({
        transferSyntax: TS.deflated,
        rows: 9000,
        columns: 8000,
        bitsAllocated: 8,
        pixels: new Uint8Array(72e6),
      });
      await assertImageError(
        decodeImage(path, { maxImagePixels: 10_000 }), // the file (~70 KB) is within what 10,000 pixels admit; its inflated dataset is not
        path,
        /^deflated dataset inflates to more than 67 MB, more than one image within the 0\.01 MP limit needs \(raise it with --max-image-pixels\)$/,
      );
    });

    it('ImageFeatureStore passes its limits on: an image over them is an Error for that path, the others are embedded', async () => {
      const model = await loadModel(tinyClipDir);
      try {
        const at = writeDicom({
          transferSyntax: TS.explicitLittle,
          rows: 100,
          columns: 100,
          bitsAllocated: 16,
          pixels: ramp(10000),
        });
        const over = writeDicom({
          transferSyntax: TS.explicitLittle,
          rows: 101,
          columns: 100,
          bitsAllocated: 16,
          pixels: ramp(10100),
        });
        const store = new ImageFeatureStore(model, new EmbeddingCache(null), limits);
        const features = await store.features([at, over], false);
        assert.ok(!(features.get(at) instanceof Error), String(features.get(at)));
        const refused = features.get(over);
        assert.ok(refused instanceof Error);
        assert.match(refused.message, /image is 100 × 101 pixels \(0\.0101 MP\), over the 0\.01 MP limit/);
        assert.ok(refused.message.startsWith(over));
        // Without limits, the defaults: both fit.
        const defaults = await new ImageFeatureStore(model, new EmbeddingCache(null)).features([over], false);
        assert.ok(!(defaults.get(over) instanceof Error));
      } finally {
        await model.dispose();
      }
    });
  });

  it(`a batch of 16 2,500 × 2,500 16-bit DICOMs (decoded ${DECODE_CONCURRENCY} at a time): peak memory printed`, async () => {
    const side = 2500;
    const pixels = new Uint16Array(side * side);
    for (let y = 0; y < side; y++)
      for (let x = 0; x < side; x++) pixels[y * side + x] = (x * 3 + y * 5 + ((x * y) % 97)) % 4096;
    const paths: string[] = [];
    for (let i = 0; i < 16; i++) {
      pixels[0] = i; // distinct contents, so none is a cache twin of another
      paths.push(
        writeDicom({
          transferSyntax: TS.explicitLittle,
          rows: side,
          columns: side,
          bitsAllocated: 16,
          bitsStored: 12,
          pixels,
        }),
      );
    }
    const model = await loadModel(tinyClipDir);
    try {
      const store = new ImageFeatureStore(model, new EmbeddingCache(null), DEFAULT_LIMITS);
      const started = Date.now();
      const measured = await measurePeakRss(() => store.features(paths, false));
      const features = measured.outcome as Map<string, unknown>;
      assert.equal([...features.values()].filter((f) => f instanceof Error).length, 0);
      console.log(
        `      16 × 2,500² 16-bit DICOM (12.5 MB each, 200 MB in all): ${describePeak(measured)}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      // Bounded by the images in flight, not by the batch: 16 files alone are 200 MB.
      assert.ok(measured.peakMB - measured.beforeMB < 600, describePeak(measured));
    } finally {
      await model.dispose();
    }
  });
});

describe('engine/image: the file itself, before it is read', function () {
  this.timeout(60_000);
  const temp = makeTempDir('image-file');
  after(temp.remove);

  it('refuses a file larger than any image within the pixel limit needs, from its size, without reading it', async () => {
    const path = join(temp.dir, 'padded.png');
    const png = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#777' } })
      .png()
      .toBuffer();
    writeFileSync(path, Buffer.concat([png, Buffer.alloc(9_000)])); // a PNG followed by junk: 9 KB over 100 px × 8 bytes
    const limits = { maxImagePixels: 1_000 };
    await assertImageError(
      decodeImage(path, limits),
      path,
      /^file is 0\.0\d+ MB, more than any image within the 0\.001 MP limit needs \(0\.008 MB; raise it with --max-image-pixels\)$/,
    );
    await assertImageError(
      decodeForDisplay(path, 512, limits),
      path,
      /more than any image within the 0\.001 MP limit needs/,
    );
    const features = await new ImageFeatureStore(
      await loadModel(tinyClipDir),
      new EmbeddingCache(null),
      limits,
    ).features([path], false);
    assert.match(String(features.get(path)), /more than any image within the 0\.001 MP limit needs/);
    assert.ok(await decodeImage(path, { maxImagePixels: 2_000 }), 'under a raised limit the same file decodes');
  });

  it('refuses a FIFO named like an image at once instead of blocking on it', async () => {
    const path = join(temp.dir, 'pipe.png');
    execFileSync('mkfifo', [path]);
    await assertImageError(decodeImage(path), path, /^not a regular file/);
    await assertImageError(decodeForDisplay(path), path, /^not a regular file/);
  });
});
