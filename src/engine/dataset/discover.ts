// Chooses a layout (or honours the one asked for) and collects a folder's pairs.
import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Discovery, LayoutName, Pair, Skipped } from '../types';
import { finalise } from './finalise';
import { folderPairs, rootNameOf, type TreeMode } from './folder-pairs';
import { gateTopLevelFile, topLevelManifestFiles } from './found-manifests';
import { createLimiter, type Limiter } from './limiter';
import { type ManifestLoad, loadManifest, manifestPairs } from './manifest';
import { discoverMimic, findMimicFiles } from './mimic';
import { type DatasetRoot, checkFile, isWithin, openRoot } from './paths';
import { walkTree } from './walk';

export interface DiscoverOptions {
  /** Default 'auto'. */
  layout?: LayoutName | 'auto';
  /** A manifest file (or R2Gen annotation file): absolute, or relative to the folder, else to the working directory. */
  manifest?: string;
}

/** R2Gen (IU X-ray, MIMIC-CXR) keeps its splits in this file at the dataset's top level. */
const R2GEN_FILE = 'annotation.json';

/** Enough parallel filesystem calls to hide latency, few enough to stay clear of EMFILE. */
const FS_CONCURRENCY = 64;

/**
 * Finds the pairs in `folder`. Throws only when the folder itself is missing; every problem
 * with its contents becomes a Skipped entry.
 */
export async function discover(folder: string, options: DiscoverOptions = {}): Promise<Discovery> {
  const root = await openRoot(folder);
  const layout = options.layout ?? 'auto';
  if (options.manifest !== undefined && !['auto', 'manifest', 'r2gen'].includes(layout)) {
    throw new Error(`a manifest file only applies to the manifest and r2gen layouts, not "${layout}"`);
  }
  const run: Run = { root, limit: createLimiter(FS_CONCURRENCY), skipped: [] };
  const pairs = options.manifest !== undefined ? await fromGivenManifest(run, options.manifest) : await byLayout(run, layout);
  return finalise(root, pairs, run.skipped);
}

interface Run {
  root: DatasetRoot;
  limit: Limiter;
  skipped: Skipped[];
}

async function byLayout(run: Run, layout: LayoutName | 'auto'): Promise<Pair[]> {
  switch (layout) {
    case 'stem':
    case 'study-folder':
      return fromTree(run, layout);
    case 'mimic': {
      const files = await findMimicFiles(run.root, run.skipped);
      if (files) return discoverMimic(run.root, files, run.limit, run.skipped);
      return none(run, 'no MIMIC-CXR structure found (expected files/pNN/pNNNNNNNN/sNNNNNNNN.txt beside folders sNNNNNNNN/)');
    }
    case 'r2gen': {
      const file = join(run.root.path, R2GEN_FILE);
      const gate = await gateTopLevelFile(run.root, file);
      if (gate.open) return fromManifestFile(run, file, await loadManifest(file));
      if (!gate.refused) return none(run, `no ${R2GEN_FILE} found at the top of the folder`);
      run.skipped.push(gate.refused);
      return [];
    }
    case 'manifest': {
      const found = await fromTopLevelManifests(run, new Map());
      return found ?? none(run, 'no manifest found: no top-level .csv, .tsv, .jsonl or .json file with image and report columns');
    }
    case 'auto':
      return auto(run);
  }
}

/** R2Gen, then MIMIC, then top-level manifests, then a walk of the tree (stem and study folders). */
async function auto(run: Run): Promise<Pair[]> {
  const loads = new Map<string, ManifestLoad>();
  const annotation = join(run.root.path, R2GEN_FILE);
  const gate = await gateTopLevelFile(run.root, annotation);
  if (gate.open) {
    const load = await loadManifest(annotation);
    loads.set(annotation, load);
    if (load.ok && load.table.splitShaped) return fromManifestFile(run, annotation, load);
  } else if (gate.refused) {
    // The top-level listing meets a refused link again, with the same reason; finalise keeps one.
    run.skipped.push(gate.refused);
  }
  const mimicFiles = await findMimicFiles(run.root, run.skipped);
  if (mimicFiles) return discoverMimic(run.root, mimicFiles, run.limit, run.skipped);
  return (await fromTopLevelManifests(run, loads)) ?? fromTree(run, 'auto');
}

/**
 * Pairs from every usable manifest at the folder's top level (null when there is none, so
 * auto-detection moves on). Files that are not usable manifests are reported, not fatal.
 */
async function fromTopLevelManifests(run: Run, loads: Map<string, ManifestLoad>): Promise<Pair[] | null> {
  const files = await topLevelManifestFiles(run.root, run.skipped);
  const usable: Pair[][] = [];
  for (const file of files) {
    const load = loads.get(file) ?? (await loadManifest(file));
    if (load.ok) usable.push(await manifestPairs(run.root, load, load.table.splitShaped ? 'r2gen' : 'manifest', run.limit, run.skipped));
    else run.skipped.push({ path: file, reason: `not used as a manifest: ${load.problem}` });
  }
  return usable.length > 0 ? usable.flat() : null;
}

/**
 * The user may name a manifest anywhere, but one that lies inside the folder is reached through
 * the folder's own (possibly symlinked) entries, so it must pass the gate like any file there.
 */
async function fromGivenManifest(run: Run, manifest: string): Promise<Pair[]> {
  const { root } = run;
  const candidates = [resolve(root.path, manifest), resolve(manifest)];
  for (const file of candidates) {
    if (isWithin(root.path, file) || isWithin(root.real, file)) {
      const found = await checkFile(root, file, manifest);
      if (found.ok) return fromManifestFile(run, file, await loadManifest(file));
      if (!found.missing) {
        run.skipped.push({ path: file, reason: `manifest ${found.reason}` });
        return [];
      }
    } else if (await exists(file)) return fromManifestFile(run, file, await loadManifest(file));
  }
  run.skipped.push({ path: candidates[0], reason: 'manifest file not found' });
  return [];
}

async function fromManifestFile(run: Run, file: string, load: ManifestLoad): Promise<Pair[]> {
  if (!load.ok) {
    run.skipped.push({ path: file, reason: `malformed manifest: ${load.problem}` });
    return [];
  }
  return manifestPairs(run.root, load, load.table.splitShaped ? 'r2gen' : 'manifest', run.limit, run.skipped);
}

async function fromTree(run: Run, mode: TreeMode): Promise<Pair[]> {
  const listings = await walkTree(run.root, run.limit, run.skipped);
  const rootName = rootNameOf(run.root.path);
  return listings.flatMap((listing) => folderPairs(listing, mode, rootName, run.skipped));
}

function none(run: Run, reason: string): Pair[] {
  run.skipped.push({ path: run.root.path, reason });
  return [];
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
