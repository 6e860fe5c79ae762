// DICOM decoding on files written byte by byte by test/helpers/dicom-writer.ts.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../../../src/engine/image';
import type { DecodedImage } from '../../../src/engine/types';
import { type TestDicomImage, TransferSyntaxes as TS, buildDicom, encodeRleFrame } from '../../helpers/dicom-writer';
import { encodeJpegLossless } from '../../helpers/dicom-jpeg-lossless';
import { assertImageError, makeTempDir } from '../../helpers/image-fixtures';

describe('engine/image: DICOM decoding', () => {
  const temp = makeTempDir('dicom');
  after(temp.remove);
  let counter = 0;

  function write(img: TestDicomImage, name = `image-${++counter}.dcm`): string {
    const path = join(temp.dir, name);
    writeFileSync(path, buildDicom(img));
    return path;
  }
  const at = (img: DecodedImage, x: number, y: number): number => img.data[y * img.width + x]!;

  // 10x10 image, values 0, 40, ..., 3960 in row-major order: 12 bits stored in 16 allocated.
  const ramp12 = Array.from({ length: 100 }, (_, i) => i * 40);

  it('reads implicit VR little endian 16-bit with a percentile window, masking bits above HighBit', async () => {
    const pixels = [...ramp12];
    pixels[3] = 120 | 0x8000; // an overlay bit above HighBit 11 must be ignored
    const path = write({
      transferSyntax: TS.implicitLittle,
      rows: 10,
      columns: 10,
      bitsAllocated: 16,
      bitsStored: 12,
      pixels,
    });
    const img = await decodeImage(path);
    assert.deepEqual([img.width, img.height, img.channels, img.format, img.sourceBits], [10, 10, 1, 'dicom', 12]);
    // 100 values: the 0.5 % and 99.5 % ranks are the first and last, so the window is 0..3960.
    assert.deepEqual(img.window, { center: 1980, width: 3960, origin: 'percentile' });
    assert.equal(at(img, 0, 0), 0);
    assert.equal(at(img, 3, 0), 8); // 120 / 3960 * 255 = 7.7
    assert.equal(at(img, 0, 5), 129); // 2000 / 3960 * 255 = 128.8
    assert.equal(at(img, 9, 9), 255);
  });

  it('reads explicit VR little endian 8-bit and applies WindowCenter/Width with the DICOM linear formula', async () => {
    // Center 100, width 50: y = ((x - 99.5) / 49 + 0.5) * 255 between 75 (exclusive) and 124.
    const values = [0, 75, 76, 90, 100, 124, 125, 200];
    const path = write({
      transferSyntax: TS.explicitLittle,
      rows: 1,
      columns: 8,
      bitsAllocated: 8,
      windowCenter: '100',
      windowWidth: '50',
      pixels: values,
    });
    const img = await decodeImage(path);
    assert.deepEqual(img.window, { center: 100, width: 50, origin: 'dicom' });
    assert.equal(img.sourceBits, 8);
    // 76 → 5.2; 90 → 78.06; 100 → 130.1; 124 → 255.
    assert.deepEqual([...img.data], [0, 0, 5, 78, 130, 255, 255, 255]);
  });

  it('uses the first value of a multi-valued window and honours VOI LUT Function LINEAR_EXACT', async () => {
    const path = write({
      transferSyntax: TS.explicitLittle,
      rows: 1,
      columns: 4,
      bitsAllocated: 8,
      windowCenter: '100\\20',
      windowWidth: '100\\10',
      voiLutFunction: 'LINEAR_EXACT',
      pixels: [50, 75, 100, 150],
    });
    const img = await decodeImage(path);
    assert.deepEqual(img.window, { center: 100, width: 100, origin: 'dicom' });
    // y = ((x - 100) / 100 + 0.5) * 255: 50 → 0, 75 → 63.75, 100 → 127.5, 150 → 255.
    assert.deepEqual([...img.data], [0, 64, 128, 255]);
  });

  // Signed 16-bit, slope 2, intercept -1024: modality = 2 * stored - 1024.
  const signedPixels = [-500, 0, 12, 13, 262, 512, 1000, -32768];
  const signedImage: TestDicomImage = {
    transferSyntax: TS.explicitLittle,
    rows: 1,
    columns: 8,
    bitsAllocated: 16,
    pixelRepresentation: 1,
    rescaleSlope: '2',
    rescaleIntercept: '-1024',
    pixels: signedPixels,
  };

  it('applies rescale slope/intercept to signed data before the window', async () => {
    const img = await decodeImage(write({ ...signedImage, windowCenter: '0', windowWidth: '2000' }));
    // LINEAR, c=0, w=2000: 0 at or below -1000, 255 above 999, else ((m + 0.5) / 1999 + 0.5) * 255.
    // modality: -2024, -1024, -1000, -998 (0.26), -500 (63.8), 0 (127.6), 976 (252.1), -66560.
    assert.deepEqual([...img.data], [0, 0, 0, 0, 64, 128, 252, 0]);
    assert.equal(img.sourceBits, 16);
  });

  it('without a window, takes the percentile window in rescaled units', async () => {
    const img = await decodeImage(write(signedImage));
    // 8 values: ranks 0 and 7, i.e. stored -32768 and 1000 → modality -66560 and 976.
    assert.deepEqual(img.window, { center: (-66560 + 976) / 2, width: 976 + 66560, origin: 'percentile' });
    assert.equal(img.data[7], 0);
    assert.equal(img.data[6], 255);
    // stored 0 → -1024: (-1024 + 66560) / 67536 * 255 = 247.4
    assert.equal(img.data[1], 247);
  });

  it('sign-extends signed data with fewer stored bits than allocated', async () => {
    // 12-bit signed: 0x0FFF is -1, 0x0800 is -2048, 0x07FF is 2047.
    const path = write({
      transferSyntax: TS.explicitLittle,
      rows: 1,
      columns: 3,
      bitsAllocated: 16,
      bitsStored: 12,
      pixelRepresentation: 1,
      windowCenter: '0',
      windowWidth: '4096',
      voiLutFunction: 'LINEAR_EXACT',
      pixels: [0x0fff, 0x0800, 0x07ff],
    });
    const img = await decodeImage(path);
    // y = (x / 4096 + 0.5) * 255: -1 → 127.44, -2048 → 0, 2047 → 254.94
    assert.deepEqual([...img.data], [127, 0, 255]);
  });

  it('inverts MONOCHROME1 after the window', async () => {
    // Center 128, width 256 is the identity on 0..255 under the LINEAR formula.
    const path = write({
      transferSyntax: TS.explicitLittle,
      rows: 2,
      columns: 2,
      bitsAllocated: 8,
      photometric: 'MONOCHROME1',
      windowCenter: '128',
      windowWidth: '256',
      pixels: [0, 10, 200, 255],
    });
    const img = await decodeImage(path);
    assert.deepEqual([...img.data], [255, 245, 55, 0]);
  });

  // 16x8 16-bit values with runs (replicate packets) and varied high and low bytes (literal packets).
  const rlePixels = Array.from({ length: 128 }, (_, i) => (i < 20 ? 300 : (i * 2741) % 4096));
  const rleBase = {
    rows: 8,
    columns: 16,
    bitsAllocated: 16,
    bitsStored: 12,
    windowCenter: '2048',
    windowWidth: '4096',
  } as const;

  it('decodes RLE Lossless 16-bit (two segments) to the same pixels as the uncompressed file', async () => {
    const native = await decodeImage(write({ ...rleBase, transferSyntax: TS.explicitLittle, pixels: rlePixels }));
    const frame = encodeRleFrame(rlePixels, 8, 16, 16, 1);
    assert.equal(frame.readUInt32LE(0), 2);
    const rle = await decodeImage(write({ ...rleBase, transferSyntax: TS.rle, frames: [frame] }));
    assert.deepEqual(rle.data, native.data);
    assert.deepEqual(rle.window, native.window);
    // 300 under LINEAR c=2048 w=4096: ((300 - 2047.5) / 4095 + 0.5) * 255 = 18.6
    assert.equal(rle.data[0], 19);
  });

  it('decodes RLE Lossless RGB (three segments) and planar uncompressed RGB alike', async () => {
    const rgb = Array.from({ length: 6 * 4 * 3 }, (_, i) => (i % 3 === 0 ? 250 : (i * 37) % 256));
    const rle = await decodeImage(
      write({
        transferSyntax: TS.rle,
        rows: 4,
        columns: 6,
        bitsAllocated: 8,
        samplesPerPixel: 3,
        frames: [encodeRleFrame(rgb, 4, 6, 8, 3)],
      }),
    );
    assert.equal(rle.channels, 3);
    assert.equal(rle.window, undefined);
    assert.deepEqual([...rle.data], rgb);
    const planar = [0, 1, 2].flatMap((c) => rgb.filter((_, i) => i % 3 === c));
    const native = await decodeImage(
      write({
        transferSyntax: TS.explicitLittle,
        rows: 4,
        columns: 6,
        bitsAllocated: 8,
        samplesPerPixel: 3,
        planarConfiguration: 1,
        pixels: planar,
      }),
    );
    assert.deepEqual([...native.data], rgb);
  });

  it('decodes JPEG Baseline 8-bit (lossy, within tolerance)', async () => {
    const width = 64;
    const height = 48;
    const source = Buffer.alloc(width * height);
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        source[y * width + x] = Math.round((x / (width - 1)) * 200 + (y / (height - 1)) * 50);
    const jpeg = await sharp(source, { raw: { width, height, channels: 1 } })
      .toColourspace('b-w')
      .jpeg({ quality: 95 })
      .toBuffer();
    assert.equal((await sharp(jpeg).metadata()).channels, 1);
    const img = await decodeImage(
      write({
        transferSyntax: TS.jpegBaseline,
        rows: height,
        columns: width,
        bitsAllocated: 8,
        windowCenter: '128',
        windowWidth: '256',
        frames: [jpeg],
      }),
    );
    assert.deepEqual([img.width, img.height, img.channels], [width, height, 1]);
    let total = 0;
    for (let i = 0; i < source.length; i++) total += Math.abs(img.data[i]! - source[i]!);
    assert.ok(total / source.length < 3, `mean error ${total / source.length}`);
  });

  it('decodes JPEG Lossless (first-order prediction) 16-bit to the same pixels as the uncompressed file', async () => {
    // All 16 bits stored, so no masking could hide a wrong reconstruction.
    const base = { ...rleBase, bitsStored: 16 };
    const native = await decodeImage(write({ ...base, transferSyntax: TS.explicitLittle, pixels: rlePixels }));
    const jpeg = encodeJpegLossless(rlePixels, 16, 8, 16);
    const lossless = await decodeImage(write({ ...base, transferSyntax: TS.jpegLossless, frames: [jpeg] }));
    assert.deepEqual(lossless.data, native.data);
    assert.deepEqual(lossless.window, native.window);
  });

  it('rejects a corrupt JPEG Lossless frame with the syntax name', async () => {
    const path = write({
      ...rleBase,
      transferSyntax: TS.jpegLossless,
      frames: [Buffer.from([0x00, 0x11, 0x22, 0x33])],
    });
    await assertImageError(
      decodeImage(path),
      path,
      /cannot decode DICOM pixel data \(JPEG Lossless, First-Order Prediction\): /,
    );
  });

  it('reads the first frame of a multi-frame file', async () => {
    const path = write({
      transferSyntax: TS.explicitLittle,
      rows: 1,
      columns: 2,
      bitsAllocated: 8,
      numberOfFrames: 2,
      windowCenter: '128',
      windowWidth: '256',
      pixels: [10, 20, 200, 210],
    });
    const img = await decodeImage(path);
    assert.deepEqual([...img.data], [10, 20]);
  });

  it('reads explicit VR big endian, deflated, and bare datasets the same as explicit little endian', async () => {
    const base = { rows: 10, columns: 10, bitsAllocated: 16, bitsStored: 12, pixels: ramp12 } as const;
    const reference = await decodeImage(write({ ...base, transferSyntax: TS.explicitLittle }));
    for (const variant of [
      { transferSyntax: TS.explicitBig },
      { transferSyntax: TS.deflated },
      { transferSyntax: TS.implicitLittle, bare: true },
      { transferSyntax: TS.explicitLittle, bare: true },
    ]) {
      const img = await decodeImage(write({ ...base, ...variant }));
      assert.deepEqual(img.data, reference.data, JSON.stringify(variant));
      assert.deepEqual(img.window, reference.window, JSON.stringify(variant));
    }
  });

  it('detects DICOM by its DICM marker whatever the extension', async () => {
    const path = write(
      { transferSyntax: TS.explicitLittle, rows: 1, columns: 2, bitsAllocated: 8, pixels: [0, 255] },
      'scan.img',
    );
    const img = await decodeImage(path);
    assert.equal(img.format, 'dicom');
    assert.deepEqual([...img.data], [0, 255]);
  });

  it('rejects JPEG 2000 with a skip reason naming the file and the transfer syntax', async () => {
    const path = write({
      transferSyntax: TS.jpeg2000Lossless,
      rows: 2,
      columns: 2,
      bitsAllocated: 8,
      frames: [Buffer.from([0xff, 0x4f, 0xff, 0x51])],
    });
    await assertImageError(
      decodeImage(path),
      path,
      /unsupported DICOM transfer syntax 1\.2\.840\.10008\.1\.2\.4\.90 \(JPEG 2000 Lossless\)/,
    );
  });

  it('rejects a DICOM without pixel data', async () => {
    const path = write({
      transferSyntax: TS.explicitLittle,
      rows: 2,
      columns: 2,
      bitsAllocated: 8,
      omitPixelData: true,
    });
    await assertImageError(decodeImage(path), path, /no pixel data/);
  });

  it('rejects a DICOM file cut short inside its pixel data', async () => {
    const whole = buildDicom({
      transferSyntax: TS.explicitLittle,
      rows: 10,
      columns: 10,
      bitsAllocated: 16,
      pixels: ramp12,
    });
    const path = join(temp.dir, 'truncated.dcm');
    writeFileSync(path, whole.subarray(0, whole.length - 100));
    await assertImageError(decodeImage(path), path, /truncated/);
  });

  it('rejects pixel data shorter than Rows x Columns needs', async () => {
    const path = write({
      transferSyntax: TS.explicitLittle,
      rows: 10,
      columns: 10,
      bitsAllocated: 16,
      pixels: ramp12.slice(0, 50),
    });
    await assertImageError(
      decodeImage(path),
      path,
      /truncated: the first frame needs 200 bytes of pixel data but only 100 are present/,
    );
  });

  it('rejects a DICOM cut inside its header, and a .dcm that is not DICOM at all', async () => {
    const whole = buildDicom({
      transferSyntax: TS.explicitLittle,
      rows: 10,
      columns: 10,
      bitsAllocated: 16,
      pixels: ramp12,
    });
    const cut = join(temp.dir, 'cut-header.dcm');
    writeFileSync(cut, whole.subarray(0, 150));
    await assertImageError(decodeImage(cut), cut, /DICOM/);
    const text = join(temp.dir, 'notes.dcm');
    writeFileSync(text, 'This is a text file, not a DICOM image.\n'.repeat(10));
    await assertImageError(
      decodeImage(text),
      text,
      /^not a DICOM file \(no .DICM. marker at byte 128, and no image dataset\)$/,
    );
  });

  it('rejects a truncated RLE frame', async () => {
    const frame = encodeRleFrame(rlePixels, 8, 16, 16, 1);
    const path = write({ ...rleBase, transferSyntax: TS.rle, frames: [frame.subarray(0, frame.length - 40)] });
    await assertImageError(decodeImage(path), path, /RLE segment 2 decodes to \d+ bytes where 128 were expected/);
  });
});
