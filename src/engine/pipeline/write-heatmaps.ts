// Writes one overlay PNG per sentence that has a heatmap: <dir>/<pair id>/<NN>.png.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeImage } from '../image';
import type { ImageLimits } from '../image/pixel-limit';
import { writeHeatmapOverlay } from '../render/heatmap-overlay';
import type { SentenceResult } from '../results';
import type { DecodedImage } from '../types';

/** A file-name-safe form of a pair id (ids may contain slashes, as MIMIC's do). */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
}

export async function writePairHeatmaps(
  dir: string,
  pairId: string,
  imagePaths: string[],
  sentences: SentenceResult[],
  limits?: ImageLimits,
): Promise<string[]> {
  const folder = join(dir, safeName(pairId));
  await mkdir(folder, { recursive: true });
  const decoded = new Map<number, DecodedImage>();
  const written: string[] = [];
  for (let k = 0; k < sentences.length; k++) {
    const map = sentences[k].heatmap;
    if (!map) continue;
    let img = decoded.get(map.imageIndex);
    if (!img) decoded.set(map.imageIndex, (img = await decodeImage(imagePaths[map.imageIndex], limits)));
    const path = join(folder, `${String(k + 1).padStart(2, '0')}.png`);
    await writeHeatmapOverlay(img, map, path);
    written.push(path);
  }
  return written;
}
