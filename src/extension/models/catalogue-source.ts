// Reads the bundled catalogue and, when radalign.modelCatalogueUrl names a server, its
// catalogue.json on top. An unreachable or broken server is reported, not fatal: the bundled
// entries still show, marked as not downloadable.
import { readFile } from 'node:fs/promises';
import { describeError } from '../../engine/describe-error';
import { type Catalogue, catalogueDocumentUrl, mergeCatalogues, parseCatalogue } from './catalogue';
import { requestFollowingRedirects } from './download-request';
import { describeNetError } from './net-errors';

export interface LoadedCatalogue extends Catalogue {
  /** The server's catalogue.json URL (files resolve relative to it); undefined: none configured. */
  url?: string;
  /** Why the server's catalogue could not be used, when it could not. */
  serverProblem?: string;
}

const FETCH_TIMEOUT_MS = 15_000;
/** A catalogue lists a few models: a larger document is not one (and must not fill memory). */
export const MAX_CATALOGUE_BYTES = 1024 * 1024;

export async function loadCatalogue(
  bundledFile: string,
  urlSetting: string,
  signal?: AbortSignal,
): Promise<LoadedCatalogue> {
  const bundled = parseCatalogue(JSON.parse(await readFile(bundledFile, 'utf8')), bundledFile);
  if (!urlSetting.trim()) return bundled;
  const doc = catalogueDocumentUrl(urlSetting);
  if (!doc.ok) return { ...bundled, serverProblem: doc.reason };
  try {
    const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    // Redirects followed by hand, each hop checked like the files' (it is where the checksums come from).
    const { response } = await requestFollowingRedirects(doc.url, {
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (!response.ok) {
      await response.body?.cancel();
      return { ...bundled, url: doc.url, serverProblem: `${doc.url} answered ${response.status}` };
    }
    const server = parseCatalogue(JSON.parse(await readCapped(response, MAX_CATALOGUE_BYTES, doc.url)), doc.url);
    return { ...mergeCatalogues(bundled, server), url: doc.url };
  } catch (e) {
    const known = ['CatalogueError', 'RefusedUrl', 'CatalogueTooLarge'].includes((e as Error).name);
    const problem =
      (e as Error).name === 'TimeoutError'
        ? `${doc.url} did not answer within ${FETCH_TIMEOUT_MS / 1000} s`
        : e instanceof SyntaxError
          ? `${doc.url}: not JSON (${e.message})`
          : known
            ? describeError(e)
            : describeNetError(e, doc.url);
    return { ...bundled, url: doc.url, serverProblem: problem };
  }
}

/** The body as text, refused as soon as it passes `maxBytes` (with or without Content-Length). */
async function readCapped(response: Response, maxBytes: number, url: string): Promise<string> {
  const tooLarge = () =>
    Object.assign(new Error(`${url}: the catalogue is larger than ${maxBytes / 1024 / 1024} MiB; refused`), {
      name: 'CatalogueTooLarge',
    });
  if (Number(response.headers.get('content-length') ?? 0) > maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body ?? []) {
    total += (chunk as Uint8Array).byteLength;
    if (total > maxBytes) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(chunk as Uint8Array);
  }
  return Buffer.concat(chunks).toString('utf8');
}
