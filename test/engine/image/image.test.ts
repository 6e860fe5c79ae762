// Decoding raster images (PNG, JPEG, TIFF, WebP) and preprocessing for a CLIP model, on files the tests write.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage, planResize, preprocessImage } from '../../../src/engine/image';
import type { DecodedImage, ImagePreprocessSpec, InputToImageTransform } from '../../../src/engine/types';
import { assertImageError, makeTempDir } from '../../helpers/image-fixtures';
import { requireShared } from '../../helpers/shared-data';

const temp = makeTempDir('image');
after(temp.remove);

type RawChannels = 1 | 3 | 4;
type Pipeline = ReturnType<typeof sharp>;

/** Writes raw 8-bit pixels as an image file with sharp; grey stays one channel. */
async function writeImage(
  name: string,
  pixels: Buffer,
  width: number,
  height: number,
  channels: RawChannels,
  encode: (s: Pipeline) => Pipeline,
): Promise<string> {
  const path = join(temp.dir, name);
  let pipeline = sharp(pixels, { raw: { width, height, channels } });
  if (channels === 1) pipeline = pipeline.toColourspace('b-w');
  writeFileSync(path, await encode(pipeline).toBuffer());
  return path;
}

/** Writes 16-bit samples as a PNG or TIFF. */
async function write16(
  name: string,
  samples: Uint16Array,
  width: number,
  height: number,
  channels: 1 | 3,
): Promise<string> {
  const path = join(temp.dir, name);
  const pipeline = sharp(samples, { raw: { width, height, channels } }).toColourspace(
    channels === 1 ? 'grey16' : 'rgb16',
  );
  const encoded = name.endsWith('.png') ? pipeline.png() : pipeline.tiff({ compression: 'lzw' });
  writeFileSync(path, await encoded.toBuffer());
  return path;
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  assert.equal(a.length, b.length);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += Math.abs(a[i]! - b[i]!);
  return total / a.length;
}

/** A smooth RGB test pattern. */
function rgbPattern(width: number, height: number): Buffer {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      px[i] = Math.round((x / (width - 1)) * 255);
      px[i + 1] = Math.round((y / (height - 1)) * 255);
      px[i + 2] = 128;
    }
  }
  return px;
}

describe('engine/image: decodeImage (raster)', () => {
  it('reads an 8-bit grey PNG exactly, one channel, no window', async () => {
    const pixels = Buffer.from([0, 17, 34, 51, 68, 85, 102, 119, 136, 153, 170, 187, 204, 221, 255]);
    const path = await writeImage('grey.png', pixels, 5, 3, 1, (s) => s.png());
    const img = await decodeImage(path);
    assert.deepEqual([img.width, img.height, img.channels, img.format, img.sourceBits], [5, 3, 1, 'png', 8]);
    assert.equal(img.window, undefined);
    assert.deepEqual(img.data, pixels);
  });

  it('reads an 8-bit RGBA PNG as RGB, dropping alpha without blending', async () => {
    const rgba = Buffer.from([255, 0, 0, 10, 0, 255, 0, 128, 0, 0, 255, 255, 9, 99, 199, 0]);
    const path = await writeImage('rgba.png', rgba, 2, 2, 4, (s) => s.png());
    const img = await decodeImage(path);
    assert.equal(img.channels, 3);
    assert.deepEqual([...img.data], [255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 99, 199]);
  });

  it('maps a 16-bit grey PNG to 8 bits with the 0.5-99.5 % window, keeping pixel order', async () => {
    const width = 40;
    const height = 25;
    // 1000 distinct values 1000, 1050, ..., 50950, shuffled so a reordering would show.
    const samples = Uint16Array.from({ length: width * height }, (_, i) => 1000 + ((i * 37) % 1000) * 50);
    const img = await decodeImage(await write16('deep.png', samples, width, height, 1));
    assert.deepEqual([img.width, img.height, img.channels, img.sourceBits], [width, height, 1, 16]);
    // Nearest-rank percentiles of 1000 values: rank 4 (1200) and rank 995 (50750).
    const lo = 1200;
    const hi = 50750;
    assert.deepEqual(img.window, { center: (lo + hi) / 2, width: hi - lo, origin: 'percentile' });
    for (let i = 0; i < samples.length; i++) {
      const expected = Math.min(255, Math.max(0, Math.round(((samples[i]! - lo) / (hi - lo)) * 255)));
      assert.equal(img.data[i], expected, `pixel ${i} (value ${samples[i]})`);
    }
  });

  it('maps a 16-bit RGB PNG with one window for all channels', async () => {
    const samples = Uint16Array.from({ length: 8 * 8 * 3 }, (_, i) => (i % 3 === 2 ? 60000 : 300 * i));
    const img = await decodeImage(await write16('deep-rgb.png', samples, 8, 8, 3));
    assert.equal(img.channels, 3);
    assert.equal(img.window?.origin, 'percentile');
    // The blue channel holds the brightest value everywhere: white; red/green keep increasing with i.
    for (let i = 2; i < samples.length; i += 3) assert.equal(img.data[i], 255);
    assert.ok(img.data[0]! < img.data[3]! && img.data[3]! < img.data[6]!);
  });

  it('reads a 16-bit TIFF with the percentile window', async () => {
    const samples = Uint16Array.from({ length: 40 * 20 }, (_, i) => i * 80);
    const img = await decodeImage(await write16('deep.tif', samples, 40, 20, 1));
    assert.equal(img.format, 'tiff');
    // 800 values: ranks 3 (240) and 796 (63680).
    assert.deepEqual(img.window, { center: 31960, width: 63440, origin: 'percentile' });
    assert.equal(img.data[400], Math.round(((32000 - 240) / 63440) * 255));
  });

  it('reads JPEG (lossy, within tolerance), 8-bit TIFF and lossless WebP exactly', async () => {
    const px = rgbPattern(32, 24);
    const jpeg = await decodeImage(await writeImage('pattern.jpg', px, 32, 24, 3, (s) => s.jpeg({ quality: 95 })));
    assert.deepEqual([jpeg.format, jpeg.width, jpeg.height, jpeg.channels], ['jpeg', 32, 24, 3]);
    assert.ok(meanAbsDiff(jpeg.data, px) < 4);
    const tiff = await decodeImage(
      await writeImage('pattern.tif', px, 32, 24, 3, (s) => s.tiff({ compression: 'lzw' })),
    );
    assert.equal(tiff.format, 'tiff');
    assert.deepEqual(tiff.data, px);
    const webp = await decodeImage(await writeImage('pattern.webp', px, 32, 24, 3, (s) => s.webp({ lossless: true })));
    assert.equal(webp.format, 'webp');
    assert.deepEqual(webp.data, px);
  });

  it('reads a grey JPEG as one channel', async () => {
    const grey = Buffer.from(Array.from({ length: 16 * 16 }, (_, i) => i % 256));
    const img = await decodeImage(await writeImage('grey.jpg', grey, 16, 16, 1, (s) => s.jpeg({ quality: 100 })));
    assert.equal(img.channels, 1);
    assert.ok(meanAbsDiff(img.data, grey) < 4);
  });

  it('applies EXIF orientation to JPEG', async () => {
    // 40x20, a red block in the top-left corner; orientation 6 means "rotate 90° clockwise to display".
    const px = Buffer.alloc(40 * 20 * 3);
    for (let y = 0; y < 6; y++) for (let x = 0; x < 6; x++) px[(y * 40 + x) * 3] = 255;
    const path = await writeImage('rotated.jpg', px, 40, 20, 3, (s) =>
      s.jpeg({ quality: 95 }).withMetadata({ orientation: 6 }),
    );
    const img = await decodeImage(path);
    assert.deepEqual([img.width, img.height], [20, 40]);
    const red = (x: number, y: number): number => img.data[(y * img.width + x) * 3]!;
    assert.ok(red(17, 2) > 200, 'the block is now top-right');
    assert.ok(red(2, 2) < 50);
  });

  it('goes by content, not extension: a JPEG named .png decodes as JPEG', async () => {
    const path = await writeImage('really-a-jpeg.png', rgbPattern(16, 16), 16, 16, 3, (s) => s.jpeg());
    const img = await decodeImage(path);
    assert.equal(img.format, 'jpeg');
    assert.deepEqual([img.width, img.height], [16, 16]);
  });

  it('rejects a zero-byte file, a text file named .png, a missing file and a truncated PNG', async () => {
    const empty = join(temp.dir, 'empty.png');
    writeFileSync(empty, '');
    await assertImageError(decodeImage(empty), empty, /empty file \(0 bytes\)/);

    const text = join(temp.dir, 'notes.png');
    writeFileSync(text, 'hello, not an image');
    await assertImageError(
      decodeImage(text),
      text,
      /^not a supported image \(starts with bytes 68 65 6c 6c 6f 2c 20 6e\)$/,
    );

    const missing = join(temp.dir, 'missing.png');
    await assertImageError(decodeImage(missing), missing, /cannot read file: .*ENOENT/);

    const whole = await sharp(rgbPattern(64, 64), { raw: { width: 64, height: 64, channels: 3 } })
      .png()
      .toBuffer();
    const cut = join(temp.dir, 'cut.png');
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await assertImageError(decodeImage(cut), cut, /cannot decode png: /);
  });

  it('decodes the first 20 real images of covid-cxr with sane sizes', async function () {
    const root = requireShared(this, 'data/covid-cxr');
    const names = readdirSync(join(root, 'images'))
      .filter((n) => /\.(jpe?g|png)$/i.test(n))
      .sort()
      .slice(0, 20);
    assert.equal(names.length, 20);
    for (const name of names) {
      const img = await decodeImage(join(root, 'images', name));
      assert.ok(
        img.width >= 64 && img.height >= 64 && img.width <= 10000 && img.height <= 10000,
        `${name}: ${img.width}x${img.height}`,
      );
      assert.equal(img.data.length, img.width * img.height * img.channels, name);
      assert.ok(
        img.data.some((v) => v !== img.data[0]),
        `${name} is not blank`,
      );
    }
  });
});

describe('engine/image: preprocessImage', () => {
  const mean = [0.5, 0.4, 0.3];
  const std = [0.25, 0.2, 0.1];
  const size = 64;
  const spec = (resize: ImagePreprocessSpec['resize']): ImagePreprocessSpec => ({
    size,
    resize,
    mean,
    std,
    channels: 3,
  });

  /** Left half black, right half white, a red block; written as PNG and decoded, like a real input. */
  async function markerImage(
    width: number,
    height: number,
    block: { x0: number; y0: number; x1: number; y1: number },
  ): Promise<DecodedImage> {
    const px = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        const inBlock = x >= block.x0 && x < block.x1 && y >= block.y0 && y < block.y1;
        const v = x >= width / 2 ? 255 : 0;
        px.set(inBlock ? [255, 0, 0] : [v, v, v], i);
      }
    }
    return decodeImage(await writeImage(`marker-${width}x${height}.png`, px, width, height, 3, (s) => s.png()));
  }

  /** Normalised value of channel c at model-input pixel (x, y). */
  const valueAt = (tensor: Float32Array, c: number, x: number, y: number): number =>
    tensor[c * size * size + y * size + x]!;
  const normalised = (v: number): number[] => mean.map((m, c) => (v / 255 - m) / std[c]!);
  const toOriginal = (t: InputToImageTransform, x: number, y: number): [number, number] => [
    (x - t.offsetX) / t.scaleX,
    (y - t.offsetY) / t.scaleY,
  ];

  /** Centre of the pixels that are clearly red, in continuous input coordinates. */
  function redCentroid(tensor: Float32Array): [number, number] {
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const r = valueAt(tensor, 0, x, y) * std[0]! + mean[0]!;
        const g = valueAt(tensor, 1, x, y) * std[1]! + mean[1]!;
        if (r > 0.6 && g < 0.3) {
          sx += x + 0.5;
          sy += y + 0.5;
          n++;
        }
      }
    }
    assert.ok(n > 0, 'marker visible in the model input');
    return [sx / n, sy / n];
  }

  const cases: Array<{
    resize: ImagePreprocessSpec['resize'];
    width: number;
    height: number;
    block: { x0: number; y0: number; x1: number; y1: number };
    transform: Omit<InputToImageTransform, 'width' | 'height' | 'inputSize'>;
  }> = [
    // 300x200 → short side 64: 96x64, 16 px cut from the left.
    {
      resize: 'shortest-edge',
      width: 300,
      height: 200,
      block: { x0: 100, y0: 140, x1: 120, y1: 160 },
      transform: { scaleX: 0.32, scaleY: 0.32, offsetX: -16, offsetY: 0 },
    },
    // 200x300 portrait: 64x96, 16 px cut from the top.
    {
      resize: 'shortest-edge',
      width: 200,
      height: 300,
      block: { x0: 40, y0: 100, x1: 60, y1: 120 },
      transform: { scaleX: 0.32, scaleY: 0.32, offsetX: 0, offsetY: -16 },
    },
    {
      resize: 'squash',
      width: 300,
      height: 200,
      block: { x0: 100, y0: 140, x1: 120, y1: 160 },
      transform: { scaleX: 64 / 300, scaleY: 0.32, offsetX: 0, offsetY: 0 },
    },
    // 300x200 → 64x43, padded by 10 rows on top and 11 below.
    {
      resize: 'letterbox',
      width: 300,
      height: 200,
      block: { x0: 100, y0: 140, x1: 120, y1: 160 },
      transform: { scaleX: 64 / 300, scaleY: 43 / 200, offsetX: 0, offsetY: 10 },
    },
  ];

  for (const c of cases) {
    it(`${c.resize} ${c.width}x${c.height}: shape, normalisation, and a transform that finds the marker again`, async () => {
      const img = await markerImage(c.width, c.height, c.block);
      const { tensor, transform } = await preprocessImage(img, spec(c.resize));
      assert.equal(tensor.length, 3 * size * size);
      assert.deepEqual(transform, { ...c.transform, width: c.width, height: c.height, inputSize: size });

      // The marker's centre, mapped back, lands on the block's centre (within one input pixel).
      const [ix, iy] = redCentroid(tensor);
      const [ox, oy] = toOriginal(transform, ix, iy);
      const tolerance = 1 / Math.min(transform.scaleX, transform.scaleY);
      assert.ok(Math.abs(ox - (c.block.x0 + c.block.x1) / 2) < tolerance, `x ${ox}`);
      assert.ok(Math.abs(oy - (c.block.y0 + c.block.y1) / 2) < tolerance, `y ${oy}`);

      // Sample input pixels far from edges: their mapped-back original colour gives the expected normalised value.
      for (const [x, y] of [
        [3, size / 2],
        [size - 4, size / 2],
        [size - 4, 3],
      ] as const) {
        const [origX, origY] = toOriginal(transform, x + 0.5, y + 0.5);
        const inside = origY >= 0 && origY < c.height && origX >= 0 && origX < c.width;
        const v = inside && origX >= c.width / 2 ? 255 : 0; // padding is black
        [0, 1, 2].forEach((ch) =>
          assert.ok(Math.abs(valueAt(tensor, ch, x, y) - normalised(v)[ch]!) < 1e-5, `(${x},${y}) ch ${ch}`),
        );
      }
    });
  }

  it('letterbox pads with black (0 before normalisation)', async () => {
    const img = await markerImage(300, 200, { x0: 0, y0: 0, x1: 0, y1: 0 });
    const { tensor } = await preprocessImage(img, spec('letterbox'));
    // Rows 0..9 and 53..63 are padding, also under the white half.
    for (const y of [0, 9, 53, 63])
      assert.ok(Math.abs(valueAt(tensor, 2, 60, y) - normalised(0)[2]!) < 1e-5, `row ${y}`);
    assert.ok(Math.abs(valueAt(tensor, 2, 60, 30) - normalised(255)[2]!) < 1e-5);
  });

  it('repeats a grey image into 3 channels, and turns colour into one grey channel when asked', async () => {
    const grey: DecodedImage = {
      data: Buffer.alloc(80 * 80, 51),
      width: 80,
      height: 80,
      channels: 1,
      format: 'png',
      sourceBits: 8,
    };
    const three = await preprocessImage(grey, spec('squash'));
    for (let ch = 0; ch < 3; ch++) assert.ok(Math.abs(valueAt(three.tensor, ch, 10, 10) - normalised(51)[ch]!) < 1e-5);

    const colour: DecodedImage = {
      data: Buffer.alloc(80 * 80 * 3, 200),
      width: 80,
      height: 80,
      channels: 3,
      format: 'png',
      sourceBits: 8,
    };
    const one = await preprocessImage(colour, { size, resize: 'squash', mean: [0.5], std: [0.5], channels: 1 });
    assert.equal(one.tensor.length, size * size);
    assert.ok(Math.abs(one.tensor[100]! - (200 / 255 - 0.5) / 0.5) < 0.02);
  });

  it('rejects a spec whose mean/std do not match its channels', async () => {
    const grey: DecodedImage = {
      data: Buffer.alloc(16, 0),
      width: 4,
      height: 4,
      channels: 1,
      format: 'png',
      sourceBits: 8,
    };
    await assert.rejects(
      preprocessImage(grey, { size: 8, resize: 'squash', mean: [0.5], std: [0.5], channels: 3 }),
      /mean\/std have 1\/1 values for 3 channels/,
    );
  });

  it('planResize keeps the short side exact and the crop inside for extreme aspect ratios', () => {
    const tall = planResize(10, 1000, 224, 'shortest-edge');
    assert.deepEqual([tall.resizeWidth, tall.resizeHeight, tall.left, tall.top], [224, 22400, 0, 11088]);
    const thin = planResize(1000, 3, 224, 'letterbox');
    assert.deepEqual([thin.resizeWidth, thin.resizeHeight], [224, 1]);
    assert.equal(thin.transform.offsetY, 111);
  });
});
