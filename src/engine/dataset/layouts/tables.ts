// What the manifest and r2gen layouts share: reading the table files of the folders they detected,
// each real file once, and turning a table that is no manifest into a note rather than an error.
import { readManifestFile, type ManifestRead } from '../manifest-file';
import { displayRelative } from '../paths';
import { byCodeUnit, childPath, type FolderListing } from '../walk';
import type { Candidate, LayoutContext, LayoutResult, Skip } from './types';

/** The reason a found table is not used, by how it failed. */
function notUsedReason(read: Extract<ManifestRead, { ok: false }>): string {
  return read.kind === 'not-a-manifest'
    ? `not a manifest: ${read.problem} (left alone)`
    : `not read as a manifest: ${read.problem}`;
}

/**
 * Reads the tables `pick` chooses in `listings`, one after another (each streams its rows).
 * A symlink to a table already read (`latest.csv` → `v2.csv`) is not read a second time.
 */
export async function readTables(
  listings: FolderListing[],
  pick: (name: string) => boolean,
  ctx: LayoutContext,
): Promise<LayoutResult> {
  const files: Array<{ path: string; real: string; link: boolean }> = [];
  for (const listing of listings) {
    for (const name of listing.tables) {
      if (!pick(name)) continue;
      const link = listing.links?.get(name);
      files.push({
        path: childPath(listing.dir, name),
        real: link ?? childPath(listing.real, name),
        link: link !== undefined,
      });
    }
  }
  // Plain files first, so a link is the one "read already" whichever sorts first.
  files.sort((a, b) => Number(a.link) - Number(b.link) || byCodeUnit(a.path, b.path));
  const candidates: Candidate[] = [];
  const skips: Skip[] = [];
  const readAs = new Map<string, string>();
  for (const file of files) {
    const first = readAs.get(file.real);
    if (first !== undefined) {
      skips.push({
        path: file.path,
        reason: `not read again: symlink to ${displayRelative(ctx.root, first)}, which is read already`,
      });
      continue;
    }
    readAs.set(file.real, file.path);
    const read = await readManifestFile(ctx.root, file.path, ctx.limits, ctx.known);
    if (!read.ok) {
      skips.push({ path: file.path, reason: notUsedReason(read) });
      continue;
    }
    // Loops, not push(...): a million-row manifest would overflow the argument list.
    for (const c of read.candidates) candidates.push(c);
    for (const s of read.skips) skips.push(s);
  }
  return { candidates, skips };
}
