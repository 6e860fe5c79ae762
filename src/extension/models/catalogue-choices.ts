// What "Select model" shows for each catalogue entry, decided without vscode so it is unit-tested:
// downloaded ones are selectable at once, hosted ones offer "Download (NN MB)…", the rest say
// honestly that nobody hosts them yet and how to export them yourself.
import { type CatalogueEntry, downloadableFiles, entrySize } from './catalogue';
import type { LoadedCatalogue } from './catalogue-source';
import type { InstallState } from './installed';
import { l10n } from '../l10n';
import { selfExportHint } from './net-errors';

export type CatalogueAction = 'select' | 'download' | 'unavailable';

export interface CatalogueChoice {
  id: string;
  action: CatalogueAction;
  label: string;
  description: string;
  detail: string;
  /** Why it cannot be downloaded, for the message shown when it is picked anyway. */
  reason?: string;
}

export function catalogueChoice(
  entry: CatalogueEntry,
  catalogue: LoadedCatalogue,
  state: InstallState,
): CatalogueChoice {
  const files = downloadableFiles(entry, catalogue.serverProblem ? undefined : catalogue.url);
  const size = entrySize(entry);
  const base = { id: entry.id, label: `$(cloud) ${entry.name}`, detail: entry.description };
  if (state === 'installed')
    return { ...base, label: `$(check) ${entry.name}`, action: 'select', description: l10n.t('downloaded') };
  if (files.ok) {
    const mb = formatMB(size ?? 0);
    return {
      ...base,
      label: `$(cloud-download) ${entry.name}`,
      action: 'download',
      description: state === 'outdated' ? l10n.t('Update ({0})…', mb) : l10n.t('Download ({0})…', mb),
    };
  }
  const reason =
    catalogue.serverProblem ??
    (catalogue.url
      ? l10n.t('not on the catalogue server: {0}', files.reason)
      : l10n.t('not available yet: no catalogue server hosts it'));
  return {
    ...base,
    action: 'unavailable',
    description:
      size !== undefined
        ? l10n.t('about {0}, not available to download', formatMB(size))
        : l10n.t('not available to download'),
    detail: `${reason}; ${selfExportHint()}`,
    reason,
  };
}

/** 605_000_000 → "605 MB", 1_200_000 → "1.2 MB" (decimal megabytes, as download sizes are given). */
export function formatMB(bytes: number): string {
  const mb = bytes / 1e6;
  return `${mb >= 100 ? Math.round(mb) : mb >= 10 ? mb.toFixed(0) : mb.toFixed(1)} MB`;
}
