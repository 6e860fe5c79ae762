// The display worker (bundled to dist/display-worker.js, forked by display-worker-client.ts):
// decodes images for the review panel, one reply per request, until the host disconnects.
import { decodeForDisplay, type DisplayImage } from '../../engine/image';
import type { PixelImage } from '../../protocol/review-panel-protocol';
import { isDecodeRequest, type DecodeReply } from './display-worker-protocol';

function toPixelImage(d: DisplayImage): PixelImage {
  const { data, ...rest } = d;
  return { ...rest, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function reply(message: DecodeReply): void {
  process.send?.(message);
}

if (!process.send) {
  console.error('display-worker: start me with child_process.fork (I take requests over IPC)');
  process.exit(2);
}
process.on('message', (m: unknown) => {
  if (!isDecodeRequest(m)) return;
  decodeForDisplay(m.path, m.maxSide, m.maxImagePixels ? { maxImagePixels: m.maxImagePixels } : undefined).then(
    (image) => reply({ type: 'decoded', id: m.id, image: toPixelImage(image) }),
    (e: unknown) => reply({ type: 'failed', id: m.id, message: e instanceof Error ? e.message : String(e) }),
  );
});
process.on('disconnect', () => process.exit(0));
