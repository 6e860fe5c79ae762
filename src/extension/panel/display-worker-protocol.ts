// Messages between the extension host and the display worker (dist/display-worker.js), a forked
// Node process that decodes images for the review panel. It keeps sharp (a native addon) and the
// synchronous DICOM decoders off the extension host, as the scoring worker does for scoring.
import type { PixelImage } from '../../protocol/review-panel-protocol';

/** Longest side of decoded images sent to the webview (the viewer zooms; memory and transfer stay small). */
export const DISPLAY_MAX_SIDE = 1536;

export interface DecodeRequest {
  type: 'decode';
  id: number;
  path: string;
  maxSide: number;
  /** `radalign.limits.maxImagePixels` when the user set it; the engine's default otherwise. */
  maxImagePixels?: number;
}

export type DecodeReply =
  { type: 'decoded'; id: number; image: PixelImage } | { type: 'failed'; id: number; message: string };

export function isDecodeRequest(v: unknown): v is DecodeRequest {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<DecodeRequest>;
  return (
    r.type === 'decode' &&
    Number.isInteger(r.id) &&
    typeof r.path === 'string' &&
    Number.isInteger(r.maxSide) &&
    (r.maxImagePixels === undefined || (Number.isSafeInteger(r.maxImagePixels) && r.maxImagePixels > 0))
  );
}

export function isDecodeReply(v: unknown): v is DecodeReply {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as { type?: unknown; id?: unknown; image?: unknown; message?: unknown };
  if (!Number.isInteger(r.id)) return false;
  return (
    (r.type === 'decoded' && typeof r.image === 'object' && r.image !== null) ||
    (r.type === 'failed' && typeof r.message === 'string')
  );
}
