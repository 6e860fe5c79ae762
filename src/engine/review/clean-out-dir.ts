// Where a clean export may be written, and how: never inside the dataset folder (by real path, so
// a link to it is refused too), never over a folder holding anything but an earlier clean export,
// and each file written under a fresh temporary name (created exclusively, so never through a
// link), made durable and renamed over its target, so a reader sees the old export's file or the
// new one. The large files are streamed: a 227k-pair manifest never sits in memory as one string.
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, lstat, mkdir, readdir, realpath, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { errorCode, isWithin } from '../dataset/paths';
import { createExclusive, readNoFollow, removeAbandonedTemps, replaceAtomically } from '../store/radalign-folder';
import { ownerTag } from '../store/owner';

export const CLEAN_FORMAT = 'radalign-clean/1';
export const SUMMARY_FILE = 'clean-summary.json';
/** Every file an export may write; an earlier export's files of these names are replaced. */
export const CLEAN_FILES = ['manifest.csv', 'manifest.jsonl', 'annotation.json', SUMMARY_FILE] as const;

/** The export cannot be written where it was asked to; nothing was written. */
export class CleanExportRefused extends Error {
  override name = 'CleanExportRefused';
}

/**
 * Checks `outDir` and creates it when missing; returns it resolved. Refuses (CleanExportRefused)
 * when it lies inside the dataset folder, or holds files but no earlier clean export.
 */
export async function prepareOutDir(datasetRoot: string, outDir: string): Promise<string> {
  const out = resolve(outDir);
  const root = resolve(datasetRoot);
  const rootReal = await realpath(root);
  const outReal = await realPathOfPossiblyMissing(out);
  if (isWithin(root, out) || isWithin(rootReal, outReal)) {
    throw new CleanExportRefused(
      `${out}: lies inside the dataset folder ${root}${outReal !== out ? ` (it resolves to ${outReal})` : ''}; a clean export never writes into the dataset folder, choose a folder outside it`,
    );
  }
  const info = await lstat(out).catch((e) => (errorCode(e) === 'ENOENT' ? undefined : Promise.reject(e)));
  if (info !== undefined && !info.isDirectory()) throw new CleanExportRefused(`${out}: is not a folder`);
  if (info === undefined) {
    await mkdir(out, { recursive: true });
    return out;
  }
  for (const name of CLEAN_FILES) await removeAbandonedTemps(out, name);
  const present = (await readdir(out)).filter((n) => !isOurTemp(n));
  if (present.length === 0) return out;
  const summary = await readNoFollow(join(out, SUMMARY_FILE)).catch((e: Error) => {
    throw new CleanExportRefused(`${join(out, SUMMARY_FILE)}: ${e.message}`);
  });
  const shown = present.slice(0, 3).join(', ') + (present.length > 3 ? `, … (${present.length} in all)` : '');
  if (summary === undefined) {
    throw new CleanExportRefused(
      `${out}: not empty (${shown}) and holds no ${SUMMARY_FILE} of an earlier clean export; radalign writes a clean export only into an empty folder or over an earlier export, choose another folder`,
    );
  }
  if (!isCleanSummary(summary)) {
    throw new CleanExportRefused(
      `${join(out, SUMMARY_FILE)}: not a summary of format "${CLEAN_FORMAT}", so the folder does not hold an earlier clean export; choose another folder`,
    );
  }
  for (const name of CLEAN_FILES) {
    const target = await lstat(join(out, name)).catch(() => undefined);
    if (target && !target.isFile())
      throw new CleanExportRefused(
        `${join(out, name)}: is ${target.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}; radalign does not replace it (remove it, or choose another folder)`,
      );
  }
  return out;
}

function isCleanSummary(text: string): boolean {
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === CLEAN_FORMAT;
  } catch {
    return false;
  }
}

/** The temporary files this module writes (a crashed export's, removed above once their writer is gone). */
function isOurTemp(name: string): boolean {
  return CLEAN_FILES.some((f) => name.startsWith(`${f}.tmp-`));
}

/** realpath of `path`, or of its nearest existing ancestor with the rest appended. */
async function realPathOfPossiblyMissing(path: string): Promise<string> {
  const rest: string[] = [];
  let at = path;
  for (;;) {
    try {
      return join(await realpath(at), ...rest.reverse());
    } catch (e) {
      if (errorCode(e) !== 'ENOENT' && errorCode(e) !== 'ENOTDIR') throw e;
      const up = dirname(at);
      if (up === at) return path;
      rest.push(basename(at));
      at = up;
    }
  }
}

/** Bytes gathered before a write: few system calls, little memory. */
const CHUNK_BYTES = 1 << 20;

/** A file written as a stream under a temporary name; `commit` makes it `<dir>/<name>`, `abort` removes it. */
export class StreamedFile {
  private chunks: string[] = [];
  private pending = 0;
  private finished = false;

  private constructor(
    readonly target: string,
    readonly temp: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(dir: string, name: string): Promise<StreamedFile> {
    const target = join(dir, name);
    const temp = `${target}.tmp-${ownerTag()}-${randomBytes(4).toString('hex')}`;
    return new StreamedFile(target, temp, await createExclusive(temp));
  }

  async write(text: string): Promise<void> {
    this.chunks.push(text);
    this.pending += text.length;
    if (this.pending >= CHUNK_BYTES) await this.flush();
  }

  /** Appends another streamed file's content (its temporary file, still uncommitted). */
  async append(other: StreamedFile): Promise<void> {
    await this.flush();
    await other.finish();
    // writeFile on a handle writes all of it from the current position (write() may write less).
    for await (const chunk of createReadStream(other.temp)) await this.handle.writeFile(chunk as Buffer);
  }

  /** Makes the content durable under the temporary name. */
  async finish(): Promise<void> {
    if (this.finished) return;
    await this.flush();
    await this.handle.sync();
    await this.handle.close();
    this.finished = true;
  }

  async commit(): Promise<string> {
    await this.finish();
    await rename(this.temp, this.target);
    return this.target;
  }

  async abort(): Promise<void> {
    if (!this.finished) await this.handle.close().catch(() => {});
    this.finished = true;
    await unlink(this.temp).catch(() => {});
  }

  private async flush(): Promise<void> {
    if (this.chunks.length === 0) return;
    const text = this.chunks.join('');
    this.chunks = [];
    this.pending = 0;
    await this.handle.writeFile(text, 'utf8');
  }
}

/** Writes a small file atomically into the checked out folder. */
export function writeSmallFile(dir: string, name: string, text: string): Promise<string> {
  return replaceAtomically(dir, name, text);
}

/** Removes a file an earlier export wrote that this one does not (an annotation.json no longer wanted). */
export async function removeStale(dir: string, name: string): Promise<void> {
  const info = await lstat(join(dir, name)).catch(() => undefined);
  if (info?.isFile()) await unlink(join(dir, name));
}
