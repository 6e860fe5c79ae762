// Finds a folder's pairs: walks the tree once, lets every layout of the registry claim what it
// recognises wherever it lies (or only the layout asked for), settles files claimed twice, and
// lists every image and report that ended in no pair with the reason.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { type Limits, resolveLimits } from '../limits';
import type { Discovery, LayoutName, Skipped } from '../types';
import { type LayoutRun, settleClaims } from './claims';
import { knownNonManifest } from './file-kinds';
import { finalise } from './finalise';
import { LAYOUTS, type Layout } from './layouts';
import type { LayoutContext } from './layouts/types';
import { createLimiter } from '../concurrency';
import { readManifestFile } from './manifest-file';
import { checkFile, displayRelative, isWithin, openRoot } from './paths';
import { type FolderListing, knownFiles, walkTree } from './walk';

export interface DiscoverOptions {
  /** Default 'auto': every layout, wherever it is found. A name: that layout only. */
  layout?: LayoutName | 'auto';
  /** A manifest file (or R2Gen annotation file): absolute, or relative to the folder, else to the working directory. */
  manifest?: string;
  /** What one input may cost (here: Limits.maxManifestRows); unset values take limits.ts's defaults. */
  limits?: Partial<Limits>;
}

/** Enough parallel filesystem calls to hide latency, few enough to stay clear of EMFILE. */
const FS_CONCURRENCY = 64;

/** Reason for a found file that nothing paired or explained: a guard, every layout lists its own. */
const UNCLAIMED = 'not paired: no layout claimed this file';

/**
 * Finds the pairs in `folder`. Throws only when the folder itself is missing (or an option is
 * invalid); every problem with its contents becomes a Skipped entry.
 */
export async function discover(folder: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const root = await openRoot(folder);
  const layout = options.layout ?? 'auto';
  if (options.manifest !== undefined && !['auto', 'manifest', 'r2gen'].includes(layout)) {
    throw new Error(`a manifest file only applies to the manifest and r2gen layouts, not "${layout}"`);
  }
  const limits = resolveLimits(options.limits);
  const skipped: Skipped[] = [];
  const tree = await walkTree(root, createLimiter(FS_CONCURRENCY), skipped);
  leaveKnownTablesAlone(tree.listings, skipped);
  const ctx: LayoutContext = { root, tree, limits, known: knownFiles(tree) };

  let settled;
  if (options.manifest !== undefined) {
    const given = await fromGivenManifest(ctx, options.manifest, skipped);
    settled = settleClaims(root, tree, given.runs, given.unpaired);
  } else if (layout === 'auto') {
    settled = settleClaims(root, tree, await allLayouts(ctx), UNCLAIMED);
  } else {
    const only = layoutNamed(layout);
    settled = settleClaims(
      root,
      tree,
      await forcedLayout(ctx, only, skipped),
      `not paired: only layout ${only.name} is used (--layout ${only.name}), and it does not pair this file`,
    );
  }
  return finalise(root, settled.pairs, [...skipped, ...settled.skipped]);
}

/**
 * Auto: each layout of the registry, in order, over the folders it detects. A folder a tree layout
 * takes (MIMIC, study folder, stem) is read by no later one; manifests are read in every folder.
 */
async function allLayouts(ctx: LayoutContext): Promise<LayoutRun[]> {
  const owned = new Set<FolderListing>();
  const runs: LayoutRun[] = [];
  for (const layout of LAYOUTS) {
    const mine = ctx.tree.listings.filter(
      (l) => (layout.scope === 'files' || !owned.has(l)) && layout.detect(l, 'auto'),
    );
    if (layout.scope === 'folders') for (const l of mine) owned.add(l);
    runs.push({ layout, result: await layout.pairs(mine, ctx) });
  }
  return runs;
}

/** `--layout NAME`: that layout only; tables it does not read are listed as not read. */
async function forcedLayout(ctx: LayoutContext, layout: Layout, skipped: Skipped[]): Promise<LayoutRun[]> {
  const mine = ctx.tree.listings.filter((l) => layout.detect(l, 'forced'));
  if (mine.length === 0) skipped.push({ path: ctx.root.path, reason: layout.notFound });
  for (const listing of ctx.tree.listings) {
    for (const name of listing.tables) {
      if (!layout.readsTable?.(name))
        skipped.push({
          path: join(listing.dir, name),
          reason: `not read as a manifest: only layout ${layout.name} is used (--layout ${layout.name})`,
        });
    }
  }
  return [{ layout, result: await layout.pairs(mine, ctx) }];
}

/**
 * `DiscoverOptions.manifest`: only that manifest is read; every other table and every file it
 * does not pair is listed saying so.
 */
async function fromGivenManifest(
  ctx: LayoutContext,
  manifest: string,
  skipped: Skipped[],
): Promise<{ runs: LayoutRun[]; unpaired: string }> {
  const { root } = ctx;
  const file = await locateGiven(ctx, manifest, skipped);
  const shown = file === undefined ? manifest : isWithin(root.path, file) ? displayRelative(root, file) : file;
  for (const listing of ctx.tree.listings) {
    for (const name of listing.tables) {
      const path = join(listing.dir, name);
      if (path !== file)
        skipped.push({ path, reason: `not read as a manifest: only the manifest given (${shown}) is used` });
    }
  }
  const runs: LayoutRun[] = [];
  if (file !== undefined) {
    const read = await readManifestFile(root, file, ctx.limits, ctx.known);
    if (read.ok) runs.push({ layout: layoutNamed(read.splitShaped ? 'r2gen' : 'manifest'), result: read });
    else skipped.push({ path: file, reason: `malformed manifest: ${read.problem}` });
  }
  return { runs, unpaired: `not paired: not named by the manifest given (${shown})` };
}

/**
 * The user may name a manifest anywhere, but one that lies inside the folder is reached through
 * the folder's own (possibly symlinked) entries, so it must pass the gate like any file there.
 */
async function locateGiven(ctx: LayoutContext, manifest: string, skipped: Skipped[]): Promise<string | undefined> {
  const { root } = ctx;
  const candidates = [resolve(root.path, manifest), resolve(manifest)];
  for (const file of candidates) {
    if (isWithin(root.path, file) || isWithin(root.real, file)) {
      const found = await checkFile(root, file, manifest);
      if (found.ok) return file;
      if (!found.missing) {
        skipped.push({ path: file, reason: `manifest ${found.reason}` });
        return undefined;
      }
    } else if (await exists(file)) return file;
  }
  skipped.push({ path: candidates[0], reason: 'manifest file not found' });
  return undefined;
}

function layoutNamed(name: LayoutName): Layout {
  const layout = LAYOUTS.find((l) => l.name === name);
  if (!layout) throw new Error(`unknown layout "${name}" (one of: auto, ${LAYOUTS.map((l) => l.name).join(', ')})`);
  return layout;
}

/** MIMIC-CXR's metadata and label tables are recognised by name and never read (some are 300 MB). */
function leaveKnownTablesAlone(listings: readonly FolderListing[], skipped: Skipped[]): void {
  for (const listing of listings) {
    listing.tables = listing.tables.filter((name) => {
      const what = knownNonManifest(name);
      if (what) skipped.push({ path: join(listing.dir, name), reason: `not a manifest: ${what} (left alone)` });
      return what === null;
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
