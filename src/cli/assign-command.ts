// `radalign assign`: splits the folder's scored pairs among named reviewers by suspicion rank, a
// chosen share reviewed twice (for agreement), and saves the split as .radalign/assignment.json,
// which each reviewer's "next unreviewed" in VS Code walks. Deterministic: the same results, names
// and overlap give the same shares, so running it again changes nothing until the results do.
import Table from 'cli-table3';
import {
  type Assignment,
  AssignmentInputError,
  assignPairs,
  readAssignment,
  writeAssignment,
} from '../engine/review/assignment';
import { cliFailure, type CliOutcome } from './cli-outcome';
import { savedResultsIn } from './review-target';

export interface AssignCommandOptions {
  reviewers?: string;
  overlap?: string;
}

export async function runAssign(folder: string, opts: AssignCommandOptions): Promise<CliOutcome> {
  if (opts.reviewers === undefined)
    return cliFailure('--reviewers: name the reviewers, separated by commas (e.g. --reviewers ann,bob,cleo)');
  const overlap = opts.overlap === undefined ? 0 : opts.overlap.trim() === '' ? NaN : Number(opts.overlap);
  if (Number.isNaN(overlap))
    return cliFailure(
      `--overlap: expected a share between 0 and 1 (e.g. 0.1 for 10 % of the pairs reviewed twice), got "${opts.overlap}"`,
    );
  const saved = await savedResultsIn(folder);
  if ('code' in saved) return saved;
  const { root } = saved;
  const ranked = saved.results.ids();
  await saved.results.close();
  let assignment: Assignment;
  try {
    assignment = assignPairs(ranked, opts.reviewers.split(','), overlap);
  } catch (e) {
    if (e instanceof AssignmentInputError) return cliFailure(`--${e.message}`);
    throw e;
  }
  // What this replaces, for the message: a damaged file is simply replaced (a link is refused by the write).
  const previous = await readAssignment(root).catch(() => undefined);
  let path: string;
  try {
    path = await writeAssignment(root, assignment);
  } catch (e) {
    return cliFailure(`not saved: ${(e as Error).message}`);
  }
  return { code: 0, stdout: describe(assignment, ranked, path, previous) };
}

function describe(a: Assignment, ranked: readonly string[], path: string, previous: Assignment | undefined): string {
  const rank = new Map(ranked.map((id, k) => [id, k]));
  const top = Math.ceil(ranked.length / 10);
  const owners = new Map<string, string[]>();
  for (const name of a.reviewers) for (const id of a.shares[name]) owners.set(id, [...(owners.get(id) ?? []), name]);
  const twice = [...owners.values()].filter((o) => o.length > 1);
  const table = new Table({
    head: ['reviewer', 'pairs', 'also given to another', `of the ${top} most suspicious`],
    style: { head: [], border: [] },
  });
  for (const name of a.reviewers) {
    const share = a.shares[name];
    table.push([
      name,
      share.length,
      share.filter((id) => owners.get(id)!.length > 1).length,
      share.filter((id) => rank.get(id)! < top).length,
    ]);
  }
  const couples = new Map<string, number>();
  for (const o of twice) couples.set(o.join(' & '), (couples.get(o.join(' & ')) ?? 0) + 1);
  const lines = [
    `Assigned ${ranked.length} pair${ranked.length === 1 ? '' : 's'} to ${a.reviewers.length} reviewer${a.reviewers.length === 1 ? '' : 's'}, ` +
      `${twice.length} of them to two (overlap ${a.overlap}): ${path}`,
    table.toString(),
  ];
  if (couples.size) lines.push(`Reviewed twice by: ${[...couples].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  else if (a.reviewers.length > 1)
    lines.push(
      'No pair is reviewed twice, so agreement cannot be measured; --overlap 0.1 gives a tenth of the pairs to two reviewers.',
    );
  if (previous)
    lines.push(
      `Replaced the assignment of ${previous.createdAt} (${previous.reviewers.join(', ')}, overlap ${previous.overlap}).`,
    );
  return lines.join('\n') + '\n';
}
