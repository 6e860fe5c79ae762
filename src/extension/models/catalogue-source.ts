// Reads the bundled catalogue and, when radalign.modelCatalogueUrl names a server, its
// catalogue.json on top. An unreachable or broken server is reported, not fatal: the bundled
// entries still show, marked as not downloadable.
import { readFile } from 'node:fs/promises';
import { type Catalogue, catalogueDocumentUrl, mergeCatalogues, parseCatalogue } from './catalogue';
import { describeNetError } from './net-errors';

export interface LoadedCatalogue extends Catalogue {
  /** The server's catalogue.json URL (files resolve relative to it); undefined: none configured. */
  url?: string;
  /** Why the server's catalogue could not be used, when it could not. */
  serverProblem?: string;
}

const FETCH_TIMEOUT_MS = 15_000;

export async function loadCatalogue(bundledFile: string, urlSetting: string, signal?: AbortSignal): Promise<LoadedCatalogue> {
  const bundled = parseCatalogue(JSON.parse(await readFile(bundledFile, 'utf8')), bundledFile);
  if (!urlSetting.trim()) return bundled;
  const doc = catalogueDocumentUrl(urlSetting);
  if (!doc.ok) return { ...bundled, serverProblem: doc.reason };
  try {
    const timeout = AbortSignal.timeout(FETCH_TIMEOUT_MS);
    const response = await fetch(doc.url, { signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'follow' });
    if (!response.ok) {
      await response.body?.cancel();
      return { ...bundled, url: doc.url, serverProblem: `${doc.url} answered ${response.status}` };
    }
    const server = parseCatalogue(await response.json(), doc.url);
    return { ...mergeCatalogues(bundled, server), url: doc.url };
  } catch (e) {
    const problem = (e as Error).name === 'TimeoutError' ? `${doc.url} did not answer within ${FETCH_TIMEOUT_MS / 1000} s` : e instanceof SyntaxError ? `${doc.url}: not JSON (${e.message})` : (e as Error).name === 'CatalogueError' ? (e as Error).message : describeNetError(e, doc.url);
    return { ...bundled, url: doc.url, serverProblem: problem };
  }
}
