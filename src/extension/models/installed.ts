// Where catalogue models live (`<globalStorage>/models/<id>/`) and whether one is complete. A
// marker written after every file was verified and the folder checked records what was
// installed, so listing models never re-hashes hundreds of megabytes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { CatalogueEntry, DownloadableFile } from './catalogue';

export const MARKER_FILE = '.radalign-download.json';

export interface InstalledMarker {
  id: string;
  name: string;
  files: { path: string; size: number; sha256: string }[];
  downloadedAt: string;
}

export function modelsRoot(globalStorage: string): string {
  return join(globalStorage, 'models');
}

export function modelDirFor(globalStorage: string, id: string): string {
  return join(modelsRoot(globalStorage), id);
}

export async function readMarker(dir: string): Promise<InstalledMarker | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, MARKER_FILE), 'utf8')) as InstalledMarker;
    return typeof m.id === 'string' && Array.isArray(m.files) ? m : undefined;
  } catch {
    return undefined;
  }
}

export async function writeMarker(dir: string, entry: CatalogueEntry, files: DownloadableFile[]): Promise<void> {
  const marker: InstalledMarker = {
    id: entry.id,
    name: entry.name,
    files: files.map(({ path, size, sha256 }) => ({ path, size, sha256 })),
    downloadedAt: new Date().toISOString(),
  };
  await writeFileAtomic(join(dir, MARKER_FILE), JSON.stringify(marker, null, 2) + '\n');
}

export type InstallState = 'installed' | 'outdated' | 'absent';

/**
 * 'installed' when the marker is there and agrees with the files the catalogue lists now (or the
 * catalogue lists none, e.g. no server configured); 'outdated' when the catalogue pins other files.
 */
export async function installState(globalStorage: string, entry: CatalogueEntry): Promise<InstallState> {
  const marker = await readMarker(modelDirFor(globalStorage, entry.id));
  if (!marker || marker.id !== entry.id) return 'absent';
  const pinned = entry.files.filter((f) => f.sha256 !== undefined);
  if (!pinned.length) return 'installed';
  const have = new Map(marker.files.map((f) => [f.path, f.sha256]));
  const same = pinned.length === marker.files.length && pinned.every((f) => have.get(f.path) === f.sha256);
  return same ? 'installed' : 'outdated';
}
