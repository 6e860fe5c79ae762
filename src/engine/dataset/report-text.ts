// Reads a pair's report text exactly as written, so character offsets found in it point at the
// same characters in the user's file (no CRLF or Unicode normalisation).
//
// A report larger than Limits.maxReportBytes is refused, not truncated (cut text would be scored
// as if it were the report): the size is taken from the open file before anything is read, and no
// more than the limit + 1 bytes are ever read, so a 200 MB "report" costs neither time nor memory.
import { isUtf8 } from 'node:buffer';
import { open, type FileHandle } from 'node:fs/promises';
import { DEFAULT_LIMITS, type Limits } from '../limits';
import type { ReportSource } from '../types';
import { errorCode } from './paths';

/** The part of the engine's limits that reading a report uses. A whole `Limits` object fits. */
export type ReportLimits = Pick<Limits, 'maxReportBytes'>;

/** How a user raises the limit; named in every refusal. */
export const RAISE_REPORT_LIMIT = 'raise it with --max-report-bytes';

/**
 * The report's text. Throws an Error naming the report when it cannot be read, is not UTF-8, or is
 * over `limits.maxReportBytes` (default: DEFAULT_LIMITS); the caller skips the pair with that reason.
 */
export async function reportText(source: ReportSource, limits: ReportLimits = DEFAULT_LIMITS): Promise<string> {
  const max = limits.maxReportBytes;
  if (!Number.isSafeInteger(max) || max < 1) throw new Error(`maxReportBytes must be a whole number ≥ 1, got ${max}`);
  if (source.kind === 'inline') {
    const size = Buffer.byteLength(source.text, 'utf8');
    if (size > max) throw new Error(overLimit(`report text in ${source.origin}`, `is ${byteSize(size)}`, max));
    return source.text;
  }
  const bytes = await readReportFile(source.path, max);
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new Error(`report ${source.path} is UTF-16 encoded; save it as UTF-8`);
  }
  // Decoding invalid bytes would silently turn them into U+FFFD (e.g. a Latin-1 file): refuse instead.
  if (!isUtf8(bytes)) throw new Error(`report ${source.path} is not valid UTF-8 text; save it as UTF-8`);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The file's bytes, at most `max` of them: over that, from its size or from what reading found, it is refused. */
async function readReportFile(path: string, max: number): Promise<Buffer> {
  const handle = await orCannotRead(path, () => open(path, 'r'));
  try {
    const size = await orCannotRead(path, async () => (await handle.stat()).size);
    if (size > max) throw new Error(overLimit(`report ${path}`, `is ${byteSize(size)}`, max));
    const bytes = await orCannotRead(path, () => readAtMost(handle, size, max));
    // The file grew after its size was taken, or its size is not known in advance (a pipe).
    if (bytes.length > max)
      throw new Error(overLimit(`report ${path}`, `is more than ${max.toLocaleString('en-US')} bytes`, max));
    return bytes;
  } finally {
    await handle.close().catch(() => {});
  }
}

/** `step`'s result; its failure becomes "cannot read report <path> (<code>)". */
async function orCannotRead<T>(path: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw new Error(`cannot read report ${path} (${errorCode(err)})`, { cause: err });
  }
}

/**
 * Reads to the end of the file or to `max + 1` bytes, whichever comes first, into a buffer sized
 * from `size` (grown only if the file turns out longer than that).
 */
async function readAtMost(handle: FileHandle, size: number, max: number): Promise<Buffer> {
  let buffer = Buffer.allocUnsafe(Math.min(size, max) + 1);
  let total = 0;
  for (;;) {
    if (total === buffer.length) {
      if (total > max) break;
      const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, max + 1));
      buffer.copy(larger, 0, 0, total);
      buffer = larger;
    }
    const { bytesRead } = await handle.read(buffer, total, buffer.length - total, null);
    if (bytesRead === 0) break;
    total += bytesRead;
  }
  return buffer.subarray(0, total);
}

/** "report /x/a.txt is 5.2 MiB (5,452,595 bytes), over the 1 MiB (1,048,576-byte) limit for one report (raise it …); skipped". */
function overLimit(what: string, size: string, max: number): string {
  const exact = `${max.toLocaleString('en-US')}-byte`;
  const limit = max < 1024 ? exact : `${byteSize(max, false)} (${exact})`;
  return `${what} ${size}, over the ${limit} limit for one report (${RAISE_REPORT_LIMIT}); skipped`;
}

/** "5.2 MiB (5,452,595 bytes)", "1 MiB", "900 bytes": short, with the exact count the option takes. */
function byteSize(bytes: number, exact = true): string {
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 'bytes';
  for (const u of units) {
    if (value < 1024) break;
    value /= 1024;
    unit = u;
  }
  if (unit === 'bytes') return `${bytes.toLocaleString('en-US')} bytes`;
  const short = `${Number(value.toFixed(value < 10 ? 1 : 0))} ${unit}`;
  return exact ? `${short} (${bytes.toLocaleString('en-US')} bytes)` : short;
}
