// Manifest layout: a CSV, TSV, JSONL or JSON table in any folder, naming per row an id, image
// path(s) and the report text or path, relative to its own folder. Its rows are the dataset
// author's own statement, so they come first in the registry.
import { isAnnotationFile } from '../file-kinds';
import { readTables } from './tables';
import type { Layout } from './types';

const isManifestTable = (name: string) => !isAnnotationFile(name);

export const manifest: Layout = {
  name: 'manifest',
  describes: 'a manifest row',
  scope: 'files',
  detect: (listing) => listing.tables.some(isManifestTable),
  readsTable: isManifestTable,
  pairs: (listings, ctx) => readTables(listings, isManifestTable, ctx),
  notFound: 'no manifest found: no .csv, .tsv, .jsonl or .json file with image and report columns',
};
