// Settles what the layouts claimed: a file is paired once. Layouts are taken in registry order
// (layouts/index.ts): a pair with a file that an earlier layout's pair already holds is dropped,
// and each of its other files is listed with the reason. Pairs of one layout never compete (two
// manifest rows may name one image). Last, every image and report the walk found that ended in no
// pair and has no reason yet is listed: no file is dropped silently.
import { relative, sep } from 'node:path';
import type { Pair, Skipped } from '../types';
import type { Candidate, Layout, LayoutResult, Skip } from './layouts/types';
import { fileKeys, filePaths } from './layouts/types';
import { type DatasetRoot, displayRelative, isWithin } from './paths';
import { datasetFiles, type Tree } from './walk';

export interface LayoutRun {
  layout: Layout;
  result: LayoutResult;
}

interface Owner {
  candidate: Candidate;
  layout: Layout;
  /** Other names the same layout paired this file under (two rows naming a file and a link to it). */
  alsoAs?: Set<string>;
}

/** `unpaired`: the reason for a found file no layout paired or explained (a bug guard in auto mode). */
export function settleClaims(
  root: DatasetRoot,
  tree: Tree,
  runs: readonly LayoutRun[],
  unpaired: string,
): { pairs: Pair[]; skipped: Skipped[] } {
  const owners = new Map<string, Owner>();
  const pairs: Pair[] = [];
  const skips: Skip[] = [];
  for (const { layout, result } of runs) {
    for (const skip of result.skips) skips.push(skip);
    const winners: Candidate[] = [];
    for (const candidate of result.candidates) {
      const taken = fileKeys(candidate).find((key) => owners.has(key));
      if (taken === undefined) winners.push(candidate);
      else lost(root, candidate, layout, taken, owners.get(taken)!, skips);
    }
    // Claimed only now, so that pairs of this one layout do not push each other out.
    for (const candidate of winners) {
      const paths = filePaths(candidate.pair);
      fileKeys(candidate).forEach((key, i) => {
        const owner = owners.get(key);
        if (!owner) owners.set(key, { candidate, layout });
        else if (pathOf(owner.candidate, key) !== paths[i]) (owner.alsoAs ??= new Set()).add(paths[i]);
      });
      pairs.push(candidate.pair);
    }
  }

  const skipped: Skipped[] = [];
  const listed = new Set<string>();
  for (const skip of skips) {
    if (skip.file === undefined) {
      skipped.push({ path: skip.path, reason: skip.reason });
      continue;
    }
    const owner = owners.get(skip.file);
    if (!owner) {
      listed.add(skip.file);
      skipped.push({ path: skip.path, reason: skip.reason });
      continue;
    }
    // Paired under another name (a symlink, or a manifest naming it through a linked folder).
    if (skip.path !== pathOf(owner.candidate, skip.file) && !owner.alsoAs?.has(skip.path)) {
      const pairedAs = shown(root, pathOf(owner.candidate, skip.file));
      skipped.push({
        path: skip.path,
        reason: `not paired again: the same file as ${pairedAs}, which ${originOf(root, owner.candidate)} pairs`,
      });
    }
  }
  for (const file of datasetFiles(tree)) {
    if (owners.has(file.key) || listed.has(file.key)) continue;
    listed.add(file.key);
    skipped.push({ path: file.path, reason: unpaired });
  }
  return { pairs, skipped };
}

/** A pair that lost a file to an earlier layout: its row (if a manifest row) and its other files are listed with why. */
function lost(
  root: DatasetRoot,
  candidate: Candidate,
  layout: Layout,
  taken: string,
  owner: Owner,
  skips: Skip[],
): void {
  const reason =
    `not paired as ${layout.describes}: ${shown(root, pathOf(owner.candidate, taken))} is already paired by ${originOf(root, owner.candidate)} ` +
    `(${owner.layout.describes} takes precedence over ${layout.describes})`;
  if (candidate.where !== undefined) skips.push({ path: candidate.where, reason });
  const paths = filePaths(candidate.pair);
  fileKeys(candidate).forEach((key, i) => {
    if (key !== taken) skips.push({ path: paths[i], reason, file: key });
  });
}

function pathOf(candidate: Candidate, key: string): string {
  return filePaths(candidate.pair)[fileKeys(candidate).indexOf(key)] ?? key;
}

/** `stem pair case17`, or a manifest row as `sub/m.csv#row 3`. */
function originOf(root: DatasetRoot, candidate: Candidate): string {
  return candidate.origin ?? (candidate.where ? shown(root, candidate.where) : candidate.pair.id);
}

/** A path for messages: relative to the dataset folder with `/`, or absolute when outside it. */
function shown(root: DatasetRoot, path: string): string {
  if (isWithin(root.path, path)) return displayRelative(root, path);
  if (isWithin(root.real, path)) return relative(root.real, path).split(sep).join('/') || '.';
  return path;
}
