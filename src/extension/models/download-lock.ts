// One download per model at a time: within this extension host (a set of ids) and across VS Code
// windows sharing the global storage (a lock file holding the owner's pid; a dead owner's lock is
// taken over).
import { open, readFile, rm } from 'node:fs/promises';

export class DownloadBusy extends Error {
  override name = 'DownloadBusy';
}

const held = new Set<string>();

/** Runs `fn` holding the lock file `lockFile`; throws DownloadBusy when another download holds it. */
export async function withDownloadLock<T>(lockFile: string, what: string, fn: () => Promise<T>): Promise<T> {
  if (held.has(lockFile)) throw new DownloadBusy(`${what} is already being downloaded`);
  held.add(lockFile);
  try {
    await takeLockFile(lockFile, what);
    try {
      return await fn();
    } finally {
      await rm(lockFile, { force: true });
    }
  } finally {
    held.delete(lockFile);
  }
}

async function takeLockFile(lockFile: string, what: string): Promise<void> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (isAlive(owner))
        throw new DownloadBusy(`${what} is already being downloaded (by process ${owner}, another window?)`);
      await rm(lockFile, { force: true }); // left by a process that died mid-download
    }
  }
  throw new DownloadBusy(`${what}: could not take the download lock ${lockFile}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
