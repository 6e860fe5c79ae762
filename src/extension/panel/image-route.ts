// Which images the webview can load by URL (8-bit PNG, JPEG, WebP: browsers show them as they
// are) and which the host must decode first (16-bit PNG, TIFF, DICOM). Reads only the first bytes.
import { open } from 'node:fs/promises';
import { sniffFormat } from '../../engine/image/detect';

export type ImageRoute = 'uri' | 'pixels';

/** PNG: signature (8) + IHDR length/type (8) + width, height (8) → bit depth at 24, colour type at 25. */
const PNG_BIT_DEPTH_OFFSET = 24;
const HEAD_BYTES = 256;

export function routeFromHead(head: Uint8Array, path: string): ImageRoute {
  const format = sniffFormat(head, path);
  if (format === 'jpeg' || format === 'webp') return 'uri';
  if (format === 'png') return head[PNG_BIT_DEPTH_OFFSET] === 16 ? 'pixels' : 'uri';
  // TIFF and DICOM (and anything unrecognised: the decoder will say what is wrong).
  return 'pixels';
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
