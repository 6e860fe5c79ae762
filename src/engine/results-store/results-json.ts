// `--out results.json`: the documented radalign-results/1 document (README, "CLI contract"),
// written as a stream from a store, one pair per line, so it works at any size (a single JSON
// string of 227,000 pairs would pass V8's string limit). Keys in the order the format always had.
import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import type { SavedResults } from '../store/results-file';
import { RESULTS_FORMAT } from '../results-schema';

const FLUSH_CHARS = 4 << 20;

/** Writes `results` to `file` (through a temporary file renamed into place); returns the pairs written. */
export async function writeResultsJson(results: SavedResults, file: string): Promise<number> {
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o644);
  let pending = '';
  const write = async (text: string, force = false) => {
    pending += text;
    if (force || pending.length >= FLUSH_CHARS) {
      await handle.write(pending);
      pending = '';
    }
  };
  let count = 0;
  try {
    await write(`{"format":${JSON.stringify(RESULTS_FORMAT)},\n"model":${JSON.stringify(results.model)},\n"pairs":[`);
    for await (const pair of results.all()) {
      await write(`${count ? ',' : ''}\n${JSON.stringify(pair)}`);
      count++;
    }
    await write('\n],\n"skipped":[');
    const skipped = await results.skipped();
    for (let i = 0; i < skipped.length; i++) await write(`${i ? ',' : ''}\n${JSON.stringify(skipped[i])}`);
    await write(`\n],\n"run":${JSON.stringify(results.run)}}\n`, true);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (e) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw e;
  }
  return count;
}
