// Where a results store (or a scored part) lives: `<dataset>/.radalign/` (through radalign-folder.ts:
// no links, exclusive creation, atomic commits) or a folder the user named (a shard folder, a
// temporary folder). Large files are created once under fresh names and never rewritten in place;
// a small file committed atomically says which of them are current.
import type { FileHandle } from 'node:fs/promises';
import { lstat, mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createExclusive,
  openNoFollow,
  radalignFolder,
  RADALIGN_DIR,
  replaceAtomically,
  writeRadalignFile,
} from '../store/radalign-folder';
import { errorCode } from '../dataset/paths';

export interface StoreLocation {
  /** For messages: the folder the files are in. */
  readonly dir: string;
  /** Creates `name` exclusively for writing. */
  create(name: string): Promise<FileHandle>;
  /** Opens `name` for reading; undefined when it is missing. */
  open(name: string): Promise<FileHandle | undefined>;
  /** Replaces `name` with `text` atomically. */
  commit(name: string, text: string): Promise<string>;
  list(): Promise<string[]>;
  /** Last modification time, or undefined when `name` is missing. */
  modifiedMs(name: string): Promise<number | undefined>;
  remove(name: string): Promise<void>;
}

async function modified(path: string): Promise<number | undefined> {
  try {
    return (await lstat(path)).mtimeMs;
  } catch {
    return undefined;
  }
}

/** `<datasetRoot>/.radalign`, created on the first write. */
export function radalignLocation(datasetRoot: string): StoreLocation {
  const dir = join(datasetRoot, RADALIGN_DIR);
  return {
    dir,
    async create(name) {
      return createExclusive(join(await radalignFolder(datasetRoot, true), name));
    },
    async open(name) {
      const folder = await radalignFolder(datasetRoot, false);
      return folder === undefined ? undefined : openNoFollow(join(folder, name));
    },
    commit: (name, text) => writeRadalignFile(datasetRoot, name, text),
    async list() {
      const folder = await radalignFolder(datasetRoot, false);
      return folder === undefined ? [] : readdir(folder);
    },
    modifiedMs: (name) => modified(join(dir, name)),
    async remove(name) {
      const folder = await radalignFolder(datasetRoot, false);
      if (folder !== undefined) await unlink(join(folder, name)).catch(() => {});
    },
  };
}

/** A plain folder the user named (created when missing). */
export function folderLocation(dir: string): StoreLocation {
  return {
    dir,
    async create(name) {
      await mkdir(dir, { recursive: true });
      return createExclusive(join(dir, name));
    },
    open: (name) => openNoFollow(join(dir, name)),
    async commit(name, text) {
      await mkdir(dir, { recursive: true });
      return replaceAtomically(dir, name, text);
    },
    async list() {
      try {
        return await readdir(dir);
      } catch (e) {
        if (errorCode(e) === 'ENOENT') return [];
        throw e;
      }
    },
    modifiedMs: (name) => modified(join(dir, name)),
    async remove(name) {
      await unlink(join(dir, name)).catch(() => {});
    },
  };
}
