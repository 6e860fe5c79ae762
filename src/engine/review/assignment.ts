// Who reviews which pairs: the ranked pairs split among named reviewers, a chosen share of them
// given to two reviewers so that agreement can be measured. Deterministic (the same ranking,
// names and overlap give the same shares, on any machine), so a team can recompute and compare.
// Saved as `<dataset>/.radalign/assignment.json`, which every reviewer's "next" walks; the folder
// comes from someone else, so the file is read through radalign-folder.ts (no links) and validated.
import * as v from 'valibot';
import { join } from 'node:path';
import { describeIssue, pathTo } from '../results-schema';
import { RADALIGN_DIR, readRadalignFile, writeRadalignFile } from '../store/radalign-folder';

export const ASSIGNMENT_FORMAT = 'radalign-assignment/1';
const ASSIGNMENT_NAME = 'assignment.json';
/** Relative to the dataset folder. */
export const ASSIGNMENT_FILE = join(RADALIGN_DIR, ASSIGNMENT_NAME);

export interface Assignment {
  format: typeof ASSIGNMENT_FORMAT;
  createdAt: string;
  /** In the order they were named. */
  reviewers: string[];
  /** Share of the pairs given to two reviewers, 0..1. */
  overlap: number;
  /** Each reviewer's pair ids, most suspicious first. */
  shares: Record<string, string[]>;
}

/** Bad input to assignPairs; `option` is what the user gave it as (`--reviewers`, `--overlap`). */
export class AssignmentInputError extends Error {
  constructor(
    readonly option: 'reviewers' | 'overlap',
    readonly problem: string,
  ) {
    super(`${option}: ${problem}`);
    this.name = 'AssignmentInputError';
  }
}

/** Names a JSON object cannot hold as a key once validated (valibot drops them: prototype pollution). */
const RESERVED_NAMES = new Set(['__proto__', 'prototype', 'constructor']);

/**
 * Checks and trims the names: at least one, none empty, no two the same. Throws
 * AssignmentInputError naming the option.
 */
export function reviewerNames(reviewers: readonly string[]): string[] {
  const names = reviewers.map((r) => r.trim());
  if (names.length === 0) throw new AssignmentInputError('reviewers', 'name at least one reviewer');
  const seen = new Set<string>();
  for (const [k, name] of names.entries()) {
    if (name === '') throw new AssignmentInputError('reviewers', `name ${k + 1} of ${names.length} is empty`);
    if (RESERVED_NAMES.has(name))
      throw new AssignmentInputError('reviewers', `"${name}" cannot be a reviewer's name; choose another`);
    if (seen.has(name)) throw new AssignmentInputError('reviewers', `"${name}" is named twice`);
    seen.add(name);
  }
  return names;
}

/** Whether the pair at rank position i (0-based) is reviewed twice: spread evenly, the first one included. */
export function isDoubled(i: number, overlap: number): boolean {
  // ceil((i+1)·overlap) > ceil(i·overlap) holds for ⌈N·overlap⌉ of the first N pairs, for every N.
  // The slack keeps 100 × 0.07 (7.000…1 in floating point) from gaining a pair.
  return overlap > 0 && ceilish((i + 1) * overlap) > ceilish(i * overlap);
}

function ceilish(x: number): number {
  return Math.ceil(x - 1e-9);
}

/**
 * Splits `rankedIds` (most suspicious first) among `reviewers`: pairs are dealt in rank order, each
 * to the reviewer with the fewest pairs so far, so every reviewer's load stays within one pair of
 * every other's at every rank and each gets an even share of the most suspicious pairs.
 * ⌈N·overlap⌉ pairs, spread evenly over the ranks, go to two different reviewers, chosen so that
 * the double reviews spread evenly over reviewers and over every two of them (each couple gets
 * pairs to compare, for Cohen's kappa). Ties go to whoever was dealt to longest ago, then to the
 * order named; nothing is random.
 */
export function assignPairs(
  rankedIds: readonly string[],
  reviewers: readonly string[],
  overlap: number,
  now: Date = new Date(),
): Assignment {
  const names = reviewerNames(reviewers);
  if (typeof overlap !== 'number' || !Number.isFinite(overlap) || overlap < 0 || overlap > 1) {
    throw new AssignmentInputError(
      'overlap',
      `expected a share between 0 and 1 (e.g. 0.1 for 10 % of the pairs reviewed twice), got ${overlap}`,
    );
  }
  if (overlap > 0 && names.length < 2)
    throw new AssignmentInputError(
      'overlap',
      `pairs reviewed twice need at least two reviewers; only "${names[0]}" is named`,
    );
  const r = names.length;
  const shares: string[][] = names.map(() => []);
  const twiceCount = new Array<number>(r).fill(0); // pairs each reviewer shares with another
  const common: number[][] = names.map(() => new Array<number>(r).fill(0)); // pairs two reviewers share
  const lastDealt = new Array<number>(r).fill(-1);
  let dealt = 0;
  const give = (k: number, id: string) => {
    shares[k].push(id);
    lastDealt[k] = dealt++;
  };
  // Negative when reviewer j comes before k for a pair given to one reviewer: the less loaded;
  // then whoever shares more pairs already (those who share fewer stay less loaded and so are
  // dealt the next pair given to two); then whoever was dealt to longer ago; then the order named.
  const single = (j: number, k: number) =>
    shares[j].length - shares[k].length || twiceCount[k] - twiceCount[j] || lastDealt[j] - lastDealt[k] || j - k;
  // Negative when the couple (j1, k1) comes before (j2, k2) for a pair given to two: the least
  // loaded two (loads stay within one of each other); then the couple that shares fewest pairs;
  // then the one whose busier member shares fewest, and fewest in all; then the longest waiting.
  const couple = (j1: number, k1: number, j2: number, k2: number) =>
    shares[j1].length + shares[k1].length - shares[j2].length - shares[k2].length ||
    common[j1][k1] - common[j2][k2] ||
    Math.max(twiceCount[j1], twiceCount[k1]) - Math.max(twiceCount[j2], twiceCount[k2]) ||
    twiceCount[j1] + twiceCount[k1] - twiceCount[j2] - twiceCount[k2] ||
    Math.max(lastDealt[j1], lastDealt[k1]) - Math.max(lastDealt[j2], lastDealt[k2]);
  for (let i = 0; i < rankedIds.length; i++) {
    const id = rankedIds[i];
    if (!isDoubled(i, overlap)) {
      let best = 0;
      for (let k = 1; k < r; k++) if (single(k, best) < 0) best = k;
      give(best, id);
      continue;
    }
    let [bj, bk] = [0, 1];
    for (let j = 0; j < r; j++) for (let k = j + 1; k < r; k++) if (couple(j, k, bj, bk) < 0) [bj, bk] = [j, k];
    give(bj, id);
    give(bk, id);
    twiceCount[bj]++;
    twiceCount[bk]++;
    common[bj][bk]++;
    common[bk][bj]++;
  }
  return {
    format: ASSIGNMENT_FORMAT,
    createdAt: now.toISOString(),
    reviewers: names,
    overlap,
    // fromEntries defines own properties, whatever the names.
    shares: Object.fromEntries(names.map((name, k) => [name, shares[k]])),
  };
}

// ------------------------------------------------------------------ the file

const nonEmpty = v.pipe(v.string('expected a string'), v.minLength(1, 'expected a non-empty string'));

const AssignmentSchema = v.pipe(
  v.object({
    format: v.literal(ASSIGNMENT_FORMAT, `expected "${ASSIGNMENT_FORMAT}"`),
    createdAt: v.pipe(
      v.string('expected a time'),
      v.isoTimestamp('expected an ISO 8601 time such as 2026-11-30T10:00:00.000Z'),
    ),
    reviewers: v.pipe(v.array(nonEmpty, 'expected a list of names'), v.minLength(1, 'expected at least one reviewer')),
    overlap: v.pipe(
      v.number('expected a number'),
      v.finite('expected a finite number'),
      v.minValue(0, 'expected 0..1'),
      v.maxValue(1, 'expected 0..1'),
    ),
    shares: v.record(
      v.string(),
      v.array(nonEmpty, 'expected a list of pair ids'),
      'expected an object of reviewer → pair ids',
    ),
  }),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed) return;
    const a = dataset.value;
    const seen = new Set<string>();
    for (const [k, name] of a.reviewers.entries()) {
      const problem =
        name.trim() !== name
          ? 'has spaces around it'
          : RESERVED_NAMES.has(name)
            ? 'is not a usable name'
            : seen.has(name)
              ? 'is named twice'
              : undefined;
      if (problem) return addIssue({ message: `"${name}" ${problem}`, path: pathTo(a, ['reviewers', k]) });
      seen.add(name);
    }
    if (a.overlap > 0 && a.reviewers.length < 2)
      return addIssue({
        message: 'above 0 with a single reviewer (pairs reviewed twice need two)',
        path: pathTo(a, ['overlap']),
      });
    for (const name of Object.keys(a.shares)) {
      if (!seen.has(name))
        return addIssue({ message: `"${name}" is not one of the reviewers`, path: pathTo(a, ['shares', name]) });
    }
    for (const name of a.reviewers) {
      if (!Object.hasOwn(a.shares, name)) return addIssue({ message: 'missing', path: pathTo(a, ['shares', name]) });
      const ids = new Set<string>();
      for (const [k, id] of a.shares[name].entries()) {
        if (ids.has(id))
          return addIssue({ message: `"${id}" appears twice in one share`, path: pathTo(a, ['shares', name, k]) });
        ids.add(id);
      }
    }
  }),
);

/**
 * The saved assignment of the dataset at `root`; undefined when there is none. Throws an Error
 * naming the file and the field when it cannot be used, and RefusedPathError for a link.
 */
export async function readAssignment(root: string): Promise<Assignment | undefined> {
  const text = await readRadalignFile(root, ASSIGNMENT_NAME);
  if (text === undefined) return undefined;
  const file = join(root, ASSIGNMENT_FILE);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file}: not valid JSON (${(e as Error).message}); run "radalign assign" again to rewrite it`, {
      cause: e,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new Error(`${file}: not a radalign assignment (expected a JSON object)`);
  const format = (json as { format?: unknown }).format;
  if (format !== ASSIGNMENT_FORMAT) {
    throw new Error(
      `${file}: format: ${format === undefined ? 'missing' : `${JSON.stringify(format)} is not "${ASSIGNMENT_FORMAT}"`}, so it is not an assignment this radalign reads`,
    );
  }
  const parsed = v.safeParse(AssignmentSchema, json);
  if (!parsed.success) {
    const [first, ...rest] = parsed.issues;
    const more = rest.length ? ` (and ${rest.length} more problem${rest.length === 1 ? '' : 's'})` : '';
    throw new Error(`${file}: ${describeIssue(first)}${more}; run "radalign assign" again to rewrite it`);
  }
  return parsed.output as Assignment;
}

/** Saves `a` as `<root>/.radalign/assignment.json` (atomic, never through a link); returns its path. */
export async function writeAssignment(root: string, a: Assignment): Promise<string> {
  return writeRadalignFile(root, ASSIGNMENT_NAME, JSON.stringify(a, null, 1) + '\n');
}
