// Which images the webview can load by URL (8-bit PNG, JPEG, WebP: browsers show them as they
// are) and which the host must decode first (16-bit PNG, TIFF, DICOM — and any image whose
// header claims more pixels than a browser should be asked to decode: the host decodes those
// under the engine's pixel limit and sends a downsampled copy, or the reason it refused).
// Reads only the first bytes.
import { open } from 'node:fs/promises';
import { sniffFormat } from '../../engine/image/detect';
import { readJpegFrameHeader } from '../../engine/image/dicom/jpeg-frame-header';

export type ImageRoute = 'uri' | 'pixels';

/** PNG: signature (8) + IHDR length/type (8) + width, height (8) → bit depth at 24, colour type at 25. */
const PNG_BIT_DEPTH_OFFSET = 24;
/** Enough for a JPEG's frame header after typical EXIF/ICC segments. */
const HEAD_BYTES = 64 * 1024;
/** Largest image the webview decodes itself (an RGBA copy of 40 MP is 160 MB in the renderer). */
export const URI_MAX_PIXELS = 40_000_000;

export function routeFromHead(head: Uint8Array, path: string): ImageRoute {
  const format = sniffFormat(head, path);
  if (format !== 'jpeg' && format !== 'webp' && format !== 'png') return 'pixels'; // TIFF, DICOM, unrecognised
  if (format === 'png' && head[PNG_BIT_DEPTH_OFFSET] === 16) return 'pixels';
  const size = headerSize(head, format);
  return size !== undefined && size.width * size.height <= URI_MAX_PIXELS ? 'uri' : 'pixels';
}

/** Width and height as the header declares them; undefined when they cannot be read from `head`. */
function headerSize(head: Uint8Array, format: 'png' | 'jpeg' | 'webp'): { width: number; height: number } | undefined {
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  try {
    if (format === 'png')
      return head.length >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : undefined;
    if (format === 'jpeg') return readJpegFrameHeader(head);
    // WebP: RIFF....WEBP then a VP8X (extended), VP8 (lossy) or VP8L (lossless) chunk.
    const chunk = String.fromCharCode(...head.subarray(12, 16));
    if (chunk === 'VP8X' && head.length >= 30)
      return { width: 1 + (view.getUint32(24, true) & 0xffffff), height: 1 + (view.getUint32(27, true) & 0xffffff) };
    if (chunk === 'VP8 ' && head.length >= 30)
      return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    if (chunk === 'VP8L' && head.length >= 25) {
      const bits = view.getUint32(21, true);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >>> 14) & 0x3fff) };
    }
  } catch {
    // a header cut short: let the host decoder say what is wrong
  }
  return undefined;
}

export async function routeImage(path: string): Promise<ImageRoute> {
  try {
    const file = await open(path, 'r');
    try {
      const head = new Uint8Array(HEAD_BYTES);
      const { bytesRead } = await file.read(head, 0, HEAD_BYTES, 0);
      return routeFromHead(head.subarray(0, bytesRead), path);
    } finally {
      await file.close();
    }
  } catch {
    // Unreadable: let the decoder produce the message the user sees.
    return 'pixels';
  }
}
