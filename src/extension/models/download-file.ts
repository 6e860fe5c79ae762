// Fetches one file into `<target>.part`, resuming from the bytes already there with an HTTP Range
// request (206 appends; a 200 means the server ignores ranges, so the file starts over), then
// checks its sha256. The caller renames the verified .part into place.
//
// Bounded everywhere a server could make it run on: never more bytes than the catalogue lists
// (a Content-Length over it fails before the body is read; a body that runs past it, with or
// without Content-Length, stops at once and its .part is deleted, as its bytes cannot be trusted);
// redirects are followed by hand, each hop checked (download-request.ts); transient failures (a
// dropped or reset connection, a 5xx) are retried a bounded number of times with growing delays,
// while a 4xx, a refused URL, an over-size body or a checksum mismatch are not retried at all.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import type { DownloadableFile } from './catalogue';
import { requestFollowingRedirects } from './download-request';
import { RefusedUrl, safeUrl } from './download-url-policy';
import { describeNetError, isUnreachable } from './net-errors';

export class DownloadError extends Error {
  override name = 'DownloadError';
  /** `file` is the model-folder path of the file at fault, when one is. */
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

export class DownloadCancelled extends Error {
  override name = 'DownloadCancelled';
  constructor() {
    super('download cancelled; the partial files are kept to resume');
  }
}

export interface FileProgress {
  /** Bytes of this file on disk (resumed bytes included). */
  done: number;
  /** Bytes received in this call (for the rate). */
  received: number;
}

export interface FetchFileOptions {
  signal?: AbortSignal;
  onProgress?: (p: FileProgress) => void;
  /** Extra attempts after a transient failure (dropped or reset connection, 5xx), each resuming. Default 3. */
  retries?: number;
  /** Delay before the first retry; each further one doubles it (at most MAX_RETRY_DELAY_MS). Default 500. */
  retryDelayMs?: number;
  /** Redirect hops followed per request (default download-request.ts MAX_REDIRECTS). */
  maxRedirects?: number;
}

export const MAX_RETRY_DELAY_MS = 30_000;

/** Milliseconds to wait before retry number `attempt` (0-based): base, 2×base, 4×base, … capped. */
export function backoffMs(attempt: number, baseMs = 500): number {
  return Math.min(baseMs * 2 ** attempt, MAX_RETRY_DELAY_MS);
}

/** A 5xx: the server is in trouble now, maybe not in a moment; retried. */
class ServerTrouble extends Error {}

export async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash, { signal });
  return hash.digest('hex');
}

/** Downloads `file` to `part` and verifies it; resolves once `part` holds exactly the listed bytes. */
export async function fetchFile(file: DownloadableFile, part: string, options: FetchFileOptions = {}): Promise<void> {
  const { signal, onProgress } = options;
  const retries = options.retries ?? 3;
  let received = 0;
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new DownloadCancelled();
    let have = await sizeOf(part);
    if (have > file.size) {
      await rm(part, { force: true }); // not this file (the catalogue changed): start over
      have = 0;
    }
    onProgress?.({ done: have, received });
    if (have === file.size) break;
    try {
      await fetchRange(
        file,
        part,
        have,
        {
          start: (at) => {
            have = at;
            onProgress?.({ done: have, received });
          },
          bytes: (n) => {
            received += n;
            have += n;
            onProgress?.({ done: have, received });
          },
        },
        signal,
        options.maxRedirects,
      );
    } catch (e) {
      if (signal?.aborted) throw new DownloadCancelled();
      if (e instanceof DownloadError) throw e;
      if (e instanceof RefusedUrl) throw new DownloadError(`${file.path}: ${e.message}`, file.path);
      // Offline is about the host, not this file; anything else names the file.
      if (isUnreachable(e)) throw new DownloadError(describeNetError(e, file.url));
      if (attempt >= retries) {
        const why = e instanceof ServerTrouble ? e.message : describeNetError(e, file.url);
        throw new DownloadError(
          `${file.path}: ${why} (gave up after ${attempt + 1} attempt${attempt ? 's' : ''}; retries limit ${retries})`,
          file.path,
        );
      }
      await delay(backoffMs(attempt, options.retryDelayMs), signal);
    }
  }
  const actual = await sha256File(part, signal).catch((e: unknown) => {
    throw signal?.aborted ? new DownloadCancelled() : e;
  });
  if (actual !== file.sha256) {
    await rm(part, { force: true });
    throw new DownloadError(
      `${file.path}: checksum mismatch (expected sha256 ${file.sha256}, got ${actual}); the download was deleted, try again`,
      file.path,
    );
  }
}

/**
 * One request from byte `from`; appends what arrives to `part`. A short body is retried by the
 * caller; a body longer than the listed size is not (DownloadError, .part deleted).
 */
async function fetchRange(
  file: DownloadableFile,
  part: string,
  from: number,
  on: { start(at: number): void; bytes(n: number): void },
  signal?: AbortSignal,
  maxRedirects?: number,
): Promise<void> {
  const { response, url } = await requestFollowingRedirects(file.url, {
    headers: from > 0 ? { Range: `bytes=${from}-` } : {},
    signal,
    maxRedirects,
  });
  const where = safeUrl(url);
  let append: boolean;
  if (response.status === 206 && from > 0 && rangeStart(response.headers.get('content-range')) === from) append = true;
  else if (response.status === 200) append = false;
  else if (response.status === 416 || response.status === 206) {
    // The server's idea of the range differs from ours: drop the partial file and start over.
    await response.body?.cancel();
    await rm(part, { force: true });
    throw new Error(`server answered ${response.status} to a resume; starting the file over`);
  } else {
    await response.body?.cancel();
    const answered = `${where} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
    if (response.status >= 500) throw new ServerTrouble(answered);
    throw new DownloadError(`${file.path}: ${answered}`, file.path);
  }
  const start = append ? from : 0;
  const length = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(length) && start + length !== file.size) {
    await response.body?.cancel();
    throw new DownloadError(
      `${file.path}: the server's file has ${start + length} bytes, the catalogue says ${file.size} (Content-Length from ${where}); refused before reading it`,
      file.path,
    );
  }
  on.start(start); // a 200 to a resume starts the file over
  if (!response.body) throw new Error('empty response body');
  // Each chunk is on disk before it is counted, so a drop or a cancel keeps exactly what was
  // reported (a stream pipeline would discard its buffers when it errors). A chunk that would take
  // the file past its listed size is not written: the .part never exceeds the listed size.
  const room = file.size - start;
  let got = 0;
  let overBy = 0;
  const handle = await open(part, append ? 'a' : 'w');
  try {
    for await (const chunk of response.body) {
      if (got + chunk.length > room) {
        overBy = got + chunk.length - room;
        break; // cancels the body: the connection is closed, nothing more is read
      }
      await handle.write(chunk);
      got += chunk.length;
      on.bytes(chunk.length);
    }
  } finally {
    await handle.close();
  }
  if (overBy) {
    await rm(part, { force: true });
    throw new DownloadError(
      `${file.path}: ${where} sent more than the ${file.size} bytes the catalogue lists (at least ${file.size + overBy}); stopped, and the partial file was deleted`,
      file.path,
    );
  }
  if ((await sizeOf(part)) < file.size) throw new Error('the connection closed before the end of the file');
}

/** `bytes 100-199/200` → 100. */
function rangeStart(header: string | null): number | undefined {
  const m = header && /^bytes (\d+)-\d+\/(?:\d+|\*)$/.exec(header.trim());
  return m ? Number(m[1]) : undefined;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new DownloadCancelled());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
