// R2Gen layout (IU X-ray, MIMIC-CXR): `annotation.json`, one JSON object of train/val/test arrays
// of {id, report, image_path: [...]}, in any folder; image paths are relative to its folder or to
// `images/` beside it. Streamed like any JSON manifest (manifest-json.ts).
import { isAnnotationFile } from '../file-kinds';
import { readTables } from './tables';
import type { Layout } from './types';

export const r2gen: Layout = {
  name: 'r2gen',
  describes: 'an annotation.json row',
  scope: 'files',
  detect: (listing) => listing.tables.some(isAnnotationFile),
  readsTable: isAnnotationFile,
  pairs: (listings, ctx) => readTables(listings, isAnnotationFile, ctx),
  notFound: 'no annotation.json found in the folder',
};
