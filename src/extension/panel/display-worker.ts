// The display worker (bundled to dist/display-worker.js, forked by display-worker-client.ts):
// decodes images for the review panel, one reply per request, until the host disconnects.
import * as v from 'valibot';
import { decodeForDisplay, type DisplayImage } from '../../engine/image';
import type { PixelImage } from '../../protocol/review-panel-protocol';
import { answer } from '../../protocol/request-reply';
import { DisplayRequestSchema } from './display-worker-protocol';

function toPixelImage(d: DisplayImage): PixelImage {
  const { data, ...rest } = d;
  return { ...rest, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

if (!process.send) {
  console.error('display-worker: start me with child_process.fork (I take requests over IPC)');
  process.exit(2);
}
process.on('message', (m: unknown) => {
  const request = v.safeParse(DisplayRequestSchema, m);
  if (!request.success) return;
  const { requestId, params } = request.output;
  void answer(requestId, async () =>
    toPixelImage(
      await decodeForDisplay(
        params.path,
        params.maxSide,
        params.maxImagePixels ? { maxImagePixels: params.maxImagePixels } : undefined,
      ),
    ),
  ).then((reply) => process.send?.(reply));
});
process.on('disconnect', () => process.exit(0));
