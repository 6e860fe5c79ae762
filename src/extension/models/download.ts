// Downloads a catalogue model into `<globalStorage>/models/<id>/`: every listed file into a .part,
// verified by sha256, then all renamed into place, then the folder is checked (JSON declarations
// and the files they name; no ONNX is opened, as the extension host must not load onnxruntime)
// and a marker records the completed install. Cancelling keeps the .part files for a resume.
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { checkModelFolder } from '../views/model-folder-check';
import { type CatalogueEntry, type DownloadableFile } from './catalogue';
import { DownloadCancelled, DownloadError, fetchFile, sha256File } from './download-file';
import { withDownloadLock } from './download-lock';
import { MARKER_FILE, modelDirFor, modelsRoot, writeMarker } from './installed';

export interface DownloadProgress {
  /** The file being fetched, as listed in the catalogue. */
  file: string;
  fileDone: number;
  fileTotal: number;
  /** Over all files: bytes on disk (resumed and already present files included). */
  done: number;
  total: number;
  /** Bytes received over the network in this call (for a transfer rate). */
  received: number;
}

export interface DownloadModelOptions {
  globalStorage: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  retries?: number;
  retryDelayMs?: number;
}

export const PART_SUFFIX = '.part';

/** Resolves to the model folder; rejects with DownloadError, DownloadCancelled or DownloadBusy. */
export async function downloadModel(
  entry: CatalogueEntry,
  files: DownloadableFile[],
  options: DownloadModelOptions,
): Promise<string> {
  const dir = modelDirFor(options.globalStorage, entry.id);
  await mkdir(modelsRoot(options.globalStorage), { recursive: true });
  return withDownloadLock(join(modelsRoot(options.globalStorage), `${entry.id}.lock`), entry.name, async () => {
    await mkdir(dir, { recursive: true });
    // Not a complete model while its files change (an update of an installed one).
    await rm(join(dir, MARKER_FILE), { force: true });
    const total = files.reduce((n, f) => n + f.size, 0);
    let before = 0;
    let receivedBefore = 0;
    const pending: DownloadableFile[] = [];
    for (const file of files) {
      const target = join(dir, ...file.path.split('/'));
      await mkdir(dirname(target), { recursive: true });
      const report = (fileDone: number, received: number) =>
        options.onProgress?.({
          file: file.path,
          fileDone,
          fileTotal: file.size,
          done: before + fileDone,
          total,
          received: receivedBefore + received,
        });
      if (await alreadyInPlace(target, file, options.signal)) {
        report(file.size, 0);
      } else {
        let got = 0;
        await fetchFile(file, target + PART_SUFFIX, {
          signal: options.signal,
          retries: options.retries,
          retryDelayMs: options.retryDelayMs,
          onProgress: (p) => {
            got = p.received;
            report(p.done, p.received);
          },
        });
        receivedBefore += got;
        pending.push(file);
      }
      before += file.size;
    }
    // Every file verified: only now replace what was there.
    for (const file of pending) {
      const target = join(dir, ...file.path.split('/'));
      await rename(target + PART_SUFFIX, target);
    }
    const check = await checkModelFolder(dir);
    if (!check.ok)
      throw new DownloadError(
        `the downloaded folder is not a usable model: ${check.file}: ${check.problem}`,
        check.file,
      );
    await writeMarker(dir, entry, files);
    return dir;
  });
}

/** A file already at its place with the listed size and checksum (an earlier, interrupted run). */
async function alreadyInPlace(target: string, file: DownloadableFile, signal?: AbortSignal): Promise<boolean> {
  const size = await stat(target).then(
    (s) => s.size,
    () => -1,
  );
  if (size !== file.size) return false;
  const hash = await sha256File(target, signal).catch((e: unknown) => {
    throw signal?.aborted ? new DownloadCancelled() : e;
  });
  return hash === file.sha256;
}
