// PNG, JPEG, TIFF and WebP through sharp: EXIF orientation applied, alpha dropped, 16-bit windowed to 8.
import sharp from 'sharp';
import type { DecodedImage } from '../types';
import { ImageError, describeThrown } from './errors';
import { windowUnsigned16 } from './window';

type RasterFormat = 'png' | 'jpeg' | 'tiff' | 'webp';

export async function decodeRaster(path: string, bytes: Buffer, format: RasterFormat): Promise<DecodedImage> {
  try {
    const meta = await sharp(bytes).metadata();
    // Grey sources stay one channel; palette and CMYK images count as colour.
    const grey = meta.channels !== undefined && meta.channels <= 2 && !meta.isPalette;
    const channels = grey ? 1 : 3;
    const pipeline = sharp(bytes).autoOrient().removeAlpha();

    if (meta.depth === 'ushort') {
      const { data, info } = await pipeline
        .toColourspace(grey ? 'grey16' : 'rgb16')
        .raw({ depth: 'ushort' })
        .toBuffer({ resolveWithObject: true });
      checkChannels(path, info.channels, channels);
      const windowed = windowUnsigned16(asUint16(data));
      return { data: windowed.data, width: info.width, height: info.height, channels, format, sourceBits: 16, window: windowed.window };
    }
    if (meta.depth !== undefined && meta.depth !== 'uchar') {
      throw new ImageError(path, `unsupported ${format} sample format '${meta.depth}' (only 8- and 16-bit integer images are read)`);
    }
    const { data, info } = await pipeline.toColourspace(grey ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
    checkChannels(path, info.channels, channels);
    return { data, width: info.width, height: info.height, channels, format, sourceBits: 8 };
  } catch (thrown) {
    if (thrown instanceof ImageError) throw thrown;
    throw new ImageError(path, `cannot decode ${format}: ${describeThrown(thrown)}`);
  }
}

function checkChannels(path: string, got: number, expected: number): void {
  if (got !== expected) throw new ImageError(path, `decoder produced ${got} channels where ${expected} were expected`);
}

/** A 16-bit view of sharp's output, copied when the buffer is not 2-byte aligned. */
function asUint16(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.length / 2);
  const copy = new Uint8Array(data);
  return new Uint16Array(copy.buffer);
}
